"""Reading spreadsheets (xlsx, xls, ods via python-calamine; csv) into checked rows of a kind.

Every problem is collected with its sheet, row (as the user sees it: the first row is 1) and
column, never raised at the first one, so a county fixes its file in one pass.
"""

import codecs
import csv
import functools
import io
import itertools
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from zhaoshang_cli.core import dates
from zhaoshang_cli.core.errors import Invalid, ZsError
from zhaoshang_cli.core.i18n import _, ngettext
from zhaoshang_cli.core.money import parse_amount, parse_rate
from zhaoshang_cli.output.progress import rows as progress
from zhaoshang_cli.spreadsheets.columns import (
    IGNORED_HEADERS,
    Column,
    Kind,
    normalise,
)

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
# Above this size an arrivals workbook (or CSV) is read a row at a time (``Book.lines``,
# ``csv_lines``): calamine holds a whole sheet in memory, half a gigabyte for a million rows.
# Some 450,000 rows of six columns in an xlsx, 300,000 in a CSV.
STREAM_BYTES = 16_000_000
STREAMED_SUFFIXES = (".xlsx", ".xlsm", ".csv")
HEADER_SEARCH_ROWS = 20  # title, 填报单位 and 单位：万元 lines may stand above the headers
TOTAL_ROW_MARKS = frozenset({"合计", "总计", "小计", "共计", "累计"})
# Lines under (or within) an office's table that are no project: 注：…, 填报人：… 审核人：….
FOOTNOTE = re.compile(
    r"^(注|说明|备注|附注|填报人|填表人|制表人|审核人|审核|负责人|联系人|联系电话|填报日期|"
    r"填报时间|制表日期|统计人|领导签字|单位负责人)\s*[0-9一二三四五六七八九十]*\s*[:：、.．]"
)
# A section heading inside the table: 一、新签约项目, （二）续建项目.
SECTION = re.compile(r"^[(（]?[一二三四五六七八九十]+[)）、.．]")
# The money unit of a sheet (单位：亿元) or of one column (合同金额(亿元)); bare numbers are in it.
MONEY_UNIT_LINE = re.compile(r"单位\s*[:：]\s*(万元|亿元|元|万美元|美元)")
MONEY_UNIT_HEADER = re.compile(r"[(（]\s*(万元|亿元|元|万美元|美元)\s*[)）]\s*\**$")
UNIT_SUFFIX = {"万元": "", "万美元": "", "亿元": "亿", "元": "元", "美元": "元"}
EXCEL_EPOCH = date(1899, 12, 30)  # a date typed into Excel is a number of days from here
MAX_INT_DIGITS = 12  # whole numbers in a sheet (years, counts, ids) fit a 64-bit column


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
        required = (column.key for column in self.kind.columns if column.required)
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


class Book:
    """A spreadsheet file; a workbook's sheets are read only when asked for."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.name
        suffix = path.suffix.lower()
        if not path.is_file():
            raise Invalid(_("There is no file {path}.").format(path=path))
        if suffix == ".csv":
            self.sheet_names: list[str] = []
            self._workbook = None
        elif suffix in WORKBOOK_SUFFIXES:
            try:
                self._workbook = CalamineWorkbook.from_path(str(path))
            except Exception as exc:  # calamine raises its own error types per format
                raise Invalid(
                    _("{file} could not be read as a spreadsheet ({reason}).").format(
                        file=path.name, reason=exc
                    )
                ) from None
            self.sheet_names = list(self._workbook.sheet_names)
        else:
            raise Invalid(
                _("{file}: only .xlsx, .xls, .ods and .csv files can be imported.").format(
                    file=path.name
                )
            )

    @property
    def is_csv(self) -> bool:
        return self._workbook is None

    def find_sheet(self, kind: Kind) -> str | None:
        wanted = {normalise(kind.title), normalise(kind.name)}
        return next((name for name in self.sheet_names if normalise(name) in wanted), None)

    def grid(self, sheet: str | None) -> list[list[Any]]:
        if self._workbook is None:
            return read_csv(self.path)
        data = self._workbook.get_sheet_by_name(sheet)
        grid = data.to_python(skip_empty_area=False)
        try:
            merged = data.merged_cell_ranges or []
        except Exception:  # not every format knows its merged cells
            merged = []
        fill_merged(grid, merged)
        return grid

    def table(
        self, kind: Kind, *, first_sheet_fallback: bool = True, may_stream: bool = False
    ) -> Table | None:
        """The sheet named as the kind (项目 or projects), else the first sheet. ``may_stream``:
        the caller takes ``table.stream``, and a workbook too big to hold (``STREAM_BYTES``)
        is read a row at a time."""
        if self.is_csv and may_stream and self.streams:
            return stream_table(csv_lines(self.path), kind, self.name, None, 0)
        if self.is_csv:
            return read_table(self.grid(None), kind, self.name, None)
        sheet = self.find_sheet(kind)
        if sheet is None and first_sheet_fallback and self.sheet_names:
            sheet = self.sheet_names[0]
        if sheet is None:
            return None
        if may_stream and self.streams:
            lines, total = self.lines(sheet)
            return stream_table(lines, kind, self.name, sheet, total)
        return read_table(self.grid(sheet), kind, self.name, sheet)

    @property
    def streams(self) -> bool:
        return (
            self.path.suffix.lower() in STREAMED_SUFFIXES
            and self.path.stat().st_size > STREAM_BYTES
        )

    def lines(self, sheet: str) -> tuple[Iterator[Sequence[Any]], int]:
        """A sheet's rows of cell values, read as they are asked for (openpyxl's read-only
        mode: memory stays flat where calamine would hold the whole sheet), and how many the
        sheet says it has."""
        from openpyxl import load_workbook  # noqa: PLC0415 (~150 ms: only a sheet too big to hold)

        try:
            workbook = load_workbook(self.path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises its own error types per fault
            raise Invalid(
                _("{file} could not be read as a spreadsheet ({reason}).").format(
                    file=self.name, reason=exc
                )
            ) from None
        worksheet = workbook[sheet]
        total = worksheet.max_row or 0  # as the file says: for the progress bar only
        # The sheet's part in the zip, as openpyxl found it through the workbook's relations.
        merged = merged_ranges(self.path, worksheet._worksheet_path)
        # Read every row there is, not only the size the file claims (a writer may leave it
        # stale); calamine, for a whole sheet, reads what is there too.
        worksheet.reset_dimensions()

        def lines() -> Iterator[Sequence[Any]]:
            try:
                yield from fill_merged_lines(worksheet.iter_rows(values_only=True), merged)
            finally:
                workbook.close()

        return lines(), total


def read_csv(path: Path) -> list[list[str]]:
    """UTF-8 (with or without BOM), else GB18030: what Excel on a Chinese Windows saves."""
    text = path.read_bytes().decode(csv_encoding(path))
    # newline="": a quoted cell keeps its line breaks (and a lone CR) for the checks to see.
    return list(csv.reader(io.StringIO(text, newline="")))


def csv_lines(path: Path) -> Iterator[list[str]]:
    """``read_csv`` a line at a time, for a file too big to hold (``STREAM_BYTES``)."""
    encoding = csv_encoding(path)

    def lines() -> Iterator[list[str]]:
        with path.open(encoding=encoding, newline="") as handle:
            yield from csv.reader(handle)

    return lines()


def csv_encoding(path: Path) -> str:
    """utf-8-sig, else gb18030, whichever decodes the whole file (read a megabyte at a time)."""
    position = 0
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        offset = 0
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    decoder.decode(chunk)
                    offset += len(chunk)
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError as exc:
            position = offset + exc.start
    raise Invalid(
        _(
            "{file} is neither UTF-8 nor GB18030 text (a bad byte at position "
            "{position}); save it again from Excel as CSV UTF-8 or as .xlsx."
        ).format(file=path.name, position=position)
    )


def fill_merged(grid: list[list[Any]], merged: list[Any]) -> None:
    """A merged cell's value stands in every cell it covers (责任单位 merged over its projects'
    rows); a row merged across its whole width is a title or a section heading."""
    for (top, left), (bottom, right) in merged:
        if top >= len(grid) or left >= len(grid[top]):
            continue
        value = grid[top][left]
        if top == bottom:  # merged across one row: a title, a heading, a 注 line
            continue
        for number in range(top + 1, min(bottom, len(grid) - 1) + 1):
            cells = grid[number]
            for index in range(left, min(right, len(cells) - 1) + 1):
                if is_blank(cells[index]):
                    cells[index] = value


MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


def merged_ranges(path: Path, member: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """A worksheet's merged ranges as ``fill_merged`` takes them ((top, left), (bottom, right),
    from 0), read from its XML a megabyte at a time: read-only openpyxl does not give them."""
    from openpyxl.utils.cell import range_boundaries  # noqa: PLC0415 (openpyxl: big sheets only)

    found, tail = [], b""
    with zipfile.ZipFile(path) as archive, archive.open(member.lstrip("/")) as xml:
        while chunk := xml.read(1 << 20):
            text = tail + chunk
            cut = text.rfind(b"<")  # a tag cut by the chunk's end is read with the next one
            text, tail = (text[:cut], text[cut:]) if cut > 0 else (text, b"")
            found.extend(MERGE_CELL.findall(text))
        found.extend(MERGE_CELL.findall(tail))
    ranges = []
    for ref in found:
        left, top, right, bottom = range_boundaries(ref.decode())  # from 1
        ranges.append(((top - 1, left - 1), (bottom - 1, right - 1)))
    return ranges


def fill_merged_lines(
    lines: Iterator[Sequence[Any]], merged: list[tuple[tuple[int, int], tuple[int, int]]]
) -> Iterator[Sequence[Any]]:
    """``fill_merged`` for lines read one by one: a value merged down several rows stands in
    each of them."""
    starts: dict[int, list[tuple[int, int, int]]] = {}
    for (top, left), (bottom, right) in merged:
        if top != bottom:  # merged across one row: a title, a heading, a 注 line
            starts.setdefault(top, []).append((left, bottom, right))
    if not starts:
        yield from lines
        return
    active: list[tuple[int, int, int, Any]] = []  # (bottom, left, right, value)
    for index, line in enumerate(lines):
        cells = list(line)
        active = [merge for merge in active if merge[0] >= index]
        for _bottom, left, right, value in active:
            for column in range(left, min(right, len(cells) - 1) + 1):
                if is_blank(cells[column]):
                    cells[column] = value
        for left, bottom, right in starts.get(index, ()):
            if left < len(cells):
                active.append((bottom, left, right, cells[left]))
        yield cells


def sheet_money_unit(lines: Sequence[Sequence[Any]]) -> str | None:
    """单位：万元 (or 亿元, 元) written on a line above the headers."""
    for cells in lines:
        for cell in cells:
            if isinstance(cell, str) and (match := MONEY_UNIT_LINE.search(cell)):
                return match[1]
    return None


def passed_over(cells: Sequence[Any]) -> str | None:
    """Why a row is not a row of data: a total, a footnote (注/填报人 …) or a section heading.
    (Once per row of a sheet of 100,000: one pass, strings only looked at when short.)"""
    first: Any = None
    for cell in cells:
        if cell is None or (type(cell) is str and not cell.strip()):
            continue
        if first is None:
            first = cell
        short = type(cell) is str and len(cell) <= 12 and "计" in cell  # 合计, 小计 …
        if short and "".join(cell.split()).rstrip(":：") in TOTAL_ROW_MARKS:
            return "total"
    if not isinstance(first, str):
        return None
    text = "".join(first.split())
    if FOOTNOTE.match(text):
        return "footnote"
    if SECTION.match(text) and len({str(c) for c in cells if not is_blank(c)}) == 1:
        return "section"
    return None


def read_table(grid: list[list[Any]], kind: Kind, file: str, sheet: str | None) -> Table:
    """A sheet read whole: every row parsed and kept in ``table.rows``."""
    table, reader = open_table(grid[:HEADER_SEARCH_ROWS], kind, file, sheet)
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
    lines: Iterator[Sequence[Any]], kind: Kind, file: str, sheet: str | None, total: int
) -> Table:
    """A sheet read as it is consumed: ``table.stream`` yields its rows one by one and none is
    kept (an import of a million arrivals), the summary notes added once it is exhausted."""
    head = list(itertools.islice(lines, HEADER_SEARCH_ROWS))
    table, reader = open_table(head, kind, file, sheet)
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
    head: list[Sequence[Any]], kind: Kind, file: str, sheet: str | None
) -> tuple[Table, "RowReader | None"]:
    """The table as its header row (found among the first lines) says; no reader when there
    is none."""
    table = Table(kind, file, sheet)
    header_index = find_header_row(head, kind)
    if header_index is None:
        example = _(", ").join(column.shown for column in kind.columns[:3])
        table.sheet_problem(
            _("no header row found; the first row should name columns like {example}").format(
                example=example
            )
        )
        return table, None
    header_cells = head[header_index]
    parsers = map_columns(table, header_cells)
    sheet_unit = sheet_money_unit(head[:header_index])
    for index, column, _parse in parsers:
        if column.type in ("amount", "signed_amount"):
            header = str(header_cells[index])
            match = MONEY_UNIT_HEADER.search(header.strip())
            unit = match[1] if match else sheet_unit
            if unit:
                table.money_units[column.key] = unit
    for required in (column for column in kind.columns if column.required):
        if required.key not in table.headers:
            table.sheet_problem(
                _("the required column {column} is missing").format(column=required.named)
            )
    return table, RowReader(table, header_index, header_cells, parsers)


class RowReader:
    """Turns a sheet's lines below the header into rows of parsed values, one at a time."""

    def __init__(
        self,
        table: Table,
        header_index: int,
        header_cells: Sequence[Any],
        parsers: "list[tuple[int, Column, Parser]]",
    ) -> None:
        self.table, self.header_index, self.parsers = table, header_index, parsers
        headed = {index for index, cell in enumerate(header_cells) if not is_blank(cell)}
        self.width = max(headed, default=-1) + 1
        self.gaps = [i for i in range(self.width) if i not in headed]  # cells under no header
        self.reported_unheaded: set[int] = set()
        # Amounts and dates repeat down a sheet: each distinct cell is parsed once (a refusal
        # is not kept, so each of its rows is reported).
        self.memo: dict[tuple[str, type, Any], Any] = {}
        # Blank lines are counted once a line follows them: a sheet read row by row may end
        # in rows only formatted, which are no part of the table.
        self.blank = 0

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
        if why := passed_over(cells):
            table.pass_over(why)
            return None
        row = Row(number, Values())
        for index, column, parse in self.parsers:
            value = cells[index] if index < len(cells) else None
            if is_blank(value):
                if column.required:
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


def summary_notes(table: Table) -> list[str]:
    """One line for the columns not read, one for the rows passed over, with counts."""
    notes = []
    if table.ignored:
        notes.append(_("columns not read: {columns}").format(columns=_(", ").join(table.ignored)))
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


def find_header_row(grid: Sequence[Sequence[Any]], kind: Kind) -> int | None:
    """The row naming the most of the kind's columns, among the first rows (a title, a
    填报单位 line and a 单位：万元 line may stand above it)."""
    best, best_count = None, 0
    for index, cells in enumerate(grid[:HEADER_SEARCH_ROWS]):
        matched = (kind.match(str(cell)) for cell in cells if not is_blank(cell))
        count = len({column.key for column in matched if column is not None})
        if count > best_count:
            best, best_count = index, count
    return best


def in_unit(value: Any, unit: str) -> Any:
    """A bare number under 合同金额(亿元), or below 单位：亿元, is in 亿 (万 is the default)."""
    text = text_of(value)
    if not re.fullmatch(r"-?[0-9][0-9,]*(\.[0-9]+)?", text):
        return value  # carries its own unit (4.7亿), or is not a number at all
    return text + UNIT_SUFFIX[unit]


Parser = Callable[[Column, Any], Any]
MEMO_TYPES = frozenset({"amount", "signed_amount", "date"})  # parsed from the cell alone


def map_columns(table: Table, header_cells: Sequence[Any]) -> list[tuple[int, Column, Parser]]:
    """Which cell holds which column; unknown and repeated headers are problems."""
    parsers = []
    seen: dict[str, int] = {}
    for index, cell in enumerate(header_cells):
        if is_blank(cell):
            continue
        header = str(cell).strip()
        column = table.kind.match(header)
        if column is None:
            if normalise(header) not in IGNORED_HEADERS:
                table.ignored.append(header)
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
        parsers.append((index, column, PARSERS[column.type]))
    return parsers


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def decimal_of(value: int | float) -> Decimal:
    """An Excel number exactly as shown: 4700.5 → Decimal('4700.5'), never float arithmetic."""
    return Decimal(value) if isinstance(value, int) else Decimal(repr(value))


def text_of(value: Any) -> str:
    if type(value) is str:  # the common case first
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        number = decimal_of(value)
        return str(int(number)) if number == number.to_integral_value() else f"{number:f}"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def parse_text(_column: Column, value: Any) -> str:
    return text_of(value)


def parse_amount_cell(column: Column, value: Any) -> int:
    """In 万 when a bare number (as the template says); a leading minus only where allowed."""
    if isinstance(value, bool):
        raise Invalid(_("The amount {value!r} is not readable.").format(value=value))
    text = text_of(value)
    negative = column.type == "signed_amount" and text.startswith("-")
    minor = parse_amount(text[1:] if negative else text)
    return -minor if negative else minor


def parse_date_cell(_column: Column, value: Any) -> date:
    """An Excel date, a date typed as text (2026-3-9, 2026/3/9, 2026.3.9, 2026年3月9日), or an
    Excel date serial (46090) where the cell lost its date format."""
    if isinstance(value, datetime):
        return dates.check_date(value.date())
    if isinstance(value, date):
        return dates.check_date(value)
    text = text_of(value)
    if re.fullmatch(r"[0-9]{5}(\.0+)?", text):
        return dates.check_date(EXCEL_EPOCH + timedelta(days=int(float(text))))
    compact = re.fullmatch(r"([0-9]{4})([0-9]{2})([0-9]{2})", text)  # 20260309
    if compact:
        text = "-".join(compact.groups())
    return dates.parse_date(text)


YES = frozenset({"是", "y", "yes", "true", "1", "√", "✓"})
NO = frozenset({"否", "n", "no", "false", "0", "×", "x"})


def parse_bool(column: Column, value: Any) -> bool:
    text = text_of(value).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise Invalid(
        _("The {column} value {value!r} should be 是 or 否 (yes or no).").format(
            column=column.shown, value=value
        )
    )


def parse_int(column: Column, value: Any) -> int:
    text = text_of(value).removesuffix("年")
    if not re.fullmatch(r"[0-9]+", text):
        raise Invalid(
            _("The {column} value {value!r} is not a whole number.").format(
                column=column.shown, value=value
            )
        )
    if len(text) > MAX_INT_DIGITS:
        raise Invalid(
            _("The {column} value {value}… is too large.").format(
                column=column.shown, value=text[:20]
            )
        )
    return int(text)


def parse_choice(column: Column, value: Any) -> str:
    assert column.choice is not None
    return column.choice.parse(text_of(value))


def parse_month(_column: Column, value: Any) -> str:
    """Excel turns 2026-04 into 1 April 2026; either way the month is meant."""
    if isinstance(value, date):
        return f"{value.year:04d}-{value.month:02d}"
    year, month = dates.parse_month(text_of(value))
    return f"{year:04d}-{month:02d}"


def parse_rate_cell(_column: Column, value: Any) -> int:
    return parse_rate(text_of(value))


def parse_raw(_column: Column, value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


PARSERS: dict[str, Parser] = {
    "text": parse_text,
    "amount": parse_amount_cell,
    "signed_amount": parse_amount_cell,
    "date": parse_date_cell,
    "bool": parse_bool,
    "int": parse_int,
    "choice": parse_choice,
    "month": parse_month,
    "rate": parse_rate_cell,
    "raw": parse_raw,
}
