"""Changing the unit tree after the fact: rename, move (also to fix a ledger with two top
units, or a unit entered as the wrong kind), remove an empty unit.

Each keeps the tree's rules (``units.check_place``): one top unit, kinds in order, no loops.
Reports follow the tree as it is now, so a move also moves the unit's past figures to its new
parent; the audit trail keeps where it stood before.
"""

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from zhaoshang_cli import audit
from zhaoshang_cli.errors import Invalid
from zhaoshang_cli.models import Activity, ProjectUnit, Target, Unit
from zhaoshang_cli.units import (
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
        raise Invalid(f"{unit.name} already has that name.")
    parent = session.get(Unit, unit.parent_id) if unit.parent_id else None
    check_free_name(session, new_name, parent)
    if parent is not None and parent.name == new_name:
        raise Invalid(
            f"A unit cannot sit under a unit of its own name ({new_name} under {new_name})."
        )
    if any(child.name == new_name for child in children_of(session, unit)):
        raise Invalid(
            f"{unit.name} has a unit named {new_name} under it; a unit cannot sit under its own name."
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
        raise Invalid("Say where to move the unit with --parent, or what it is with --kind.")
    unit = find_unit(session, name)
    new_kind = check_kind(kind) if kind else unit.kind
    if parent is not None:
        new_parent = find_unit(session, parent)
    else:
        new_parent = session.get(Unit, unit.parent_id) if unit.parent_id else None
    if new_parent is not None and new_parent.id == unit.id:
        raise Invalid(f"{unit.name} cannot sit under itself.")
    if new_parent is not None and new_parent.id in descendant_ids(session, unit):
        raise Invalid(
            f"{new_parent.name} is inside {unit.name}; moving {unit.name} under it would make a loop."
        )
    same_parent = (new_parent.id if new_parent else None) == unit.parent_id
    if same_parent and new_kind == unit.kind:
        where = f"under {new_parent.name}" if new_parent else "at the top of the tree"
        raise Invalid(f"{unit.name} is already {a(unit.kind)} {where}; nothing to move.")
    if (new_kind == "person") != (unit.kind == "person"):
        raise Invalid(
            f"{unit.name} is {a(unit.kind)} and cannot become {a(new_kind)}: only other kinds of "
            "unit change into one another."
        )
    if new_parent is not None:
        check_place(new_kind, unit.name, new_parent)
        if not same_parent:
            check_free_name(session, unit.name, new_parent)
    for child in children_of(session, unit):
        if not may_sit_under(child.kind, new_kind):
            raise Invalid(
                f"{child.name}, {a(child.kind)} under {unit.name}, cannot sit under "
                f"{a(new_kind)} (the order is {LEVELS_TEXT}); move it first."
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
        (Unit, col(Unit.parent_id), "unit under it", "units under it"),
        (ProjectUnit, col(ProjectUnit.unit_id), "project", "projects"),
        (Target, col(Target.unit_id), "target", "targets"),
        (Activity, col(Activity.unit_id), "effort record", "effort records"),
    ]
    held = []
    for model, column, one, many in holdings:
        count = session.exec(select(func.count()).select_from(model).where(column == unit.id)).one()
        if count:
            held.append(f"{count} {one if count == 1 else many}")
    path = "/".join(path_of(session, unit))
    if held:
        raise Invalid(
            f"{path} holds {', '.join(held)}; only a unit with nothing in it can be removed."
        )
    before = {"path": path, "kind": unit.kind, "rank": unit.rank}
    unit_id = unit.id
    try:
        session.delete(unit)
        session.flush()
    except IntegrityError:
        raise Invalid(f"{path} is still referred to in the ledger and cannot be removed.") from None
    audit.record(session, "unit.remove", "unit", unit_id, before=before)
    return unit
