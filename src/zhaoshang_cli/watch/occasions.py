"""Signing occasions (投洽会, 兰洽会, a 百日竞赛): projects signed at them per unit against a quota
(seed 001: "各县区、开发区要确保签约1个…项目"), and the cohort of one or several occasions with
its follow-through and the lists to chase (seed 004: "对已签约项目特别是近三届兰洽会签约项目…对
未履约的、未开工的、未建成投产的项目分门别类进行梳理").

The lists are disjoint, so each project sits in one (or none, once producing):
- ``unfulfilled`` (未履约): not started and no money arrived;
- ``not_started`` (未开工): money arrived, construction not started;
- ``not_producing`` (未投产): started, not yet in production.
Terminated projects stay in the cohort and its lists (they lower the rates, as in the report).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlmodel import Session

from zhaoshang_cli.projects.lookup import check_occasions
from zhaoshang_cli.projects.names import credited_labels
from zhaoshang_cli.store.models import Unit
from zhaoshang_cli.store.queries import count_if, counted
from zhaoshang_cli.store.tables import ARRIVAL, PROJECT
from zhaoshang_cli.units.tree import children_of
from zhaoshang_cli.watch.counts import credit_pairs, stage_on

P = PROJECT
QUOTA_KINDS = ("county", "zone")  # 各县区、开发区
LISTS = ("unfulfilled", "not_started", "not_producing")


@dataclass
class Cohort:
    parent: str
    occasions: list[str]
    day: date
    quota: int
    units: list[dict[str, Any]] = field(default_factory=list)
    rates: dict[str, Any] = field(default_factory=dict)
    lists: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def _share(part: int, whole: int) -> Decimal | None:
    return None if not whole else Decimal(part) / whole


def occasion_cohort(
    session: Session, root: Unit, occasions: list[str], day: date, quota: int
) -> Cohort:
    names = check_occasions(session, occasions)
    found = Cohort(root.name, names, day, quota)
    children = children_of(session, root)
    pairs = credit_pairs([root.id, *(c.id for c in children)])  # type: ignore[list-item]
    at = and_(P.c.occasion.in_(names), P.c.signed_on <= day, counted())
    query = (
        select(pairs.c.root, P.c.occasion, func.count())
        .select_from(pairs.join(P, P.c.id == pairs.c.project_id))
        .where(at)
        .group_by(pairs.c.root, P.c.occasion)
    )
    signed: dict[int, dict[str, int]] = {}
    for unit_id, occasion, count in session.connection().execute(query):
        signed.setdefault(unit_id, {})[occasion] = int(count)
    for child in children:
        counts = {name: signed.get(child.id, {}).get(name, 0) for name in names}  # type: ignore[arg-type]
        owed = quota if child.kind in QUOTA_KINDS else None
        found.units.append(
            {
                "unit": child.name,
                "kind": child.kind,
                "signed": counts,
                "total": sum(counts.values()),
                "quota": owed,
                "met": None if owed is None else all(n >= owed for n in counts.values()),
            }
        )
    root_counts = {name: signed.get(root.id, {}).get(name, 0) for name in names}  # type: ignore[arg-type]
    found.units.append(
        {
            "unit": root.name,
            "kind": "total",
            "signed": root_counts,
            "total": sum(root_counts.values()),
            "quota": None,
            "met": None,
        }
    )
    _follow_through(session, found, pairs, root.id, at)  # type: ignore[arg-type]
    return found


def _follow_through(session: Session, found: Cohort, pairs: Any, root_id: int, at: Any) -> None:
    day = found.day
    a = ARRIVAL
    money = (
        select(a.c.project_id, func.sum(a.c.cny_fen).label("fen"))
        .where(a.c.arrived_on <= day)
        .group_by(a.c.project_id)
        .cte("money")
    )
    stage = stage_on(day)
    scope = select(pairs.c.project_id).where(pairs.c.root == root_id)
    started = P.c.started_on <= day
    has_money = func.coalesce(money.c.fen, 0) > 0
    producing = P.c.producing_on <= day
    source = P.outerjoin(money, money.c.project_id == P.c.id).outerjoin(
        stage, stage.c.project_id == P.c.id
    )
    where = [at, P.c.id.in_(scope)]
    totals = (
        session.connection()
        .execute(
            select(
                func.count(),
                count_if(or_(started, has_money)),
                count_if(started),
                count_if(producing),
                func.sum(P.c.contract_fen),
                func.sum(money.c.fen),
            )
            .select_from(source)
            .where(*where)
        )
        .one()
    )
    count, carried_out, started_n, producing_n, contract, arrived = (int(v or 0) for v in totals)
    found.rates = {
        "signed": count,
        "carried_out": carried_out,
        "started": started_n,
        "producing": producing_n,
        "contract_fen": contract,
        "arrived_fen": arrived,
        "performance_rate": _share(carried_out, count),  # 履约率
        "start_rate": _share(started_n, count),  # 开工率
        "funds_rate": _share(arrived, contract),  # 资金到位率
        "production_rate": _share(producing_n, count),  # 建成投产率
    }
    not_started = or_(P.c.started_on.is_(None), P.c.started_on > day)
    conditions = {
        "unfulfilled": and_(not_started, ~has_money),
        "not_started": and_(not_started, has_money),
        "not_producing": and_(started, or_(P.c.producing_on.is_(None), P.c.producing_on > day)),
    }
    ids: list[int] = []
    for name, condition in conditions.items():
        query = (
            select(
                P.c.id,
                P.c.code,
                P.c.name,
                P.c.occasion,
                P.c.leader,
                stage.c.stage,
                P.c.signed_on,
                P.c.started_on,
                P.c.contract_fen,
                func.coalesce(money.c.fen, 0).label("arrived_fen"),
            )
            .select_from(source)
            .where(condition, *where)
            .order_by(P.c.signed_on, P.c.code)
        )
        rows = [dict(row) for row in session.connection().execute(query).mappings()]
        found.lists[name] = rows
        ids += [row["id"] for row in rows]
    labels = credited_labels(session, ids) if ids else {}
    for rows in found.lists.values():
        for row in rows:
            row["units"] = labels.get(row.pop("id"), "")
            row["days"] = (day - row["signed_on"]).days
