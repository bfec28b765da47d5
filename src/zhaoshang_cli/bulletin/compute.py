"""What goes in a week's bulletin. The completion table is the monthly report's, for the
period 1 January to that Sunday, so the two never disagree."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from zhaoshang_cli.bulletin.weeks import Week
from zhaoshang_cli.core.periods import Period, day_period
from zhaoshang_cli.report.compute import FLAG_NOTHING, Report, build_report, unit_actuals
from zhaoshang_cli.report.projects import projects_where
from zhaoshang_cli.settings.config import Issuer, get_settings, issuer
from zhaoshang_cli.settings.thresholds import thresholds
from zhaoshang_cli.store.models import Unit
from zhaoshang_cli.store.queries import within
from zhaoshang_cli.store.tables import PROJECT
from zhaoshang_cli.units.activities import effort_by_unit
from zhaoshang_cli.watch.warnings import project_warnings

EVENTS = {  # the week's project news: list name → the date that puts a project in it
    "signed": "签约",
    "started": "开工",
    "completed": "竣工",
    "producing": "投产",
}


@dataclass
class Bulletin:
    week: Week
    report: Report
    week_actual: Decimal
    week_last_year: Decimal
    nothing_this_year: list[str]
    events: dict[str, list[dict[str, Any]]]
    effort: list[dict[str, Any]] = field(default_factory=list)
    issuer: Issuer | None = None
    chase: Any = None  # the 督查清单 on Sunday (watch.warnings.Warnings): the 待督办 section


def build_bulletin(session: Session, week: Week, unit: str | None = None) -> Bulletin:
    report = build_report(session, day_period(week.sunday), unit=unit)
    parent_id = report.total.unit_id
    children = [row for group in report.groups for row in group.rows]
    ids = [parent_id, *(row.unit_id for row in children)]
    week_period = Period(week.monday, week.sunday)
    this_week = unit_actuals(session, ids, "funds", week_period, None)  # type: ignore[arg-type]
    week_actual, week_last_year = this_week.get(parent_id, (Decimal(0), Decimal(0)))  # type: ignore[arg-type]
    parent = session.get(Unit, parent_id)
    events = {
        name: projects_where(
            session, parent, within(PROJECT.c[f"{name}_on"], week_period), week_period
        )
        for name in EVENTS
    }
    ytd = report.period
    effort_week = effort_by_unit(session, ids, week.monday, week.sunday)  # type: ignore[arg-type]
    effort_ytd = effort_by_unit(session, ids, ytd.start, ytd.end)  # type: ignore[arg-type]
    signed_week = unit_actuals(session, ids, "projects", week_period, None)  # type: ignore[arg-type]
    signed_ytd = unit_actuals(session, ids, "projects", ytd, None)  # type: ignore[arg-type]
    effort = []
    for row in [*children, report.total]:
        days_w, visits_w = effort_week.get(row.unit_id, (0, 0))  # type: ignore[arg-type]
        days_y, visits_y = effort_ytd.get(row.unit_id, (0, 0))  # type: ignore[arg-type]
        effort.append(
            {
                "unit": row.unit,
                "trip_days_week": days_w,
                "trip_days_ytd": days_y,
                "visits_week": visits_w,
                "visits_ytd": visits_y,
                "signed_week": signed_week.get(row.unit_id, (Decimal(0),))[0],  # type: ignore[arg-type]
                "signed_ytd": signed_ytd.get(row.unit_id, (Decimal(0),))[0],  # type: ignore[arg-type]
            }
        )

    limits = thresholds(get_settings(session))
    chase = project_warnings(session, week.sunday, limits, root=parent)
    return Bulletin(
        chase=chase,
        week=week,
        report=report,
        week_actual=week_actual,
        week_last_year=week_last_year,
        nothing_this_year=[row.unit for row in children if FLAG_NOTHING in row.flags],
        events=events,
        effort=effort,
        issuer=issuer(
            session,
            year=week.year,
            month=week.sunday.month,
            week=week.number,
            pattern_key="bulletin_number",
        ),
    )
