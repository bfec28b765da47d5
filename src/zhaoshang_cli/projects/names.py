"""How units are named where a bare name would be ambiguous: five counties each have a
城关镇, so a list or a sentence says 甲县城关镇."""

from typing import Any

from sqlalchemy import select

from zhaoshang_cli.store.db import Db, connection_of
from zhaoshang_cli.store.tables import PROJECT_UNIT, UNIT


def unit_labels(db: Db) -> dict[int, str]:
    """Each unit's name, with its parent's name before it where the name is not unique."""
    table = UNIT
    units = {
        uid: (name, parent)
        for uid, name, parent in connection_of(db).execute(
            select(table.c.id, table.c.name, table.c.parent_id)
        )
    }
    seen: dict[str, int] = {}
    for name, _ in units.values():
        seen[name] = seen.get(name, 0) + 1
    return {
        uid: f"{units[parent][0]}{name}" if seen[name] > 1 and parent in units else name
        for uid, (name, parent) in units.items()
    }


def credited_labels(db: Db, project_ids: list[int], credit: Any = None) -> dict[int, str]:
    """Each project's credited units as lists name them ("甲县、甲县城关镇"), in unit order
    (by ``credit``: the credit as it stood on a period's end; today's by default)."""
    pu = PROJECT_UNIT if credit is None else credit
    query = select(pu.c.project_id, pu.c.unit_id).order_by(pu.c.project_id, pu.c.unit_id)
    if len(project_ids) < 10_000:  # else one pass over all credit beats a long IN list
        query = query.where(pu.c.project_id.in_(project_ids))
    labels = unit_labels(db)
    names: dict[int, list[str]] = {}
    for project_id, unit_id in connection_of(db).execute(query):
        names.setdefault(project_id, []).append(labels[unit_id])
    return {project_id: "、".join(units) for project_id, units in names.items()}
