"""Applying checked rows through the domain operations: all rows or none.

Each importer walks its table in order and calls what the CLI commands call (add_unit,
add_project and move_stage, prepare_arrival/insert_arrivals and reverse_arrival, add_target,
set_rate), so the checks and the audit trail are the same. A refusal becomes a problem at
its row and the walk goes on, so one run reports everything; rows already in the ledger
are skipped and listed. The caller commits only when no table has a problem.
"""

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from zhaoshang_cli.arrivals import (
    Prepared,
    check_currency,
    insert_arrivals,
    prepare_arrival,
    reverse_arrival,
    set_rate,
)
from zhaoshang_cli.errors import Invalid, ZsError
from zhaoshang_cli.models import Arrival, ExchangeRate, Project, Target, Unit
from zhaoshang_cli.money import format_amount, format_rate
from zhaoshang_cli.projects import STAGE_DATE_FIELD, STAGE_ORDER, add_project, move_stage
from zhaoshang_cli.spreadsheets.columns import (
    ARRIVALS,
    CONTACTS,
    PROJECTS,
    RATES,
    STAGE,
    STAGE_EVENTS,
    TARGETS,
    UNIT_KIND,
    UNITS,
    Kind,
)
from zhaoshang_cli.spreadsheets.reading import Book, Problem, Row, Table, text_of
from zhaoshang_cli.targets import add_target, parse_target_amount
from zhaoshang_cli.units import add_unit, find_unit


@dataclass
class Outcome:
    """What one sheet added (or would add) and skipped, row by row."""

    kind: Kind
    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


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


Importer = Callable[[Session, Table, Outcome], None]


def import_kind(session: Session, table: Table) -> ImportResult:
    result = ImportResult(table.file, [table], notes=list(table.notes))
    outcome = Outcome(table.kind)
    if table.readable:
        IMPORTERS[table.kind.name](session, table, outcome)
    result.outcomes.append(outcome)
    return result


# --- units -----------------------------------------------------------------------------


def import_units(session: Session, table: Table, out: Outcome) -> None:
    seen: dict[tuple[str | None, str], int] = {}
    for row in usable(table):
        name, kind, parent = row.values["name"], row.values["kind"], row.values["parent"]
        if (parent, name) in seen:
            table.problem(row, "name", f"the unit {name!r} twice (also row {seen[parent, name]})")
            continue
        seen[parent, name] = row.number
        try:
            parent_unit = find_unit(session, parent) if parent else None
        except ZsError as exc:
            table.problem(row, "parent", str(exc))
            continue
        query = select(Unit).where(Unit.name == name)
        query = query.where(
            Unit.parent_id == parent_unit.id if parent_unit else col(Unit.parent_id).is_(None)
        )
        existing = session.exec(query).first()
        if existing is not None and existing.kind != kind:
            label = UNIT_KIND.label(existing.kind)
            table.problem(row, "kind", f"{name} is already in the ledger as a {label}")
        elif existing is not None:
            out.skipped.append(f"row {row.number}: unit {name}")
        elif attempt(table, row, None, add_unit, session, name, kind, parent, row.values["rank"]):
            where = f" under {parent}" if parent else ""
            out.added.append(f"row {row.number}: {UNIT_KIND.label(kind)} {name}{where}")


# --- projects --------------------------------------------------------------------------

DATED_STAGES = tuple(STAGE_DATE_FIELD)  # signed, started, completed, producing, terminated
Move = tuple[str, date, bool, str | None]  # stage, date, correction, reason


def import_projects(
    session: Session,
    table: Table,
    out: Outcome,
    *,
    history: dict[str, list[dict[str, Any]]] | None = None,
    contacts: dict[str, str] | None = None,
) -> None:
    """Projects matched by code (or by name where the file gives none). ``history`` (from an
    export's 阶段记录) replays every stage move; without it the dated stages are walked."""
    codes = dict(session.exec(select(Project.code, Project.name)).all())
    names = set(codes.values())
    seen: dict[str, int] = {}
    for row in usable(table):
        values = row.values
        code, name = values["code"], values["name"]
        key, what = (code, "code") if code else (name, "name")
        if key in seen:
            hint = "" if code else "; give each a 项目编号"
            table.problem(row, what, f"duplicate {what} {key!r} (also row {seen[key]}){hint}")
            continue
        seen[key] = row.number
        if code in codes and codes[code] != name:
            table.problem(
                row, "code", f"the code {code!r} is already in the ledger for {codes[code]!r}"
            )
            continue
        if code in codes or (not code and name in names):
            out.skipped.append(f"row {row.number}: project {code or name}")
            continue
        units = [part for part in re.split(r"[、,，;；\n]+", values["units"]) if part.strip()]
        if not all(attempt(table, row, "units", find_unit, session, unit) for unit in units):
            continue
        events = (history or {}).get(code or "")
        plan = replay_plan(events) if events else walk_plan(table, row)
        if plan is None:
            continue
        stage, signed_on, moves = plan
        try:
            project = add_project(
                session,
                name=name,
                units=units,
                code=code,
                stage=stage,
                signed_on=signed_on,
                contract_fen=values["contract"],
                total_investment_fen=values["total_investment"],
                investor=values["investor"],
                origin=values["origin"],
                industry=values["industry"],
                industrial=bool(values["industrial"]),
                occasion=values["occasion"],
                leader=values["leader"],
                recruiter=values["recruiter"],
                informant=values["informant"],
                contact=values["contact"] or (contacts or {}).get(code or ""),
            )
            for move, on, correct, reason in moves:
                move_stage(session, project.code, move, on, correct=correct, reason=reason)
        except ZsError as exc:
            table.problem(row, None, str(exc))
            continue
        if events and not matches_row(project, values):
            table.problem(row, "stage", "the stage history (阶段记录) ends elsewhere than this row")
            continue
        codes[project.code] = name
        names.add(name)
        label = STAGE.label(project.stage)
        out.added.append(f"row {row.number}: project {project.code} {name} ({label})")


def walk_plan(table: Table, row: Row) -> tuple[str, date | None, list[Move]] | None:
    """From a row's stage and dates: add at lead/negotiating/signed, then move through each
    dated stage in order. The final stage needs its date; dates beyond it are a mistake."""
    values = row.values
    dated = {stage: values[STAGE_DATE_FIELD[stage]] for stage in DATED_STAGES}
    latest = next((s for s in reversed(DATED_STAGES) if dated[s]), "lead")
    final = values["stage"] or latest
    ok = True
    if final == "terminated" and not values["termination_reason"]:
        table.problem(row, "termination_reason", "a terminated project needs its reason")
        ok = False
    if final in DATED_STAGES and not dated[final]:
        field_name = STAGE_DATE_FIELD[final]
        header = PROJECTS.column(field_name).header
        table.problem(row, field_name, f"a project at stage {STAGE.label(final)} needs {header}")
        ok = False
    if final != "terminated":
        for stage in DATED_STAGES:
            beyond = stage == "terminated" or STAGE_ORDER.index(stage) > STAGE_ORDER.index(final)
            if dated[stage] and beyond:
                reason = f"a date is given but the stage is {STAGE.label(final)}"
                table.problem(row, STAGE_DATE_FIELD[stage], reason)
                ok = False
    if not ok:
        return None
    start = "signed" if dated["signed"] else (final if final == "negotiating" else "lead")
    moves: list[Move] = [
        (stage, dated[stage], False, None)  # type: ignore[misc]
        for stage in ("started", "completed", "producing")
        if dated[stage]
    ]
    if final == "terminated":
        moves.append(("terminated", dated["terminated"], False, values["termination_reason"]))  # type: ignore[arg-type]
    return start, dated["signed"], moves


def replay_plan(events: list[dict[str, Any]]) -> tuple[str, date | None, list[Move]]:
    """An export's stage history, move by move: the first event is how the project was added."""
    first, *later = events
    signed = STAGE_ORDER.index(first["stage"]) >= STAGE_ORDER.index("signed")
    moves = [(e["stage"], e["on_date"], bool(e["correction"]), e["reason"]) for e in later]
    return first["stage"], first["on_date"] if signed else None, moves


def matches_row(project: Project, values: dict[str, Any]) -> bool:
    wanted = {field: values[field] for field in STAGE_DATE_FIELD.values()}
    wanted["stage"], wanted["termination_reason"] = values["stage"], values["termination_reason"]
    return all(getattr(project, key) == value for key, value in wanted.items())


# --- arrivals --------------------------------------------------------------------------

ArrivalKey = tuple[Any, ...]


def arrival_key(
    project_id: int, ref: str | None, on: date, currency: str, amount: int
) -> ArrivalKey:
    """The same arrival: the same voucher (凭证号) for the project, or without one the same
    project, date and amount."""
    return ("ref", project_id, ref) if ref else ("same", project_id, on, currency, amount)


@dataclass
class FileArrival:
    key: ArrivalKey
    amount: int
    row: int


def import_arrivals(session: Session, table: Table, out: Outcome) -> None:
    """Bulk: projects resolved once, checks per row, one insert per run of rows. A reversal
    row (冲销编号 = the 到位编号 of an arrival above it) is re-made with reverse_arrival."""
    if "project" not in table.headers and "project_name" not in table.headers:
        table.sheet_problem("a 项目编号 (or 项目名称) column is needed")
        return
    projects = ProjectLookup(session)
    in_ledger, reversed_ids = ledger_arrivals(session)
    so_far: dict[int, int] = dict(
        session.exec(
            select(Arrival.project_id, func.sum(Arrival.cny_fen)).group_by(col(Arrival.project_id))
        ).all()
    )
    rates: dict[tuple[str, str], int] = {}
    in_file: dict[ArrivalKey, int] = {}
    by_file_id: dict[int, FileArrival] = {}
    pending: list[tuple[ArrivalKey, Prepared]] = []

    def write_pending() -> None:
        ids = insert_arrivals(session, [prepared for _, prepared in pending])
        in_ledger.update(zip((key for key, _ in pending), ids, strict=True))
        pending.clear()

    for row in usable(table):
        values = row.values
        project = projects.find(table, row)
        amount = values["amount"]
        if project is None:
            continue
        if values["reverses"] is not None:
            original = by_file_id.get(values["reverses"])
            if original is None:
                reason = f"no arrival with 到位编号 {values['reverses']} above this row"
                table.problem(row, "reverses", reason)
                continue
            if not reversal_fits(table, row, original, project):
                continue
            write_pending()  # the original may be among them; ids stay in file order
            ledger_id = in_ledger.get(original.key)
            if ledger_id is None:  # the original had a problem of its own
                continue
            if ledger_id in reversed_ids:
                out.skipped.append(f"row {row.number}: reversal of row {original.row}")
                continue
            reversal = attempt(
                table, row, None, reverse_arrival, session, ledger_id, values["note"]
            )
            if reversal:
                reversed_ids.add(ledger_id)
                so_far[project.id] = so_far.get(project.id, 0) + reversal.cny_fen  # type: ignore[index]
                out.added.append(f"row {row.number}: reversal of row {original.row}")
            continue
        if amount < 0:
            reason = "a negative amount is a reversal: give the 冲销编号 of what it cancels"
            table.problem(row, "amount", reason)
            continue
        currency = attempt(table, row, "currency", check_currency, values["currency"] or "CNY")
        if not currency:
            continue
        key = arrival_key(project.id, values["ref"], values["date"], currency, amount)  # type: ignore[arg-type]
        if key in in_file:
            same = "the same 凭证号" if values["ref"] else "the same project, date and amount"
            hint = "" if values["ref"] else "; give each its 凭证号"
            table.problem(row, "ref", f"{same} as row {in_file[key]}{hint}")
            continue
        in_file[key] = row.number
        if values["id"] is not None:
            by_file_id[values["id"]] = FileArrival(key, amount, row.number)
        if key in in_ledger:
            out.skipped.append(f"row {row.number}: arrival {describe_arrival(values, project)}")
            continue
        try:
            prepared = prepare_arrival(
                session,
                project,
                amount,
                on=values["date"],
                currency=currency,
                ref=values["ref"],
                note=values["note"],
                source=values["source"],
                so_far=so_far.get(project.id, 0),  # type: ignore[arg-type]
                rates=rates,
            )
        except ZsError as exc:
            table.problem(row, None, str(exc))
            continue
        so_far[project.id] = so_far.get(project.id, 0) + prepared.values["cny_fen"]  # type: ignore[index]
        out.warnings.extend(f"row {row.number}: {warning}" for warning in prepared.warnings)
        pending.append((key, prepared))
        out.added.append(f"row {row.number}: arrival {describe_arrival(values, project)}")
    write_pending()


def describe_arrival(values: dict[str, Any], project: Project) -> str:
    currency = values["currency"] or "CNY"
    ref = f" ({values['ref']})" if values["ref"] else ""
    amount = format_amount(values["amount"])
    return f"{amount}万 {currency} for {project.code} on {values['date']}{ref}"


def reversal_fits(table: Table, row: Row, original: FileArrival, project: Project) -> bool:
    ok = True
    if row.values["amount"] != -original.amount:
        expected = format_amount(original.amount)
        table.problem(row, "amount", f"a reversal cancels row {original.row} whole: -{expected}")
        ok = False
    if original.key[1] != project.id:
        table.problem(row, "project", f"not the project of the arrival in row {original.row}")
        ok = False
    if not row.values["note"]:
        table.problem(row, "note", "a reversal needs its reason in 备注")
        ok = False
    return ok


def ledger_arrivals(session: Session) -> tuple[dict[ArrivalKey, int], set[int]]:
    """Arrivals already in the ledger by both keys (voucher, and project-date-amount), and the
    ids that were reversed. Reversal rows themselves are not arrivals to match."""
    rows = session.exec(
        select(
            Arrival.id,
            Arrival.project_id,
            Arrival.ref,
            Arrival.arrived_on,
            Arrival.currency,
            Arrival.amount_minor,
        ).where(col(Arrival.reverses_id).is_(None))
    )
    keys: dict[ArrivalKey, int] = {}
    for arrival_id, project_id, ref, on, currency, amount in rows:
        if ref:
            keys[arrival_key(project_id, ref, on, currency, amount)] = arrival_id  # type: ignore[assignment]
        keys[arrival_key(project_id, None, on, currency, amount)] = arrival_id  # type: ignore[assignment]
    reversed_ids = set(
        session.exec(select(Arrival.reverses_id).where(col(Arrival.reverses_id).is_not(None)))
    )
    return keys, reversed_ids  # type: ignore[return-value]


class ProjectLookup:
    """Every project loaded once: by code, or by name where the file gives no code."""

    def __init__(self, session: Session) -> None:
        self.by_code: dict[str, Project] = {}
        self.by_name: dict[str, list[Project]] = defaultdict(list)
        for project in session.exec(select(Project)):
            self.by_code[project.code] = project
            self.by_name[project.name].append(project)

    def find(self, table: Table, row: Row) -> Project | None:
        code, name = row.values.get("project"), row.values.get("project_name")
        if code:
            project = self.by_code.get(code)
            if project is None:
                table.problem(row, "project", f"there is no project with code {code!r}")
            elif name and name != project.name:
                table.problem(row, "project_name", f"{code} is {project.name!r} in the ledger")
                return None
            return project
        if not name:
            table.problem(row, "project", "a 项目编号 (or 项目名称) is needed")
            return None
        found = self.by_name.get(name, [])
        if len(found) != 1:
            reason = "several projects" if found else "no project"
            table.problem(row, "project_name", f"{reason} named {name!r}; give the 项目编号")
            return None
        return found[0]


# --- targets and rates -----------------------------------------------------------------


def import_targets(session: Session, table: Table, out: Outcome) -> None:
    """A row equal to a target already set (same unit, year, metric, level, date, amount) is
    skipped; any other row adds to the history, as `zs target set` would."""
    query = select(
        Target.unit_id,
        Target.year,
        Target.metric,
        Target.level,
        Target.effective_from,
        Target.amount,
    )
    existing = {tuple(target) for target in session.exec(query)}
    units: dict[str, Unit | str] = {}  # a unit, or why the name finds none
    seen: dict[tuple[Any, ...], int] = {}
    for row in usable(table):
        values = row.values
        name, year, metric = values["unit"], values["year"], values["metric"]
        if name not in units:
            try:
                units[name] = find_unit(session, name)
            except ZsError as exc:
                units[name] = str(exc)
        unit = units[name]
        if isinstance(unit, str):
            table.problem(row, "unit", unit)
        amount = attempt(
            table, row, "amount", parse_target_amount, text_of(values["amount"]), metric
        )
        if isinstance(unit, str) or not amount:
            continue
        level = values["level"] or "must"
        effective_from = values["effective_from"] or date(year, 1, 1)
        key = (unit.id, year, metric, level, effective_from)
        if key in seen:
            table.problem(
                row, "amount", f"a second target in force from the same day as row {seen[key]}"
            )
            continue
        seen[key] = row.number
        if (*key, amount) in existing:
            out.skipped.append(f"row {row.number}: target {name} {year} {metric} {level}")
            continue
        try:
            add_target(
                session,
                unit,
                year,
                metric,
                amount,
                level=level,
                effective_from=effective_from,
                basis=values["basis"] or "set",
                reason=values["reason"],
            )
        except ZsError as exc:
            table.problem(row, None, str(exc))
            continue
        out.added.append(
            f"row {row.number}: target {name} {year} {metric} {level} from {effective_from}"
        )


def import_rates(session: Session, table: Table, out: Outcome) -> None:
    existing = {(r.currency, r.month): r.rate_micro for r in session.exec(select(ExchangeRate))}
    seen: dict[tuple[str, str], int] = {}
    for row in usable(table):
        currency = attempt(table, row, "currency", check_currency, row.values["currency"])
        if not currency:
            continue
        month, rate = row.values["month"], row.values["rate"]
        key = (currency, month)
        if key in seen:
            table.problem(row, "month", f"a second {currency} rate for {month} (row {seen[key]})")
            continue
        seen[key] = row.number
        if existing.get(key) == rate:
            out.skipped.append(f"row {row.number}: {currency} {month}")
        elif key in existing:
            reason = (
                f"the ledger has {format_rate(existing[key])} for {currency} {month}; "
                "change it with `zs rate set`"
            )
            table.problem(row, "rate", reason)
        elif attempt(table, row, None, set_rate, session, currency, month, rate):
            out.added.append(f"row {row.number}: {currency} {month} {format_rate(rate)}")


IMPORTERS: dict[str, Importer] = {
    UNITS.name: import_units,
    PROJECTS.name: import_projects,
    ARRIVALS.name: import_arrivals,
    TARGETS.name: import_targets,
    RATES.name: import_rates,
}


# --- a whole export --------------------------------------------------------------------

LEDGER_KINDS = (UNITS, RATES, PROJECTS, ARRIVALS, TARGETS)  # in the order they depend
REQUIRED_SHEETS = (UNITS, PROJECTS)
KEPT_SHEETS = ("项目单位", "操作记录")  # derived from the rest, or this import's own trail


@dataclass
class LedgerFile:
    """An export read back: a table per sheet, read before the write transaction opens."""

    file: str
    tables: dict[str, Table]
    notes: list[str]


def read_ledger_file(book: Book) -> LedgerFile:
    tables: dict[str, Table] = {}
    notes = []
    for kind in (*LEDGER_KINDS, STAGE_EVENTS, CONTACTS):
        table = book.table(kind, first_sheet_fallback=False)
        if table is not None:
            tables[kind.name] = table
            notes.extend(f"{kind.title} {note}" for note in table.notes)
    known = {table.sheet for table in tables.values()}
    for sheet in book.sheet_names:
        if sheet in KEPT_SHEETS:
            notes.append(f"sheet {sheet} is not replayed: the new ledger keeps its own")
        elif sheet not in known:
            notes.append(f"sheet {sheet} is not a ledger sheet; left alone")
    return LedgerFile(book.name, tables, notes)


def import_ledger(session: Session, ledger_file: LedgerFile) -> ImportResult:
    """An export into an empty ledger, sheet by sheet in dependency order, in one transaction."""
    for model in (Unit, Project, Arrival, Target, ExchangeRate):
        if session.exec(select(func.count()).select_from(model)).one():
            raise Invalid(
                "`zs import ledger` reads an export into an empty ledger, and this one has "
                "data; create a new one with `zs init --db NEW.db`."
            )
    tables = ledger_file.tables
    result = ImportResult(ledger_file.file, list(tables.values()), notes=ledger_file.notes)
    for kind in REQUIRED_SHEETS:
        if kind.name not in tables:
            missing = Table(kind, ledger_file.file, None)
            missing.sheet_problem(f"the sheet {kind.title} is missing; is this a `zs export` file?")
            result.tables.append(missing)
    if len(result.tables) > len(tables):
        return result
    history: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in usable(tables.get(STAGE_EVENTS.name)):
        history[row.values["project"]].append(row.values)
    contacts = {
        row.values["project"]: row.values["contact"] for row in usable(tables.get(CONTACTS.name))
    }
    for kind in LEDGER_KINDS:
        table = tables.get(kind.name)
        if table is None or not table.readable:
            continue
        outcome = Outcome(kind)
        if kind is PROJECTS:
            import_projects(session, table, outcome, history=history, contacts=contacts)
        else:
            IMPORTERS[kind.name](session, table, outcome)
        result.outcomes.append(outcome)
    return result


# --- shared ----------------------------------------------------------------------------


def usable(table: Table | None) -> list[Row]:
    """Rows whose cells all parsed (the others are reported already)."""
    return [row for row in table.rows if row.ok] if table is not None else []


def attempt(
    table: Table, row: Row, key: str | None, operation: Callable[..., Any], *args: Any
) -> Any:
    """Run a domain operation; a refusal becomes this row's problem (and the result None)."""
    try:
        return operation(*args)
    except ZsError as exc:
        table.problem(row, key, str(exc))
        return None
