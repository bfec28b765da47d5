"""The dashboard's first page as plain data, from the report's functions over one read
snapshot: the pages and the JSON endpoints show these values and work out nothing of their
own. Money is in 万元 (Decimal, exact), fractions as the report gives them.

Core statements only (``Db``: a connection or a session), so the server's first page loads
neither the ORM nor pydantic; the views that read through the ORM (the 督查 list, the 红黑榜,
a unit's page, a project's) are in ``web.detail``."""

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from zhaoshang_cli.core.glossary import STAGE
from zhaoshang_cli.core.money import to_unit
from zhaoshang_cli.core.periods import (
    Period,
    PeriodChoice,
    choose_period,
    fraction,
    period_words,
    progress_note,
    reference_day,
)
from zhaoshang_cli.report.compute import Report
from zhaoshang_cli.report.data import report_data
from zhaoshang_cli.report.monthly import money_by_month
from zhaoshang_cli.report.tables import breakdown_tables
from zhaoshang_cli.report.text import title
from zhaoshang_cli.settings.stored import get_settings
from zhaoshang_cli.settings.thresholds import thresholds
from zhaoshang_cli.store.chain import head, last_audit_id
from zhaoshang_cli.store.db import Db, connection_of
from zhaoshang_cli.store.queries import counted
from zhaoshang_cli.store.tables import PROJECT
from zhaoshang_cli.units.facts import UnitFacts, all_units, path_names, the_top, unit_named
from zhaoshang_cli.watch.counts import alive_on, credit_pairs, stage_on
from zhaoshang_cli.watch.yellow import flagged_units

FUNNEL = ("lead", "negotiating", "signed", "started", "completed", "producing")


def ledger_version(db: Db) -> str:
    """Changes whenever the ledger does: the last audit entry and the head of the hash chain
    (every write is audited and sealed)."""
    connection = connection_of(db)
    sealed, digest = head(connection)
    return f"{last_audit_id(connection)}:{sealed}:{digest}"


def wan(fen: int | None) -> Decimal | None:
    return None if fen is None else to_unit(fen)


def stage_counts(db: Db, root_id: int, day: date) -> dict[str, int]:
    """Projects credited under the unit in each stage on the day (terminated ones left out):
    the pipeline funnel 线索 → 在谈 → 签约 → 开工 → 竣工 → 投产."""
    pairs, stage = credit_pairs([root_id]), stage_on(day)
    query = (
        select(stage.c.stage, func.count(func.distinct(PROJECT.c.id)))
        .select_from(
            pairs.join(PROJECT, PROJECT.c.id == pairs.c.project_id).join(
                stage, stage.c.project_id == PROJECT.c.id
            )
        )
        .where(counted(), alive_on(day))
        .group_by(stage.c.stage)
    )
    found = dict.fromkeys(FUNNEL, 0)
    for name, count in connection_of(db).execute(query):
        if name in found:
            found[name] = int(count)
    return found


def monthly(db: Db, root_id: int, period: Period) -> dict[str, Any]:
    """Money to the end of each month of the period's year up to its last month, this year and
    the same months last year (cumulative from 1 January), as the report counts it."""
    found = money_by_month(db, root_id, period.year, period.end.month)
    return {
        "year": found.year,
        "months": found.months,
        "this_year": found.this_year,
        "last_year": found.last_year,
    }


def lines(report: Report) -> dict[str, Decimal | None]:
    """The chart's two lines on the completion axis: 时序进度, and the 黄牌 line (the
    threshold's share of it), to six places as the report's JSON."""
    return {
        "time_progress": fraction(report.time_progress),
        "yellow_card": fraction(report.threshold * report.time_progress),
        "threshold": report.threshold,
    }


def tables(report: Report) -> list[dict[str, Any]]:
    """The breakdowns (origin, industry, tier, status) as the terminal and Excel show them."""
    return [
        {
            "name": table.name,
            "title": table.title,
            "headers": table.headers,
            "kinds": table.kinds,
            "rows": [
                [
                    fraction(v) if kind == "share" else v
                    for v, kind in zip(row, table.kinds, strict=True)
                ]
                for row in table.rows
            ],
            "bold": table.bold,
        }
        for table in breakdown_tables(report)
    ]


def latest_quarter() -> Period:
    """The quarter whose 红黑榜 the dashboard shows: the latest, as `zs score` takes it."""
    return choose_period(PeriodChoice(), "quarter")


def root_path(db: Db, unit: str | None) -> tuple[UnitFacts, list[str]]:
    """The page's unit (as the report takes it: the top by default) and its path."""
    root = unit_named(db, unit) if unit is not None else the_top(db)
    return root, path_names(all_units(db), root)


def dashboard(
    db: Db, period: Period, unit: str | None = None, threshold: Decimal | None = None
) -> dict[str, Any]:
    """The 驾驶舱's views that depend on the period, for one period and unit (default: the
    city), flagged at the ledger's 黄牌 line unless another is given: the report is built
    once, and the views below read from it. The 督查 list and the 红黑榜 come from
    ``web.detail`` (inline in the one-file 通报, after the first paint on the server); their
    headings are here."""
    cut = threshold if threshold is not None else thresholds(get_settings(db)).yellow_card
    flagged = flagged_units(db, period, cut, unit)
    report = flagged.report
    root, path = root_path(db, unit)
    day = reference_day(period)
    funnel = stage_counts(db, root.id, day)
    quarter = latest_quarter()
    return {
        "title": title(report),
        "path": path,
        "period_words": period_words(period),
        "progress_note": progress_note(period),
        "report": report_data(report),
        "lines": lines(report),
        "breakdowns": tables(report),
        "monthly": monthly(db, root.id, period),
        "funnel": [
            {"stage": name, "label": STAGE.shown(name), "count": funnel[name]} for name in FUNNEL
        ],
        "yellow": {"year_end": flagged.year_end, "rows": flagged.rows},
        "warnings_day": day,
        "score_period_words": period_words(quarter),
    }
