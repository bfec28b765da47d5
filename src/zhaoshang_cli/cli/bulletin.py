"""zs bulletin (一周一快报, run from cron) and zs activity (招商工作量)."""

from pathlib import Path
from typing import Annotated

import typer

from zhaoshang_cli.cli.common import (
    Col,
    DbOption,
    Listing,
    OperatorOption,
    list_command,
    reading,
    say,
    writing,
)
from zhaoshang_cli.core import dates
from zhaoshang_cli.core.i18n import N_, _

activity_app = typer.Typer(help="Effort records (招商工作量): trip days and companies visited.")


def bulletin(
    week: Annotated[
        str | None, typer.Option(help="ISO week, e.g. 2026-W16 (default: the last complete week).")
    ] = None,
    out: Annotated[
        Path, typer.Option(help="Folder to write WEEK-bulletin.xlsx, .md and .docx into.")
    ] = Path("."),
    catch_up: Annotated[
        bool,
        typer.Option("--catch-up", help="Write every week missing since the last one written."),
    ] = False,
    wait: Annotated[
        float, typer.Option(help="Seconds to wait for another bulletin run to finish.")
    ] = 10.0,
    db: DbOption = None,
    operator: OperatorOption = None,
) -> None:
    """Write the weekly bulletin (Excel with a chart, a Markdown summary, a Word document); never
    prompts."""
    from zhaoshang_cli.bulletin.run import run_bulletins

    run = run_bulletins(db, out, week=week, catch_up=catch_up, wait_seconds=wait, operator=operator)
    finished = _(", ").join(week.label for week in run.finished)
    repaired = (
        _(" (and finished {weeks}, left half in place by a killed run)").format(weeks=finished)
        if finished
        else ""
    )
    if not run.written:
        say(
            "zs bulletin: "
            + _("nothing to catch up in {folder}; every week is written{repaired}.").format(
                folder=out.resolve(), repaired=repaired
            )
        )
        return
    weeks = _(", ").join(w.week.label for w in run.written)
    say(
        "zs bulletin: "
        + _("wrote {weeks} (-bulletin.xlsx, .md and .docx) to {folder}{repaired}").format(
            weeks=weeks, folder=out.resolve(), repaired=repaired
        )
    )


@activity_app.command("add")
def activity_add(
    unit: Annotated[str, typer.Argument(help="The unit that did the work.")],
    date: Annotated[str, typer.Option("--date", help="When, YYYY-MM-DD.")],
    trip_days: Annotated[
        int, typer.Option(help="Days spent on investment trips (外出招商天数).")
    ] = 0,
    visits: Annotated[int, typer.Option(help="Companies visited (拜访企业个数).")] = 0,
    leader: Annotated[str | None, typer.Option(help="The leader who led it.")] = None,
    note: Annotated[str | None, typer.Option(help="A note, e.g. 赴苏州招商.")] = None,
    db: DbOption = None,
    operator: OperatorOption = None,
) -> None:
    """Record a trip or visits for the weekly effort table."""
    from zhaoshang_cli.units.activities import add_activity

    on = dates.parse_date(date)
    with writing(db, operator) as session:
        activity = add_activity(
            session, unit, on, trip_days=trip_days, visits=visits, leader=leader, note=note
        )
    say(
        _("Recorded activity {id} for {unit} on {date}.").format(id=activity.id, unit=unit, date=on)
    )


@activity_app.command("list")
@list_command
def activity_list(
    week: Annotated[str | None, typer.Option(help="Only this ISO week, e.g. 2026-W16.")] = None,
    unit: Annotated[str | None, typer.Option(help="Only this unit (and below).")] = None,
    db: DbOption = None,
) -> Listing:
    """Effort records."""
    from zhaoshang_cli.bulletin.weeks import parse_week
    from zhaoshang_cli.units.activities import list_activities

    chosen = parse_week(week) if week is not None else None
    with reading(db) as session:
        rows = list_activities(
            session, chosen.monday if chosen else None, chosen.sunday if chosen else None, unit
        )
    columns = [
        Col("id", "#", "int"),
        Col("date", N_("Date"), "date"),
        Col("unit", N_("Unit")),
        Col("leader", N_("Led by")),
        Col("trip_days", N_("Trip days"), "int"),
        Col("visits", N_("Visits"), "int"),
        Col("note", N_("Note")),
        Col("operator", N_("Entered by")),
    ]
    return Listing(columns, rows, title=_("Effort records"))


def register(app: typer.Typer) -> None:
    app.command()(bulletin)
    app.add_typer(activity_app, name="activity")
