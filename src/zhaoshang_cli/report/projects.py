"""The follow-through rates (履约率, 开工率, 资金到位率, 建成投产率) of a signed cohort, and
projects meeting a condition (the bulletin's week of news)."""

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from zhaoshang_cli.models import Unit
from zhaoshang_cli.report.names import unit_labels
from zhaoshang_cli.report.periods import Period
from zhaoshang_cli.report.sql import entered_by, subtree_cte, wan


def _scope(parent: Unit, as_of: date | None) -> str:
    """Projects credited anywhere in the parent's subtree, outside investors only."""
    return (
        subtree_cte([parent.id])  # type: ignore[list-item]
        + ", scope AS (SELECT DISTINCT pu.project_id AS id FROM project_unit pu"
        "  JOIN tree ON tree.id = pu.unit_id JOIN project p ON p.id = pu.project_id"
        f"  WHERE COALESCE(p.origin, '') != 'local'{entered_by('p.created_at', as_of)}),"
    )


def _arrived_cte(as_of: date | None) -> str:
    return (
        " arrived AS (SELECT project_id,"
        "  SUM(CASE WHEN arrived_on >= :s THEN cny_fen ELSE 0 END) AS period_fen,"
        "  SUM(cny_fen) AS to_date_fen"
        f"  FROM arrival WHERE arrived_on <= :e{entered_by('entered_at', as_of)}"
        " GROUP BY project_id)"
    )


def _share(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    return None if not whole else Decimal(part) / Decimal(whole)


SIGNED = "p.signed_on >= :s AND p.signed_on <= :e"


def follow_through(
    session: Session, parent: Unit, period: Period, occasion: str | None, as_of: date | None
) -> dict[str, Any]:
    """The cohort is the projects signed in the year up to the period end, or, with an
    occasion, every project signed at that occasion up to the period end."""
    cohort = "p.occasion = :occasion" if occasion else SIGNED
    sql = (
        _scope(parent, as_of) + _arrived_cte(as_of) + " SELECT COUNT(*),"
        " SUM(p.started_on <= :e OR COALESCE(a.to_date_fen, 0) > 0),"
        " SUM(p.started_on <= :e), SUM(p.producing_on <= :e),"
        " SUM(p.contract_fen), SUM(a.to_date_fen)"
        " FROM project p JOIN scope ON scope.id = p.id"
        " LEFT JOIN arrived a ON a.project_id = p.id"
        f" WHERE {cohort} AND p.signed_on <= :e"
    )
    params = {"s": period.start.isoformat(), "e": period.end.isoformat(), "occasion": occasion}
    signed, carried_out, started, producing, contract_fen, arrived_fen = (
        v or 0 for v in session.connection().execute(text(sql), params).one()
    )
    return {
        "cohort": occasion or f"{period.year}年签约",
        "signed": signed,
        "carried_out": carried_out,
        "started": started,
        "producing": producing,
        "contract": wan(contract_fen),
        "arrived": wan(arrived_fen),
        "performance_rate": _share(carried_out, signed),  # 履约率
        "start_rate": _share(started, signed),  # 开工率
        "funds_rate": _share(arrived_fen, contract_fen),  # 资金到位率
        "production_rate": _share(producing, signed),  # 建成投产率
    }


def projects_where(
    session: Session,
    parent: Unit,
    condition: str,
    period: Period,
    as_of: date | None = None,
    extra: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Projects in the parent's scope meeting a condition on ``p`` (with :s and :e bound to
    the period); ``arrived`` is what arrived within the period. ``extra`` columns ride along."""
    columns = ", ".join(
        [
            "p.code",
            "p.name",
            "names.units",
            "p.industry",
            "p.industrial",
            "p.stage",
            "p.signed_on",
            "p.started_on",
            "p.contract_fen",
            "a.period_fen",
            *(extra or []),
        ]
    )
    sql = (
        _scope(parent, as_of)
        + _arrived_cte(as_of)
        + ", names AS (SELECT pu.project_id, GROUP_CONCAT(u.id) AS units"
        "  FROM project_unit pu JOIN unit u ON u.id = pu.unit_id"
        "  WHERE pu.project_id IN (SELECT id FROM scope) GROUP BY pu.project_id)"
        f" SELECT {columns}"
        " FROM project p JOIN scope ON scope.id = p.id"
        " JOIN names ON names.project_id = p.id"
        " LEFT JOIN arrived a ON a.project_id = p.id"
        f" WHERE {condition} ORDER BY p.code"
    )
    params = {"s": period.start.isoformat(), "e": period.end.isoformat()}
    result = session.connection().execute(text(sql), params)
    keys = list(result.keys())
    labels = unit_labels(session)
    projects = []
    for values in result:
        row = dict(zip(keys, values, strict=True))
        row["units"] = "、".join(labels[int(i)] for i in str(row["units"]).split(","))
        row["industrial"] = bool(row["industrial"])
        for key in ("signed_on", "started_on"):
            row[key] = date.fromisoformat(row[key]) if row[key] else None
        contract = row.pop("contract_fen")
        row["contract"] = wan(contract) if contract is not None else None
        row["arrived"] = wan(row.pop("period_fen"))
        projects.append(row)
    return projects
