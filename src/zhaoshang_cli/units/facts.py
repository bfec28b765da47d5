"""What a reading command (the report) needs of the unit tree, through Core and without the
ORM: a unit's facts by name or at the top, its children, the subtree as a query. ``tree``
gives the ORM objects for the commands that change units; both refuse with the sentences
made here."""

from dataclasses import dataclass

from sqlalchemy import select

from zhaoshang_cli.core.errors import Invalid, NotFound
from zhaoshang_cli.core.i18n import _
from zhaoshang_cli.store.db import Db, connection_of
from zhaoshang_cli.store.tables import UNIT

# The report groups a parent's children in this order.
KIND_ORDER = ("county", "zone", "department", "group", "town", "office", "person", "city")


@dataclass(frozen=True, slots=True)
class UnitFacts:
    """A unit as a report reads it (the same attribute names as the model's)."""

    id: int
    name: str
    kind: str
    parent_id: int | None


def all_units(db: Db) -> dict[int, UnitFacts]:
    """Every unit by id: a ledger holds hundreds, read in one statement."""
    u = UNIT
    query = select(u.c.id, u.c.name, u.c.kind, u.c.parent_id).order_by(u.c.id)
    return {row.id: UnitFacts(*row) for row in connection_of(db).execute(query)}


def path_names(units: dict[int, UnitFacts], unit: UnitFacts) -> list[str]:
    names = [unit.name]
    current = unit
    while current.parent_id in units:  # a parent hidden from a login ends the path
        current = units[current.parent_id]  # type: ignore[index]
        names.append(current.name)
    return list(reversed(names))


def unit_named(db: Db, name: str) -> UnitFacts:
    """By name, or by path (甲县/城关镇) where a name is used under several parents."""
    parts = [part for part in name.strip().split("/") if part]
    if not parts:
        raise NotFound(_("A unit name is needed."))
    units = all_units(db)
    candidates = [unit for unit in units.values() if unit.name == parts[-1]]
    if len(parts) > 1:
        candidates = [u for u in candidates if path_names(units, u)[-len(parts) :] == parts]
    if not candidates:
        raise NotFound(_("There is no unit named {name!r}; see `zs unit list`.").format(name=name))
    if len(candidates) > 1:
        paths = _(", ").join("/".join(path_names(units, unit)) for unit in candidates)
        raise Invalid(
            _("Several units are named {name!r} ({paths}); give the path instead.").format(
                name=name, paths=paths
            )
        )
    return candidates[0]


def the_top(db: Db) -> UnitFacts:
    """The one unit at the top: whose figures a report without --unit and the bulletin give."""
    u = UNIT
    query = select(u.c.id, u.c.name, u.c.kind, u.c.parent_id).where(u.c.parent_id.is_(None))
    tops = [UnitFacts(*row) for row in connection_of(db).execute(query.order_by(u.c.id))]
    if not tops:
        raise NotFound(_("The ledger has no units yet; add the city with `zs unit add`."))
    if len(tops) > 1:
        names = "、".join(top.name for top in tops)
        raise Invalid(
            _(
                "The unit tree has {count} top units ({names}) where it needs one; put the others "
                "under it with `zs unit move` or delete the spare with `zs unit remove`."
            ).format(count=len(tops), names=names)
        )
    return tops[0]


def children_facts(db: Db, unit_id: int) -> list[UnitFacts]:
    """A unit's children in the report's order: by kind (``KIND_ORDER``), then id."""
    u = UNIT
    query = select(u.c.id, u.c.name, u.c.kind, u.c.parent_id).where(u.c.parent_id == unit_id)
    children = [UnitFacts(*row) for row in connection_of(db).execute(query.order_by(u.c.id))]
    return sorted(children, key=lambda c: (KIND_ORDER.index(c.kind), c.id))


def subtree(root_ids: list[int]):  # type: ignore[no-untyped-def]
    """tree(root, id): every unit below (and including) each root, as a recursive CTE that
    SQLite and PostgreSQL both run (both columns keep unit.id's type across the UNION)."""

    unit = UNIT
    anchor = select(unit.c.id.label("root"), unit.c.id.label("id")).where(unit.c.id.in_(root_ids))
    tree = anchor.cte("tree", recursive=True)
    child = unit.alias("child")
    return tree.union_all(select(tree.c.root, child.c.id).where(child.c.parent_id == tree.c.id))
