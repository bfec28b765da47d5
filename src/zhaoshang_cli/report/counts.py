"""Counts (projects, 亿元以上, leads) by unit, and for groups of units, without double counting.

A joint project (共同引进) counts once in the row of every unit it credits — each unit is
assessed on it — and once in any subtotal or total that holds more than one of those units
(不重复统计): a count is of distinct projects, never a sum of shares. Projects are read as
they stood on the period's end (``state``).

- ``projects``: signed (签约) in the period;
- ``major``: signed in the period with a contract of 1亿 or more on its end (增资 included);
- ``leads``: 线索 entered in the period — projects whose first stage was 线索 or 在谈, by the
  date of that first entry — credited to the unit or person who brought them. A lead later
  signed stays one lead of its own period.
"""

from collections.abc import Hashable
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, case, func, literal_column, select, union_all

from zhaoshang_cli.core.periods import Period
from zhaoshang_cli.report.state import credit_at, project_at
from zhaoshang_cli.store.db import Db, connection_of
from zhaoshang_cli.store.queries import MAJOR_FEN, not_local, within
from zhaoshang_cli.store.tables import STAGE_EVENT, UNIT
from zhaoshang_cli.units.facts import subtree

LEAD_STAGES = ("lead", "negotiating")


def lead_dates():  # type: ignore[no-untyped-def]
    """Each lead's date: its first stage event, where that was 线索 or 在谈."""
    event = STAGE_EVENT
    first = (
        select(event.c.project_id, func.min(event.c.id).label("id"))
        .group_by(event.c.project_id)
        .subquery("first_event")
    )
    return (
        select(event.c.project_id, event.c.on_date)
        .join(first, first.c.id == event.c.id)
        .where(event.c.stage.in_(LEAD_STAGES))
        .subquery("lead")
    )


def count_actuals(
    db: Db,
    sets: dict[Hashable, list[int]],
    metric: str,
    period: Period,
    as_of: date | None,
    *,
    below: bool = True,
) -> dict[Hashable, tuple[Decimal, Decimal]]:
    """{set: (this period, same period last year)}: the distinct projects credited to any
    unit of the set (and, with ``below``, anywhere under one)."""
    keys = list(sets)
    members = [(number, unit) for number, key in enumerate(keys) for unit in sets[key]]
    if not members:
        return {}
    last = period.previous_year()
    member = union_all(
        *(
            select(
                literal_column(str(int(n))).label("number"),
                literal_column(str(int(u))).label("unit"),
            )
            for n, u in members
        )
    ).subquery("member")
    if below:
        tree = subtree(sorted({unit for _n, unit in members}))
    else:
        unit = UNIT
        tree = select(unit.c.id.label("root"), unit.c.id.label("id")).subquery("tree")
    p = project_at(db, period.end, as_of)
    pu = credit_at(db, period.end, as_of)
    counted = not_local(p)
    day = p.c.signed_on
    joined = (
        member.join(tree, tree.c.root == member.c.unit)
        .join(pu, pu.c.unit_id == tree.c.id)
        .join(p, p.c.id == pu.c.project_id)
    )
    if metric == "major":
        counted = and_(counted, p.c.contract_fen >= MAJOR_FEN)
    elif metric == "leads":
        lead = lead_dates()
        joined = joined.join(lead, lead.c.project_id == p.c.id)
        day = lead.c.on_date
    query = (
        select(
            member.c.number,
            func.count(case((within(day, period), p.c.id)).distinct()),
            func.count(case((within(day, last), p.c.id)).distinct()),
        )
        .select_from(joined)
        .where(counted)
        .group_by(member.c.number)
    )
    found = {
        keys[number]: (Decimal(this), Decimal(prev))
        for number, this, prev in connection_of(db).execute(query)
    }
    return {key: found.get(key, (Decimal(0), Decimal(0))) for key in keys}
