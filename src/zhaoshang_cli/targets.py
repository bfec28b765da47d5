"""Targets (目标任务): setting them and asking which is in force on a date.

Amounts are integers in the metric's own unit: 分 for ``funds``, US cents for ``fdi``, and a
plain count for the count metrics. Allocation down the tree lives in ``allocation``.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, col, select

from zhaoshang_cli import audit, dates
from zhaoshang_cli.errors import Invalid
from zhaoshang_cli.models import Target, Unit
from zhaoshang_cli.money import MINOR_PER_MAJOR, WAN, parse_amount, to_unit
from zhaoshang_cli.units import find_unit, path_of


@dataclass(frozen=True)
class Metric:
    key: str
    chinese: str
    unit: str  # how it is shown
    money: bool


METRICS: dict[str, Metric] = {
    "funds": Metric("funds", "招商引资到位资金", "万元", True),
    "fdi": Metric("fdi", "实际使用外资", "万美元", True),
    "projects": Metric("projects", "新签约项目个数", "个", False),
    "major": Metric("major", "亿元以上项目个数", "个", False),
    "leads": Metric("leads", "有价值招商信息条数", "条", False),
}
LEVELS = {"must": "确保", "strive": "力争"}
# 招商引资 targets start with reform and opening; anything outside this is a typo.
FIRST_YEAR, LAST_YEAR = 1978, 2100
_COUNT_SUFFIXES = ("个", "项", "条")


def check_metric(metric: str) -> Metric:
    if metric not in METRICS:
        raise Invalid(f"Unknown metric {metric!r}; use one of: {', '.join(METRICS)}.")
    return METRICS[metric]


def check_level(level: str) -> str:
    if level not in LEVELS:
        raise Invalid(f"Unknown level {level!r}; use must (确保) or strive (力争).")
    return level


def check_year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Invalid(f"The year {year} is not a target year; give it as four digits, e.g. 2026.")
    return year


def parse_target_amount(value: str, metric: str) -> int:
    """Money like any amount (plain numbers in 万); counts must be whole numbers."""
    if check_metric(metric).money:
        return parse_amount(value, what="target")
    raw = str(value).strip()
    for suffix in _COUNT_SUFFIXES:
        raw = raw.removesuffix(suffix).strip()
    if not raw.isdigit():
        raise Invalid(f"The {metric} target {value!r} must be a whole number of items.")
    if int(raw) == 0:
        raise Invalid(f"The {metric} target {value!r} must be greater than zero.")
    return int(raw)


def describe_amount(amount: int, metric: str) -> str:
    """Exact, with its unit: 3333.3334万元, not a rounded 3333.33, so remainders show."""
    info = METRICS[metric]
    if not info.money:
        return f"{amount}{info.unit}"
    wan = to_unit(amount)
    shown = f"{wan:.2f}" if wan == round(wan, 2) else f"{wan.normalize():f}"
    return f"{shown}{info.unit}"


def describe_small(amount: int, metric: str) -> str:
    """A small money figure (a rounding remainder) in 元 or 美元, a count as it is."""
    info = METRICS[metric]
    if not info.money:
        return f"{amount}{info.unit}"
    currency = "美元" if metric == "fdi" else "元"
    if amount % (WAN * MINOR_PER_MAJOR) == 0:
        return f"{amount // (WAN * MINOR_PER_MAJOR)}万{currency}"
    return f"{(Decimal(amount) / MINOR_PER_MAJOR).normalize():f}{currency}"


def date_in_year(year: int, on: date | None = None) -> date:
    """The day a listing looks at: the given one, else today kept within the year."""
    if on is not None:
        return on
    return min(max(dates.today(), date(year, 1, 1)), date(year, 12, 31))


def add_target(
    session: Session,
    unit: Unit,
    year: int,
    metric: str,
    amount: int,
    *,
    level: str = "must",
    effective_from: date | None = None,
    basis: str = "set",
    reason: str | None = None,
) -> Target:
    """Append a target row; the previous one stays as history."""
    check_metric(metric)
    check_level(level)
    effective_from = effective_from or date(year, 1, 1)
    if effective_from.year != year:
        raise Invalid(f"The date {effective_from} is not in the target year {year}.")
    before = targets_in_force(session, year, metric, effective_from, unit_ids=[unit.id])
    target = Target(
        year=year,
        unit_id=unit.id,  # type: ignore[arg-type]
        metric=metric,
        level=level,
        amount=amount,
        effective_from=effective_from,
        basis=basis,
        reason=reason,
        operator=session.info.get("operator", "unknown"),
        set_at=dates.utcnow(),
    )
    session.add(target)
    session.flush()
    previous = before.get((unit.id, level))  # type: ignore[arg-type]
    audit.record(
        session,
        "target.set",
        "target",
        target.id,
        before={"amount": previous} if previous is not None else None,
        after={
            "unit": unit.name,
            "year": year,
            "metric": metric,
            "level": level,
            "amount": amount,
            "effective_from": effective_from,
            "basis": basis,
            "reason": reason,
        },
    )
    return target


@dataclass
class SetTarget:
    target: Target
    unit: Unit
    previous: int | None  # the amount in force on the date before this row
    later: date | None  # a row from a later date, which still takes over from then


def set_target(
    session: Session,
    unit_name: str,
    year: int,
    amount: str,
    *,
    metric: str = "funds",
    level: str = "must",
    effective_from: date | None = None,
    reason: str | None = None,
) -> SetTarget:
    """``zs target set``: validate everything, then append the row (history is kept)."""
    check_year(year)
    check_metric(metric)
    check_level(level)
    value = parse_target_amount(amount, metric)
    unit = find_unit(session, unit_name)
    on = effective_from or date(year, 1, 1)
    previous = targets_in_force(session, year, metric, on, unit_ids=[unit.id]).get(
        (unit.id, level)  # type: ignore[arg-type]
    )
    target = add_target(
        session, unit, year, metric, value, level=level, effective_from=on, reason=reason
    )
    later = later_changes(session, year, metric, level, [unit.id], on)  # type: ignore[list-item]
    return SetTarget(target, unit, previous, later.get(unit.id))  # type: ignore[arg-type]


def target_history(
    session: Session,
    year: int,
    *,
    metric: str | None = None,
    level: str | None = None,
    unit_name: str | None = None,
) -> list[dict]:
    """Every target row of a year, superseded ones included, oldest first."""
    check_year(year)
    query = select(Target).where(Target.year == year)
    if metric is not None:
        query = query.where(Target.metric == check_metric(metric).key)
    if level is not None:
        query = query.where(Target.level == check_level(level))
    if unit_name is not None:
        query = query.where(Target.unit_id == find_unit(session, unit_name).id)
    query = query.order_by(col(Target.metric), col(Target.effective_from), col(Target.id))
    rows = []
    paths: dict[int, str] = {}
    for target in session.exec(query):
        if target.unit_id not in paths:
            unit = session.get(Unit, target.unit_id)
            paths[target.unit_id] = "/".join(path_of(session, unit))  # type: ignore[arg-type]
        rows.append(
            {
                "id": target.id,
                "unit": paths[target.unit_id],
                "metric": target.metric,
                "level": target.level,
                "amount": target.amount,
                "effective_from": target.effective_from,
                "basis": target.basis,
                "reason": target.reason,
                "operator": target.operator,
                "set_at": target.set_at,
            }
        )
    return rows


def later_changes(
    session: Session, year: int, metric: str, level: str, unit_ids: list[int], after: date
) -> dict[int, date]:
    """{unit_id: first date after ``after``} for units whose target changes again later:
    a row written now does not override those (the latest effective date wins)."""
    query = (
        select(Target.unit_id, func.min(Target.effective_from))
        .where(Target.year == year, Target.metric == metric, Target.level == level)
        .where(col(Target.unit_id).in_(unit_ids), Target.effective_from > after)
        .group_by(col(Target.unit_id))
    )
    return dict(session.exec(query).all())  # type: ignore[arg-type]


def metrics_with_targets(session: Session, year: int) -> list[str]:
    rows = session.exec(select(Target.metric).where(Target.year == year).distinct())
    found = set(rows)
    return [metric for metric in METRICS if metric in found]


def targets_in_force(
    session: Session,
    year: int,
    metric: str,
    on: date,
    unit_ids: list[int | None] | None = None,
) -> dict[tuple[int, str], int]:
    """{(unit_id, level): amount} as in force on a date: the latest row effective by then."""
    from sqlalchemy import select as core_select

    target = Target.__table__
    ranked = (
        core_select(
            target.c.unit_id,
            target.c.level,
            target.c.amount,
            func.row_number()
            .over(
                partition_by=(target.c.unit_id, target.c.level),
                order_by=(target.c.effective_from.desc(), target.c.id.desc()),
            )
            .label("n"),
        )
        .where(target.c.year == year, target.c.metric == metric, target.c.effective_from <= on)
        .subquery("ranked")
    )
    rows = session.connection().execute(
        core_select(ranked.c.unit_id, ranked.c.level, ranked.c.amount).where(ranked.c.n == 1)
    )
    wanted = set(unit_ids) if unit_ids is not None else None
    return {
        (unit_id, level): amount
        for unit_id, level, amount in rows
        if wanted is None or unit_id in wanted
    }
