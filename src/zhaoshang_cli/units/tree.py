"""The unit tree (责任单位): city → counties, zones, departments → towns, offices → persons.

The tree has one top unit — the city, or the county (or zone) whose own ledger it is — so a
report without ``--unit`` and the cron bulletin know whose figures to give. Kinds stand in a
fixed order, each strictly below its parent (see ``KIND_LEVEL``).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from zhaoshang_cli.core import dates
from zhaoshang_cli.core.errors import Invalid, ZsError
from zhaoshang_cli.core.glossary import UNIT_KIND
from zhaoshang_cli.core.i18n import N_, _, is_english
from zhaoshang_cli.core.text import clean_text
from zhaoshang_cli.store import audit
from zhaoshang_cli.store.models import Unit
from zhaoshang_cli.units.facts import KIND_ORDER as KIND_ORDER
from zhaoshang_cli.units.facts import subtree as subtree
from zhaoshang_cli.units.facts import the_top, unit_named

# A unit stands strictly below its parent's level: a city only at the top; a county (县、区、
# 县级市) may hold its own zones, departments and groups (so a county's ledger fits under a
# county at the top); towns and offices sit inside those, offices also inside offices (科 → 组);
# a person under any unit but a person.
KIND_LEVEL = {
    "city": 0,
    "county": 1,
    "zone": 2,
    "department": 2,
    "group": 2,
    "town": 3,
    "office": 3,
    "person": 4,
}
LEVELS_TEXT = N_("city > county > zone, department, group > town, office > person")


def may_sit_under(kind: str, parent_kind: str) -> bool:
    return KIND_LEVEL[kind] > KIND_LEVEL[parent_kind] or kind == parent_kind == "office"


def a(kind: str) -> str:
    """'a county', 'an office'; in Chinese the kind's label: 县区."""
    if not is_english():
        return UNIT_KIND.label(kind)
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def check_kind(kind: str) -> str:
    """The kind's code, from city/市, county/县区/县/区 …"""
    return UNIT_KIND.parse(kind)


def find_unit(session: Session, name: str) -> Unit:
    """By name, or by path (甲县/城关镇) where a name is used under several parents. Inside
    ``units_cached`` (an import, which adds no units) each name is looked up once."""
    cache = session.info.get(UNIT_CACHE)
    if cache is not None:
        if name not in cache:
            try:
                cache[name] = _find_unit(session, name)
            except ZsError as exc:
                cache[name] = exc
        found = cache[name]
        if isinstance(found, ZsError):
            raise found
        return found
    return _find_unit(session, name)


UNIT_CACHE = "unit_cache"


@contextmanager
def units_cached(session: Session) -> Iterator[None]:
    """Units looked up once each while a sheet is applied (a unit added meanwhile is not)."""
    session.info[UNIT_CACHE] = {}
    try:
        yield
    finally:
        session.info.pop(UNIT_CACHE, None)


def _find_unit(session: Session, name: str) -> Unit:
    return session.get(Unit, unit_named(session, name).id)  # type: ignore[return-value]


def path_of(session: Session, unit: Unit) -> list[str]:
    names = [unit.name]
    current = unit
    while current.parent_id is not None:
        current = session.get(Unit, current.parent_id)  # type: ignore[assignment]
        names.append(current.name)
    return list(reversed(names))


def clean_name(name: str) -> str:
    name = clean_text(name, N_("unit name"), required=True)  # type: ignore[assignment]
    if "/" in name:
        raise Invalid(_("The unit name {name!r} may not contain '/'.").format(name=name))
    return name


def add_unit(
    session: Session,
    name: str,
    kind: str,
    parent: str | None = None,
    rank: str | None = None,
) -> Unit:
    name = clean_name(name)
    rank = clean_text(rank, N_("rank"))
    kind = check_kind(kind)
    parent_unit = find_unit(session, parent) if parent else None
    if rank and kind != "person":
        raise Invalid(_("Only persons have a --rank."))
    check_free_name(session, name, parent_unit)
    if parent_unit is None:
        check_new_top(session, kind)
    else:
        check_place(kind, name, parent_unit)
    unit = Unit(
        name=name,
        kind=kind,
        parent_id=parent_unit.id if parent_unit else None,
        rank=rank,
        created_at=dates.utcnow(),
    )
    session.add(unit)
    session.flush()
    audit.record(
        session,
        "unit.add",
        "unit",
        unit.id,
        after={
            "name": name,
            "kind": kind,
            "parent": parent_unit.name if parent_unit else None,
            "rank": rank,
        },
    )
    return unit


def check_free_name(session: Session, name: str, parent: Unit | None) -> None:
    siblings = select(Unit).where(Unit.name == name)
    siblings = siblings.where(
        Unit.parent_id == parent.id if parent else col(Unit.parent_id).is_(None)
    )
    if session.exec(siblings).first():
        where = (
            _("under {parent}").format(parent=parent.name)
            if parent
            else _("at the top of the tree")
        )
        raise Invalid(
            _("A unit named {name!r} already exists {where}.").format(name=name, where=where)
        )


def check_new_top(session: Session, kind: str) -> None:
    """Only the first unit stands without a parent, and it is not a person."""
    top = session.exec(select(Unit).where(col(Unit.parent_id).is_(None))).first()
    if top is not None and kind == "city":
        raise Invalid(
            _(
                "The ledger already has its top unit, {top}, and a city can stand only there."
            ).format(top=top.name)
        )
    if top is not None:
        raise Invalid(
            _("{kind} needs a --parent; the top of the tree is {top}.").format(
                kind=a(kind).capitalize(), top=top.name
            )
        )
    if kind == "person":
        raise Invalid(_("A person needs a --parent; the first unit is the city (or your county)."))


def check_place(kind: str, name: str, parent: Unit) -> None:
    """A unit sits strictly below its parent's level, and never under a unit of its name."""
    if not may_sit_under(kind, parent.kind):
        raise Invalid(
            _("{kind} cannot sit under {parent}, {parent_kind}; the order is {order}.").format(
                kind=a(kind).capitalize(),
                parent=parent.name,
                parent_kind=a(parent.kind),
                order=_(LEVELS_TEXT),
            )
        )
    if parent.name == name:
        raise Invalid(
            _("A unit cannot sit under a unit of its own name ({name} under {name}).").format(
                name=name
            )
        )


def top_unit(session: Session) -> Unit:
    """The one unit at the top: whose figures a report without --unit and the bulletin give."""
    return session.get(Unit, the_top(session).id)  # type: ignore[return-value]


@dataclass
class UnitNode:
    unit: Unit
    depth: int
    path: str


def unit_tree(session: Session) -> list[UnitNode]:
    """Depth-first, children ordered by kind (counties, zones, departments …) then id."""
    units = list(session.exec(select(Unit).order_by(col(Unit.id))))
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    for siblings in children.values():
        siblings.sort(key=lambda u: (KIND_ORDER.index(u.kind), u.id or 0))
    nodes: list[UnitNode] = []

    def walk(parent_id: int | None, depth: int, prefix: str) -> None:
        for unit in children.get(parent_id, []):
            path = f"{prefix}/{unit.name}" if prefix else unit.name
            nodes.append(UnitNode(unit, depth, path))
            walk(unit.id, depth + 1, path)

    walk(None, 0, "")
    return nodes


def children_of(session: Session, unit: Unit) -> list[Unit]:
    query = select(Unit).where(Unit.parent_id == unit.id).order_by(col(Unit.id))
    return sorted(session.exec(query), key=lambda u: (KIND_ORDER.index(u.kind), u.id or 0))


def descendant_ids(session: Session, unit: Unit) -> list[int]:
    """The unit and everything below it, via a recursive query."""

    tree = subtree([unit.id])  # type: ignore[list-item]
    return list(session.connection().execute(core_select(tree.c.id)).scalars())
