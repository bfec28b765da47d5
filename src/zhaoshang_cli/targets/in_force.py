"""What a reading command (the report) needs of the targets, through Core and without the
ORM: the metrics, and which target is in force on a date. ``setting`` sets them."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from zhaoshang_cli.core.glossary import METRIC, METRIC_NAMES
from zhaoshang_cli.store.db import Db, connection_of
from zhaoshang_cli.store.queries import entered_by
from zhaoshang_cli.store.tables import TARGET


@dataclass(frozen=True)
class Metric:
    key: str
    chinese: str
    unit: str  # how it is shown
    money: bool


METRICS: dict[str, Metric] = {
    "funds": Metric("funds", METRIC_NAMES["funds"], "万元", True),
    "fdi": Metric("fdi", METRIC_NAMES["fdi"], "万美元", True),
    "projects": Metric("projects", METRIC_NAMES["projects"], "个", False),
    "major": Metric("major", METRIC_NAMES["major"], "个", False),
    "leads": Metric("leads", METRIC_NAMES["leads"], "条", False),
}


def check_metric(metric: str) -> Metric:
    """From funds/到位资金, fdi/外资 …; callers keep ``.key``, the code."""
    return METRICS[METRIC.parse(metric)]


def targets_in_force(
    db: Db,
    year: int,
    metric: str,
    on: date,
    unit_ids: list[int | None] | None = None,
    *,
    as_of: date | None = None,
) -> dict[tuple[int, str], int]:
    """{(unit_id, level): amount} as in force on a date: the latest row effective by then
    (of those set by the end of ``as_of``, for a report reproduced as it stood that day)."""

    target = TARGET
    ranked = (
        select(
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
        .where(
            target.c.year == year,
            target.c.metric == metric,
            target.c.effective_from <= on,
            entered_by(target.c.set_at, as_of),
        )
        .subquery("ranked")
    )
    rows = connection_of(db).execute(
        select(ranked.c.unit_id, ranked.c.level, ranked.c.amount).where(ranked.c.n == 1)
    )
    wanted = set(unit_ids) if unit_ids is not None else None
    return {
        (unit_id, level): amount
        for unit_id, level, amount in rows
        if wanted is None or unit_id in wanted
    }
