"""The report's money in one pass over the arrivals.

The completion table needs each unit's money this period and in the same months last year;
the project breakdowns need each project's money this period. Both read one per-project sum
of the arrivals, in which each period is its own range of dates (at April, January–April of
the two years: May–December of last year is never read). For the monthly report of funds one
statement gives both, as two kinds of rows, so the arrivals are read once.

SQLAlchemy Core, so it compiles for SQLite and PostgreSQL alike.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, literal, null, select, true, union_all

from zhaoshang_cli.core.periods import Period
from zhaoshang_cli.report import breakdowns
from zhaoshang_cli.report.breakdowns import Fact
from zhaoshang_cli.report.state import credit_at, project_at
from zhaoshang_cli.store.db import Db, connection_of
from zhaoshang_cli.store.queries import BP, MINOR_PER_WAN, entered_by, not_local, within
from zhaoshang_cli.store.tables import ARRIVAL, PROJECT, PROJECT_UNIT
from zhaoshang_cli.units.facts import subtree


def per_project_money(metric: str, period: Period, last: Period, as_of: date | None) -> Any:
    """(project_id, this, last): each project's money (funds in fen, fdi in US cents) in the
    period, and in the same period a year earlier, as rows of one period or the other (the
    other's column NULL)."""
    a = ARRIVAL
    value = a.c.cny_fen if metric == "funds" else a.c.usd_cents

    def summed(span: Period, column: str) -> Any:
        total = func.sum(value)
        query = select(
            a.c.project_id,
            (total if column == "this" else null()).label("this"),
            (total if column == "last" else null()).label("last"),
        ).where(within(a.c.arrived_on, span), entered_by(a.c.entered_at, as_of))
        if metric == "fdi":
            query = query.where(a.c.source == "foreign", a.c.usd_cents.is_not(None))
        return query.group_by(a.c.project_id)

    return union_all(summed(period, "this"), summed(last, "last")).cte("per_project")


def money_by_root(
    per_project: Any, root_ids: list[int], metric: str, p: Any = PROJECT, pu: Any = PROJECT_UNIT
) -> Any:
    """(root, share_bp, this, last): the money summed per credited unit and share, for each
    root whose subtree holds the unit. Money is linear in the share, so a root's figure is
    the sum over the units under it of their sums times their shares; and a sum per unit and
    share counts each arrival at most once, so it fits in 64 bits whenever the ledger's own
    amounts do (a sum of fen times 10000 would overflow for a province). ``p`` and ``pu``: the
    projects and their credit as they stood on the period's end (``report.state``)."""
    pp = per_project
    per_unit = (
        select(
            pu.c.unit_id,
            pu.c.share_bp,
            func.sum(pp.c.this).label("this"),
            func.sum(pp.c.last).label("last"),
        )
        .select_from(
            pp.join(p, p.c.id == pp.c.project_id).join(pu, pu.c.project_id == pp.c.project_id)
        )
        .where(not_local(p) if metric == "funds" else true())
        .group_by(pu.c.unit_id, pu.c.share_bp)
        .subquery("per_unit")
    )
    tree = subtree(root_ids)
    return select(
        tree.c.root.label("root"),
        per_unit.c.share_bp.label("unit_share_bp"),
        per_unit.c.this.label("this"),
        per_unit.c.last.label("last"),
    ).join(tree, tree.c.id == per_unit.c.unit_id)


def credited_totals(rows: Any, scale: Decimal) -> dict[int, tuple[Decimal, Decimal]]:
    """{root: (this, last)} from rows of (root, share, this, last): each sum times its share,
    in exact integers, then in the report's unit."""
    totals: dict[int, list[int]] = {}
    for root, share, this, prev in rows:
        both = totals.setdefault(root, [0, 0])
        both[0] += int(this or 0) * share
        both[1] += int(prev or 0) * share
    return {
        root: (Decimal(this) / scale, Decimal(prev) / scale)
        for root, (this, prev) in totals.items()
    }


def funds_and_facts(
    db: Db, root_ids: list[int], parent_id: int, period: Period, as_of: date | None
) -> tuple[dict[int, tuple[Decimal, Decimal]], list[Fact]]:
    """``unit_actuals`` of funds for the roots and ``breakdowns.project_facts`` for the parent,
    from one statement over one per-project pass of the arrivals."""
    per_project = per_project_money("funds", period, period.previous_year(), as_of)
    p, pu = project_at(db, period.end, as_of), credit_at(db, period.end, as_of)
    units = money_by_root(per_project, root_ids, "funds", p, pu).subquery("units")
    money = (
        select(per_project.c.project_id, per_project.c.this.label("fen"))
        .where(per_project.c.last.is_(None))
        .subquery("money")
    )
    facts = breakdowns.facts_query(db, parent_id, period, as_of, money, (p, pu))
    facts = facts.subquery("facts")
    unit_columns, fact_columns = list(units.c), list(facts.c)
    query = union_all(
        select(literal("unit"), *(null() for _ in fact_columns), *unit_columns),
        select(literal("fact"), *fact_columns, *(null() for _ in unit_columns)),
    )
    unit_rows, fact_rows = [], []
    for part, *values in connection_of(db).execute(query):
        if part == "unit":
            unit_rows.append(values[len(fact_columns) :])
        else:
            fact_rows.append(values[: len(fact_columns)])
    actuals = credited_totals(unit_rows, BP * MINOR_PER_WAN)
    return actuals, [breakdowns.to_fact(row) for row in fact_rows]
