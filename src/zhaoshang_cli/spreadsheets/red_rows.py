"""Red rows (负数冲销): which arrival a negative row of an arrivals import reverses.

A red row reverses the one earlier arrival it matches, in the ledger or above it in the file:
by its 凭证号 where the arrivals have one, else the same amount, the latest first; a red row
applied before finds its reversal and is left alone. ``RedRows`` keeps what it needs for that
(each project's arrivals in the ledger, read when a red row names the project; the file's
arrivals; those this import reverses or finds reversed already); ``arrival_import`` writes
what it chooses. A reversal row of an export (冲销编号) names its original instead:
``reversal_fits`` checks it against that row.
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from zhaoshang_cli.core.i18n import _
from zhaoshang_cli.core.money import format_amount
from zhaoshang_cli.spreadsheets.arrival_plan import ArrivalKey, FileArrival
from zhaoshang_cli.spreadsheets.reading import Row, Table
from zhaoshang_cli.store.models import Project
from zhaoshang_cli.store.tables import ARRIVAL


@dataclass(slots=True)
class Candidate:
    """An arrival a red row may reverse: in the ledger (``ledger_id``, with its reversal if it
    has one) or planned from a row above (``row``). ``order``: latest last."""

    key: ArrivalKey
    day: Any
    order: tuple[Any, ...]
    amount: int
    currency: str
    ref: str | None
    cny: int
    row: int | None = None
    ledger_id: int | None = None
    reversal_id: int | None = None
    reversal_note: str | None = None

    def __str__(self) -> str:
        ref = f" ({self.ref})" if self.ref else ""
        if self.row is not None:
            text = _("row {row}: {amount}万 on {date}")
            return text.format(row=self.row, amount=format_amount(self.amount), date=self.day) + ref
        text = _("arrival {id}: {amount}万 on {date}")
        return (
            text.format(id=self.ledger_id, amount=format_amount(self.amount), date=self.day) + ref
        )

    def reversal_text(self) -> str:
        if self.row is not None:
            return _("reversal of row {row}").format(row=self.row)
        return _("reversal of arrival {id} ({amount}万 {currency} on {date})").format(
            id=self.ledger_id, amount=format_amount(self.amount), currency=self.currency,
            date=self.day,
        )  # fmt: skip

    def reversed_text(self) -> str:
        return _("red row: arrival {id} was reversed already (arrival {reversal})").format(
            id=self.ledger_id, reversal=self.reversal_id
        )


def in_force(reason: str, pool: list[Candidate], taken: set[ArrivalKey]) -> str:
    """A red row's problem with the project's arrivals in force, the latest five first."""
    left = [c for c in pool if not c.reversal_id and c.key not in taken]
    left.sort(key=lambda c: c.order, reverse=True)
    if not left:
        return _("{reason}; it has no arrival in force").format(reason=reason)
    listed = _("; ").join(str(c) for c in left[:5])
    return _("{reason}; its arrivals in force: {arrivals}").format(reason=reason, arrivals=listed)


class RedRows:
    """What the red rows of one import may reverse, and what they reversed so far."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.ledger: dict[int, list[Candidate]] = {}
        self.file_arrivals: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        self.taken: set[ArrivalKey] = set()
        self.claimed: set[int] = set()

    def remember(self, project_id: int, *arrival: Any) -> None:
        """An arrival row of the file a red row below may reverse: (step key, date, row number,
        amount, currency, voucher, CNY fen), a plain tuple (a sheet of 100,000 rows keeps one
        each)."""
        self.file_arrivals[project_id].append(arrival)

    def forget(self) -> None:
        """A streamed import wrote its chunk: those arrivals are found in the ledger now."""
        self.ledger.clear()
        self.file_arrivals.clear()

    def candidates(self, project_id: int) -> list[Candidate]:
        """The project's arrivals (never a reversal) in the ledger, each with its reversal if
        any, and those of this file: what a red row may reverse."""
        if project_id not in self.ledger:
            a, reversal = ARRIVAL, ARRIVAL.alias("reversal")
            query = (
                select(a.c.id, a.c.arrived_on, a.c.amount_minor, a.c.currency, a.c.ref,
                       a.c.cny_fen, reversal.c.id, reversal.c.note)
                .outerjoin(reversal, reversal.c.reverses_id == a.c.id)
                .where(a.c.project_id == project_id, func.coalesce(a.c.reverses_id, 0) == 0)
            )  # fmt: skip
            self.ledger[project_id] = [
                Candidate(("ledger", id_), on, (on, 0, id_), amount, currency, ref, cny,
                          ledger_id=id_, reversal_id=reversal_id, reversal_note=note)
                for id_, on, amount, currency, ref, cny, reversal_id, note
                in self.session.connection().execute(query)
            ]  # fmt: skip
        in_file = [
            Candidate(key, on, (on, 1, number), amount, currency, ref, cny, row=number)
            for key, on, number, amount, currency, ref, cny in self.file_arrivals.get(
                project_id, []
            )
        ]
        return self.ledger[project_id] + in_file

    def match(
        self, table: Table, row: Row, project: Project, currency: str, reason: str
    ) -> Candidate | None:
        """The arrival the red ``row`` reverses (taken: no other red row reverses it), or one
        it reversed already (its ``reversal_id`` set: the row is skipped), or None after a
        problem at the row. ``reason``: the reversal's note, by which an earlier import's
        reversal of the same row is recognised."""
        amount, ref = -row.values["amount"], row.values["ref"]
        pool = [c for c in self.candidates(project.id) if c.currency == currency]  # type: ignore[arg-type]
        matching: list[Candidate] = []
        if ref:
            matching = [c for c in pool if c.ref == ref]
            if not matching and any(c.ref for c in pool):
                problem = _("no arrival of {code} with the {column} {ref} to reverse").format(
                    code=project.code, column=table.column_name("ref"), ref=ref
                )
                table.problem(row, "ref", in_force(problem, pool, self.taken))
                return None
            whole = [c for c in matching if c.amount == amount]
            if matching and not whole:
                problem = _("a red row reverses an arrival whole: -{amount}").format(
                    amount=", -".join(format_amount(c.amount) for c in matching)
                )
                table.problem(row, "amount", problem)
                return None
            matching = whole
        if not matching:  # no voucher given, or the ledger keeps none: the same amount
            matching = [c for c in pool if c.amount == amount]
        done = [c for c in matching if c.reversal_id and c.reversal_id not in self.claimed]
        free = [c for c in matching if not c.reversal_id and c.key not in self.taken]
        same = [c for c in done if c.reversal_note == reason]
        if same or (done and not free):
            reversed_already = (same or done)[0]
            self.claimed.add(reversed_already.reversal_id)  # type: ignore[arg-type]
            return reversed_already
        if not free:
            problem = _("no earlier arrival of {amount}万 {currency} for {code} to reverse").format(
                amount=format_amount(amount), currency=currency, code=project.code
            )
            table.problem(row, "amount", in_force(problem, pool, self.taken))
            return None
        original = max(free, key=lambda c: c.order)
        self.taken.add(original.key)
        return original


def reversal_fits(table: Table, row: Row, original: FileArrival, project: Project) -> bool:
    ok = True
    if row.values["amount"] != -original.amount:
        expected = format_amount(original.amount)
        table.problem(
            row,
            "amount",
            _("a reversal cancels row {row} whole: -{amount}").format(
                row=original.row, amount=expected
            ),
        )
        ok = False
    if original.key[1] != project.id:
        table.problem(
            row,
            "project",
            _("not the project of the arrival in row {row}").format(row=original.row),
        )
        ok = False
    if not row.values["note"]:
        table.problem(
            row,
            "note",
            _("a reversal needs its reason in {column}").format(column=table.column_name("note")),
        )
        ok = False
    return ok
