"""Importing arrivals: built for 100,000 rows in one run, beside clerks entering arrivals.

The work is split so that the write lock is held only while rows are written.
``plan_arrivals`` checks every row in a read snapshot: projects resolved once into a dict,
each row through the checks of ``prepare_arrival`` (the same as ``zs arrive``), duplicates
against the ledger and the file. ``apply_plan`` runs in the write transaction: the audit
trail names every project written to since the snapshot (a clerk's arrival, a stage move),
the rows of those projects are planned again against the ledger as it is now, and then
everything is written in bulk by ``insert_arrivals``. A reversal row (冲销编号 = the 到位编号
of an arrival above it, as an export writes them) is re-made with ``reverse_arrival``.
Beside it: what is read of the ledger first (``arrival_lookup``), which arrival a red row
reverses (``red_rows``), and the outcome's lines (``arrival_texts``).
"""

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from zhaoshang_cli.arrivals.bulk import CHUNK, insert_arrivals
from zhaoshang_cli.arrivals.entries import reverse_arrival
from zhaoshang_cli.arrivals.recording import prepare_arrival
from zhaoshang_cli.core import dates
from zhaoshang_cli.core.i18n import _
from zhaoshang_cli.output.progress import rows as progress
from zhaoshang_cli.rates.lookup import check_currency
from zhaoshang_cli.spreadsheets.arrival_lookup import ProjectLookup, ledger_arrivals
from zhaoshang_cli.spreadsheets.arrival_plan import (
    ArrivalKey,
    ArrivalPlan,
    FileArrival,
    Said,
    Step,
    arrival_key,
)
from zhaoshang_cli.spreadsheets.arrival_texts import Described, FigureText, Skipped
from zhaoshang_cli.spreadsheets.columns import FIGURE_KEYS
from zhaoshang_cli.spreadsheets.figures import (
    LedgerMoney,
    Period,
    gives_figures,
    has_figures,
    month_figure,
    no_period,
    row_period,
)
from zhaoshang_cli.spreadsheets.outcome import Outcome
from zhaoshang_cli.spreadsheets.provenance import kept_time, replay
from zhaoshang_cli.spreadsheets.reading import Row, Table
from zhaoshang_cli.spreadsheets.red_rows import RedRows, reversal_fits
from zhaoshang_cli.store.models import Arrival, AuditEntry, Project


def import_arrivals(
    session: Session, table: Table, out: Outcome, *, period: Period | None = None
) -> None:
    """Plan and write in one transaction (a whole ledger read back, or a session given)."""
    plan = plan_arrivals(session, table, keep_provenance=replay(session), period=period)
    if not table.problems:
        apply_plan(session, plan)
    plan.tell(out)


def plan_arrivals(
    session: Session,
    table: Table,
    *,
    only: set[int] | None = None,
    keep_provenance: bool = False,
    period: Period | None = None,
) -> ArrivalPlan:
    """Check every row (or only those of the projects in ``only``); write nothing.
    ``period``: the month of 本月/累计 rows that give no 上报月份 (``--month``, ``--date``)."""
    mark = session.exec(select(func.max(AuditEntry.id))).one() or 0
    plan = ArrivalPlan(table, mark, keep_provenance, period=period)
    if not names_projects(table):
        return plan

    run = ArrivalPlanner(session, plan, only)
    good = table.good_rows()
    # A sheet held whole shows whether it has red rows: without one, no row above is kept
    # as what a red row may reverse (a tuple per row: 15 MB of 100,000).
    run.red_rows = any((row.values["amount"] or 0) < 0 for row in good)
    for row in progress(good, len(good) if only is None else 0, _("Checking arrivals")):
        run.plan_row(row, only)
    return plan


def names_projects(table: Table) -> bool:
    if "project" in table.headers or "project_name" in table.headers:
        return True
    table.sheet_problem(
        _("a {code} (or {name}) column is needed").format(
            code=table.column_name("project"), name=table.column_name("project_name")
        )
    )
    return False


def import_streamed(
    session: Session,
    table: Table,
    out: Outcome,
    *,
    write: bool = True,
    period: Period | None = None,
) -> None:
    """A sheet too big to hold (``reading.stream_table``), in the write transaction from its
    first row: each chunk of rows is checked, then written at once, and let go; only the keys
    that find a row's twin further down stay. The first problem stops the writing (the checks
    go on, so all are reported) and the caller rolls everything back. Unlike ``apply_plan``
    the write lock is held while the file is read: clerks wait for an import this size.
    ``write=False`` (a dry run, in a read snapshot): the same checks and outcome, nothing
    written, no lock taken."""
    plan = ArrivalPlan(table, 0, replay(session), period=period)
    if not names_projects(table):
        return
    assert table.stream is not None
    run = ArrivalPlanner(session, plan, None)
    for row in table.stream:
        if row.ok:
            run.plan_row(row, None)
        if len(plan.steps) >= CHUNK:
            run.write_chunk(out, write)
    run.write_chunk(out, write)


def apply_plan(session: Session, plan: ArrivalPlan) -> None:
    """Under the write lock: plan again the projects changed since the snapshot, then write.
    A problem found now lands in the table like any other (the caller rolls back)."""
    changed = changed_projects(session, plan.mark)
    if changed is None or changed:
        again = plan_arrivals(
            session,
            plan.table,
            only=changed,
            keep_provenance=plan.keep_provenance,
            period=plan.period,
        )
        plan.merge(again, changed)
    if plan.table.problems:
        return
    write_steps(session, plan, plan.steps, dict(plan.originals))


def write_steps(
    session: Session, plan: ArrivalPlan, steps: list[Step], ids: dict[ArrivalKey, int]
) -> None:
    """Arrivals in bulk, reversals one by one, in file order; ``ids`` gains the new ids."""
    ids.update(plan.originals)
    batch: list[Step] = []
    for step in steps:
        if step.prepared is not None:
            batch.append(step)
            continue
        write_batch(session, plan, batch, ids)
        batch = []
        assert step.original is not None
        kept = plan.keep_provenance
        reverse_arrival(
            session,
            ids[step.original],
            step.note or "",
            operator=step.operator if kept else None,
            entered_at=step.entered_at if kept else None,
        )
    write_batch(session, plan, batch, ids)


def changed_projects(session: Session, mark: int) -> set[int] | None:
    """Projects written to since the audit entry ``mark``; None when an exchange rate
    changed, which may touch any row in a foreign currency."""
    query = select(AuditEntry.entity, AuditEntry.project_id).where(AuditEntry.id > mark)
    changed: set[int] = set()
    for entity, project_id in session.exec(query):
        if entity == "exchange_rate":
            return None
        if project_id is not None:
            changed.add(project_id)
    return changed


def write_batch(
    session: Session, plan: ArrivalPlan, batch: list[Step], ids: dict[ArrivalKey, int]
) -> None:
    """The rows are stamped now (or as recorded, for a ledger read back): the entry time is
    when they entered the ledger, not when they were checked, and the operator is who writes
    them (on a shared ledger, the login)."""
    now = dates.utcnow()
    writer = session.info.get("operator", "unknown")
    for step in batch:
        assert step.prepared is not None
        step.prepared.values["entered_at"] = step.entered_at or now
        step.prepared.values["operator"] = step.operator or writer
    prepared = [step.prepared for step in batch]
    ids.update(zip((step.key for step in batch), insert_arrivals(session, prepared), strict=True))  # type: ignore[arg-type]


class ArrivalPlanner:
    """One pass over a sheet: what the ledger holds, loaded once, and the plan it fills."""

    def __init__(self, session: Session, plan: ArrivalPlan, only: set[int] | None) -> None:
        self.session, self.plan, self.table = session, plan, plan.table
        self.projects = ProjectLookup(session)
        self.in_ledger, self.reversed_ids = ledger_arrivals(session, only)
        sums = select(Arrival.project_id, func.sum(Arrival.cny_fen))
        if only is not None:
            sums = sums.where(col(Arrival.project_id).in_(only))
        self.so_far: dict[int, int] = dict(
            session.exec(sums.group_by(col(Arrival.project_id))).all()
        )
        self.rates: dict[tuple[str, str], int] = {}
        # Each arrival row's key → its row number. A sheet read a row at a time keeps the key
        # as its repr (one string: a third of the tuple and its parts, which nothing else holds
        # once a chunk is written, and a million rows keep to the end); a sheet held whole
        # shares the tuple's parts with its rows.
        self.in_file: dict[Any, int] = {}
        self.compact_keys = self.table.stream is not None
        self.by_file_id: dict[int, FileArrival] = {}  # the file's 到位编号 → its row
        self.planned: dict[ArrivalKey, Step] = {}  # arrivals this import adds
        self.written: dict[ArrivalKey, int] = {}  # … and their ids, once written (streamed)
        self.reversed_keys: set[ArrivalKey] = set()
        self.period: Period | None = plan.period
        # 本月/累计 figures: the ledger's money by project and day, and the rows that gave them.
        self.money = LedgerMoney(session, only) if has_figures(self.table) else None
        self.figure_rows: dict[tuple[int, Any], tuple[int, tuple[Any, ...]]] = {}
        self.red = RedRows(session)  # what red rows may reverse
        self.red_rows = True  # the sheet may have red rows (one read a row at a time may)

    def plan_row(self, row: Row, only: set[int] | None) -> None:
        project = self.projects.find(self.table, row)
        if project is None or (only is not None and project.id not in only):
            return
        values = row.values
        if values["reverses"] is not None:
            self.reversal(row, project)
        elif self.money is not None and (gives_figures(values) or "date" not in self.table.headers):
            self.figure(row, project)
        else:
            self.arrival(row, project)

    def write_chunk(self, out: Outcome, write: bool) -> None:
        """A streamed import's rows checked so far: written (unless a problem was found, or
        ``write`` is off), told, and let go. Reversals name their originals by the file's
        到位编号: only a file with that column keeps the ids and steps of the rows above."""
        plan = self.plan
        if write and not self.table.problems:
            write_steps(self.session, plan, plan.steps, self.written)
        plan.tell(out)
        plan.steps.clear()
        plan.said.clear()
        if write:  # written: found in the ledger from now on
            self.red.forget()
        if "id" not in self.table.headers:
            self.written.clear()
            self.planned.clear()

    def say(self, row: Row, project: Project, kind: str, text: "str | Described") -> None:
        """A line of the outcome; an arrival's is worked out only if it is printed."""
        self.plan.said.append(Said(row.number, project.id, kind, text))  # type: ignore[arg-type]

    def prepare(self, row: Row, project: Project, amount: int, **what: Any) -> Any:
        """prepare_arrival's checks with what the planner already knows (the project's sum so
        far, the rates read); a refusal is the row's problem (and None)."""
        return self.table.attempt(
            row,
            None,
            prepare_arrival,
            self.session,
            project,
            amount,
            so_far=self.so_far.get(project.id, 0),  # type: ignore[arg-type]
            rates=self.rates,
            twin_check=False,
            **what,
        )

    def step(self, row: Row, project: Project, key: ArrivalKey, **what: Any) -> Step:
        provenance: dict[str, Any] = {}
        if self.plan.keep_provenance:
            provenance = {
                "operator": row.values.get("operator"),
                "entered_at": kept_time(row.values.get("entered_at")),
            }
        step = Step(row.number, project.id, key, **what, **provenance)  # type: ignore[arg-type]
        self.plan.steps.append(step)
        return step

    def arrival(self, row: Row, project: Project) -> None:
        table, values, amount = self.table, row.values, row.values["amount"]
        if amount is None or values["date"] is None:  # a sheet of figures that has the column
            table.problem(row, "amount" if amount is None else "date", _("a value is required"))
            return
        if amount < 0:
            self.red_row(row, project)
            return
        currency = table.attempt(row, "currency", check_currency, values["currency"] or "CNY")
        if not currency:
            return
        key = arrival_key(project.id, values["ref"], values["date"], currency, amount)  # type: ignore[arg-type]
        # Rows of an export carry their 到位编号: two of them are two arrivals, even with one
        # voucher (an arrival entered twice, then reversed, is still in the ledger).
        file_key = key if values["id"] is None else (*key, values["id"])
        seen = repr(file_key) if self.compact_keys else file_key  # repr: one to one here
        if seen in self.in_file:
            same = (
                _("the same {column} as row {row}")
                if values["ref"]
                else _("the same project, date and amount as row {row}; give each its {column}")
            )
            table.problem(
                row, "ref", same.format(column=table.column_name("ref"), row=self.in_file[seen])
            )
            return
        self.in_file[seen] = row.number
        if values["id"] is not None:
            self.by_file_id[values["id"]] = FileArrival(key, amount, row.number, file_key)
        if key in self.in_ledger:
            self.say(row, project, "skipped", Skipped(values, project.code, self.in_ledger[key]))
            return
        prepared = self.prepare(
            row,
            project,
            amount,
            on=values["date"],
            currency=currency,
            ref=values["ref"],
            note=values["note"],
            source=values["source"],
        )
        if prepared is None:
            return
        twin = self.in_ledger.get(arrival_key(project.id, None, values["date"], currency, amount))  # type: ignore[arg-type]
        if values["ref"] and twin is not None and not self.plan.keep_provenance:
            # Another voucher, but the project, date and amount of one in the ledger: added,
            # with the warning `zs arrive` gives.
            prepared.warnings.append(
                _(
                    "the same project, date and amount as arrival {id}; if it was entered "
                    "twice, reverse one with `zs arrival reverse`"
                ).format(id=twin)
            )
            prepared.values["warnings"] = "; ".join(prepared.warnings)
        if self.plan.keep_provenance:  # a ledger read back: the warnings given back then
            prepared.values["warnings"] = values.get("warnings") or None
        cny_fen = prepared.values["cny_fen"]
        self.so_far[project.id] = self.so_far.get(project.id, 0) + cny_fen  # type: ignore[index]
        if self.money is not None:
            self.money.add(project.id, values["date"], cny_fen)  # type: ignore[arg-type]
        for warning in prepared.warnings:
            self.say(row, project, "warnings", warning)
        self.planned[file_key] = self.step(row, project, file_key, prepared=prepared)
        if self.red_rows:
            self.red.remember(
                project.id,  # type: ignore[arg-type]
                file_key, values["date"], row.number, amount, currency, values["ref"], cny_fen,
            )  # fmt: skip
        self.say(row, project, "added", Described(values, project.code))

    def red_row(self, row: Row, project: Project) -> None:
        """A negative row reverses the one earlier arrival it matches (``RedRows.match``); a
        red row applied before finds its reversal and is left alone."""
        values = row.values
        currency = self.table.attempt(row, "currency", check_currency, values["currency"] or "CNY")
        if not currency:
            return
        # Without a 备注 the reason is the official term and the row's date, in Chinese whatever
        # the user's language: the next import finds the reversal by it.
        reason = values["note"] or f"红字冲销（{values['date']}）"
        original = self.red.match(self.table, row, project, currency, reason)
        if original is None:
            return
        if original.reversal_id:
            self.say(row, project, "skipped", original.reversed_text())
            return
        if original.ledger_id is not None:
            self.plan.originals[original.key] = original.ledger_id
        self.so_far[project.id] = self.so_far.get(project.id, 0) - original.cny  # type: ignore[index]
        if self.money is not None:
            self.money.add(project.id, original.day, -original.cny)  # type: ignore[arg-type]
        key = ("reversal", original.key)
        self.step(row, project, key, original=original.key, note=reason)
        self.say(row, project, "added", original.reversal_text())

    def figure(self, row: Row, project: Project) -> None:
        """A row of 本月/累计 figures: the arrival that brings the ledger to them, if any."""
        table, values = self.table, row.values
        assert self.money is not None
        month_key = "month_amount"
        if values["month_amount"] is None and "date" not in table.headers:
            if values["amount"] is not None:  # 到位金额 beside 累计, no date: the month's money
                values["month_amount"], month_key = values["amount"], "amount"
        elif values["amount"] is not None:
            reason = _("a row gives an arrival ({amount}, {date}) or 本月/累计 figures, not both")
            reason = reason.format(
                amount=table.column_name("amount"), date=table.column_name("date")
            )
            table.problem(row, "amount", reason)
            return
        if not gives_figures(values):
            return  # blank figures change nothing
        if (values["currency"] or "CNY") != "CNY":
            reason = _(
                "本月/累计 figures are in 万元 (CNY); give money in {currency} as an arrival"
            )
            table.problem(row, "currency", reason.format(currency=values["currency"]))
            return
        period = row_period(values, self.period)
        if period is None:
            no_period(table, row)
            return
        given = tuple(values[key] for key in FIGURE_KEYS)
        seen = self.figure_rows.get((project.id, period.end))  # type: ignore[arg-type]
        if seen is not None:
            if seen[1] != given:
                reason = _("other figures for {code} and {month} than row {row}; keep one")
                reason = reason.format(code=project.code, month=period.end, row=seen[0])
                table.problem(row, FIGURE_KEYS[0], reason)
            return
        self.figure_rows[project.id, period.end] = (row.number, given)  # type: ignore[index]
        figure = month_figure(
            table,
            row,
            project.id,
            project.code,
            period,
            self.money,
            month_key,  # type: ignore[arg-type]
        )
        if figure is None:
            return
        if not figure.amount:
            self.say(row, project, "skipped", FigureText(table, figure, project.code))
            return
        note = figure.note(table) + (f"; {values['note']}" if values["note"] else "")
        prepared = self.prepare(
            row, project, figure.amount, on=figure.on, ref=values["ref"], note=note,
            source=values["source"],
        )  # fmt: skip
        if prepared is None:
            return
        self.so_far[project.id] = self.so_far.get(project.id, 0) + figure.amount  # type: ignore[index]
        self.money.add(project.id, figure.on, figure.amount)  # type: ignore[arg-type]
        for warning in prepared.warnings:
            self.say(row, project, "warnings", warning)
        key = ("figure", project.id, figure.on)
        self.planned[key] = self.step(row, project, key, prepared=prepared)
        self.say(row, project, "added", FigureText(table, figure, project.code))

    def reversal(self, row: Row, project: Project) -> None:
        original = self.by_file_id.get(row.values["reverses"])
        if original is None:
            reason = _("no arrival with {column} {id} above this row").format(
                column=self.table.column_name("id"), id=row.values["reverses"]
            )
            self.table.problem(row, "reverses", reason)
            return
        if not reversal_fits(self.table, row, original, project):
            return
        ledger_id = self.in_ledger.get(original.key)
        if original.step in self.reversed_keys or ledger_id in self.reversed_ids:
            self.say(row, project, "skipped", _("reversal of row {row}").format(row=original.row))
            return
        if original.step in self.planned:
            cny_fen = self.planned[original.step].prepared.values["cny_fen"]  # type: ignore[union-attr]
        elif ledger_id is not None:
            self.plan.originals[original.step] = ledger_id
            arrival = self.session.get(Arrival, ledger_id)
            cny_fen = arrival.cny_fen if arrival is not None else 0
        else:  # the original had a problem of its own
            return
        self.reversed_keys.add(original.step)
        self.so_far[project.id] = self.so_far.get(project.id, 0) - cny_fen  # type: ignore[index]
        key = ("reversal", original.step)
        self.step(row, project, key, original=original.step, note=row.values["note"])
        self.say(row, project, "added", _("reversal of row {row}").format(row=original.row))
