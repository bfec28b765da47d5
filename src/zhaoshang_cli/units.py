"""The unit tree (责任单位): city → counties, zones, departments → towns, offices → persons."""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from zhaoshang_cli import audit, dates
from zhaoshang_cli.errors import Invalid, NotFound
from zhaoshang_cli.glossary import UNIT_KINDS
from zhaoshang_cli.models import Unit

# The report groups a parent's children in this order.
KIND_ORDER = ("county", "zone", "department", "group", "town", "office", "person", "city")


def check_kind(kind: str) -> str:
    if kind not in UNIT_KINDS:
        raise Invalid(f"Unknown unit kind {kind!r}; use one of: {', '.join(UNIT_KINDS)}.")
    return kind


def find_unit(session: Session, name: str) -> Unit:
    """By name, or by path (甲县/城关镇) where a name is used under several parents."""
    parts = [part for part in name.strip().split("/") if part]
    if not parts:
        raise NotFound("A unit name is needed.")
    candidates = list(session.exec(select(Unit).where(Unit.name == parts[-1])))
    if len(parts) > 1:
        candidates = [unit for unit in candidates if path_of(session, unit)[-len(parts) :] == parts]
    if not candidates:
        raise NotFound(f"There is no unit named {name!r}; see `zs unit list`.")
    if len(candidates) > 1:
        paths = ", ".join("/".join(path_of(session, unit)) for unit in candidates)
        raise Invalid(f"Several units are named {name!r} ({paths}); give the path instead.")
    return candidates[0]


def path_of(session: Session, unit: Unit) -> list[str]:
    names = [unit.name]
    current = unit
    while current.parent_id is not None:
        current = session.get(Unit, current.parent_id)  # type: ignore[assignment]
        names.append(current.name)
    return list(reversed(names))


def add_unit(
    session: Session,
    name: str,
    kind: str,
    parent: str | None = None,
    rank: str | None = None,
) -> Unit:
    name = name.strip()
    if not name or "/" in name:
        raise Invalid(f"The unit name {name!r} must be non-empty and may not contain '/'.")
    check_kind(kind)
    parent_unit = find_unit(session, parent) if parent else None
    if parent_unit is None and kind != "city":
        raise Invalid(f"A {kind} needs a --parent; only a city stands at the top of the tree.")
    if rank and kind != "person":
        raise Invalid("Only persons have a --rank.")
    siblings = select(Unit).where(Unit.name == name)
    siblings = siblings.where(
        Unit.parent_id == parent_unit.id if parent_unit else col(Unit.parent_id).is_(None)
    )
    if session.exec(siblings).first():
        where = f"under {parent_unit.name}" if parent_unit else "at the top of the tree"
        raise Invalid(f"A unit named {name!r} already exists {where}.")
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


def subtree(root_ids: list[int]):  # type: ignore[no-untyped-def]
    """tree(root, id): every unit below (and including) each root, as a recursive CTE that
    SQLite and PostgreSQL both run (both columns keep unit.id's type across the UNION)."""
    from sqlalchemy import select as core_select

    unit = Unit.__table__
    anchor = core_select(unit.c.id.label("root"), unit.c.id.label("id")).where(
        unit.c.id.in_(root_ids)
    )
    tree = anchor.cte("tree", recursive=True)
    child = unit.alias("child")
    return tree.union_all(
        core_select(tree.c.root, child.c.id).where(child.c.parent_id == tree.c.id)
    )


def descendant_ids(session: Session, unit: Unit) -> list[int]:
    """The unit and everything below it, via a recursive query."""
    from sqlalchemy import select as core_select

    tree = subtree([unit.id])  # type: ignore[list-item]
    return list(session.connection().execute(core_select(tree.c.id)).scalars())
