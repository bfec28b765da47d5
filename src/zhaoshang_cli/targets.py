"""Targets (目标任务): setting them and asking which is in force on a date.

Amounts are integers in the metric's own unit: 分 for ``funds``, US cents for ``fdi``, and a
plain count for the count metrics. Allocation down the tree lives in ``allocation``.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import text
from sqlmodel import Session

from zhaoshang_cli import audit, dates
from zhaoshang_cli.errors import Invalid
from zhaoshang_cli.models import Target, Unit
from zhaoshang_cli.money import format_amount, parse_amount


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


def check_metric(metric: str) -> Metric:
    if metric not in METRICS:
        raise Invalid(f"Unknown metric {metric!r}; use one of: {', '.join(METRICS)}.")
    return METRICS[metric]


def check_level(level: str) -> str:
    if level not in LEVELS:
        raise Invalid(f"Unknown level {level!r}; use must (确保) or strive (力争).")
    return level


def parse_target_amount(value: str, metric: str) -> int:
    """Money like any amount (plain numbers in 万); counts must be whole numbers."""
    if check_metric(metric).money:
        return parse_amount(value, what="target")
    raw = str(value).strip()
    if not raw.isdigit():
        raise Invalid(f"The {metric} target {value!r} must be a whole number of items.")
    if int(raw) == 0:
        raise Invalid(f"The {metric} target {value!r} must be greater than zero.")
    return int(raw)


def format_target(amount: int | None, metric: str) -> str:
    if amount is None:
        return "—"
    if METRICS[metric].money:
        return format_amount(amount)
    return str(amount)


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


def targets_in_force(
    session: Session,
    year: int,
    metric: str,
    on: date,
    unit_ids: list[int | None] | None = None,
) -> dict[tuple[int, str], int]:
    """{(unit_id, level): amount} as in force on a date: the latest row effective by then."""
    sql = (
        "SELECT unit_id, level, amount FROM ("
        " SELECT unit_id, level, amount, ROW_NUMBER() OVER ("
        "  PARTITION BY unit_id, level ORDER BY effective_from DESC, id DESC) AS n"
        " FROM target WHERE year = :year AND metric = :metric AND effective_from <= :on"
        ") WHERE n = 1"
    )
    rows = session.connection().execute(
        text(sql), {"year": year, "metric": metric, "on": on.isoformat()}
    )
    wanted = set(unit_ids) if unit_ids is not None else None
    return {
        (unit_id, level): amount
        for unit_id, level, amount in rows
        if wanted is None or unit_id in wanted
    }
