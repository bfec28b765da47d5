"""Reading spreadsheets (xlsx, xls, ods via python-calamine; csv) into checked rows of a kind.

Every problem is collected with its sheet, row (as the user sees it: the first row is 1) and
column, never raised at the first one, so a county fixes its file in one pass.
"""

import functools
import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from zhaoshang_cli.core.errors import Invalid, ZsError
from zhaoshang_cli.core.i18n import _, ngettext
from zhaoshang_cli.output.progress import rows as progress
from zhaoshang_cli.rates.lookup import check_currency
from zhaoshang_cli.spreadsheets.cells import PARSERS, Parser, column_letter, is_blank, text_of
from zhaoshang_cli.spreadsheets.columns import (
    IGNORED_HEADERS,
    Column,
    Kind,
    normalise,
)
from zhaoshang_cli.spreadsheets.headers import (
    USD_TWINS,
    Heading,
    Merge,
    find_heading,
    is_usd,
    resolve,
)
from zhaoshang_cli.spreadsheets.sheet_scan import (
    Uncomputed,
)

# Above this size an arrivals workbook (or CSV) is read a row at a time (``Book.lines``,
# ``csv_lines``): calamine holds a whole sheet in memory, half a gigabyte for a million rows.
# Some 450,000 rows of six columns in an xlsx, 300,000 in a CSV.
HEADER_SEARCH_ROWS = 20  # title, 填报单位 and 单位：万元 lines may stand above the headers
TOTAL_ROW_MARKS = frozenset({"合计", "总计", "小计", "共计", "累计"})
# A total's label wherever it stands, spaces taken out: 合计, 甲县小计, 亿元以上项目小计,
# （小计）, 合计：12个, 其中：工业项目. A project whose name only holds 计 (设计院, 会计服务中心,
# 计算机产业园) is none: the mark ends the label, or opens it before a colon.
TOTAL_LABEL = re.compile(
    r"(?:[^:：]{0,30}?[(（]?(?:小计|合计|总计|共计)[)）]?|累计|其中)(?:[(（][^)）]*[)）])?[:：]?"
    r"|(?:小计|合计|总计|共计|其中)[:：].*",
    re.DOTALL,
)
# Lines under (or within) an office's table that are no project: 注：…, 填报人：… 审核人：….
FOOTNOTE = re.compile(
    r"^(注|说明|备注|附注|填报人|填表人|制表人|审核人|审核|负责人|联系人|联系电话|填报日期|"
    r"填报时间|制表日期|统计人|领导签字|单位负责人)\s*[0-9一二三四五六七八九十]*\s*[:：、.．]"
)
# A section heading inside the table: 一、新签约项目, （二）续建项目.
SECTION = re.compile(r"^[(（]?[一二三四五六七八九十]+[)）、.．]")
# The money unit of a sheet (单位：亿元) or of one column (合同金额(亿元)); bare numbers are in it.
MONEY_UNIT_LINE = re.compile(r"单位\s*[:：]\s*(万元|亿元|元|万美元|美元)")
UNIT_SUFFIX = {"万元": "", "万美元": "", "亿元": "亿", "亿美元": "亿", "元": "元", "美元": "元"}
# Columns of prose: a note opening with 其中： is no sub-total.
PROSE = frozenset({"note", "status", "termination_reason", "void_reason", "contact", "warnings"})


@dataclass(frozen=True)
class Problem:
    file: str
    sheet: str | None
    row: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet:
            where.append(_("sheet {sheet}").format(sheet=self.sheet))
        if self.row:
            where.append(_("row {row}").format(row=self.row))
        if self.column:
            where.append(_("column {column}").format(column=self.column))
        place = functools.reduce(lambda a, b: _("{first}, {then}").format(first=a, then=b), where)
        return _("{where}: {reason}").format(where=place, reason=self.reason)


class Values(dict):  # type: ignore[type-arg]
    """A row's parsed cells; a column the sheet lacks, or a blank cell, reads as None (only
    what a cell holds is kept: 100,000 rows of 14 columns are no 1.4 million entries)."""

    __slots__ = ()

    def __missing__(self, key: str) -> None:
        return None


@dataclass(slots=True)
class Row:
    number: int
    values: dict[str, Any]
    ok: bool = True


@dataclass
class Table:
    """One sheet read as a kind: rows of parsed values, and what was wrong with them."""

    kind: Kind
    file: str
    sheet: str | None
    headers: dict[str, str] = field(default_factory=dict)  # column key → header as written
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # rows passed over on purpose
    # Rows passed over by what they are (blank, total, footnote, section) → how many.
    passed: dict[str, int] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)  # headers of columns not read
    money_units: dict[str, str] = field(default_factory=dict)  # column key → 万元, 亿元, 元
    # A column's value implied by the header where the row leaves it blank: 到位金额(万美元)
    # makes an arrival's 币种 USD.
    implied: dict[str, tuple[str, str]] = field(default_factory=dict)  # → value, header
    # A money column in 万元 beside its USD twin (合同金额/万元, 合同金额/万美元), and how many
    # rows gave both (the USD amount is read).
    twins: dict[str, str] = field(default_factory=dict)
    shadowed: dict[str, int] = field(default_factory=dict)
    folded: bool = False  # a twin fills its column, the row's 币种 USD (arrivals)
    stream: Iterator[Row] | None = None  # rows still to read, when not kept (``stream_table``)

    def pass_over(self, what: str, count: int = 1) -> None:
        self.passed[what] = self.passed.get(what, 0) + count

    def problem(self, row: Row | None, key: str | None, reason: str) -> None:
        column = None
        if key is not None:
            column = self.column_name(key)
        self.problems.append(
            Problem(self.file, self.sheet, row.number if row else None, column, reason)
        )
        if row is not None:
            row.ok = False

    def column_name(self, key: str) -> str:
        """A column as this sheet heads it, or as a message names it when it is missing."""
        return self.headers.get(key) or self.kind.column(key).named

    @property
    def readable(self) -> bool:
        """A header row was found and every required column is in it."""
        required = (c.key for c in self.kind.columns if c.needed(self.headers))
        return bool(self.headers) and all(key in self.headers for key in required)

    def good_rows(self) -> list[Row]:
        """Rows whose cells all parsed (the others are reported already)."""
        return [row for row in self.rows if row.ok]

    def attempt(
        self, row: Row, key: str | None, operation: Callable[..., Any], *args: Any, **kwargs: Any
    ) -> Any:
        """Run a domain operation; a refusal becomes this row's problem (and the result None)."""
        try:
            return operation(*args, **kwargs)
        except ZsError as exc:
            self.problem(row, key, str(exc))
            return None

    def sheet_problem(self, reason: str, column: str | None = None) -> None:
        self.problems.append(Problem(self.file, self.sheet, None, column, reason))


def sheet_money_unit(lines: Sequence[Sequence[Any]]) -> str | None:
    """单位：万元 (or 亿元, 元) written on a line above the headers."""
    for cells in lines:
        for cell in cells:
            if isinstance(cell, str) and (match := MONEY_UNIT_LINE.search(cell)):
                return match[1]
    return None


def passed_over(cells: Sequence[Any], prose: frozenset[int] = frozenset()) -> str | None:
    """Why a row is not a row of data: a total, a footnote (注/填报人 …) or a section heading.
    A total's label may stand in any column; under a column of prose (``prose``: 备注 …) only
    a bare 合计 counts, since a real project's note may well open with 其中：.
    (Once per row of a sheet of 100,000: one pass, strings only looked at when they hold 计.)"""
    first: Any = None
    for index, cell in enumerate(cells):
        if cell is None or (type(cell) is str and not cell.strip()):
            continue
        if first is None:
            first = cell
        marked = type(cell) is str and ("计" in cell or "其中" in cell)
        if marked and is_total_label(cell, loose=index not in prose):
            return "total"
    if not isinstance(first, str):
        return None
    text = "".join(first.split())
    if FOOTNOTE.match(text):
        return "footnote"
    if SECTION.match(text) and len({str(c) for c in cells if not is_blank(c)}) == 1:
        return "section"
    return None


def is_total_label(cell: str, *, loose: bool = True) -> bool:
    """合计, 小计, 总计, 共计; and unless not ``loose``, XX小计, 其中：… as well."""
    text = "".join(cell.split())
    if len(text) > 40:
        return False
    if text.rstrip(":：") in TOTAL_ROW_MARKS:
        return True
    return loose and TOTAL_LABEL.fullmatch(text) is not None


def read_table(
    grid: list[list[Any]], kind: Kind, file: str, sheet: str | None, merges: Sequence[Merge] = ()
) -> Table:
    """A sheet read whole: every row parsed and kept in ``table.rows``."""
    table, reader = open_table(grid[:HEADER_SEARCH_ROWS], kind, file, sheet, merges)
    if reader is None:
        return table
    body = range(reader.header_index + 1, len(grid))
    for index in progress(body, len(body), _("Reading {file}").format(file=file)):
        cells = grid[index]
        grid[index] = None  # type: ignore[call-overload]  # read once: let it go
        row = reader.row(index + 1, cells)
        if row is not None:
            table.rows.append(row)
    table.notes.extend(summary_notes(table))
    return table


def stream_table(
    lines: Iterator[Sequence[Any]],
    kind: Kind,
    file: str,
    sheet: str | None,
    total: int,
    merges: Sequence[Merge] = (),
) -> Table:
    """A sheet read as it is consumed: ``table.stream`` yields its rows one by one and none is
    kept (an import of a million arrivals), the summary notes added once it is exhausted."""
    head = list(itertools.islice(lines, HEADER_SEARCH_ROWS))
    table, reader = open_table(head, kind, file, sheet, merges)
    if reader is None:
        return table

    def body() -> Iterator[Row]:
        number = reader.header_index + 1
        for cells in itertools.chain(head[number:], lines):
            number += 1
            row = reader.row(number, cells)
            if row is not None:
                yield row
        table.notes.extend(summary_notes(table))

    table.stream = progress(body(), total, _("Importing {file}").format(file=file))
    return table


def open_table(
    head: list[Sequence[Any]],
    kind: Kind,
    file: str,
    sheet: str | None,
    merges: Sequence[Merge] = (),
) -> tuple[Table, "RowReader | None"]:
    """The table as its header (one to three lines, found among the first lines) says; no
    reader when there is none."""
    table = Table(kind, file, sheet)
    heading = find_heading(head, kind, merges)
    if heading is None:
        example = _(", ").join(column.shown for column in kind.columns[:3])
        table.sheet_problem(
            _("no header row found; the first row should name columns like {example}").format(
                example=example
            )
        )
        return table, None
    sheet_unit = sheet_money_unit(head[: heading.first])
    parsers = map_columns(table, heading, sheet_unit)
    for required in (column for column in kind.columns if column.needed(table.headers)):
        if required.key not in table.headers:
            table.sheet_problem(
                _("the required column {column} is missing").format(column=required.named)
            )
    return table, RowReader(table, heading, parsers)


class RowReader:
    """Turns a sheet's lines below the header into rows of parsed values, one at a time."""

    def __init__(
        self, table: Table, heading: Heading, parsers: "list[tuple[int, Column, Parser]]"
    ) -> None:
        self.table, self.header_index, self.parsers = table, heading.last, parsers
        headed = {index for index, parts in enumerate(heading.labels) if parts}
        self.prose = frozenset(index for index, column, _p in parsers if column.key in PROSE)
        self.width = max(headed, default=-1) + 1
        self.gaps = [i for i in range(self.width) if i not in headed]  # cells under no header
        self.reported_unheaded: set[int] = set()
        # Amounts and dates repeat down a sheet: each distinct cell is parsed once (a refusal
        # is not kept, so each of its rows is reported).
        self.memo: dict[tuple[str, type, Any], Any] = {}
        # Blank lines are counted once a line follows them: a sheet read row by row may end
        # in rows only formatted, which are no part of the table.
        self.blank = 0
        self.needed = {c.key for c in table.kind.columns if c.needed(table.headers)}

    def row(self, number: int, cells: Sequence[Any]) -> Row | None:
        """The line numbered ``number`` (as the user sees it) as a row; None when it is passed
        over (blank, a total, a footnote, a section heading)."""
        table, memo = self.table, self.memo
        if all(is_blank(cell) for cell in cells):
            self.blank += 1
            return None
        if self.blank:
            table.pass_over("blank", self.blank)
            self.blank = 0
        if why := passed_over(cells, self.prose):
            table.pass_over(why)
            return None
        row = Row(number, Values())
        for index, column, parse in self.parsers:
            value = cells[index] if index < len(cells) else None
            if type(value) is Uncomputed:
                table.problem(row, column.key, unsaved_formula(value))
                continue
            if is_blank(value):
                if column.key in self.needed and column.key not in table.twins:
                    table.problem(row, column.key, _("a value is required"))
                continue
            key = (column.key, type(value), value)
            if key in memo:
                row.values[column.key] = memo[key]
                continue
            try:
                if column.key in table.money_units and not isinstance(value, bool):
                    value = in_unit(value, table.money_units[column.key])
                row.values[column.key] = parsed = parse(column, value)
            except Invalid as exc:
                table.problem(row, column.key, str(exc))
                continue
            if column.type in MEMO_TYPES:
                memo[key] = parsed
        if table.implied or table.twins:
            self.imply(row)
        gaps, width = self.gaps, self.width
        for index in [*gaps, *range(width, len(cells))] if gaps or len(cells) > width else ():
            cell = cells[index] if index < len(cells) else None
            if index not in self.reported_unheaded and not is_blank(cell):
                self.reported_unheaded.add(index)
                table.problems.append(
                    Problem(
                        table.file,
                        table.sheet,
                        number,
                        column_letter(index),
                        _("a value under no column header"),
                    )
                )
        return row

    def imply(self, row: Row) -> None:
        """What the header says of the row: 到位金额(万美元) makes the arrival's 币种 USD (a
        币种 naming another currency is a problem); a row giving 合同金额 in both 万元 and
        万美元 is a USD contract (its 万元 is the clerk's conversion: the ledger converts)."""
        table, values = self.table, row.values
        for key, (implied, header) in table.implied.items():
            given = values[key]
            if given is None:
                values[key] = implied
            elif currency_code(given) != implied:
                reason = _("{amount} is in US dollars, but this row's {column} says {value}")
                column = table.column_name(key)
                table.problem(row, key, reason.format(amount=header, column=column, value=given))
        for cny, usd in table.twins.items():
            if values[usd] is not None and values[cny] is not None:
                del values[cny]
                table.shadowed[cny] = table.shadowed.get(cny, 0) + 1
            if table.folded:
                self.fold(row, cny, usd)

    def fold(self, row: Row, cny: str, usd: str) -> None:
        """到位金额/万美元 given: the arrival's amount, in USD (a 币种 saying otherwise is a
        problem); neither given: the amount is required."""
        table, values = self.table, row.values
        amount = values.pop(usd, None)
        if amount is None:
            if values[cny] is None and table.kind.column(cny).required:
                table.problem(row, cny, _("a value is required"))
            return
        values[cny] = amount
        given = values["currency"]
        if given is None:
            values["currency"] = "USD"
        elif currency_code(given) != "USD":
            reason = _("{amount} is in US dollars, but this row's {column} says {value}")
            column = table.column_name("currency")
            table.problem(
                row,
                "currency",
                reason.format(amount=table.headers[usd], column=column, value=given),
            )


def currency_code(text: str) -> str | None:
    try:
        return check_currency(text)
    except Invalid:
        return None


def unsaved_formula(cell: Uncomputed) -> str:
    return _(
        "the cell holds the formula {formula} but no saved result; open the file in Excel or "
        "WPS, save it, and import again (or type the value)"
    ).format(formula=cell)


def summary_notes(table: Table) -> list[str]:
    """One line for the columns not read, one for the rows passed over, with counts."""
    notes = []
    if table.ignored:
        notes.append(_("columns not read: {columns}").format(columns=_(", ").join(table.ignored)))
    for cny, count in table.shadowed.items():
        usd = f"{cny}_usd"
        if usd in table.headers and cny in table.headers:
            notes.append(
                ngettext(
                    "{count} row gives both {usd} and {cny}: the US dollars are read (converted "
                    "at the ledger's rate), not the 万元",
                    "{count} rows give both {usd} and {cny}: the US dollars are read (converted "
                    "at the ledger's rate), not the 万元",
                    count,
                ).format(count=count, usd=table.headers[usd], cny=table.headers[cny])
            )
    counts = table.passed
    parts = []
    if counts.get("blank"):
        parts.append(
            ngettext("{count} blank row", "{count} blank rows", counts["blank"]).format(
                count=counts["blank"]
            )
        )
    if counts.get("total"):
        parts.append(
            ngettext(
                "{count} total row (合计/小计)", "{count} total rows (合计/小计)", counts["total"]
            ).format(count=counts["total"])
        )
    if counts.get("section"):
        parts.append(
            ngettext(
                "{count} section heading", "{count} section headings", counts["section"]
            ).format(count=counts["section"])
        )
    if counts.get("footnote"):
        parts.append(
            ngettext(
                "{count} line of notes or signatures (注/填报人)",
                "{count} lines of notes or signatures (注/填报人)",
                counts["footnote"],
            ).format(count=counts["footnote"])
        )
    if parts:
        notes.append(_("passed over: {rows}").format(rows=_(", ").join(parts)))
    return notes


def in_unit(value: Any, unit: str) -> Any:
    """A bare number under 合同金额(亿元), or below 单位：亿元, is in 亿 (万 is the default)."""
    text = text_of(value)
    if not re.fullmatch(r"-?[0-9][0-9,]*(\.[0-9]+)?", text):
        return value  # carries its own unit (4.7亿), or is not a number at all
    return text + UNIT_SUFFIX[unit]


MEMO_TYPES = frozenset({"amount", "signed_amount", "date"})  # parsed from the cell alone


def map_columns(
    table: Table, heading: Heading, sheet_unit: str | None
) -> list[tuple[int, Column, Parser]]:
    """Which cell holds which column, in which money unit; unknown headers are noted, repeated
    ones and those that cannot be read are problems."""
    parsers = []
    seen: dict[str, int] = {}
    kind = table.kind
    for index, parts in enumerate(heading.labels):
        if not parts:
            continue
        header = heading.name(index)
        found = resolve(kind, parts, sheet_unit)
        column, unit = found.column, found.unit or sheet_unit
        if column is None and found.group is not None:
            table.sheet_problem(
                _("{label} under {group} names no part of it; head the column {example}").format(
                    group=parts[0], label=parts[-1], example=grouped_example(found.group)
                ),
                header,
            )
            continue
        if column is None:
            if (
                normalise(header) not in IGNORED_HEADERS
                and normalise(parts[-1]) not in IGNORED_HEADERS
            ):
                table.ignored.append(header)
            continue
        if column.type in ("amount", "signed_amount") and is_usd(unit):
            twin = USD_TWINS.get((kind.name, column.key))
            if twin is not None:
                column = twin
            else:
                table.sheet_problem(
                    _("zs keeps {column} in 万元, not in US dollars: give it in 万元").format(
                        column=column.named
                    ),
                    header,
                )
                continue
        if column.key in seen:
            table.sheet_problem(
                _("the same column twice (columns {first} and {second})").format(
                    first=column_letter(seen[column.key]), second=column_letter(index)
                ),
                header,
            )
            continue
        seen[column.key] = index
        table.headers[column.key] = header
        if column.key.endswith("_usd"):
            table.twins[column.key.removesuffix("_usd")] = column.key
        if column.type in ("amount", "signed_amount") and unit:
            table.money_units[column.key] = unit
        parsers.append((index, column, PARSERS[column.type]))
    if any(column.key == "currency" for column in kind.columns):
        parsers = in_currency(table, parsers)
    return parsers


def in_currency(
    table: Table, parsers: list[tuple[int, Column, Parser]]
) -> list[tuple[int, Column, Parser]]:
    """An amount in US dollars where the sheet has a 币种 (arrivals): the only amount column in
    dollars is the amount, its 币种 USD; beside one in 万元, it fills the amount where given."""
    for cny, usd in list(table.twins.items()):
        if cny in table.headers:
            continue
        header = table.headers.pop(usd)
        table.headers[cny] = header
        if usd in table.money_units:
            table.money_units[cny] = table.money_units.pop(usd)
        table.implied["currency"] = ("USD", header)
        del table.twins[cny]
        own = table.kind.column(cny)
        parsers = [(i, own if c.key == usd else c, parse) for i, c, parse in parsers]
    if table.twins:
        table.folded = True
    return parsers


def grouped_example(column: Column) -> str:
    """How a sub-column under ``column``'s group is headed so that zs reads it."""
    if column.type in ("amount", "signed_amount"):
        return _("万元 or 万美元 (or 亿元)")
    return _("as zs names it, e.g. {header}").format(header=column.header)
