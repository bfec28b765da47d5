"""The follow-through rates (履约率, 开工率, 资金到位率, 建成投产率) of a signed cohort, and
projects meeting a condition (the bulletin's week of news)."""

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, case, func, or_, select, true

from zhaoshang_cli.core.periods import Period
from zhaoshang_cli.projects.names import credited_labels
from zhaoshang_cli.report.state import credit_at, on_state, project_at, reached_by
from zhaoshang_cli.store.db import Db, connection_of
from zhaoshang_cli.store.queries import count_if, entered_by, not_local, wan, within
from zhaoshang_cli.store.tables import ARRIVAL, PROJECT
from zhaoshang_cli.units.facts import UnitFacts, subtree

P = PROJECT


def _scope(parent: UnitFacts, p: Any, pu: Any):  # type: ignore[no-untyped-def]
    """Projects credited anywhere in the parent's subtree, outside investors only (``p`` and
    ``pu``: the projects and their credit as they stood on the period's end)."""
    tree = subtree([parent.id])  # type: ignore[list-item]
    return (
        select(pu.c.project_id.label("id"))
        .distinct()
        .select_from(pu.join(tree, tree.c.id == pu.c.unit_id).join(p, p.c.id == pu.c.project_id))
        .where(not_local(p))
        .cte("scope")
    )


def _arrived(period: Period, as_of: date | None):  # type: ignore[no-untyped-def]
    a = ARRIVAL
    return (
        select(
            a.c.project_id,
            func.sum(case((a.c.arrived_on >= period.start, a.c.cny_fen), else_=0)).label(
                "period_fen"
            ),
            func.sum(a.c.cny_fen).label("to_date_fen"),
        )
        .where(a.c.arrived_on <= period.end, entered_by(a.c.entered_at, as_of))
        .group_by(a.c.project_id)
        .cte("arrived")
    )


def signed(period: Period) -> ColumnElement[bool]:
    return within(P.c.signed_on, period)


def _share(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    return None if not whole else Decimal(part) / Decimal(whole)


def credited_below(parent: UnitFacts, p: Any, pu: Any) -> ColumnElement[bool]:
    """The project (of ``p``) is credited (by ``pu``) to the parent or a unit under it. As an
    IN list of the subtree's credit, read once: an EXISTS per project would look up every unit
    of the subtree for each project."""
    tree = subtree([parent.id])  # type: ignore[list-item]
    return p.c.id.in_(select(pu.c.project_id).where(pu.c.unit_id.in_(select(tree.c.id))))


def follow_through(
    db: Db, parent: UnitFacts, period: Period, occasion: str | None, as_of: date | None
) -> dict[str, Any]:
    """The cohort is the projects signed in the year up to the period end, or, with an
    occasion, every project signed at that occasion up to the period end, as they stood on the
    period's end. Only the cohort's own arrivals are read (up to the period end, by project),
    never the whole history."""
    state = project_at(db, period.end, as_of)  # the project table as it stood then
    credit = credit_at(db, period.end, as_of)
    cohort = (
        select(state.c.id, state.c.started_on, state.c.producing_on, state.c.contract_fen)
        .where(
            state.c.occasion == occasion if occasion else within(state.c.signed_on, period),
            state.c.signed_on <= period.end,
            not_local(state),
            true() if parent.parent_id is None else credited_below(parent, state, credit),
        )
        .cte("cohort")
    )
    a = ARRIVAL
    arrived = (
        select(a.c.project_id, func.sum(a.c.cny_fen).label("to_date_fen"))
        .where(
            a.c.project_id.in_(select(cohort.c.id)),
            a.c.arrived_on <= period.end,
            entered_by(a.c.entered_at, as_of),
        )
        .group_by(a.c.project_id)
        .cte("arrived")
    )
    c = cohort.c
    started = c.started_on <= period.end
    query = select(
        func.count(),
        count_if(or_(started, func.coalesce(arrived.c.to_date_fen, 0) > 0)),
        count_if(started),
        count_if(c.producing_on <= period.end),
        func.sum(c.contract_fen),
        func.sum(arrived.c.to_date_fen),
    ).select_from(cohort.outerjoin(arrived, arrived.c.project_id == c.id))
    signed_count, carried_out, started_count, producing, contract_fen, arrived_fen = (
        v or 0 for v in connection_of(db).execute(query).one()
    )
    return {
        "cohort": occasion or f"{period.year}年签约",
        "signed": signed_count,
        "carried_out": carried_out,
        "started": started_count,
        "producing": producing,
        "contract": wan(contract_fen),
        "arrived": wan(arrived_fen),
        "performance_rate": _share(carried_out, signed_count),  # 履约率
        "start_rate": _share(started_count, signed_count),  # 开工率
        "funds_rate": _share(arrived_fen, contract_fen),  # 资金到位率
        "production_rate": _share(producing, signed_count),  # 建成投产率
    }


def projects_where(
    db: Db,
    parent: UnitFacts,
    condition: ColumnElement[bool],
    period: Period,
    as_of: date | None = None,
    extra: list[Any] | None = None,
) -> list[dict[str, Any]]:
    """Projects in the parent's scope meeting a condition on the project table, as they stood
    on the period's end; ``arrived`` is what arrived within the period. ``extra`` columns
    ride along."""
    P = project_at(db, period.end, as_of)  # the project table as it stood then
    scope = _scope(parent, P, credit_at(db, period.end, as_of))
    a = _arrived(period, as_of)
    condition = on_state(condition, P)
    extra = [on_state(column, P) for column in extra or []]
    query = (
        select(
            P.c.id,
            P.c.code,
            P.c.name,
            P.c.industry,
            P.c.industrial,
            P.c.stage,
            reached_by(P.c.signed_on, period.end).label("signed_on"),
            reached_by(P.c.started_on, period.end).label("started_on"),
            P.c.contract_fen,
            a.c.period_fen,
            *extra,
        )
        .select_from(P.join(scope, scope.c.id == P.c.id).outerjoin(a, a.c.project_id == P.c.id))
        .where(condition)
        .order_by(P.c.code)
    )
    result = connection_of(db).execute(query)
    keys = list(result.keys())
    found = [dict(zip(keys, values, strict=True)) for values in result]
    credit = credit_at(db, period.end, as_of)
    names = credited_labels(db, [row["id"] for row in found], credit) if found else {}
    projects = []
    for row in found:
        contract = row["contract_fen"]
        flags = {key: value for key, value in row.items() if key.startswith("in_")}
        projects.append(
            {
                "code": row["code"],
                "name": row["name"],
                "units": names.get(row["id"], ""),
                "industry": row["industry"],
                "industrial": bool(row["industrial"]),
                "stage": row["stage"],
                "signed_on": row["signed_on"],
                "started_on": row["started_on"],
                **flags,
                "contract": wan(contract) if contract is not None else None,
                "arrived": wan(row["period_fen"]),
            }
        )
    return projects
