"""A month's money as an office's 台账 gives it — 累计到位资金 (since the project began), 本年累计
(since 1 January), 本月 (the month alone) — turned into the one arrival the ledger lacks.

The figure is compared with what the ledger holds for the project over the same span, up to
the period's end; the difference is the month's arrival, dated the period's end (the last day
of the 上报月份 or of ``--month``, or ``--date``). Applied again, the difference is nil and
nothing is written. A figure below the ledger's is a problem, never a silent reversal: money
is corrected by a red row or `zs arrival reverse`. With 累计 and 本月 both given, 本月 must be
the 累计 less what the ledger holds before the month.
"""

import calendar
from bisect import bisect_right, insort
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from zhaoshang_cli.arrivals.bulk import insert_arrivals
from zhaoshang_cli.arrivals.recording import Prepared, prepare_arrival
from zhaoshang_cli.core import dates
from zhaoshang_cli.core.i18n import _
from zhaoshang_cli.core.money import format_amount
from zhaoshang_cli.spreadsheets.columns import FIGURE_KEYS
from zhaoshang_cli.spreadsheets.outcome import Outcome
from zhaoshang_cli.spreadsheets.reading import Row, Table
from zhaoshang_cli.spreadsheets.refresh import Change
from zhaoshang_cli.store.models import Arrival
from zhaoshang_cli.store.tables import PROJECT


@dataclass(frozen=True, slots=True)
class Period:
    """The month a row reports: 本月 counts from ``start``; its arrival is dated ``end``."""

    start: date
    end: date


def month_of(year: int, month: int) -> Period:
    return Period(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))


def given_period(month: tuple[int, int] | None, day: date | None) -> Period | None:
    """The period ``--month`` or ``--date`` gives (``--date``: its month, ending that day)."""
    if day is not None:
        return Period(day.replace(day=1), day)
    return month_of(*month) if month is not None else None


def row_period(values: dict[str, Any], default: Period | None) -> Period | None:
    """The row's 上报月份 (read as YYYY-MM), else the period the command was given."""
    month = values.get("report_month")
    if not month:
        return default
    year, number = (int(part) for part in month.split("-"))
    return month_of(year, number)


def has_figures(table: Table) -> bool:
    return any(key in table.headers for key in FIGURE_KEYS)


def gives_figures(values: dict[str, Any]) -> bool:
    return any(values.get(key) is not None for key in FIGURE_KEYS)


class LedgerMoney:
    """The ledger's money per project and day (CNY fen, reversals netted: a reversal bears its
    original's date), read in one GROUP BY; what an import plans is added as it goes."""

    def __init__(self, session: Session, only: set[int] | None = None) -> None:
        query = select(Arrival.project_id, Arrival.arrived_on, func.sum(Arrival.cny_fen))
        if only is not None:
            query = query.where(col(Arrival.project_id).in_(only))
        query = query.group_by(col(Arrival.project_id), col(Arrival.arrived_on))
        self.days: dict[int, list[date]] = defaultdict(list)
        self.sums: dict[int, list[int]] = defaultdict(list)  # running totals, by day
        by_day: dict[int, dict[date, int]] = defaultdict(dict)
        for project_id, on, fen in session.exec(query):
            by_day[project_id][on] = int(fen or 0)
        for project_id, amounts in by_day.items():
            self.set(project_id, amounts)

    def set(self, project_id: int, amounts: dict[date, int]) -> None:
        total, days, sums = 0, [], []
        for day in sorted(amounts):
            total += amounts[day]
            days.append(day)
            sums.append(total)
        self.days[project_id], self.sums[project_id] = days, sums

    def upto(self, project_id: int, day: date) -> int:
        """Everything arrived for the project on or before ``day``."""
        index = bisect_right(self.days.get(project_id, []), day)
        return self.sums[project_id][index - 1] if index else 0

    def between(self, project_id: int, start: date | None, end: date) -> int:
        if start is None:
            return self.upto(project_id, end)
        return self.upto(project_id, end) - self.upto(project_id, start - timedelta(days=1))

    def add(self, project_id: int, day: date, fen: int) -> None:
        days = self.days.get(project_id, [])
        amounts = dict(zip(days, differences(self.sums.get(project_id, [])), strict=True))
        if day not in amounts:
            insort(days, day)
        amounts[day] = amounts.get(day, 0) + fen
        self.set(project_id, amounts)


def differences(running: list[int]) -> list[int]:
    return [total - (running[index - 1] if index else 0) for index, total in enumerate(running)]


@dataclass(slots=True)
class Figure:
    """What a row's figure says: the column read, its amount, the ledger's over the same span,
    and the arrival that makes them agree (``amount``, in fen; 0: they agree already)."""

    column: str
    given: int
    held: int
    amount: int
    on: date

    def note(self, table: Table) -> str:
        """The arrival's note: where it came from, so the trail explains a figure arrival."""
        return _("{column} {amount}万 as of {date}").format(
            column=table.column_name(self.column), amount=format_amount(self.given), date=self.on
        )


def month_figure(
    table: Table,
    row: Row,
    project_id: int,
    code: str,
    period: Period,
    money: LedgerMoney,
    month_key: str = "month_amount",
) -> Figure | None:
    """The arrival the row's 累计 (or 本年累计, or 本月) figure asks for; None: a problem.
    ``month_key``: the column the month's money came from (problems name it)."""
    values = row.values
    month = values.get("month_amount")
    if values.get("cumulative") is not None:
        column, start = "cumulative", None
    elif values.get("year_cumulative") is not None:
        column, start = "year_cumulative", period.end.replace(month=1, day=1)
    else:
        column, start = month_key, period.start
    given = values["month_amount" if column == month_key else column]
    held = money.between(project_id, start, period.end)
    if given < held:
        table.problem(
            row,
            column,
            _(
                "{column} {given}万 is below the {held}万 the ledger holds for {code} up to "
                "{date}; money is taken back by a red (negative) row or `zs arrival reverse`, "
                "never by a lower figure"
            ).format(
                column=table.column_name(column),
                given=format_amount(given),
                held=format_amount(held),
                code=code,
                date=period.end,
            ),
        )
        return None
    if month is not None and column != month_key:
        before = held - money.between(project_id, period.start, period.end)
        if given - before != month:
            table.problem(
                row,
                month_key,
                _(
                    "{month}万 does not agree with {column} {given}万 less the {before}万 the "
                    "ledger holds for {code} before {date} ({expected}万)"
                ).format(
                    month=format_amount(month),
                    column=table.column_name(column),
                    given=format_amount(given),
                    before=format_amount(before),
                    code=code,
                    date=period.start,
                    expected=format_amount(given - before),
                ),
            )
            return None
    return Figure(column, given, held, given - held, period.end)


def no_period(table: Table, row: Row) -> None:
    table.problem(
        row,
        "report_month",
        _("a row of 本月/累计 figures needs the month it reports: a {column} column, or --month")
        .format(column=table.column_name("report_month")),
    )  # fmt: skip


class Arrived(Change):
    """A project row's figure, in the plan: the ledger's money → the sheet's, and the arrival."""

    def shown(self) -> str:
        return _("{column}: {old}万 → {new}万 (arrival {amount}万 on {date})").format(
            column=self.field,
            old=format_amount(self.old),
            new=format_amount(self.new),
            amount=format_amount(self.new - self.old),
            date=self.on,
        )


PROJECT_FACTS = ("id", "code", "name", "voided_at", "stage", "signed_on", "contract_fen")


def project_figures(session: Session, table: Table, out: Outcome, period: Period | None) -> None:
    """A projects sheet's 累计 (本年累计, 本月) figures, once its rows are applied: each project's
    arrival for the month, in the row's plan line and written in bulk (audited as any)."""
    if not has_figures(table):
        return
    rows = {row.number: row for row in table.rows}
    lines = [
        line
        for line in out.plan
        if line.status in ("new", "changed", "unchanged")
        and line.row in rows
        and gives_figures(rows[line.row].values)
        and not any(change.how == "void" for change in line.changes)
    ]
    if not lines:
        return
    facts = {
        found.code: found
        for found in session.connection().execute(
            select(*(PROJECT.c[name] for name in PROJECT_FACTS))
        )
    }
    money = LedgerMoney(session)
    arrivals: list[Prepared] = []
    for line in lines:
        row = rows[line.row]
        month = row_period(row.values, period)
        if month is None:
            no_period(table, row)
            continue
        project = facts[line.code]
        ended = [c for c in line.changes if c.how == "stage" and c.new == "terminated"]
        if ended:  # terminated by this very row: its money arrived before the end
            project = SimpleNamespace(**{**project._mapping, "stage": ended[0].old})
        figure = month_figure(table, row, project.id, project.code, month, money)
        if figure is None or not figure.amount:
            continue
        prepared = table.attempt(
            row,
            None,
            prepare_arrival,
            session,
            project,
            figure.amount,
            on=figure.on,
            note=figure.note(table),
            so_far=money.upto(project.id, date.max),
            twin_check=False,
        )
        if prepared is None:
            continue
        money.add(project.id, figure.on, figure.amount)
        column = table.column_name(figure.column)
        line.changes.append(Arrived(column, figure.held, figure.given, "arrival", figure.on))
        if line.status == "unchanged":
            line.status = "changed"
            out.changed.append(
                _("row {row}: project {project}").format(row=row.number, project=line.code)
            )
        arrivals.append(prepared)
    if arrivals and not table.problems:
        now, writer = dates.utcnow(), session.info.get("operator", "unknown")
        for prepared in arrivals:
            prepared.values["entered_at"], prepared.values["operator"] = now, writer
        insert_arrivals(session, arrivals)
