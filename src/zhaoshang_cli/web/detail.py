"""The dashboard's views that read through the ORM: the 督查 list and the 红黑榜 (the
costliest views; the 红黑榜 is the latest quarter's whatever the period), which the server
sends after the first paint and the one-file 通报 holds inline, a unit's page and a project's.
Plain data, from the watch and register functions, as ``web.data``."""

from decimal import Decimal
from typing import Any

from sqlmodel import Session

from zhaoshang_cli.core.glossary import STAGE, UNIT_KIND
from zhaoshang_cli.core.periods import Period, period_words, reference_day
from zhaoshang_cli.projects.register import list_projects, project_detail
from zhaoshang_cli.report.data import report_data
from zhaoshang_cli.report.text import title
from zhaoshang_cli.settings.config import get_settings
from zhaoshang_cli.settings.thresholds import thresholds
from zhaoshang_cli.store.queries import BP
from zhaoshang_cli.units.facts import the_top
from zhaoshang_cli.units.tree import find_unit, path_of
from zhaoshang_cli.watch.score import score_data, score_units
from zhaoshang_cli.watch.warnings import RULE, project_warnings
from zhaoshang_cli.watch.weights import load_weights
from zhaoshang_cli.watch.yellow import flagged_units
from zhaoshang_cli.web.data import dashboard, latest_quarter, lines, wan


def warnings_view(session: Session, period: Period, unit: str | None = None) -> dict[str, Any]:
    """The 督查 list (`zs warn`) on the period's day, of the projects credited under the unit."""
    root = find_unit(session, unit if unit is not None else the_top(session).name)
    limits = thresholds(get_settings(session))
    warnings = project_warnings(session, reference_day(period), limits, root=root)
    return {
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
    }


def score_view(session: Session, unit: str | None = None) -> dict[str, Any]:
    """The 红黑榜 of the latest quarter's 评比 (`zs score`)."""
    quarter = latest_quarter()
    scored = score_units(session, quarter, load_weights(None), unit)
    return {
        "period": {"start": quarter.start, "end": quarter.end},
        "period_words": period_words(quarter),
        "rows": score_data(scored),
        "red": [row.unit for row in scored.board("red")],
        "black": [row.unit for row in scored.board("black")],
    }


def full_dashboard(
    session: Session, period: Period, unit: str | None = None, threshold: Decimal | None = None
) -> dict[str, Any]:
    """Every view of the 驾驶舱 at once: the one-file 通报, and ``/api/dashboard``."""
    return {
        **dashboard(session, period, unit, threshold),
        "warnings": warnings_view(session, period, unit),
        "score": score_view(session, unit),
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
