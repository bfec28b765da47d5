"""Money by month, cumulative from 1 January, this year and the same months last year: the
dashboard's line chart, from one statement instead of a ``unit_actuals`` per month.

Each month's figure is what ``unit_actuals`` gives for 1 January to that month's end (and the
same period a year earlier): each arrival counted at the sum of the shares its project credits
under the root, as the projects and their credit stood on that month's end; local investors'
and voided projects count nothing. Money is linear in that weight, so the statement returns
sums of arrivals per day and weight, and the months are added up here, in exact integers
(fen times basis points), then divided once, as ``passes.credited_totals`` does.

Under the ledger's top unit almost every project counts at its whole share, so the statement
reads the day's total of all arrivals (the date index alone) and takes away what the few
projects that count at less (local, voided, partly credited elsewhere) would add; under any
other unit it reads only the arrivals of the projects credited there.

The weights change only where a project's origin or credit changed later than a month's end;
months whose ends see the same pending changes share one set of weights (usually all of them:
then one statement reads the whole series).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, literal, select, union_all

from zhaoshang_cli.core.periods import Period, month_period
from zhaoshang_cli.report.state import credit_at, kept, project_at
from zhaoshang_cli.store.db import Db, connection_of
from zhaoshang_cli.store.queries import BP, MINOR_PER_WAN, not_local, within
from zhaoshang_cli.store.tables import ARRIVAL, PROJECT, PROJECT_CHANGE, UNIT
from zhaoshang_cli.units.facts import subtree

WEIGHED = ("origin", "credit")  # the fields a project's weight under a root depends on


@dataclass
class Monthly:
    year: int
    months: list[int]
    this_year: list[Decimal]
    last_year: list[Decimal]


def segments(db: Db, ends: list[date]) -> list[list[int]]:
    """Month indexes grouped by the changes of origin or credit pending on their ends: the
    pending set only shrinks as the months go on, so its size tells the sets apart."""
    c = PROJECT_CHANGE
    query = select(c.c.effective_on).where(c.c.field.in_(WEIGHED), c.c.effective_on > ends[0])
    later = [row[0] for row in connection_of(db).execute(query)]
    groups: dict[int, list[int]] = {}
    for index, end in enumerate(ends):
        groups.setdefault(sum(1 for day in later if day > end), []).append(index)
    return list(groups.values())


def weights(db: Db, root_id: int, end: date, top: bool, name: str) -> Any:
    """(project_id, weight): the shares each project credits under the root on ``end`` (none
    for a local or voided one); on the top unit, for the projects whose weight is not a whole
    share, what their weight falls short of one (minus a whole share for a local or voided
    project)."""
    p, pu = project_at(db, end), credit_at(db, end)
    tree = subtree([root_id])
    shares = (
        select(pu.c.project_id, func.sum(pu.c.share_bp).label("bp"))
        .join(tree, tree.c.id == pu.c.unit_id)
        .group_by(pu.c.project_id)
        .subquery(f"{name}_shares")
    )
    if not top:
        return (
            select(shares.c.project_id, shares.c.bp.label("weight"))
            .join(p, p.c.id == shares.c.project_id)
            .where(not_local(p))
            .cte(name)
        )
    # Each project not at a whole share falls in one part: voided (not in the state), local,
    # credited under the root at another share (or only outside it), or credited nowhere.
    inside = pu.c.unit_id.in_(select(tree.c.id))
    bp = func.sum(case((inside, pu.c.share_bp), else_=0))
    short = (
        select(pu.c.project_id, bp.label("bp"))
        .group_by(pu.c.project_id)
        .having(bp != BP)
        .subquery(f"{name}_short")
    )
    anywhere = select(literal(1)).where(pu.c.project_id == p.c.id).exists()
    parts = [
        select(PROJECT.c.id.label("project_id"), literal(-BP).label("weight")).where(~kept(None)),
        select(p.c.id, literal(-BP)).where(~not_local(p)),
        select(short.c.project_id, short.c.bp - BP)
        .join(p, p.c.id == short.c.project_id)
        .where(not_local(p)),
        select(p.c.id, literal(-BP)).where(not_local(p), ~anywhere),
    ]
    return union_all(*parts).cte(name)


def by_day(spans: list[Period], segment: int, weighed: Any = None) -> list[Any]:
    """(weight, day, fen, segment): the arrivals of each span summed per day, of the weighed
    projects at their weights, or of all projects at a whole share (segment -1)."""
    a = ARRIVAL
    parts = []
    for span in spans:
        if weighed is None:
            parts.append(
                select(
                    literal(BP).label("weight"),
                    a.c.arrived_on,
                    func.sum(a.c.cny_fen).label("fen"),
                    literal(segment).label("segment"),
                )
                .where(within(a.c.arrived_on, span))
                .group_by(a.c.arrived_on)
            )
            continue
        per_project = (
            select(a.c.project_id, a.c.arrived_on, func.sum(a.c.cny_fen).label("fen"))
            .where(within(a.c.arrived_on, span), a.c.project_id.in_(select(weighed.c.project_id)))
            .group_by(a.c.project_id, a.c.arrived_on)
            .subquery()
        )
        parts.append(
            select(
                weighed.c.weight,
                per_project.c.arrived_on,
                func.sum(per_project.c.fen),
                literal(segment),
            )
            .join(weighed, weighed.c.project_id == per_project.c.project_id)
            .group_by(weighed.c.weight, per_project.c.arrived_on)
        )
    return parts


def money_by_month(db: Db, root_id: int, year: int, last_month: int) -> Monthly:
    """``unit_actuals(db, [root_id], "funds", month_period(year, m), None)`` for every month m
    to ``last_month``, as two cumulative series (万元), read in one statement (one per set of
    weights, where origins or credit changed after January's end)."""
    periods = [month_period(year, month) for month in range(1, last_month + 1)]
    ends = [period.end for period in periods]
    spans = [periods[-1], periods[-1].previous_year()]
    parent = connection_of(db).execute(select(UNIT.c.parent_id).where(UNIT.c.id == root_id))
    top = parent.scalar_one() is None
    groups = segments(db, ends)
    sums: dict[int, dict[date, int]] = {number: {} for number in range(-1, len(groups))}
    for number, indexes in enumerate(groups):  # one statement each (their CTEs share names)
        weighed = weights(db, root_id, ends[indexes[0]], top, f"weights_{number}")
        parts = by_day(spans, number, weighed)
        if top and number == 0:
            parts = [*by_day(spans, -1), *parts]
        for weight, day, fen, segment in connection_of(db).execute(union_all(*parts)):
            found = sums[segment]
            found[day] = found.get(day, 0) + int(weight) * int(fen or 0)
    scale = BP * MINOR_PER_WAN
    this_year, last_year = [Decimal(0)] * len(periods), [Decimal(0)] * len(periods)
    for number, indexes in enumerate(groups):
        days = dict(sums[-1])
        for day, value in sums[number].items():
            days[day] = days.get(day, 0) + value
        for index in indexes:
            period = periods[index]
            last = period.previous_year()
            this = sum(v for d, v in days.items() if period.start <= d <= period.end)
            before = sum(v for d, v in days.items() if last.start <= d <= last.end)
            this_year[index] = Decimal(this) / scale
            last_year[index] = Decimal(before) / scale
    return Monthly(year, [p.end.month for p in periods], this_year, last_year)
