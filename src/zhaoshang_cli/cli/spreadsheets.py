"""zs template, zs import (units, projects, arrivals, targets, rates, ledger), zs export."""

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from zhaoshang_cli.cli.common import DbOption, OperatorOption, opened, reading, say, warn, writing
from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.glossary import AMOUNT_CHANGE
from zhaoshang_cli.core.i18n import N_, _, ngettext
from zhaoshang_cli.spreadsheets.columns import IMPORT_KINDS

if TYPE_CHECKING:
    from zhaoshang_cli.spreadsheets.importing import ImportResult
    from zhaoshang_cli.spreadsheets.outcome import Outcome

LISTED = 20  # rows named one by one; past that, a count

import_app = typer.Typer(
    help="Read a spreadsheet (xlsx, xls, ods or csv) into the ledger: every row or none."
)
KindName = StrEnum("KindName", {name: name for name in IMPORT_KINDS})  # type: ignore[misc]
FileArgument = Annotated[
    Path, typer.Argument(help="The spreadsheet: .xlsx, .xls, .ods or .csv.", show_default=False)
]
ForceOption = Annotated[bool, typer.Option("--force", help="Overwrite the file if it exists.")]
DryRunOption = Annotated[
    bool,
    typer.Option("--dry-run", help="Check every row and say what would be added; write nothing."),
]


def template(
    kind: Annotated[KindName, typer.Argument(help="What the spreadsheet will hold.")],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Where to write it (default: 项目导入模板.xlsx …)."),
    ] = None,
    force: ForceOption = False,
) -> None:
    """Write an empty spreadsheet to fill in and import: headers, drop-downs, a 说明 sheet.
    An existing file is never overwritten without --force (it may be a filled-in 台账)."""
    from zhaoshang_cli.spreadsheets.writing import check_new_workbook, write_template

    spec = IMPORT_KINDS[kind.value]
    name = output or Path(_("{kind}-template.xlsx").format(kind=spec.shown))
    path = check_new_workbook(name, force)
    write_template(path, spec)
    say(
        _("Wrote the {title} template to {path}; fill it in, then `zs import {kind}`.").format(
            title=spec.shown, path=path, kind=spec.name
        )
    )


def export(
    output: Annotated[Path, typer.Option("--output", "-o", help="The .xlsx file to write.")],
    with_contacts: Annotated[
        bool, typer.Option("--with-contacts", help="Include investor contacts (private).")
    ] = False,
    force: ForceOption = False,
    db: DbOption = None,
) -> None:
    """Every table of the ledger, one sheet each; `zs import ledger` reads it back. An
    existing file is never overwritten without --force."""
    from zhaoshang_cli.settings.config import get_settings
    from zhaoshang_cli.spreadsheets.exporting import ledger_sheets
    from zhaoshang_cli.spreadsheets.writing import check_new_workbook, write_workbook

    path = check_new_workbook(output, force)
    with reading(db) as session:
        sheets = ledger_sheets(session, with_contacts=with_contacts)
        office = get_settings(session).get("office")
    write_workbook(path, sheets, office=office)
    counts = _(", ").join(f"{sheet.kind.shown} {len(sheet.rows)}" for sheet in sheets)
    say(_("Exported the ledger to {path} ({counts}).").format(path=path, counts=counts))
    if not with_contacts:
        say(_("Investor contacts are left out; add --with-contacts to include them."))


AmountChangeOption = Annotated[
    str,
    typer.Option(
        "--amount-change",
        help=f"A project's contract amount changed in the sheet: {AMOUNT_CHANGE.both()} "
        "(增资, counted in the period of --increase-date).",
        autocompletion=AMOUNT_CHANGE.complete,
    ),
]
MonthOption = Annotated[
    str | None,
    typer.Option(
        "--month",
        help="The month the sheet's 本月/累计 figures report (2026-11, 2026年11月), for rows "
        "without a 上报月份: their arrivals are dated its last day.",
    ),
]
FiguresDateOption = Annotated[
    str | None,
    typer.Option(
        "--date",
        help="The day the arrivals of 本月/累计 figures are dated, instead of --month (for rows "
        "without a 上报月份).",
    ),
]


def figures_period(month: str | None, day: str | None):  # type: ignore[no-untyped-def]
    """The period ``--month`` or ``--date`` gives to rows of figures (None: neither)."""
    from zhaoshang_cli.core import dates
    from zhaoshang_cli.spreadsheets.figures import given_period

    if month is not None and day is not None:
        raise Invalid(_("Give --month or --date, not both."))
    return given_period(
        dates.parse_month(month) if month is not None else None,
        dates.parse_date(day) if day is not None else None,
    )


IncreaseDateOption = Annotated[
    str | None,
    typer.Option("--increase-date", help="The day increases (增资) were signed (default: today)."),
]


def import_projects_command(
    file: FileArgument,
    dry_run: DryRunOption = False,
    amount_change: AmountChangeOption = "correction",
    increase_date: IncreaseDateOption = None,
    month: MonthOption = None,
    date: FiguresDateOption = None,
    db: DbOption = None,
    operator: OperatorOption = None,
) -> None:
    """Import projects (项目) from the sheet named 项目 (or the first), an office's own 台账 as
    it is; projects already in the ledger (by code, else investor and name) get what changed.
    A 累计到位资金 (or 本年累计, 本月) column gives the month's arrival: the figure less what
    the ledger holds. See `zs template projects`."""
    from zhaoshang_cli.core import dates
    from zhaoshang_cli.output.progress import collector_paused
    from zhaoshang_cli.spreadsheets.book import Book
    from zhaoshang_cli.spreadsheets.importing import import_sheet

    how = AMOUNT_CHANGE.parse(amount_change)
    increase_on = dates.parse_date(increase_date) if increase_date is not None else None
    if increase_on is not None and how != "increase":
        raise Invalid(_("--increase-date goes with --amount-change increase."))
    period = figures_period(month, date)
    with collector_paused():
        table = Book(file).table(IMPORT_KINDS["projects"])
        if table is None:
            raise Invalid(_("{file} has no sheets.").format(file=file.name))
        with opened(db) as ledger:
            result = import_sheet(
                ledger,
                table,
                operator=operator,
                dry_run=dry_run,
                amount_change=how,
                increase_on=increase_on,
                period=period,
            )
    report(result, dry_run)


ReportOption = Annotated[
    Path | None,
    typer.Option(
        "--report",
        help="Also write every row's line (added, skipped, warnings) and every problem to this "
        "new text file; the screen lists the first 20 of each.",
        show_default=False,
    ),
]


def import_arrivals_command(
    file: FileArgument,
    dry_run: DryRunOption = False,
    month: MonthOption = None,
    date: FiguresDateOption = None,
    report_file: ReportOption = None,
    db: DbOption = None,
    operator: OperatorOption = None,
) -> None:
    """Import arrivals (到位资金) from the sheet named 到位资金 (or the first); rows already in
    the ledger are skipped. A red (negative) row reverses the earlier arrival it matches; a
    sheet of 本月/累计 figures gives each project the arrival the ledger lacks. See `zs
    template arrivals`."""
    from zhaoshang_cli.output.progress import collector_paused
    from zhaoshang_cli.spreadsheets.book import Book
    from zhaoshang_cli.spreadsheets.importing import import_sheet

    period = figures_period(month, date)
    with collector_paused(), new_report(report_file) as lines:
        table = Book(file).table(IMPORT_KINDS["arrivals"], may_stream=True)
        if table is None:
            raise Invalid(_("{file} has no sheets.").format(file=file.name))
        with opened(db) as ledger:
            result = import_sheet(
                ledger, table, operator=operator, dry_run=dry_run, period=period, report=lines
            )
        if lines is not None:
            for problem in result.problems:
                lines.write(f"{_('problem')}\t{problem}\n")
    if report_file is not None:
        say(_("Every row's line is in {path}.").format(path=report_file))
    report(result, dry_run)


@contextmanager
def new_report(path: Path | None) -> "Iterator[TextIO | None]":
    """The --report file, created new (an earlier report is never overwritten)."""
    if path is None:
        yield None
        return
    try:
        handle = path.open("x", encoding="utf-8")
    except FileExistsError:
        raise Invalid(
            _("{path} exists already; give --report a new file.").format(path=path)
        ) from None
    except OSError as error:
        raise Invalid(
            _("Cannot write the report {path}: {reason}.").format(path=path, reason=error.strerror)
        ) from None
    with handle:
        yield handle


def import_command(kind: str):  # type: ignore[no-untyped-def]
    spec = IMPORT_KINDS[kind]

    def command(
        file: FileArgument,
        dry_run: DryRunOption = False,
        db: DbOption = None,
        operator: OperatorOption = None,
    ) -> None:
        from zhaoshang_cli.output.progress import collector_paused
        from zhaoshang_cli.spreadsheets.book import Book
        from zhaoshang_cli.spreadsheets.importing import import_sheet

        with collector_paused():
            table = Book(file).table(spec, may_stream=kind == "arrivals")
            if table is None:
                raise Invalid(_("{file} has no sheets.").format(file=file.name))
            with opened(db) as ledger:
                result = import_sheet(ledger, table, operator=operator, dry_run=dry_run)
        report(result, dry_run)

    command.__doc__ = (
        f"Import {kind} ({spec.title}) from the sheet named {spec.title} (or the first); "
        f"rows already in the ledger are skipped. See `zs template {kind}`."
    )
    return command


@import_app.command("ledger")
def import_ledger_command(
    file: FileArgument,
    dry_run: DryRunOption = False,
    db: DbOption = None,
    operator: OperatorOption = None,
) -> None:
    """Read a `zs export` workbook back whole into an empty ledger."""
    from zhaoshang_cli.spreadsheets.book import Book
    from zhaoshang_cli.spreadsheets.importing import import_ledger, read_ledger_file, settle

    ledger_file = read_ledger_file(Book(file))
    with writing(db, operator) as session:
        result = import_ledger(session, ledger_file)
        settle(session, result, dry_run)
    report(result, dry_run)


def report(result: "ImportResult", dry_run: bool) -> None:
    for note in result.notes:
        say(f"{result.file}: {note}")
    problems = result.problems
    if problems:
        for problem in problems:
            typer.echo(str(problem), err=True)
        raise Invalid(
            ngettext(
                "{count} problem in {file}; nothing was imported.",
                "{count} problems in {file}; nothing was imported.",
                len(problems),
            ).format(count=len(problems), file=result.file)
        )
    for outcome in result.outcomes:
        if outcome.plan:
            show_plan(outcome, dry_run)
            continue
        sentence = (
            _("{kind}: would add {added}, skipped {skipped} already in the ledger.")
            if dry_run
            else _("{kind}: added {added}, skipped {skipped} already in the ledger.")
        )
        say(
            sentence.format(
                kind=outcome.kind.shown, added=len(outcome.added), skipped=len(outcome.skipped)
            )
        )
        if dry_run:
            listing(outcome.added)
        if outcome.skipped:
            say("  " + _("already in the ledger, skipped:"))
            listing(outcome.skipped)
        for warning in outcome.warnings[:LISTED]:
            warn(
                _("{file}, {kind} {warning} (accepted).").format(
                    file=result.file, kind=outcome.kind.shown, warning=warning
                )
            )
        if len(outcome.warnings) > LISTED:
            warn(_("… and {count} more warnings.").format(count=len(outcome.warnings) - LISTED))
    say(
        _("Dry run: nothing was written.")
        if dry_run
        else _("Imported {file}.").format(file=result.file)
    )


def show_plan(outcome: "Outcome", dry_run: bool) -> None:
    """The plan as a table: every changed row, the first new ones; unchanged rows counted."""
    from zhaoshang_cli.cli.common import Col, Listing, OutputFormat, render

    new = [line for line in outcome.plan if line.status == "new"]
    changed = [line for line in outcome.plan if line.status == "changed"]
    merged = [line for line in outcome.plan if line.status in ("duplicate", "skipped")]
    unchanged = len(outcome.plan) - len(new) - len(changed) - len(merged)
    sentence = (
        _("{kind}: would add {new}, change {changed}; {unchanged} unchanged.")
        if dry_run
        else _("{kind}: added {new}, changed {changed}; {unchanged} unchanged.")
    )
    say(
        sentence.format(
            kind=outcome.kind.shown, new=len(new), changed=len(changed), unchanged=unchanged
        )
    )
    twins = sum(line.status == "duplicate" for line in merged)
    if twins:
        say(
            ngettext(
                "{count} row repeats a project of an earlier row: counted once.",
                "{count} rows repeat a project of an earlier row: counted once.",
                twins,
            ).format(count=twins)
        )
    if len(merged) > twins:
        count = len(merged) - twins
        say(
            ngettext(
                "{count} row marked 作废 is not in the ledger: not added.",
                "{count} rows marked 作废 are not in the ledger: not added.",
                count,
            ).format(count=count)
        )
    shown = sorted(changed + merged + new[:LISTED], key=lambda line: line.row)
    if shown:
        statuses = {
            "new": _("new"),
            "changed": _("changed"),
            "duplicate": _("duplicate"),
            "skipped": _("skipped"),
        }
        rows: list[dict] = []
        for line in shown:  # one change a line, under its row
            first, *more = line.lines() or [""]
            rows.append(line.record() | {"status": statuses[line.status], "changes": first})
            rows += [{"changes": change} for change in more]
        columns = [
            Col("row", N_("Row"), "int"),
            Col("status", N_("Plan")),
            Col("project", N_("Project"), wrap="text"),
            Col("changes", N_("Changes (old → new)"), wrap="text"),
        ]
        render(Listing(columns, rows), OutputFormat.table)
    if len(new) > LISTED:
        say("    " + _("… and {count} more new projects").format(count=len(new) - LISTED))


def listing(lines: list[str]) -> None:
    for line in lines[:LISTED]:
        say(f"    {line}")
    if len(lines) > LISTED:
        say("    " + _("… and {count} more").format(count=len(lines) - LISTED))


def register(app: typer.Typer) -> None:
    app.command()(template)
    app.command()(export)
    for name in IMPORT_KINDS:
        # projects: its own command, with the monthly refresh's options
        commands = {"projects": import_projects_command, "arrivals": import_arrivals_command}
        command = commands.get(name) or import_command(name)
        import_app.command(name)(command)
    app.add_typer(import_app, name="import")
