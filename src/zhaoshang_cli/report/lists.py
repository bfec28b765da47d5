"""The project lists sent with the 通报 (新签约, 新开工, 结转续建, 亿元以上), largest contracts
first and at most ``LIST_LIMIT`` each: an annex is printed, and five hundred rows is already
some twelve pages. How many projects each list has in all is in the report's project figures;
the whole of any list comes from ``zs project list`` or ``zs export``. Never investor contacts.

SQLAlchemy Core, so it compiles for SQLite and PostgreSQL alike.
"""

from datetime import date
from typing import Any

from sqlalchemy import and_, func, literal, or_, select, union_all

from zhaoshang_cli.core.periods import Period
from zhaoshang_cli.projects.names import credited_labels
from zhaoshang_cli.report.breakdowns import entered_before, is_top, project_scope, share_within
from zhaoshang_cli.report.state import credit_at, project_at, reached_by
from zhaoshang_cli.store.db import Db, connection_of
from zhaoshang_cli.store.queries import MAJOR_FEN, wan
from zhaoshang_cli.store.tables import ARRIVAL

LIST_LIMIT = 500
SHOWN = (  # the project's columns in a list's rows
    "id",
    "code",
    "name",
    "industry",
    "industrial",
    "stage",
    "signed_on",
    "started_on",
    "contract_fen",
)
# Which figure of ``Report.projects`` counts each list in full.
LIST_COUNTS = {
    "signed": "introduced",
    "new_started": "new_started",
    "carried_over": "carried_over",
    "major": "major_signed",
}


def _conditions(p: Any, period: Period) -> dict[str, Any]:
    s, e = period.start, period.end
    signed = and_(p.c.signed_on >= s, p.c.signed_on <= e)
    return {
        "signed": signed,  # 新签约
        "new_started": and_(p.c.started_on >= s, p.c.started_on <= e),  # 新开工
        "carried_over": and_(  # 结转续建
            p.c.started_on < s,
            or_(p.c.completed_on.is_(None), p.c.completed_on >= s),
            or_(p.c.terminated_on.is_(None), p.c.terminated_on >= s),
        ),
    }  # 亿元以上: the signed list's own rows of 1亿 and more (``project_lists``)


def project_lists(
    db: Db,
    parent_id: int,
    period: Period,
    as_of: date | None,
    limit: int = LIST_LIMIT,
) -> dict[str, list[dict[str, Any]]]:
    """Each list's projects in the parent's scope as they stood on the period's end, largest
    contract first, with the money that arrived for them within the period and the units
    credited then (named unambiguously)."""
    a = ARRIVAL
    p = project_at(db, period.end, as_of)
    credit = credit_at(db, period.end, as_of)
    before = entered_before(as_of)
    # Every project on any list, read once with only what the lists choose by; each list
    # then sorts its own from these, and the rest of each row (its stage, its money) is
    # worked out for the few hundred chosen only. At the top of the tree every project is
    # in scope: nothing to join.
    by = ("id", "code", "contract_fen", "signed_on", "started_on", "completed_on", "terminated_on")
    candidates = select(*(p.c[key] for key in by)).where(
        func.coalesce(p.c.origin, "") != "local", or_(*_conditions(p, period).values())
    )
    if not is_top(db, parent_id):
        scope = project_scope(parent_id, credit)
        candidates = candidates.join(scope, scope.c.id == p.c.id)
    if before is not None:
        candidates = candidates.where(p.c.created_at < before)
    c = candidates.cte("candidates")
    parts = []
    for name, condition in _conditions(c, period).items():
        part = (
            select(literal(name).label("list"), c.c.id)
            .where(condition)
            .order_by(c.c.contract_fen.desc().nulls_last(), c.c.code)
            .limit(limit)
        )
        parts.append(select(part.subquery(name)))
    chosen = union_all(*parts).subquery("chosen")
    money = select(func.coalesce(func.sum(a.c.cny_fen), 0)).where(
        a.c.project_id == chosen.c.id, a.c.arrived_on >= period.start, a.c.arrived_on <= period.end
    )
    if before is not None:
        money = money.where(a.c.entered_at < before)
    query = select(
        chosen.c.list,
        *(p.c[key] for key in SHOWN if key != "started_on"),
        reached_by(p.c.started_on, period.end).label("started_on"),
        money.scalar_subquery().label("arrived_fen"),
    ).join(p, p.c.id == chosen.c.id)
    lists: dict[str, list[dict[str, Any]]] = {name: [] for name in LIST_COUNTS}
    for row in connection_of(db).execute(query):
        data = dict(row._mapping)
        lists[data.pop("list")].append(data)
    for rows in lists.values():  # a union keeps no order of its own
        rows.sort(key=lambda r: (r["contract_fen"] is None, -(r["contract_fen"] or 0), r["code"]))
    # Every 亿元以上 project ranks above every smaller one of the signed list, largest contract
    # first: the largest ``limit`` of them are the signed list's rows of 1亿 and more.
    lists["major"] = [
        dict(row) for row in lists["signed"] if (row["contract_fen"] or 0) >= MAJOR_FEN
    ]
    _name_units(db, lists, credit)
    return lists


def _name_units(db: Db, lists: dict[str, list[dict[str, Any]]], credit: Any) -> None:
    """Fill in each row's units, contract and money in 万; ids stay out of the rows."""
    ids = sorted({row["id"] for rows in lists.values() for row in rows})
    credited = credited_labels(db, ids, credit)
    for rows in lists.values():
        for row in rows:
            row["units"] = credited.get(row.pop("id"), "")
            row["industrial"] = bool(row["industrial"])
            contract = row.pop("contract_fen")
            row["contract"] = wan(contract) if contract is not None else None
            row["arrived"] = wan(row.pop("arrived_fen"))


def list_total(report_projects: dict[str, Any], name: str) -> int:
    """How many projects a list has in all (its sheet may show only the largest)."""
    return int(report_projects[LIST_COUNTS[name]]["count"])


def signed_without_amount(
    db: Db, parent_id: int, period: Period, as_of: date | None
) -> list[dict[str, Any]]:
    """Projects signed in the period with no contract amount: named in the report's warnings,
    since their 合同额 would otherwise read as nothing at all."""
    p, credit = project_at(db, period.end, as_of), credit_at(db, period.end, as_of)
    query = (
        select(p.c.code, p.c.name)
        .where(
            func.coalesce(p.c.origin, "") != "local",
            _conditions(p, period)["signed"],
            p.c.contract_fen.is_(None),
            share_within(parent_id, credit, p.c.id, is_top(db, parent_id)).is_not(None),
        )
        .order_by(p.c.code)
    )
    return [
        {"project": code, "name": name, "problem": "no_contract_amount"}
        for code, name in connection_of(db).execute(query)
    ]
