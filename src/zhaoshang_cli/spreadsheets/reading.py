"""Reading spreadsheets (xlsx, xls, ods via python-calamine; csv) into checked rows of a kind.

Every problem is collected with its sheet, row (as the user sees it: the first row is 1) and
column, never raised at the first one, so a county fixes its file in one pass.
"""

import csv
import functools
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from zhaoshang_cli import dates
from zhaoshang_cli.errors import Invalid, ZsError
from zhaoshang_cli.i18n import _
from zhaoshang_cli.money import parse_amount, parse_rate
from zhaoshang_cli.spreadsheets.columns import (
    IGNORED_HEADERS,
    IMPORT_KINDS,
    Column,
    Kind,
    normalise,
)

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
HEADER_SEARCH_ROWS = 10  # a title row or two may stand above the headers
TOTAL_ROW_MARKS = frozenset({"合计", "总计", "小计"})
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


@dataclass
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
            from python_calamine import CalamineWorkbook

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
        return self._workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)

    def table(self, kind: Kind, *, first_sheet_fallback: bool = True) -> Table | None:
        """The sheet named as the kind (项目 or projects), else the first sheet."""
        if self.is_csv:
            return read_table(self.grid(None), kind, self.name, None)
        sheet = self.find_sheet(kind)
        if sheet is None and first_sheet_fallback and self.sheet_names:
            sheet = self.sheet_names[0]
        if sheet is None:
            return None
        return read_table(self.grid(sheet), kind, self.name, sheet)


def read_csv(path: Path) -> list[list[str]]:
    """UTF-8 (with or without BOM), else GB18030: what Excel on a Chinese Windows saves."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise Invalid(
                _(
                    "{file} is neither UTF-8 nor GB18030 text (a bad byte at position "
                    "{position}); save it again from Excel as CSV UTF-8 or as .xlsx."
                ).format(file=path.name, position=exc.start)
            ) from None
    # newline="": a quoted cell keeps its line breaks (and a lone CR) for the checks to see.
    return list(csv.reader(io.StringIO(text, newline="")))


def read_table(grid: list[list[Any]], kind: Kind, file: str, sheet: str | None) -> Table:
    table = Table(kind, file, sheet)
    header_index = find_header_row(grid, kind)
    if header_index is None:
        example = _(", ").join(column.shown for column in kind.columns[:3])
        table.sheet_problem(
            _("no header row found; the first row should name columns like {example}").format(
                example=example
            )
        )
        return table
    parsers = map_columns(table, grid[header_index])
    for required in (column for column in kind.columns if column.required):
        if required.key not in table.headers:
            table.sheet_problem(
                _("the required column {column} is missing").format(column=required.named)
            )
    headed = {index for index, cell in enumerate(grid[header_index]) if not is_blank(cell)}
    keys = [column.key for column in kind.columns]
    reported_unheaded: set[int] = set()
    for number, cells in enumerate(grid[header_index + 1 :], start=header_index + 2):
        if all(is_blank(cell) for cell in cells):
            continue
        if any(
            isinstance(cell, str) and "".join(cell.split()) in TOTAL_ROW_MARKS for cell in cells
        ):
            table.notes.append(_("row {row}: a total row, not imported").format(row=number))
            continue
        row = Row(number, dict.fromkeys(keys))
        for index, column, parse in parsers:
            value = cells[index] if index < len(cells) else None
            if is_blank(value):
                if column.required:
                    table.problem(row, column.key, _("a value is required"))
                continue
            try:
                row.values[column.key] = parse(column, value)
            except Invalid as exc:
                table.problem(row, column.key, str(exc))
        for index, cell in enumerate(cells):
            if index not in headed and index not in reported_unheaded and not is_blank(cell):
                reported_unheaded.add(index)
                where = column_letter(index)
                table.problems.append(
                    Problem(file, sheet, number, where, _("a value under no column header"))
                )
        table.rows.append(row)
    return table


def find_header_row(grid: list[list[Any]], kind: Kind) -> int | None:
    best, best_count = None, 0
    for index, cells in enumerate(grid[:HEADER_SEARCH_ROWS]):
        count = sum(1 for cell in cells if not is_blank(cell) and kind.match(str(cell)))
        if count > best_count:
            best, best_count = index, count
    return best


Parser = Callable[[Column, Any], Any]


def map_columns(table: Table, header_cells: list[Any]) -> list[tuple[int, Column, Parser]]:
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
                table.sheet_problem(
                    _("unknown column (see `zs template {kind}`)").format(kind=table.kind.name)
                    if table.kind.name in IMPORT_KINDS
                    else _("unknown column"),
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
    if isinstance(value, datetime):
        return dates.check_date(value.date())
    if isinstance(value, date):
        return dates.check_date(value)
    return dates.parse_date(text_of(value))


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
