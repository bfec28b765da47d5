"""Changing the unit tree after the fact: rename, move (also to fix a ledger with two top
units, or a unit entered as the wrong kind), remove an empty unit.

Each keeps the tree's rules (``units.check_place``): one top unit, kinds in order, no loops.
Reports follow the tree as it is now, so a move also moves the unit's past figures to its new
parent; the audit trail keeps where it stood before.
"""

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.i18n import _, ngettext
from zhaoshang_cli.store import audit
from zhaoshang_cli.store.models import Activity, CreditBefore, ProjectUnit, Target, Unit
from zhaoshang_cli.units.tree import (
    LEVELS_TEXT,
    a,
    check_free_name,
    check_kind,
    check_place,
    children_of,
    clean_name,
    descendant_ids,
    find_unit,
    may_sit_under,
    path_of,
)


def rename_unit(session: Session, name: str, new_name: str) -> Unit:
    unit = find_unit(session, name)
    new_name = clean_name(new_name)
    if new_name == unit.name:
        raise Invalid(_("{unit} already has that name.").format(unit=unit.name))
    parent = session.get(Unit, unit.parent_id) if unit.parent_id else None
    check_free_name(session, new_name, parent)
    if parent is not None and parent.name == new_name:
        raise Invalid(
            _("A unit cannot sit under a unit of its own name ({name} under {name}).").format(
                name=new_name
            )
        )
    if any(child.name == new_name for child in children_of(session, unit)):
        raise Invalid(
            _(
                "{unit} has a unit named {name} under it; a unit cannot sit under its own name."
            ).format(unit=unit.name, name=new_name)
        )
    before = {"name": unit.name, "path": "/".join(path_of(session, unit))}
    unit.name = new_name
    session.add(unit)
    session.flush()
    after = {"name": new_name, "path": "/".join(path_of(session, unit))}
    audit.record(session, "unit.rename", "unit", unit.id, before=before, after=after)
    return unit


def move_unit(
    session: Session, name: str, parent: str | None = None, kind: str | None = None
) -> Unit:
    """Under another parent, and/or as another kind; the units below it come along."""
    if parent is None and kind is None:
        raise Invalid(_("Say where to move the unit with --parent, or what it is with --kind."))
    unit = find_unit(session, name)
    new_kind = check_kind(kind) if kind else unit.kind
    if parent is not None:
        new_parent = find_unit(session, parent)
    else:
        new_parent = session.get(Unit, unit.parent_id) if unit.parent_id else None
    if new_parent is not None and new_parent.id == unit.id:
        raise Invalid(_("{unit} cannot sit under itself.").format(unit=unit.name))
    if new_parent is not None and new_parent.id in descendant_ids(session, unit):
        raise Invalid(
            _("{parent} is inside {unit}; moving {unit} under it would make a loop.").format(
                parent=new_parent.name, unit=unit.name
            )
        )
    same_parent = (new_parent.id if new_parent else None) == unit.parent_id
    if same_parent and new_kind == unit.kind:
        where = (
            _("under {parent}").format(parent=new_parent.name)
            if new_parent
            else _("at the top of the tree")
        )
        raise Invalid(
            _("{unit} is already {kind} {where}; nothing to move.").format(
                unit=unit.name, kind=a(unit.kind), where=where
            )
        )
    if (new_kind == "person") != (unit.kind == "person"):
        raise Invalid(
            _(
                "{unit} is {kind} and cannot become {new_kind}: only other kinds of "
                "unit change into one another."
            ).format(unit=unit.name, kind=a(unit.kind), new_kind=a(new_kind))
        )
    if new_parent is not None:
        check_place(new_kind, unit.name, new_parent)
        if not same_parent:
            check_free_name(session, unit.name, new_parent)
    for child in children_of(session, unit):
        if not may_sit_under(child.kind, new_kind):
            raise Invalid(
                _(
                    "{child}, {kind} under {unit}, cannot sit under {new_kind} "
                    "(the order is {order}); move it first."
                ).format(
                    child=child.name,
                    kind=a(child.kind),
                    unit=unit.name,
                    new_kind=a(new_kind),
                    order=_(LEVELS_TEXT),
                )
            )
    before = {"path": "/".join(path_of(session, unit)), "kind": unit.kind}
    unit.parent_id = new_parent.id if new_parent else None
    unit.kind = new_kind
    session.add(unit)
    session.flush()
    after = {"path": "/".join(path_of(session, unit)), "kind": new_kind}
    audit.record(session, "unit.move", "unit", unit.id, before=before, after=after)
    return unit


def remove_unit(session: Session, name: str) -> Unit:
    """Only a unit that holds nothing: no units under it, no projects credited to it, no
    targets (past ones included) and no effort records. Anything else is history."""
    unit = find_unit(session, name)
    holdings = [
        (
            Unit,
            col(Unit.parent_id),
            lambda n: ngettext("{count} unit under it", "{count} units under it", n),
        ),
        (
            ProjectUnit,
            col(ProjectUnit.unit_id),
            lambda n: ngettext("{count} project", "{count} projects", n),
        ),
        (
            CreditBefore,
            col(CreditBefore.unit_id),
            lambda n: ngettext(
                "{count} earlier credit of a project", "{count} earlier credits of projects", n
            ),
        ),
        (Target, col(Target.unit_id), lambda n: ngettext("{count} target", "{count} targets", n)),
        (
            Activity,
            col(Activity.unit_id),
            lambda n: ngettext("{count} effort record", "{count} effort records", n),
        ),
    ]
    held = []
    for model, column, words in holdings:
        count = session.exec(select(func.count()).select_from(model).where(column == unit.id)).one()
        if count:
            held.append(words(count).format(count=count))
    path = "/".join(path_of(session, unit))
    if held:
        raise Invalid(
            _("{path} holds {held}; only a unit with nothing in it can be removed.").format(
                path=path, held=_(", ").join(held)
            )
        )
    before = {"path": path, "kind": unit.kind, "rank": unit.rank}
    unit_id = unit.id
    try:
        session.delete(unit)
        session.flush()
    except IntegrityError:
        raise Invalid(
            _("{path} is still referred to in the ledger and cannot be removed.").format(path=path)
        ) from None
    audit.record(session, "unit.remove", "unit", unit_id, before=before)
    return unit
