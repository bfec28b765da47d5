"""Per 包保领导 ("一个项目、一个领导牵头、一个工作班子"): the projects each leader answers for,
how many are started, the money that arrived for them in the period, how many are on the 督查
清单, and the effort (trip days, visits) recorded under the leader's name.

A project counts in its leader's row whole (one leader per project); projects without a leader
gather in one row (``leader`` null) so nothing drops out of the sums.
"""

from datetime import date
from typing import Any

from sqlalchemy import and_, func, select
from sqlmodel import Session

from zhaoshang_cli.core.periods import Period
from zhaoshang_cli.store.models import Unit
from zhaoshang_cli.store.queries import count_if, counted, within
from zhaoshang_cli.store.tables import ACTIVITY, ARRIVAL, PROJECT, PROJECT_UNIT
from zhaoshang_cli.units.tree import subtree
from zhaoshang_cli.watch.counts import alive_on
from zhaoshang_cli.watch.warnings import Warnings

P = PROJECT
FIGURES = ("projects", "signed", "started", "arrived_fen", "chased", "trip_days", "visits")


def leader_rows(
    session: Session, root: Unit, period: Period, day: date, chased: Warnings
) -> list[dict[str, Any]]:
    """One row per leader (most money first), then the total. ``projects``: signed by ``day``
    and not terminated; ``signed``: signed in the period; ``started``: of ``projects``, started
    by ``day``; ``arrived_fen``: money in the period; ``chased``: projects on the 督查清单."""
    tree = subtree([root.id])  # type: ignore[list-item]
    pu, a = PROJECT_UNIT, ARRIVAL
    scope = select(pu.c.project_id).join(tree, tree.c.id == pu.c.unit_id)
    money = (
        select(a.c.project_id, func.sum(a.c.cny_fen).label("fen"))
        .where(within(a.c.arrived_on, period), a.c.arrived_on <= day)
        .group_by(a.c.project_id)
        .cte("money")
    )
    in_hand = and_(P.c.signed_on <= day, alive_on(day))
    query = (
        select(
            P.c.leader,
            count_if(in_hand).label("projects"),
            count_if(and_(within(P.c.signed_on, period), P.c.signed_on <= day)).label("signed"),
            count_if(and_(in_hand, P.c.started_on <= day)).label("started"),
            func.sum(money.c.fen).label("arrived_fen"),
        )
        .select_from(P.outerjoin(money, money.c.project_id == P.c.id))
        .where(counted(), P.c.id.in_(scope), P.c.signed_on.is_not(None))
        .group_by(P.c.leader)
    )
    rows: dict[str | None, dict[str, Any]] = {}
    for found in session.connection().execute(query).mappings():
        rows[found["leader"]] = {**_blank(found["leader"]), **_ints(found)}
    act = ACTIVITY
    effort = (
        select(act.c.leader, func.sum(act.c.trip_days), func.sum(act.c.visits))
        .select_from(act.join(tree, tree.c.id == act.c.unit_id))
        .where(within(act.c.on_date, period), act.c.on_date <= day)
        .group_by(act.c.leader)
    )
    for leader, days, visits in session.connection().execute(effort):
        row = rows.setdefault(leader, _blank(leader))
        row["trip_days"], row["visits"] = int(days or 0), int(visits or 0)
    for warned in {(w["leader"], w["code"]) for w in chased.rows}:
        rows.setdefault(warned[0], _blank(warned[0]))["chased"] += 1
    ordered = sorted(
        rows.values(),
        key=lambda r: (r["leader"] is None, -r["arrived_fen"], -r["projects"], r["leader"] or ""),
    )
    total = _blank(None)
    total["row"] = "total"
    for row in ordered:
        for name in FIGURES:
            total[name] += row[name]
    return [*ordered, total]


def _blank(leader: str | None) -> dict[str, Any]:
    return {"row": "leader", "leader": leader, **dict.fromkeys(FIGURES, 0)}


def _ints(found: Any) -> dict[str, int]:
    return {
        name: int(found[name] or 0) for name in ("projects", "signed", "started", "arrived_fen")
    }
