"""Importing a file: one kind's sheet, or a whole export into an empty ledger.

Files are read before any transaction opens; everything is then applied in one write
transaction, committed only when no sheet has a problem (all rows or none). Arrivals, which
come by the hundred thousand, are checked in a read snapshot first, so the write lock —
which clerks entering arrivals wait for — is held only while they are written.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

from sqlalchemy import func
from sqlmodel import Session, select

from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.i18n import _
from zhaoshang_cli.spreadsheets.activity_import import import_activities
from zhaoshang_cli.spreadsheets.arrival_import import (
    apply_plan,
    import_arrivals,
    import_streamed,
    plan_arrivals,
)
from zhaoshang_cli.spreadsheets.book import Book
from zhaoshang_cli.spreadsheets.change_import import replace_changes
from zhaoshang_cli.spreadsheets.columns import (
    ACTIVITIES,
    ARRIVALS,
    AUDIT,
    CHANGES,
    CONTACTS,
    PROJECTS,
    RATES,
    SETTINGS,
    SHARES,
    STAGE_EVENTS,
    TARGETS,
    UNITS,
)
from zhaoshang_cli.spreadsheets.outcome import Outcome
from zhaoshang_cli.spreadsheets.project_import import import_projects
from zhaoshang_cli.spreadsheets.provenance import replay_audit, replaying
from zhaoshang_cli.spreadsheets.rate_import import import_rates
from zhaoshang_cli.spreadsheets.reading import Problem, Table
from zhaoshang_cli.spreadsheets.setting_import import import_settings
from zhaoshang_cli.spreadsheets.target_import import import_targets
from zhaoshang_cli.spreadsheets.unit_import import import_units
from zhaoshang_cli.store import audit
from zhaoshang_cli.store.ledger import Ledger
from zhaoshang_cli.store.models import (
    Activity,
    Arrival,
    AuditEntry,
    ExchangeRate,
    Project,
    Setting,
    Target,
    Unit,
)
from zhaoshang_cli.store.postgres import restart_ids

Importer = Callable[[Session, Table, Outcome], None]
IMPORTERS: dict[str, Importer] = {
    UNITS.name: import_units,
    PROJECTS.name: import_projects,
    ARRIVALS.name: import_arrivals,
    TARGETS.name: import_targets,
    RATES.name: import_rates,
    ACTIVITIES.name: import_activities,
    SETTINGS.name: import_settings,
}


@dataclass
class ImportResult:
    file: str
    tables: list[Table]
    outcomes: list[Outcome] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        """Sheet by sheet in file order, each sheet's own problems first, then by row."""
        return [
            problem
            for table in self.tables
            for problem in sorted(table.problems, key=lambda p: p.row or 0)
        ]


def import_kind(session: Session, table: Table, **options: Any) -> ImportResult:
    """``options`` go to the kind's importer (projects: ``amount_change``, ``increase_on``;
    projects and arrivals: ``period``, the month of 本月/累计 figures)."""
    result = ImportResult(table.file, [table], notes=list(table.notes))
    outcome = Outcome(table.kind)
    if table.readable:
        IMPORTERS[table.kind.name](session, table, outcome, **options)
    result.outcomes.append(outcome)
    return result


def import_sheet(
    ledger: Ledger,
    table: Table,
    *,
    operator: str | None = None,
    dry_run: bool = False,
    report: TextIO | None = None,
    **options: Any,
) -> ImportResult:
    """One kind's sheet into the ledger: all rows or none; a dry run writes nothing.
    ``report``: arrivals only, a text file that gets every row's line (``Outcome.report``)."""
    period = options.get("period") if table.kind is ARRIVALS else None
    if table.stream is not None and table.readable:
        outcome = Outcome(table.kind, report=report)
        if dry_run:  # checked in a read snapshot: no lock, no id taken
            with ledger.read() as session:
                session.info["operator"] = ledger.writer(session.connection(), operator)[0]
                import_streamed(session, table, outcome, write=False, period=period)
        else:
            with ledger.write(operator) as session:
                import_streamed(session, table, outcome, period=period)
                settle(session, ImportResult(table.file, [table]), dry_run)
        return ImportResult(table.file, [table], [outcome], notes=list(table.notes))
    if table.kind is not ARRIVALS or not table.readable:
        with ledger.write(operator) as session:
            result = import_kind(session, table, **options)
            settle(session, result, dry_run)
        return result
    result = ImportResult(table.file, [table], notes=list(table.notes))
    outcome = Outcome(table.kind, report=report)
    result.outcomes.append(outcome)
    with ledger.read() as session:
        session.info["operator"] = ledger.writer(session.connection(), operator)[0]
        plan = plan_arrivals(session, table, period=period)
    if result.problems or dry_run:
        plan.tell(outcome)
        return result
    with ledger.write(operator) as session:
        apply_plan(session, plan)
        plan.tell(outcome)
        settle(session, result, dry_run)
    return result


def settle(session: Session, result: ImportResult, dry_run: bool) -> None:
    """All rows or none: any problem (or a dry run) rolls the whole import back."""
    if result.problems or dry_run:
        session.rollback()


# In dependency order; settings last, so that a threshold read back is checked as `zs config set`.
LEDGER_KINDS = (UNITS, RATES, PROJECTS, ARRIVALS, TARGETS, ACTIVITIES, SETTINGS)
REQUIRED_SHEETS = (UNITS, PROJECTS)
KEPT_SHEETS = (SHARES.title, SHARES.name)  # derived from the projects' credited units


@dataclass
class LedgerFile:
    """An export read back: a table per sheet, read before the write transaction opens."""

    file: str
    tables: dict[str, Table]
    notes: list[str]


def read_ledger_file(book: Book) -> LedgerFile:
    if book.is_csv:
        raise Invalid(
            _("{file}: `zs import ledger` reads a workbook made by `zs export`.").format(
                file=book.name
            )
        )
    tables: dict[str, Table] = {}
    notes = []
    for kind in (*LEDGER_KINDS, STAGE_EVENTS, CHANGES, CONTACTS, AUDIT):
        table = book.table(kind, first_sheet_fallback=False)
        if table is not None:
            tables[kind.name] = table
            notes.extend(f"{table.sheet} {note}" for note in table.notes)
    known = {table.sheet for table in tables.values()}
    for sheet in book.sheet_names:
        if sheet in KEPT_SHEETS:
            notes.append(
                _("sheet {sheet} is not read: it follows from the projects' units").format(
                    sheet=sheet
                )
            )
        elif sheet not in known:
            notes.append(_("sheet {sheet} is not a ledger sheet; left alone").format(sheet=sheet))
    return LedgerFile(book.name, tables, notes)


def import_ledger(session: Session, ledger_file: LedgerFile) -> ImportResult:
    """An export into an empty ledger, sheet by sheet in dependency order, in one transaction.
    Rows keep who entered them and when, and the audit trail is carried over as it was, with
    one entry added for this import (``provenance``)."""
    for model in (Unit, Project, Arrival, Target, ExchangeRate, Activity, Setting, AuditEntry):
        if session.exec(select(func.count()).select_from(model)).one():
            raise Invalid(
                _(
                    "`zs import ledger` reads an export into an empty ledger, and this one has "
                    "data; create a new one with `zs init --db NEW.db`."
                )
            )
    restart_ids(session)  # so the ids come out as in the export
    tables = ledger_file.tables
    result = ImportResult(ledger_file.file, list(tables.values()), notes=ledger_file.notes)
    for kind in REQUIRED_SHEETS:
        if kind.name not in tables:
            missing = Table(kind, ledger_file.file, None)
            missing.sheet_problem(
                _("the sheet {sheet} is missing; is this a `zs export` file?").format(
                    sheet=kind.named
                )
            )
            result.tables.append(missing)
    if len(result.tables) > len(tables):
        return result
    history: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows_of(tables.get(STAGE_EVENTS.name)):
        history[row.values["project"]].append(row.values)
    contacts = {
        row.values["project"]: row.values["contact"] for row in rows_of(tables.get(CONTACTS.name))
    }
    with replaying(session):
        for kind in LEDGER_KINDS:
            table = tables.get(kind.name)
            if table is None or not table.readable:
                continue
            outcome = Outcome(kind)
            if kind is PROJECTS:
                import_projects(session, table, outcome, history=history, contacts=contacts)
                codes = dict(session.exec(select(Project.code, Project.id)).all())
                replace_changes(session, tables.get(CHANGES.name), codes)
            else:
                IMPORTERS[kind.name](session, table, outcome)
            result.outcomes.append(outcome)
    codes = dict(session.exec(select(Project.code, Project.id)).all())
    carried = replay_audit(session, tables.get(AUDIT.name), codes)
    restart_ids(session)  # the trail came with its own ids: new entries number on from them
    if carried:
        result.notes.append(
            _("{sheet}: carried over {count} entries of the audit trail").format(
                sheet=tables[AUDIT.name].sheet, count=carried
            )
        )
    added = {outcome.kind.name: len(outcome.added) for outcome in result.outcomes}
    after = {"file": ledger_file.file, "rows": added, "audit_entries": carried}
    audit.record(session, "ledger.import", "ledger", None, after=after)
    return result


def rows_of(table: Table | None) -> list:
    return table.good_rows() if table is not None else []
