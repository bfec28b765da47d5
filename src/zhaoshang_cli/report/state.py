"""Projects as they stood on a period's end: stage, dates, amount, credit (统计口径).

``project_at`` and ``credit_at`` stand in for the ``project`` and ``project_unit`` tables in
every report query: the same column names, each project's values on day ``end`` as the ledger
stood at the end of ``as_of`` (when given). Voided projects (作废) are left out, and so are
projects and changes entered after ``as_of``.

How: a field's changes (``ProjectChange``) stand on one timeline in entry order, so the value
on day D as entered by time T is the old value of the field's first change not in force then
(dated after D, or entered after T), or the project's own column if there is none. The stage
follows from the dates (one after D is not reached yet; lists show such a date as blank,
``reached_by``). Where no change is pending for the day — the usual case — the plain tables
are read, with nothing joined.
"""

from datetime import date
from typing import Any

from sqlalchemy import ColumnClause, and_, case, exists, func, literal, or_, select, union_all
from sqlalchemy.sql import visitors

from zhaoshang_cli.store.db import Db, connection_of
from zhaoshang_cli.store.queries import entered_by
from zhaoshang_cli.store.tables import (
    CREDIT_BEFORE,
    PROJECT,
    PROJECT_CHANGE,
    PROJECT_UNIT,
    STAGE_EVENT,
)

CHANGE = PROJECT_CHANGE
BEFORE = CREDIT_BEFORE
TEXT = ("name", "investor", "origin", "industry", "occasion", "stage", "contract_currency")
NUMBER = ("contract_fen", "contract_minor", "total_investment_fen")
DATES = ("signed_on", "started_on", "completed_on", "producing_on", "terminated_on")
FIELDS = (*TEXT, *NUMBER, "industrial", *DATES)
# The stage a day's dates show, latest first.
BY_DATE = (
    ("terminated_on", "terminated"),
    ("producing_on", "producing"),
    ("completed_on", "completed"),
    ("started_on", "started"),
    ("signed_on", "signed"),
)


def not_in_force(end: date, as_of: date | None) -> Any:
    """A change that had not taken effect on ``end``, or was entered after ``as_of``."""
    later = CHANGE.c.effective_on > end
    if as_of is None:
        return later
    return or_(later, ~entered_by(CHANGE.c.entered_at, as_of))


def _pending(db: Db, end: date, as_of: date | None, credit: bool) -> bool:
    field = CHANGE.c.field == "credit" if credit else CHANGE.c.field != "credit"
    query = select(literal(1)).where(field, not_in_force(end, as_of)).limit(1)
    return connection_of(db).execute(query).first() is not None


def kept(as_of: date | None) -> Any:
    """Projects entered by ``as_of`` and not voided by then."""
    p = PROJECT
    if as_of is None:
        return p.c.voided_at.is_(None)
    return and_(
        entered_by(p.c.created_at, as_of),
        or_(p.c.voided_at.is_(None), ~entered_by(p.c.voided_at, as_of)),
    )


def project_at(db: Db, end: date, as_of: date | None = None) -> Any:
    """The ``project`` table as it stood on ``end`` (a CTE named project_state)."""
    p = PROJECT
    if not _pending(db, end, as_of, credit=False):
        values = {name: p.c[name] for name in FIELDS}
        source: Any = p
    else:
        first = (
            select(CHANGE.c.project_id, CHANGE.c.field, func.min(CHANGE.c.id).label("id"))
            .where(CHANGE.c.field.in_(FIELDS), not_in_force(end, as_of))
            .group_by(CHANGE.c.project_id, CHANGE.c.field)
            .subquery("first_pending")
        )
        old = CHANGE.alias("pending_change")
        columns = {"text": old.c.old_text, "number": old.c.old_number, "date": old.c.old_date}

        def kind(name: str) -> str:
            return "text" if name in TEXT else "date" if name in DATES else "number"

        pivot = (
            select(
                first.c.project_id,
                *(func.max(case((first.c.field == n, 1))).label(f"has_{n}") for n in FIELDS),
                *(
                    func.max(case((first.c.field == n, columns[kind(n)]))).label(f"old_{n}")
                    for n in FIELDS
                ),
            )
            .join(old, old.c.id == first.c.id)
            .group_by(first.c.project_id)
            .subquery("pending")
        )
        values = {
            name: case(
                (pivot.c[f"has_{name}"] == 1, pivot.c[f"old_{name}"]),
                else_=p.c[name],
            )
            for name in FIELDS
            if name != "industrial"
        }
        values["industrial"] = case(
            (pivot.c.has_industrial == 1, pivot.c.old_industrial == 1), else_=p.c.industrial
        )
        source = p.outerjoin(pivot, pivot.c.project_id == p.c.id)
    reached = {name: values[name] <= end for name in DATES}
    unsigned = case(
        (values["stage"].in_(("lead", "negotiating")), values["stage"]),
        (_negotiating_by(end), literal("negotiating")),
        else_=literal("lead"),
    )
    stage = case(*((reached[name], literal(word)) for name, word in BY_DATE), else_=unsigned)
    query = select(
        p.c.id,
        p.c.code,
        *(values[name].label(name) for name in (*TEXT, *NUMBER, "industrial") if name != "stage"),
        stage.label("stage"),
        *(values[name].label(name) for name in DATES),
        p.c.leader,
        p.c.recruiter,
        p.c.informant,
        p.c.created_at,
    ).select_from(source)
    return query.where(kept(as_of)).subquery("project_state")


def reached_by(column: Any, end: date) -> Any:
    """A stage date as a list shows it on ``end``: a later one is not reached yet. (Queries
    compare the dates with the period themselves, so the state keeps them plain: a date
    column stays usable by its index.)"""
    return case((column <= end, column))


def _negotiating_by(end: date) -> Any:
    """The project was in talks (在谈) by ``end`` (for one signed only later)."""
    event = STAGE_EVENT
    return exists(
        select(literal(1)).where(
            event.c.project_id == PROJECT.c.id,
            event.c.stage == "negotiating",
            event.c.on_date <= end,
        )
    )


def credit_at(db: Db, end: date, as_of: date | None = None) -> Any:
    """The ``project_unit`` table as it stood on ``end``: a project's credit before its first
    change of credit not in force then, else its credit today."""
    if not _pending(db, end, as_of, credit=True):
        return PROJECT_UNIT
    first = (
        select(CHANGE.c.project_id, func.min(CHANGE.c.id).label("id"))
        .where(CHANGE.c.field == "credit", not_in_force(end, as_of))
        .group_by(CHANGE.c.project_id)
        .cte("first_credit_change")
    )
    pu = PROJECT_UNIT
    today = select(pu.c.project_id, pu.c.unit_id, pu.c.share_bp).where(
        ~exists(select(literal(1)).where(first.c.project_id == pu.c.project_id))
    )
    before = select(first.c.project_id, BEFORE.c.unit_id, BEFORE.c.share_bp).join(
        BEFORE, BEFORE.c.change_id == first.c.id
    )
    return union_all(today, before).subquery("credit_state")


def increases_within(start: date, end: date, as_of: date | None = None) -> Any:
    """增资 signed from ``start`` to ``end`` per project, in 分 (entered by ``as_of``)."""
    c = CHANGE
    return (
        select(c.c.project_id, func.sum(c.c.new_number - c.c.old_number).label("fen"))
        .where(
            c.c.kind == "increase",
            c.c.effective_on >= start,
            c.c.effective_on <= end,
            entered_by(c.c.entered_at, as_of),
        )
        .group_by(c.c.project_id)
        .subquery("increases")
    )


def on_state(condition: Any, state: Any) -> Any:
    """A condition (or column) written against the ``project`` table, read from ``state``."""

    def swap(element: Any) -> Any:
        if isinstance(element, ColumnClause) and element.table is PROJECT:
            return state.c[element.name]
        return None

    return visitors.replacement_traverse(condition, {}, swap)
