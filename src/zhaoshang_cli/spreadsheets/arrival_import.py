"""Importing arrivals: built for 100,000 rows in one run.

Projects are resolved once into a dict, each row passes the checks of ``prepare_arrival``
(the same as ``zs arrive``), and rows are written in bulk by ``insert_arrivals`` with their
audit entries. A reversal row (冲销编号 = the 到位编号 of an arrival above it, as an export
writes them) is re-made with ``reverse_arrival`` on its original.
"""

from collections import defaultdict
from dataclasses import dataclass
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
)
from zhaoshang_cli.models import Arrival, Project
from zhaoshang_cli.money import format_amount
from zhaoshang_cli.spreadsheets.importers import Outcome
from zhaoshang_cli.spreadsheets.reading import Row, Table

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
    if "project" not in table.headers and "project_name" not in table.headers:
        table.sheet_problem("a 项目编号 (or 项目名称) column is needed")
        return
    run = ArrivalImport(session, table, out)
    for row in table.good_rows():
        project = run.projects.find(table, row)
        if project is None:
            continue
        if row.values["reverses"] is not None:
            run.reversal(row, project)
        else:
            run.arrival(row, project)
    run.write_pending()


class ArrivalImport:
    """One run over a sheet: what the ledger holds, loaded once, and the rows waiting to be
    written in bulk."""

    def __init__(self, session: Session, table: Table, out: Outcome) -> None:
        self.session, self.table, self.out = session, table, out
        self.projects = ProjectLookup(session)
        self.in_ledger, self.reversed_ids = ledger_arrivals(session)
        sums = select(Arrival.project_id, func.sum(Arrival.cny_fen))
        self.so_far: dict[int, int] = dict(
            session.exec(sums.group_by(col(Arrival.project_id))).all()
        )
        self.rates: dict[tuple[str, str], int] = {}
        self.in_file: dict[ArrivalKey, int] = {}  # key → row number
        self.by_file_id: dict[int, FileArrival] = {}  # the file's 到位编号 → its row
        self.pending: list[tuple[ArrivalKey, Prepared]] = []

    def arrival(self, row: Row, project: Project) -> None:
        table, values, amount = self.table, row.values, row.values["amount"]
        if amount < 0:
            reason = "a negative amount is a reversal: give the 冲销编号 of what it cancels"
            table.problem(row, "amount", reason)
            return
        currency = table.attempt(row, "currency", check_currency, values["currency"] or "CNY")
        if not currency:
            return
        key = arrival_key(project.id, values["ref"], values["date"], currency, amount)
        # Rows of an export carry their 到位编号: two of them are two arrivals, even with one
        # voucher (an arrival entered twice, then reversed, is still in the ledger).
        file_key = key if values["id"] is None else (*key, values["id"])
        if file_key in self.in_file:
            same = "the same 凭证号" if values["ref"] else "the same project, date and amount"
            hint = "" if values["ref"] else "; give each its 凭证号"
            table.problem(row, "ref", f"{same} as row {self.in_file[file_key]}{hint}")
            return
        self.in_file[file_key] = row.number
        if values["id"] is not None:
            self.by_file_id[values["id"]] = FileArrival(key, amount, row.number)
        if key in self.in_ledger:
            self.out.skipped.append(f"row {row.number}: arrival {describe(values, project)}")
            return
        prepared = table.attempt(
            row,
            None,
            prepare_arrival,
            self.session,
            project,
            amount,
            on=values["date"],
            currency=currency,
            ref=values["ref"],
            note=values["note"],
            source=values["source"],
            so_far=self.so_far.get(project.id, 0),
            rates=self.rates,
        )
        if prepared is None:
            return
        self.so_far[project.id] = self.so_far.get(project.id, 0) + prepared.values["cny_fen"]
        self.out.warnings.extend(f"row {row.number}: {warning}" for warning in prepared.warnings)
        self.pending.append((key, prepared))
        self.out.added.append(f"row {row.number}: arrival {describe(values, project)}")

    def reversal(self, row: Row, project: Project) -> None:
        original = self.by_file_id.get(row.values["reverses"])
        if original is None:
            reason = f"no arrival with 到位编号 {row.values['reverses']} above this row"
            self.table.problem(row, "reverses", reason)
            return
        if not reversal_fits(self.table, row, original, project):
            return
        self.write_pending()  # the original may be among them; ids stay in file order
        ledger_id = self.in_ledger.get(original.key)
        if ledger_id is None:  # the original had a problem of its own
            return
        if ledger_id in self.reversed_ids:
            self.out.skipped.append(f"row {row.number}: reversal of row {original.row}")
            return
        reversal = self.table.attempt(
            row, None, reverse_arrival, self.session, ledger_id, row.values["note"]
        )
        if reversal is not None:
            self.reversed_ids.add(ledger_id)
            self.so_far[project.id] = self.so_far.get(project.id, 0) + reversal.cny_fen
            self.out.added.append(f"row {row.number}: reversal of row {original.row}")

    def write_pending(self) -> None:
        ids = insert_arrivals(self.session, [prepared for _, prepared in self.pending])
        self.in_ledger.update(zip((key for key, _ in self.pending), ids, strict=True))
        self.pending.clear()


def describe(values: dict[str, Any], project: Project) -> str:
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
            keys[arrival_key(project_id, ref, on, currency, amount)] = arrival_id
        keys[arrival_key(project_id, None, on, currency, amount)] = arrival_id
    reversed_ids = set(
        session.exec(select(Arrival.reverses_id).where(col(Arrival.reverses_id).is_not(None)))
    )
    return keys, reversed_ids


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
