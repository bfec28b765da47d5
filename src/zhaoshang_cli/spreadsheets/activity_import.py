"""Effort records from a sheet (zs import activities): trip days and company visits, each through add_activity."""

from sqlmodel import Session, select

from zhaoshang_cli.core.i18n import _
from zhaoshang_cli.spreadsheets.outcome import Outcome
from zhaoshang_cli.spreadsheets.provenance import keep
from zhaoshang_cli.spreadsheets.reading import Table
from zhaoshang_cli.store.models import Activity
from zhaoshang_cli.units.activities import add_activity
from zhaoshang_cli.units.tree import find_unit


def import_activities(session: Session, table: Table, out: Outcome) -> None:
    """A row equal to a record already kept (unit, day, days, visits, leader, note) is
    skipped; the rest go through `zs activity add`'s own checks."""
    existing = {
        (a.unit_id, a.on_date, a.trip_days, a.visits, a.leader, a.note)
        for a in session.exec(select(Activity))
    }
    for row in table.good_rows():
        values = row.values
        unit = table.attempt(row, "unit", find_unit, session, values["unit"])
        if not unit:
            continue
        days, visits = values["trip_days"] or 0, values["visits"] or 0
        key = (unit.id, values["on_date"], days, visits, values["leader"], values["note"])
        label = _("row {row}: {unit} {date}").format(
            row=row.number, unit=values["unit"], date=values["on_date"]
        )
        if key in existing:
            out.skipped.append(label)
            continue
        existing.add(key)
        activity = table.attempt(
            row,
            None,
            add_activity,
            session,
            values["unit"],
            values["on_date"],
            trip_days=days,
            visits=visits,
            leader=values["leader"],
            note=values["note"],
        )
        if activity:
            keep(session, values, activity, operator="operator", entered_at="entered_at")
            out.added.append(label)
