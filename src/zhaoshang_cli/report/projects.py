"""The project side of the report: introduced, 新开工 vs 结转续建, 亿元以上, industrial share,
and the follow-through rates (履约率, 开工率, 资金到位率, 建成投产率) of a signed cohort."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlmodel import Session

from zhaoshang_cli.models import Unit
from zhaoshang_cli.projects import unit_names
from zhaoshang_cli.report.periods import Period
from zhaoshang_cli.report.sql import (
    ARRIVAL,
    MAJOR_FEN,
    PROJECT,
    PROJECT_UNIT,
    count_if,
    entered_by,
    not_local,
    sum_if,
    wan,
    within,
)
from zhaoshang_cli.units import subtree

P = PROJECT


def _scope(parent: Unit, as_of: date | None):  # type: ignore[no-untyped-def]
    """Projects credited anywhere in the parent's subtree, outside investors only."""
    tree = subtree([parent.id])  # type: ignore[list-item]
    pu = PROJECT_UNIT
    return (
        select(pu.c.project_id.label("id"))
        .distinct()
        .select_from(pu.join(tree, tree.c.id == pu.c.unit_id).join(P, P.c.id == pu.c.project_id))
        .where(not_local(), entered_by(P.c.created_at, as_of))
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


def _share(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    return None if not whole else Decimal(part) / Decimal(whole)


Condition = Callable[[Period], ColumnElement[bool]]


def signed(period: Period) -> ColumnElement[bool]:
    return within(P.c.signed_on, period)


def new_started(period: Period) -> ColumnElement[bool]:
    return within(P.c.started_on, period)


def carried_over(period: Period) -> ColumnElement[bool]:
    return and_(
        P.c.started_on < period.start,
        or_(P.c.completed_on.is_(None), P.c.completed_on >= period.start),
        or_(P.c.terminated_on.is_(None), P.c.terminated_on >= period.start),
    )


def major(period: Period) -> ColumnElement[bool]:
    return and_(signed(period), P.c.contract_fen >= MAJOR_FEN)


def project_summary(
    session: Session, parent: Unit, period: Period, as_of: date | None
) -> dict[str, Any]:
    scope, a = _scope(parent, as_of), _arrived(period, as_of)
    is_signed, is_new, is_carried = signed(period), new_started(period), carried_over(period)
    is_major = major(period)
    query = select(
        count_if(is_signed),
        sum_if(is_signed, P.c.contract_fen),
        count_if(is_new),
        sum_if(is_new, P.c.contract_fen),
        sum_if(is_new, a.c.period_fen),
        count_if(is_carried),
        sum_if(is_carried, P.c.contract_fen),
        sum_if(is_carried, a.c.period_fen),
        count_if(is_major),
        sum_if(is_major, P.c.contract_fen),
        count_if(and_(is_signed, P.c.industrial)),
        func.sum(a.c.period_fen),
        sum_if(P.c.industrial, a.c.period_fen),
    ).select_from(P.join(scope, scope.c.id == P.c.id).outerjoin(a, a.c.project_id == P.c.id))
    (
        signed_count,
        signed_fen,
        new,
        new_fen,
        new_arrived,
        carried,
        carried_fen,
        carried_arrived,
        major_count,
        major_fen,
        industrial,
        arrived,
        industrial_arrived,
    ) = (v or 0 for v in session.connection().execute(query).one())
    return {
        "introduced": {"count": signed_count, "contract": wan(signed_fen)},
        "new_started": {"count": new, "contract": wan(new_fen), "arrived": wan(new_arrived)},
        "carried_over": {
            "count": carried,
            "contract": wan(carried_fen),
            "arrived": wan(carried_arrived),
        },
        "major_signed": {"count": major_count, "contract": wan(major_fen)},
        "industrial": {
            "count": industrial,
            "share_of_projects": _share(industrial, signed_count),
            "arrived": wan(industrial_arrived),
            "share_of_arrived": _share(industrial_arrived, arrived),
        },
        "arrived": wan(arrived),
    }


def follow_through(
    session: Session, parent: Unit, period: Period, occasion: str | None, as_of: date | None
) -> dict[str, Any]:
    """The cohort is the projects signed in the year up to the period end, or, with an
    occasion, every project signed at that occasion up to the period end."""
    scope, a = _scope(parent, as_of), _arrived(period, as_of)
    cohort = P.c.occasion == occasion if occasion else signed(period)
    started = P.c.started_on <= period.end
    query = (
        select(
            func.count(),
            count_if(or_(started, func.coalesce(a.c.to_date_fen, 0) > 0)),
            count_if(started),
            count_if(P.c.producing_on <= period.end),
            func.sum(P.c.contract_fen),
            func.sum(a.c.to_date_fen),
        )
        .select_from(P.join(scope, scope.c.id == P.c.id).outerjoin(a, a.c.project_id == P.c.id))
        .where(cohort, P.c.signed_on <= period.end)
    )
    signed_count, carried_out, started_count, producing, contract_fen, arrived_fen = (
        v or 0 for v in session.connection().execute(query).one()
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


LIST_FILTERS: dict[str, Condition] = {
    "signed": signed,  # 新签约
    "new_started": new_started,  # 新开工
    "carried_over": carried_over,  # 结转续建
    "major": major,  # 亿元以上
}


def project_lists(
    session: Session, parent: Unit, period: Period, as_of: date | None
) -> dict[str, list[dict[str, Any]]]:
    """The project lists sent with the report (never investor contacts), in one query: each
    project once, with a flag per list."""
    conditions = {name: condition(period) for name, condition in LIST_FILTERS.items()}
    flags = [condition.label(f"in_{name}") for name, condition in conditions.items()]
    rows = projects_where(session, parent, or_(*conditions.values()), period, as_of, extra=flags)
    return {name: [row for row in rows if row[f"in_{name}"]] for name in LIST_FILTERS}


def projects_where(
    session: Session,
    parent: Unit,
    condition: ColumnElement[bool],
    period: Period,
    as_of: date | None = None,
    extra: list[Any] | None = None,
) -> list[dict[str, Any]]:
    """Projects in the parent's scope meeting a condition on the project table; ``arrived``
    is what arrived within the period. ``extra`` columns ride along."""
    scope, a = _scope(parent, as_of), _arrived(period, as_of)
    query = (
        select(
            P.c.id,
            P.c.code,
            P.c.name,
            P.c.industry,
            P.c.industrial,
            P.c.stage,
            P.c.signed_on,
            P.c.started_on,
            P.c.contract_fen,
            a.c.period_fen,
            *(extra or []),
        )
        .select_from(P.join(scope, scope.c.id == P.c.id).outerjoin(a, a.c.project_id == P.c.id))
        .where(condition)
        .order_by(P.c.code)
    )
    result = session.connection().execute(query)
    keys = list(result.keys())
    found = [dict(zip(keys, values, strict=True)) for values in result]
    names = unit_names(session, [row["id"] for row in found]) if found else {}
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
