"""The yellow-card list (黄牌): units below the threshold share of 时序进度, and units with no
result at all (无实绩). Seed 003: "到年底,凡是按时序进度完成招商引资任务低于70%的部门,对主要负责人
实行'黄牌'警告;没有招商引资实绩的,部门主要负责人一律引咎辞职".

The figures are the report's own (``build_report``), so the list never disagrees with the
通报. No result means nothing arrived and no project signed in the period; a unit without a
target cannot be measured against 时序进度 and is listed only for having no result.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from zhaoshang_cli.core.periods import Period, reference_day
from zhaoshang_cli.report.compute import FLAG_FAR_BEHIND, Report, build_report
from zhaoshang_cli.store.db import Db
from zhaoshang_cli.watch.counts import signed_counts


@dataclass
class Flagged:
    report: Report
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def year_end(self) -> bool:
        """The whole year: the list is then the 黄牌 list itself."""
        period = self.report.period
        return (period.start.month, period.start.day, period.end.month, period.end.day) == (
            1,
            1,
            12,
            31,
        )


def flagged_units(db: Db, period: Period, threshold: Decimal, unit: str | None = None) -> Flagged:
    """The report, and its units on the list. Projects signed are counted only for the units
    that may be listed (yellow, or nothing arrived): the others are left off either way."""
    report = build_report(db, period, unit=unit, threshold=threshold)
    rows = [(group, row) for group in report.groups for row in group.rows]
    ids = [
        row.unit_id
        for _, row in rows
        if row.unit_id is not None and (FLAG_FAR_BEHIND in row.flags or row.actual == 0)
    ]
    counts = signed_counts(db, ids, period, reference_day(period))
    flagged = Flagged(report)
    for group, row in rows:
        signed = counts.get(row.unit_id, 0)  # type: ignore[arg-type]
        yellow = FLAG_FAR_BEHIND in row.flags
        no_result = row.actual == 0 and signed == 0
        if not (yellow or no_result):
            continue
        flagged.rows.append(
            {
                "group": group.kind,
                "unit": row.unit,
                "target": row.target,
                "actual": row.actual,
                "completion": row.completion,
                "progress_ratio": row.progress_ratio,
                "signed": signed,
                "yellow_card": yellow,
                "no_result": no_result,
            }
        )
    return flagged
