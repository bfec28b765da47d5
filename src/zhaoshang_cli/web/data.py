"""The dashboard's views as plain data, from the report and watch functions over one read
snapshot: the pages and the JSON endpoints show these values and work out nothing of their own.
Money is in 万元 (Decimal, exact), fractions as the report gives them."""

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from zhaoshang_cli.core.glossary import STAGE, UNIT_KIND
from zhaoshang_cli.core.money import to_unit
from zhaoshang_cli.core.periods import (
    Period,
    PeriodChoice,
    choose_period,
    fraction,
    month_period,
    period_words,
    progress_note,
    reference_day,
)
from zhaoshang_cli.projects.register import list_projects, project_detail
from zhaoshang_cli.report.compute import Report, unit_actuals
from zhaoshang_cli.report.data import report_data
from zhaoshang_cli.report.tables import breakdown_tables
from zhaoshang_cli.report.text import title
from zhaoshang_cli.settings.config import get_settings
from zhaoshang_cli.settings.thresholds import thresholds
from zhaoshang_cli.store.chain import head, last_audit_id
from zhaoshang_cli.store.queries import BP, counted
from zhaoshang_cli.store.tables import PROJECT
from zhaoshang_cli.units.tree import find_unit, path_of
from zhaoshang_cli.watch.counts import alive_on, credit_pairs, stage_on
from zhaoshang_cli.watch.score import score_data, score_units
from zhaoshang_cli.watch.warnings import RULE, project_warnings
from zhaoshang_cli.watch.weights import load_weights
from zhaoshang_cli.watch.yellow import flagged_units

FUNNEL = ("lead", "negotiating", "signed", "started", "completed", "producing")


def ledger_version(session: Session) -> str:
    """Changes whenever the ledger does: the last audit entry and the head of the hash chain
    (every write is audited and sealed)."""
    connection = session.connection()
    sealed, digest = head(connection)
    return f"{last_audit_id(connection)}:{sealed}:{digest}"


def wan(fen: int | None) -> Decimal | None:
    return None if fen is None else to_unit(fen)


def stage_counts(session: Session, root_id: int, day: date) -> dict[str, int]:
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
    for name, count in session.connection().execute(query):
        if name in found:
            found[name] = int(count)
    return found


def monthly(session: Session, root_id: int, period: Period) -> dict[str, Any]:
    """Money to the end of each month of the period's year up to its last month, this year and
    the same months last year (cumulative from 1 January), as the report counts it."""
    months = list(range(1, period.end.month + 1))
    this_year, last_year = [], []
    for month in months:
        found = unit_actuals(session, [root_id], "funds", month_period(period.year, month), None)
        this, last = found.get(root_id, (Decimal(0), Decimal(0)))
        this_year.append(this)
        last_year.append(last)
    return {"year": period.year, "months": months, "this_year": this_year, "last_year": last_year}


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


def dashboard(
    session: Session, period: Period, unit: str | None = None, threshold: Decimal | None = None
) -> dict[str, Any]:
    """Every view of the 驾驶舱 for one period and unit (default: the city), flagged at the
    ledger's 黄牌 line unless another is given."""
    limits = thresholds(get_settings(session))
    cut = threshold if threshold is not None else limits.yellow_card
    flagged = flagged_units(session, period, cut, unit)
    report = flagged.report
    root = find_unit(session, report.parent)
    day = reference_day(period)
    warnings = project_warnings(session, day, limits, root=root)
    quarter = choose_period(PeriodChoice(), "quarter")
    scored = score_units(session, quarter, load_weights(None), unit)
    funnel = stage_counts(session, root.id, day)  # type: ignore[arg-type]
    return {
        "title": title(report),
        "path": path_of(session, root),
        "period_words": period_words(period),
        "progress_note": progress_note(period),
        "report": report_data(report),
        "lines": lines(report),
        "breakdowns": tables(report),
        "monthly": monthly(session, root.id, period),  # type: ignore[arg-type]
        "funnel": [
            {"stage": name, "label": STAGE.shown(name), "count": funnel[name]} for name in FUNNEL
        ],
        "yellow": {"year_end": flagged.year_end, "rows": flagged.rows},
        "warnings": {
            "day": warnings.day,
            "counts": warnings.counts(),
            "rows": [
                {
                    **row,
                    "rule_label": RULE.shown(row["rule"]),
                    "stage_label": STAGE.shown(row["stage"]) if row["stage"] else "",
                    "contract": wan(row["contract_fen"]),
                    "arrived": wan(row["arrived_fen"]),
                }
                for row in warnings.rows
            ],
        },
        "score": {
            "period": {"start": quarter.start, "end": quarter.end},
            "period_words": period_words(quarter),
            "rows": score_data(scored),
            "red": [row.unit for row in scored.board("red")],
            "black": [row.unit for row in scored.board("black")],
        },
    }


def unit_page(session: Session, period: Period, name: str) -> dict[str, Any]:
    """A unit: its children's completion (down to persons) and the projects credited to it."""
    unit = find_unit(session, name)
    limits = thresholds(get_settings(session))
    flagged = flagged_units(session, period, limits.yellow_card, name)
    report = flagged.report
    projects = list_projects(session, unit=name)
    return {
        "title": title(report),
        "unit": unit.name,
        "kind": unit.kind,
        "kind_label": UNIT_KIND.shown(unit.kind),
        "path": path_of(session, unit),
        "period_words": period_words(period),
        "report": report_data(report),
        "lines": lines(report),
        "projects": [
            {
                "code": p["code"],
                "name": p["name"],
                "units": p["units"],
                "industry": p["industry"],
                "stage": p["stage"],
                "stage_label": STAGE.shown(p["stage"]),
                "signed_on": p["signed_on"],
                "contract": wan(p["contract_fen"]),
                "arrived": wan(p["arrived_fen"]),
            }
            for p in projects
        ],
    }


def project_page(session: Session, code: str) -> dict[str, Any]:
    """A project's stages, changes and arrivals; its contacts are never read."""
    found = project_detail(session, code, with_contacts=False)
    return {
        "code": found["code"],
        "name": found["name"],
        "investor": found["investor"],
        "industry": found["industry"],
        "stage": found["stage"],
        "stage_label": STAGE.shown(found["stage"]),
        "signed_on": found["signed_on"],
        "started_on": found["started_on"],
        "completed_on": found["completed_on"],
        "producing_on": found["producing_on"],
        "leader": found["leader"],
        "contract": wan(found["contract_fen"]),
        "arrived": wan(found["arrived_fen"]),
        "voided": found["voided_at"] is not None,
        "units": [{"unit": name, "share": Decimal(share) / BP} for name, share in found["units"]],
        "stages": [
            {
                "stage": event["stage"],
                "stage_label": STAGE.shown(event["stage"]),
                "on_date": event["on_date"],
                "correction": event["correction"],
                "reason": event["reason"],
            }
            for event in found["stages"]
        ],
        "changes": [
            {
                "field": change["field"],
                "kind": change["kind"],
                "old": change["old"],
                "new": change["new"],
                "effective_on": change["effective_on"],
                "reason": change["reason"],
            }
            for change in found["changes"]
        ],
        "arrivals": [
            {
                "arrived_on": arrival["arrived_on"],
                "currency": arrival["currency"],
                "amount": wan(arrival["amount_minor"]),
                "cny": wan(arrival["cny_fen"]),
                "source": arrival["source"],
                "reversal": arrival["reverses_id"] is not None,
                "note": arrival["note"],
            }
            for arrival in found["arrivals"]
        ],
    }
