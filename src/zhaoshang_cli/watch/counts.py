"""Counting projects per unit for the watch commands, in SQL that SQLite and PostgreSQL both run.

Each project counts once in the row of every unit it credits (anywhere in that unit's subtree),
and once in a total — never as a share (domain: 共同引进 counts are never fractions). Money from
investors inside the city is not 招商引资, so local projects are left out, as in the report.

A project's stage on a day comes from its stage history (the latest event on or before it);
its lead date is its first 线索 or 在谈 event: a project entered straight as signed never was a lead.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, func, literal, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement
from sqlalchemy.types import Integer

from zhaoshang_cli.core.periods import Period
from zhaoshang_cli.store.db import Db, connection_of
from zhaoshang_cli.store.queries import MAJOR_FEN, count_if, counted, within
from zhaoshang_cli.store.tables import PROJECT, PROJECT_UNIT, STAGE_EVENT
from zhaoshang_cli.units.facts import subtree

if TYPE_CHECKING:
    from sqlmodel import Session

EVENT = STAGE_EVENT
P = PROJECT
PIPELINE_STAGES = ("lead", "negotiating")


class days_between(FunctionElement):
    """Whole days from the second date to the first: julianday on SQLite, date minus date on
    PostgreSQL."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between, "sqlite")
def _days_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    later, earlier = list(element.clauses)
    return (
        f"CAST(julianday({compiler.process(later, **kw)}) - "
        f"julianday({compiler.process(earlier, **kw)}) AS INTEGER)"
    )


@compiles(days_between)
def _days_default(element: days_between, compiler: Any, **kw: Any) -> str:
    later, earlier = list(element.clauses)
    return f"({compiler.process(later, **kw)} - {compiler.process(earlier, **kw)})"


def stage_on(day: date) -> Any:
    """(project_id, stage, moved_on): each project's stage on a day and the date it got there."""
    ranked = (
        select(
            EVENT.c.project_id,
            EVENT.c.stage,
            EVENT.c.on_date.label("moved_on"),
            func.row_number()
            .over(
                partition_by=EVENT.c.project_id,
                order_by=(EVENT.c.on_date.desc(), EVENT.c.id.desc()),
            )
            .label("n"),
        )
        .where(EVENT.c.on_date <= day)
        .subquery("ranked")
    )
    return (
        select(ranked.c.project_id, ranked.c.stage, ranked.c.moved_on)
        .where(ranked.c.n == 1)
        .cte("stage_on")
    )


def lead_dates(day: date) -> Any:
    """(project_id, lead_on): the first 线索/在谈 event of each project, by ``day``."""
    return (
        select(EVENT.c.project_id, func.min(EVENT.c.on_date).label("lead_on"))
        .where(EVENT.c.stage.in_(PIPELINE_STAGES), EVENT.c.on_date <= day)
        .group_by(EVENT.c.project_id)
        .cte("lead_dates")
    )


def credit_pairs(root_ids: list[int]) -> Any:
    """(root, project_id): each project credited anywhere under a root, once per root."""
    tree = subtree(root_ids)
    pu = PROJECT_UNIT
    return (
        select(tree.c.root, pu.c.project_id)
        .distinct()
        .select_from(pu.join(tree, tree.c.id == pu.c.unit_id))
        .cte("credit_pairs")
    )


def alive_on(day: date) -> ColumnElement[bool]:
    """Not terminated by ``day``."""
    return or_(P.c.terminated_on.is_(None), P.c.terminated_on > day)


@dataclass
class Counts:
    """Projects of one unit: signed in the period (and 亿元以上, and started by the day taken),
    leads entered in the period (and signed by then), and the pipeline on that day."""

    signed: int = 0
    major: int = 0
    started: int = 0
    leads: int = 0
    converted: int = 0
    open_lead: int = 0
    open_negotiating: int = 0
    open_signed: int = 0
    median_days: Decimal | None = None  # lead to signing, over projects signed in the period


FIELDS = ("signed", "major", "started", "leads", "converted")
OPEN = ("open_lead", "open_negotiating", "open_signed")


def signed_by(period: Period, day: date) -> ColumnElement[bool]:
    """Signed in the period, by the day taken."""
    return and_(within(P.c.signed_on, period), P.c.signed_on <= day)


def signed_counts(db: Db, root_ids: list[int], period: Period, day: date) -> dict[int, int]:
    """{root: projects signed} over each root's subtree: ``unit_counts``' ``signed`` alone,
    without the stage history it reads for the rest."""
    if not root_ids:
        return {}
    tree, pu = subtree(root_ids), PROJECT_UNIT
    query = (
        select(tree.c.root, func.count(func.distinct(P.c.id)))
        .select_from(P.join(pu, pu.c.project_id == P.c.id).join(tree, tree.c.id == pu.c.unit_id))
        .where(counted(), signed_by(period, day))
        .group_by(tree.c.root)
    )
    found = dict.fromkeys(root_ids, 0)
    for root, count in connection_of(db).execute(query):
        found[root] = int(count)
    return found


def unit_counts(
    session: "Session", root_ids: list[int], period: Period, day: date
) -> dict[int, Counts]:
    """{root: Counts} over each root's subtree, one grouped query (and one for the medians)."""
    pairs, stage, leads = credit_pairs(root_ids), stage_on(day), lead_dates(day)
    signed = signed_by(period, day)
    entered = within(leads.c.lead_on, period)
    columns = {
        "signed": count_if(signed),
        "major": count_if(and_(signed, P.c.contract_fen >= MAJOR_FEN)),
        "started": count_if(and_(signed, P.c.started_on <= day)),
        "leads": count_if(entered),
        "converted": count_if(and_(entered, P.c.signed_on <= day)),
        "open_lead": count_if(and_(stage.c.stage == "lead", alive_on(day))),
        "open_negotiating": count_if(and_(stage.c.stage == "negotiating", alive_on(day))),
        "open_signed": count_if(and_(stage.c.stage == "signed", alive_on(day))),
    }
    query = (
        select(pairs.c.root, *(column.label(name) for name, column in columns.items()))
        .select_from(
            pairs.join(P, P.c.id == pairs.c.project_id)
            .outerjoin(stage, stage.c.project_id == P.c.id)
            .outerjoin(leads, leads.c.project_id == P.c.id)
        )
        .where(counted())
        .group_by(pairs.c.root)
    )
    found = {root: Counts() for root in root_ids}
    for row in session.connection().execute(query).mappings():
        counts = found.setdefault(row["root"], Counts())
        for name in columns:
            setattr(counts, name, int(row[name] or 0))
    for root, median in median_days(session, pairs, leads, period, day).items():
        found.setdefault(root, Counts()).median_days = median
    return found


def median_days(
    session: "Session", pairs: Any, leads: Any, period: Period, day: date
) -> dict[int, Decimal]:
    """The median of days from lead to signing per root, over the projects signed in the
    period that came in as a lead: the middle one, or the mean of the middle two, picked by
    window functions in SQL."""
    days = days_between(P.c.signed_on, leads.c.lead_on)
    spans = (
        select(
            pairs.c.root,
            days.label("days"),
            func.row_number().over(partition_by=pairs.c.root, order_by=days).label("n"),
            func.count().over(partition_by=pairs.c.root).label("total"),
        )
        .select_from(
            pairs.join(P, P.c.id == pairs.c.project_id).join(leads, leads.c.project_id == P.c.id)
        )
        .where(counted(), within(P.c.signed_on, period), P.c.signed_on <= day)
        .subquery("spans")
    )
    middle = or_(
        spans.c.n == (spans.c.total + 1) // literal(2),
        spans.c.n == (spans.c.total + 2) // literal(2),
    )
    query = (
        select(spans.c.root, func.sum(spans.c.days), func.count())
        .where(middle)
        .group_by(spans.c.root)
    )
    return {
        root: Decimal(int(total)) / count
        for root, total, count in session.connection().execute(query)
    }
