"""The project side of the report in one grouped query: where money came from (来源), which
industry (产业), which size tier (规模), and how each project stood (新开工, 结转续建, 未开工,
往年已建成), so every breakdown adds up to the same totals as the headline.

Money is credited by share (共同引进) and kept exact: sums come back per share, and the
share is applied in Python as a Decimal. A project counts once however many units share it.
Written in SQLAlchemy Core so it compiles for SQLite and PostgreSQL alike.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, extract, func, literal_column, or_, select

from zhaoshang_cli.core.glossary import ORIGINS
from zhaoshang_cli.core.money import RATE_SCALE
from zhaoshang_cli.core.periods import Period
from zhaoshang_cli.report.state import credit_at, increases_within, project_at
from zhaoshang_cli.store.db import Db, connection_of
from zhaoshang_cli.store.queries import BP, MINOR_PER_WAN, entered_by
from zhaoshang_cli.store.tables import (
    ARRIVAL,
    EXCHANGE_RATE,
    PROJECT,
    PROJECT_CHANGE,
    PROJECT_UNIT,
    UNIT,
)

FEN_PER_WAN = 1_000_000
# Size tiers by contract amount, as bands (a project is in one only); the 12510工程 asks for
# 1 project of 1亿 or more, 2 of 5000万–1亿, 5 of 1000万–5000万 and 10 of 100万–1000万 a year.
TIERS = (
    ("10yi", "10亿元以上", 100_000 * FEN_PER_WAN),
    ("1yi", "亿元以上", 10_000 * FEN_PER_WAN),
    ("5000wan", "5000万元以上", 5_000 * FEN_PER_WAN),
    ("1000wan", "1000万元以上", 1_000 * FEN_PER_WAN),
    ("100wan", "100万元以上", 100 * FEN_PER_WAN),
    ("below", "100万元以下", None),
)
TARGET_12510 = {"1yi": 1, "5000wan": 2, "1000wan": 5, "100wan": 10}
STATUSES = {
    "new": "新开工",  # construction started within the period
    "carried": "结转续建",  # started before the year, still being built on its first day
    "not_started": "尚未开工",  # signed, construction not yet started
    "finished": "往年已建成",  # completed (or stopped) before the year
}
ORIGIN_ORDER = ("outside_province", "outside_city", "foreign", None)
DOMESTIC = ("outside_province", "outside_city")


@dataclass
class Fact:
    """Projects alike in every grouped attribute, with their sums (in 分, before shares)."""

    origin: str | None
    industry: str | None
    industrial: bool
    tier: str
    status: str
    signed: bool
    share_bp: int
    projects: int
    with_money: int
    contract_fen: int
    arrived_fen: int
    increased_fen: int = 0  # 增资 signed within the period

    def contract(self) -> Decimal:
        return Decimal(self.contract_fen) * self.share_bp / BP / MINOR_PER_WAN

    def new_contract(self) -> Decimal:
        """The contract amount this period adds: a project signed in it whole (its increases
        included), an earlier one by its increases signed in it (增资)."""
        if self.signed:
            return self.contract()
        return Decimal(self.increased_fen) * self.share_bp / BP / MINOR_PER_WAN

    def arrived(self) -> Decimal:
        return Decimal(self.arrived_fen) * self.share_bp / BP / MINOR_PER_WAN


def _subtree(parent_id: int) -> Any:
    unit = UNIT
    tree = select(unit.c.id.label("id")).where(unit.c.id == parent_id)
    tree = tree.cte("scope_tree", recursive=True)  # beside units.subtree's "tree" in one query
    child = unit.alias("child")
    return tree.union_all(select(child.c.id).where(child.c.parent_id == tree.c.id))


def is_top(db: Db, parent_id: int) -> bool:
    """The top of the unit tree: every project is credited under it, whole (a project's shares
    add up to 100%), so no query need add up its credit."""
    unit = UNIT
    query = select(unit.c.parent_id).where(unit.c.id == parent_id)
    return connection_of(db).execute(query).scalar() is None


WHOLE = literal_column(str(BP))  # a project's share at the top of the tree


def project_scope(parent_id: int, credit: Any = None, top: bool = False) -> Any:
    """Projects credited in the parent's subtree with the share credited there (by
    ``credit``, the credit as it stood on a period's end: ``state.credit_at``); at the top of
    the tree (``top``), every project, whole."""
    if top:
        project = PROJECT
        return select(project.c.id.label("id"), WHOLE.label("share_bp")).cte("scope")
    credit = PROJECT_UNIT if credit is None else credit
    tree = _subtree(parent_id)
    return (
        select(credit.c.project_id.label("id"), func.sum(credit.c.share_bp).label("share_bp"))
        .join(tree, tree.c.id == credit.c.unit_id)
        .group_by(credit.c.project_id)
        .cte("scope")
    )


def share_within(parent_id: int, credit: Any, project_id: Any, top: bool = False) -> Any:
    """The share of one project credited in the parent's subtree (NULL where none is): for a
    few projects picked by an index, where ``project_scope`` would add up the whole subtree's
    credit first."""
    if top:
        return WHOLE
    tree = _subtree(parent_id)
    return (
        select(func.sum(credit.c.share_bp))
        .where(credit.c.project_id == project_id, credit.c.unit_id.in_(select(tree.c.id)))
        .scalar_subquery()
    )


def entered_before(as_of: date | None) -> datetime | None:
    return datetime.combine(as_of + timedelta(days=1), time(), UTC) if as_of else None


def project_facts(db: Db, parent_id: int, period: Period, as_of: date | None) -> list[Fact]:
    """Every project of the period (signed in it, under construction in it, or with money in
    it, or with an increase signed in it), outside investors only, as they stood on the
    period's end, grouped by what the breakdowns split on."""
    query = facts_query(db, parent_id, period, as_of)
    return [to_fact(row) for row in connection_of(db).execute(query)]


def to_fact(row: Any) -> Fact:
    """A row of ``facts_query``: the grouped keys, then the sums."""
    origin, industry, industrial, tier, status, signed, share_bp, *sums = row
    projects, with_money, contract_fen, arrived_fen, increased_fen = (int(v or 0) for v in sums)
    return Fact(
        origin,
        industry,
        bool(industrial),
        tier,
        status,
        bool(signed),
        int(share_bp),
        projects,
        with_money,
        contract_fen,
        arrived_fen,
        increased_fen,
    )


def facts_query(
    db: Db,
    parent_id: int,
    period: Period,
    as_of: date | None,
    money: Any = None,
    state: tuple[Any, Any] | None = None,
) -> Any:
    """The grouped query of ``project_facts``. ``money`` (project_id, fen): what arrived in the
    period by project, and ``state``, the projects and their credit on the period's end, where
    the caller has them already (report/passes.py); else read here."""
    a = ARRIVAL
    s, e = period.start, period.end
    before = entered_before(as_of)
    p, credit = state or (project_at(db, e, as_of), credit_at(db, e, as_of))
    # At the top every project is credited whole: no scope to join (a million lookups).
    scope = None if is_top(db, parent_id) else project_scope(parent_id, credit)
    share = WHOLE.label("share_bp") if scope is None else scope.c.share_bp
    grown = increases_within(s, e, as_of)
    increased = func.coalesce(grown.c.fen, 0)
    if money is None:
        money = select(a.c.project_id, func.sum(a.c.cny_fen).label("fen")).where(
            a.c.arrived_on >= s, a.c.arrived_on <= e
        )
        if before is not None:
            money = money.where(a.c.entered_at < before)
        money = money.group_by(a.c.project_id).cte("money")
    arrived = func.coalesce(money.c.fen, 0)
    carried = and_(
        p.c.started_on < s,
        or_(p.c.completed_on.is_(None), p.c.completed_on >= s),
        or_(p.c.terminated_on.is_(None), p.c.terminated_on >= s),
    )
    status = case(
        (and_(p.c.started_on >= s, p.c.started_on <= e), "new"),
        (carried, "carried"),
        (or_(p.c.started_on.is_(None), p.c.started_on > e), "not_started"),
        else_="finished",
    )
    tier = case(
        *((p.c.contract_fen >= low, key) for key, _, low in TIERS if low is not None),
        else_="below",
    )
    signed_in_period = and_(p.c.signed_on >= s, p.c.signed_on <= e)
    signed = case((signed_in_period, 1), else_=0)
    keys = (
        p.c.origin,
        p.c.industry,
        p.c.industrial,
        tier,
        status,
        signed,
    )
    query = (
        select(
            *keys,
            share,
            func.count(),
            func.sum(case((arrived != 0, 1), else_=0)),
            func.coalesce(func.sum(p.c.contract_fen), 0),
            func.sum(arrived),
            func.sum(increased),
        )
        .select_from(
            (p if scope is None else p.join(scope, scope.c.id == p.c.id))
            .outerjoin(money, money.c.project_id == p.c.id)
            .outerjoin(grown, grown.c.project_id == p.c.id)
        )
        .where(
            func.coalesce(p.c.origin, "") != "local",
            or_(signed == 1, status.in_(("new", "carried")), arrived != 0, increased != 0),
        )
        .group_by(*keys, *(() if scope is None else (share,)))
    )
    if before is not None:
        query = query.where(p.c.created_at < before)
    return query


def _new_contract(facts: list[Fact]) -> Decimal:
    return sum((f.new_contract() for f in facts), Decimal(0))


def _sum(facts: list[Fact], *, money_only: bool = False) -> dict[str, Any]:
    return {
        "count": sum(f.with_money if money_only else f.projects for f in facts),
        "contract": sum((f.contract() for f in facts), Decimal(0)),
        "arrived": sum((f.arrived() for f in facts), Decimal(0)),
    }


def _share(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    return None if not whole else Decimal(part) / Decimal(whole)


def summary(facts: list[Fact]) -> dict[str, Any]:
    """The project figures of the 通报: introduced (新签约), 新开工 and 结转续建 (with count,
    contract and money), the money of projects not yet started or finished before the year, so
    that the four add up to everything that arrived; 亿元以上; the industrial shares."""
    signed = [f for f in facts if f.signed]
    by_status = {key: [f for f in facts if f.status == key] for key in STATUSES}
    introduced, total = _sum(signed), _sum(facts)
    industrial = _sum([f for f in signed if f.industrial])
    industrial_arrived = _sum([f for f in facts if f.industrial])["arrived"]
    major = _sum([f for f in signed if f.tier in ("10yi", "1yi")])
    waiting, finished = (
        _sum(by_status["not_started"], money_only=True),
        _sum(by_status["finished"], money_only=True),
    )
    return {
        "introduced": {"count": introduced["count"], "contract": _new_contract(facts)},
        "new_started": _sum(by_status["new"]),
        "carried_over": _sum(by_status["carried"]),
        "not_started": {"count": waiting["count"], "arrived": waiting["arrived"]},
        "finished_earlier": {"count": finished["count"], "arrived": finished["arrived"]},
        "major_signed": {"count": major["count"], "contract": major["contract"]},
        "industrial": {
            "count": industrial["count"],
            "share_of_projects": _share(industrial["count"], introduced["count"]),
            "arrived": industrial_arrived,
            "share_of_arrived": _share(industrial_arrived, total["arrived"]),
        },
        "arrived": total["arrived"],
    }


def _row(
    key: Any, label: str, facts: list[Fact], *, signed_money: bool = False, **extra: Any
) -> dict[str, Any]:
    """New projects (count, contract) and money: everything that arrived, or with
    ``signed_money`` only what arrived for the new projects themselves."""
    signed = _sum([f for f in facts if f.signed])
    return {
        "key": key,
        "label": label,
        "projects": signed["count"],
        "contract": _new_contract(facts),
        "arrived": signed["arrived"] if signed_money else _sum(facts)["arrived"],
        **extra,
    }


def by_origin(facts: list[Fact]) -> list[dict[str, Any]]:
    """省外 / 市外省内 (together 境内) and 境外, each with new projects, their contract amounts
    and the money that arrived; origin not recorded stays visible so the rows still add up."""
    rows = []
    for origin in ORIGIN_ORDER:
        group = [f for f in facts if f.origin == origin]
        if origin is None and not group:
            continue
        rows.append(_row(origin, ORIGINS[origin] if origin else "来源未填", group, level=1))
        if origin == "outside_city":
            domestic = [f for f in facts if f.origin in DOMESTIC]
            rows.append(_row("domestic", "境内小计", domestic, level=0))
    return [*rows, _row("total", "合计", facts, level=0)]


def by_industry(facts: list[Fact]) -> list[dict[str, Any]]:
    names = sorted({f.industry for f in facts}, key=lambda name: (name is None, name or ""))
    rows = [
        _row(name, name or "产业未填", [f for f in facts if f.industry == name]) for name in names
    ]
    rows.sort(key=lambda row: -row["arrived"])
    return [*rows, _row("total", "合计", facts)]


def by_tier(facts: list[Fact]) -> list[dict[str, Any]]:
    """New projects by size band against the 12510 target (亿元以上 counts 10亿元以上 too), with
    the money that arrived for them."""
    rows = []
    for key, label, _ in TIERS:
        row = _row(key, label, [f for f in facts if f.tier == key], signed_money=True)
        target = TARGET_12510.get(key)
        toward = row["projects"] + (rows[0]["projects"] if key == "1yi" else 0)
        row |= {"target": target, "met": None if target is None else toward >= target}
        rows.append(row)
    total = _row("total", "合计", facts, signed_money=True)
    return [*rows, total | {"target": sum(TARGET_12510.values()), "met": None}]


def by_status(facts: list[Fact]) -> list[dict[str, Any]]:
    """The money of the period by where its project stood: 新开工 and 结转续建 (together the
    projects under construction, 在建) with every project, the others with those that had
    money; the rows add up to everything that arrived."""
    building = [f for f in facts if f.status in ("new", "carried")]
    rows = [
        {"key": key, "label": STATUSES[key], **_sum([f for f in facts if f.status == key])}
        for key in ("new", "carried")
    ]
    rows.append({"key": "building", "label": "在建项目小计", **_sum(building)})
    for key in ("not_started", "finished"):
        group = _sum([f for f in facts if f.status == key], money_only=True)
        rows.append({"key": key, "label": STATUSES[key], **group, "contract": None})
    return [
        *rows,
        {
            "key": "total",
            "label": "合计",
            "count": None,
            "contract": None,
            "arrived": _sum(facts)["arrived"],
        },
    ]


def foreign_contracts(db: Db, parent_id: int, period: Period, as_of: date | None) -> dict[str, Any]:
    """合同外资: contracts of foreign investors signed in the period (and increases, 增资, of
    earlier ones signed in it), in 万元 and in 万美元: a contract made in USD by its own
    amount, the others at the USD rate of each signing month (the latest earlier rate where
    a month has none)."""
    p, credit = project_at(db, period.end, as_of), credit_at(db, period.end, as_of)
    top = is_top(db, parent_id)
    in_usd = p.c.contract_currency == "USD"
    candidates = (
        select(
            extract("year", p.c.signed_on).label("y"),
            extract("month", p.c.signed_on).label("m"),
            share_within(parent_id, credit, p.c.id, top).label("share_bp"),
            p.c.contract_fen,
            case((in_usd, 0), else_=p.c.contract_fen).label("converted"),
            case((in_usd, p.c.contract_minor), else_=0).label("cents"),
        )
        .where(p.c.origin == "foreign", p.c.signed_on >= period.start, p.c.signed_on <= period.end)
        .subquery("foreign_signed")
    )
    c = candidates.c
    signed = (
        select(
            c.y,
            c.m,
            c.share_bp,
            func.count(),
            func.sum(c.contract_fen),
            func.sum(c.converted),
            func.sum(c.cents),
        )
        .where(c.share_bp.is_not(None))
        .group_by(c.y, c.m, c.share_bp)
    )
    change = PROJECT_CHANGE
    grown = (
        select(
            extract("year", change.c.effective_on).label("y"),
            extract("month", change.c.effective_on).label("m"),
            share_within(parent_id, credit, p.c.id, top).label("share_bp"),
            (change.c.new_number - change.c.old_number).label("fen"),
        )
        .select_from(change.join(p, p.c.id == change.c.project_id))
        .where(
            change.c.kind == "increase",
            change.c.effective_on >= period.start,
            change.c.effective_on <= period.end,
            entered_by(change.c.entered_at, as_of),
            p.c.origin == "foreign",
            p.c.signed_on < period.start,
        )
        .subquery("foreign_increases")
    )
    g = grown.c
    increases = (
        select(g.y, g.m, g.share_bp, func.sum(g.fen))
        .where(g.share_bp.is_not(None))
        .group_by(g.y, g.m, g.share_bp)
    )
    rate = EXCHANGE_RATE
    rates = sorted(
        connection_of(db).execute(
            select(rate.c.month, rate.c.rate_micro).where(rate.c.currency == "USD")
        )
    )
    count, contract, usd, missing = 0, Decimal(0), Decimal(0), False
    parts = [
        (y, m, share_bp, projects, fen, converted, cents)
        for y, m, share_bp, projects, fen, converted, cents in connection_of(db).execute(signed)
    ]
    parts += [
        (y, m, share_bp, 0, fen, fen, 0)
        for y, m, share_bp, fen in connection_of(db).execute(increases)
    ]
    for y, m, share_bp, projects, fen, converted, cents in parts:
        count = count + projects
        contract += Decimal(fen or 0) * share_bp / BP / MINOR_PER_WAN
        usd += Decimal(cents or 0) * share_bp / BP / MINOR_PER_WAN
        if cents and not converted:  # contracts made in USD only: no rate needed
            continue
        month_key = f"{int(y):04d}-{int(m):02d}"
        known = [micro for key, micro in rates if key <= month_key]
        if known:
            usd += Decimal(converted or 0) * share_bp / BP / MINOR_PER_WAN * RATE_SCALE / known[-1]
        else:
            missing = True
    return {
        "projects": count,
        "contract": contract,
        "contract_usd": None if missing else usd,
    }
