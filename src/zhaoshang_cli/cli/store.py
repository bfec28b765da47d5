"""zs init, info, backup, check, history: the ledger itself."""

from pathlib import Path
from typing import Annotated

import typer

from zhaoshang_cli.cli.common import (
    BomOption,
    Col,
    DbOption,
    FormatOption,
    Listing,
    OperatorOption,
    Output,
    OutputFileOption,
    OutputFormat,
    WideOption,
    dumps,
    emit,
    machine_scalar,
    reading,
    render,
    say,
)
from zhaoshang_cli.core.errors import Invalid, LedgerError
from zhaoshang_cli.core.i18n import N_, _, ngettext


def init(db: DbOption = None, operator: OperatorOption = None) -> None:
    """Create the ledger, or upgrade an existing one (after a backup), and say where it is."""
    from zhaoshang_cli.store.ledger import resolve_location
    from zhaoshang_cli.store.migrate import init_ledger, pg_dump_command

    result = init_ledger(resolve_location(db), operator)
    if result.before is None:
        say(
            _("Created a new ledger at {location} (schema {schema}).").format(
                location=result.shown, schema=result.after
            )
        )
    elif result.before == result.after:
        say(
            _("The ledger at {location} is up to date (schema {schema}).").format(
                location=result.shown, schema=result.after
            )
        )
    elif result.backup is not None:
        say(
            _(
                "Upgraded the ledger at {location} from schema {before} to {after}; "
                "backup at {backup}."
            ).format(
                location=result.shown,
                before=result.before,
                after=result.after,
                backup=result.backup,
            )
        )
    else:
        say(
            _(
                "Upgraded the ledger at {location} from schema {before} to {after} in one "
                "transaction; back it up with: {command}"
            ).format(
                location=result.shown,
                before=result.before,
                after=result.after,
                command=pg_dump_command(result.location),
            )
        )


COUNT_LINES = {
    "unit": N_("units:    {count}"),
    "project": N_("projects: {count}"),
    "arrival": N_("arrivals: {count}"),
    "audit": N_("audits:   {count}"),
}


def info(db: DbOption = None) -> None:
    """Where the ledger is, its schema revision, the SQLite or PostgreSQL version, what it
    holds, and when it was last backed up."""
    from sqlalchemy import func, select, table

    from zhaoshang_cli.store.backup import last_backup
    from zhaoshang_cli.store.ledger import Ledger, resolve_location, shown, sqlite_version
    from zhaoshang_cli.store.migrate import pg_dump_command

    location = resolve_location(db)
    say(_("ledger:   {location}").format(location=shown(location)))
    ledger = Ledger(location, read_only=True)
    try:
        if ledger.backend == "sqlite":
            say(_("sqlite:   {version}").format(version=sqlite_version()))
        ledger.check()
        if ledger.backend == "postgresql":
            say(_("postgresql: {version}").format(version=ledger.server_version()))
            say(_("backup:   {command}").format(command=pg_dump_command(ledger.url)))
        with ledger.read() as session:
            conn = session.connection()
            say(_("schema:   {revision}").format(revision=ledger.revision()))
            for name, line in COUNT_LINES.items():
                count = conn.execute(select(func.count()).select_from(table(name))).scalar()
                say(_(line).format(count=count))
            last = last_backup(session)
    finally:
        ledger.dispose()
    if ledger.backend == "postgresql":
        return  # backups of a server are pg_dump's job, named above
    if last is None:
        say(_("backup:   never; take one with `zs backup`"))
    else:
        say(
            _("backup:   {taken_at} UTC, {path}").format(
                taken_at=f"{last.taken_at:%Y-%m-%d %H:%M:%S}", path=last.path
            )
        )


def backup(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="A new file, or a folder (default: beside the ledger, named with the time).",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
    operator: OperatorOption = None,
) -> None:
    """Write a checked copy of the ledger (safe while others write); never overwrites a file."""
    from zhaoshang_cli.store.backup import backup_ledger
    from zhaoshang_cli.store.ledger import Ledger

    ledger = Ledger.open(db)
    try:
        taken = backup_ledger(ledger, file, operator)
    finally:
        ledger.dispose()
    rows = sum(taken.counts.values())
    say(
        _(
            "Backed up the ledger at {location} to {path} (schema {schema}, {rows} rows; checked)."
        ).format(location=ledger.shown, path=taken.path, schema=taken.revision, rows=rows)
    )


def check(db: DbOption = None) -> None:
    """Check the file (SQLite integrity, references) and the ledger's rules: shares, reversals,
    stage history, audit trail. Each problem is one line; exits 1 if there is any. Files that
    killed runs left beside the ledger are listed too."""
    from zhaoshang_cli.store.integrity import check_ledger, leftover_notes
    from zhaoshang_cli.store.ledger import Ledger, resolve_location

    ledger = Ledger(resolve_location(db))
    try:
        problems = check_ledger(ledger)
    finally:
        ledger.dispose()
    for problem in problems:
        say(problem)
    for note in leftover_notes(ledger):
        say(note)
    if problems:
        raise LedgerError(
            ngettext(
                "{count} problem in the ledger at {location}; see above.",
                "{count} problems in the ledger at {location}; see above.",
                len(problems),
            ).format(count=len(problems), location=ledger.shown)
        )
    say(
        _("The ledger at {location} is sound: the file, its references and its rules.").format(
            location=ledger.shown
        )
    )


def history(
    project: Annotated[str | None, typer.Option(help="Only this project's changes.")] = None,
    limit: Annotated[int | None, typer.Option(help="Only the latest N entries.")] = None,
    db: DbOption = None,
    output_format: FormatOption = OutputFormat.table,
    wide: WideOption = False,
    output: OutputFileOption = None,
    bom: BomOption = False,
) -> None:
    """The audit trail as a log: when (local time), who, what, and what changed (old → new).
    Contacts show as «private». JSON gives before/after as objects, money in 万元."""
    from zhaoshang_cli.projects.lookup import find_project
    from zhaoshang_cli.store import trail

    if limit is not None and limit < 1:
        raise Invalid(
            _("--limit {limit} is not a number of entries; give 1 or more.").format(limit=limit)
        )
    limit = None if limit is None else min(limit, 2**62)  # more than there can be: all of them
    out = Output(output_format, wide, output, bom).resolved()
    with reading(db) as session:
        project_id = find_project(session, project).id if project is not None else None
        rows = trail.history(session, project_id, limit)
    if out.format is OutputFormat.json:
        emit(dumps([{**row, "at": machine_scalar(row["at"])} for row in rows]) + "\n", out)
        return
    for row in rows:
        row["action_name"] = trail.action_name(row["action"])
        row["subject"] = trail.subject(row)
        row["changes"] = trail.changes(row)
    if out.format is OutputFormat.csv:
        columns = [
            Col(key, key)
            for key in ("id", "at", "operator", "action", "entity", "entity_id", "project")
        ]
        columns.append(Col("changes", "changes"))
    else:
        columns = [
            Col("id", "#", "int", drop=1),
            Col("at", _("Time")),
            Col("operator", _("Operator"), drop=2),
            Col("action_name", _("Action")),
            Col("subject", _("Subject"), wrap="names"),
            Col("changes", _("What changed"), wrap="text"),
        ]
    render(Listing(columns, rows, title=_("Ledger log")), out.format, out)


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(info)
    app.command()(backup)
    app.command()(check)
    app.command()(history)
