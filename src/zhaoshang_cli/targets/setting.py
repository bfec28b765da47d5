"""Targets (目标任务): setting them and asking which is in force on a date.

Amounts are integers in the metric's own unit: 分 for ``funds``, US cents for ``fdi``, and a
plain count for the count metrics. Allocation down the tree lives in ``allocation``.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, col, select

from zhaoshang_cli.core import dates
from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.glossary import LEVEL
from zhaoshang_cli.core.glossary import LEVELS as LEVELS
from zhaoshang_cli.core.i18n import N_, _
from zhaoshang_cli.core.money import MAX_TARGET_MAJOR, MINOR_PER_MAJOR, WAN, parse_amount, to_unit
from zhaoshang_cli.core.text import NOTE_MAX, clean_text
from zhaoshang_cli.store import audit
from zhaoshang_cli.store.models import Target, Unit
from zhaoshang_cli.targets.in_force import METRICS as METRICS
from zhaoshang_cli.targets.in_force import Metric as Metric
from zhaoshang_cli.targets.in_force import check_metric as check_metric
from zhaoshang_cli.targets.in_force import targets_in_force as targets_in_force
from zhaoshang_cli.units.tree import find_unit, path_of

_COUNT_SUFFIXES = ("个", "项", "条")
MAX_COUNT = 1_000_000  # projects or leads in a year: a city's office has a few thousand


def check_level(level: str) -> str:
    """The level's code, from must/确保 or strive/力争."""
    return LEVEL.parse(level)


def check_year(year: int) -> int:
    return dates.check_year(year, what=N_("target year"))


def parse_target_amount(value: str, metric: str) -> int:
    """Money like any amount (plain numbers in 万); counts must be whole numbers."""
    if check_metric(metric).money:
        return parse_amount(value, what=N_("target"), limit=MAX_TARGET_MAJOR)
    raw = str(value).strip()
    for suffix in _COUNT_SUFFIXES:
        raw = raw.removesuffix(suffix).strip()
    if not re.fullmatch(r"[0-9]{1,12}", raw):
        raise Invalid(
            _("The {metric} target {value!r} must be a whole number of items.").format(
                metric=metric, value=value
            )
        )
    if int(raw) == 0:
        raise Invalid(
            _("The {metric} target {value!r} must be greater than zero.").format(
                metric=metric, value=value
            )
        )
    if int(raw) > MAX_COUNT:
        raise Invalid(
            _("The {metric} target {value!r} is more than {max}; check it.").format(
                metric=metric, value=value, max=f"{MAX_COUNT:,}"
            )
        )
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
    check_year(year)
    metric = check_metric(metric).key
    level = check_level(level)
    reason = clean_text(reason, N_("reason"), limit=NOTE_MAX, lines=True)
    effective_from = effective_from or date(year, 1, 1)
    if effective_from.year != year:
        raise Invalid(
            _("The date {date} is not in the target year {year}.").format(
                date=effective_from, year=year
            )
        )
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
    metric = check_metric(metric).key
    level = check_level(level)
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
