"""Writing Excel files through XlsxWriter's constant-memory mode: rows stream to disk in order,
text always stays text, every sheet prints as a titled page (A4, fit to width, header rows
repeated, a footer with the issuing office and 第 X 页 共 Y 页), and files appear whole
(temporary name, then rename).

xlsxwriter is imported inside the functions: ``zs --help`` must not pay for it.
"""

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError

from zhaoshang_cli.core.files import check_writable_folder, write_atomically
from zhaoshang_cli.core.i18n import N_, _

WIDTH_SAMPLE = 200  # rows looked at to size columns; the widest values show early enough
PAGE_NUMBERS = N_("Page &P of &N")
CLOSING = ",.;:!?)、。,;:!?)》」』”’%"
_EXCEL_EPOCH = date(1899, 12, 30)
# XML 1.0 cannot hold these control characters; they are dropped from text.
_CONTROL = str.maketrans(
    {chr(c): None for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF)}
)


@dataclass(frozen=True)
class Style:
    number_format: str | None = None
    bold: bool = False
    size: int | None = None
    fill: str | None = None  # RGB, e.g. FFEB9C
    border: bool = False
    center: bool = False
    across: bool = False  # centred across this and the following cells of the same style
    align: str | None = None  # left, right, center
    wrap: bool = False
    color: str | None = None  # font colour, RGB

    def __post_init__(self) -> None:
        # A report looks its few styles up once per cell: hashed once, not ten fields each time.
        object.__setattr__(self, "_hash", hash(tuple(self.__dict__.values())))

    def __hash__(self) -> int:
        return self._hash  # type: ignore[attr-defined,no-any-return]


@dataclass
class Sheet:
    """A sheet built in memory as rows of values or (value, Style) pairs, then streamed."""

    title: str
    rows: list[list[Any]] = field(default_factory=list)
    freeze: str | None = None
    title_rows: str | None = None  # repeated on every printed page, e.g. "1:3"
    size_from_row: int = 1  # rows outside from..until (long titles, notes) do not size columns
    size_until_row: int | None = None
    min_widths: dict[int, int] = field(default_factory=dict)
    widths: dict[int, float] = field(default_factory=dict)  # fixed widths, by column
    heights: dict[int, float] = field(default_factory=dict)  # row (1-based) → points
    # Called with (workbook, worksheet) once the rows are written: charts, drop-down lists.
    charts: list[Callable[[Any, Any], Any]] = field(default_factory=list)
    landscape: bool = True
    footer: str | None = None  # the issuing office, at the foot of every printed page
    footer_right: str | None = None  # the date of issue

    def add(self, *cells: Any) -> int:
        """Append a row; returns its 1-based row number."""
        self.rows.append(list(cells))
        return len(self.rows)


def display_width(value: Any) -> int:
    """Columns a value takes on screen: CJK characters count about double."""
    text = str(value) if value is not None else ""
    if text.isascii():  # most cells of a report: numbers and codes
        return _ascii_width(len(text))
    return round(sum(2.2 if unicodedata.east_asian_width(ch) in "WF" else 1.1 for ch in text))


@cache
def _ascii_width(length: int) -> int:
    return round(sum(1.1 for _ in range(length)))  # as the sum above adds it up, to the bit


def _wordlike(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in ".%-")


def wrap_text(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` display columns, for prose laid out across a page (a merged
    cell cannot be streamed, and text overflowing into empty cells prints as it shows). A number
    is never split, and closing punctuation stays at the end of its line."""
    lines, line = [], ""
    for ch in text:
        if line and display_width(line + ch) > width and ch not in CLOSING:
            run = 0
            while run < len(line) and _wordlike(line[-1 - run]):
                run += 1
            if _wordlike(ch) and 0 < run < len(line):
                line, carried = line[:-run], line[-run:]
            else:
                carried = ""
            lines.append(line)
            line = carried
        line += ch
    return [*lines, line] if line else lines


def shown_text(value: Any, number_format: str | None) -> str:
    """Roughly what a spreadsheet shows for a value, to size its column."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return "" if value is None else str(value)
    if number_format and "%" in number_format:
        return f"{value * 100:.1f}%"
    return f"{value:,.2f}"


def _split(cell: Any) -> tuple[Any, Style | None]:
    return cell if isinstance(cell, tuple) else (cell, None)


def column_widths(sheet: Sheet, minimum: int = 6, maximum: int = 60) -> dict[int, float]:
    widths: dict[int, int] = {}
    last = sheet.size_until_row or len(sheet.rows)
    last = min(last, sheet.size_from_row - 1 + WIDTH_SAMPLE)
    for row in sheet.rows[sheet.size_from_row - 1 : last]:
        for column, cell in enumerate(row, start=1):
            value, style = _split(cell)
            width = display_width(shown_text(value, style.number_format if style else None))
            widths[column] = max(widths.get(column, 0), width)
    for column, width in sheet.min_widths.items():
        widths[column] = max(widths.get(column, 0), width)
    sized: dict[int, float] = {c: min(max(w + 3, minimum), maximum) for c, w in widths.items()}
    return sized | sheet.widths


def format_properties(style: Style) -> dict[str, Any]:
    properties: dict[str, Any] = {"valign": "vcenter"}
    if style.bold:
        properties["bold"] = True
    if style.size:
        properties["font_size"] = style.size
    if style.fill:
        properties |= {"bg_color": f"#{style.fill}", "pattern": 1}
    if style.border:
        properties |= {"border": 1, "border_color": "#999999"}
    if style.center:
        properties |= {"align": "center", "text_wrap": True}
    if style.across:
        properties["align"] = "center_across"
    if style.align:
        properties["align"] = style.align
    if style.wrap:
        properties |= {"text_wrap": True, "valign": "top"}
    if style.color:
        properties["font_color"] = f"#{style.color}"
    if style.number_format:
        properties["num_format"] = style.number_format
    return properties


def footer_text(left: str | None, right: str | None = None) -> str:
    """The page footer: the issuing office on the left, page X of Y in the middle, the date
    on the right."""
    text = f"&L{left.replace('&', '&&')}" if left else ""
    text += f"&C{_(PAGE_NUMBERS)}"
    return text + (f"&R{right.replace('&', '&&')}" if right else "")


def _title_rows(spec: str) -> tuple[int, int]:
    first, _, last = spec.partition(":")
    return int(first) - 1, int(last or first) - 1


def _write_sheet(workbook: Any, sheet: Sheet, formats: dict[Style, Any]) -> None:
    ws = workbook.add_worksheet(sheet.title)
    for column, width in column_widths(sheet).items():
        ws.set_column(column - 1, column - 1, width)
    if sheet.freeze:
        ws.freeze_panes(sheet.freeze)
    if sheet.landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)  # as wide as one page, as long as it takes
    ws.center_horizontally()
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.8)
    ws.set_footer(footer_text(sheet.footer, sheet.footer_right))
    if sheet.title_rows:
        ws.repeat_rows(*_title_rows(sheet.title_rows))

    def fmt(style: Style | None) -> Any:
        if style is None:
            return None
        if style not in formats:
            formats[style] = workbook.add_format(format_properties(style))
        return formats[style]

    write_string, write_number, write_blank = ws.write_string, ws.write_number, ws.write_blank
    heights = sheet.heights
    for r, row in enumerate(sheet.rows):
        if heights and r + 1 in heights:
            ws.set_row(r, heights[r + 1])
        for c, cell in enumerate(row):
            if type(cell) is tuple:
                value, style = cell
                cell_format = fmt(style)
            else:
                value, cell_format = cell, None
            kind = type(value)
            if kind is str:
                write_string(
                    r, c, value if value.isprintable() else value.translate(_CONTROL), cell_format
                )
            elif value is None:
                if cell_format is not None:
                    write_blank(r, c, None, cell_format)
            elif kind is bool:
                ws.write_boolean(r, c, value, cell_format)
            elif kind is int or kind is float or kind is Decimal:
                write_number(r, c, float(value), cell_format)
            elif kind is date:  # a serial day number; the cell's format shows it as a date
                write_number(r, c, (value - _EXCEL_EPOCH).days, cell_format or fmt(DAY))
            elif kind is datetime:
                ws.write_datetime(r, c, value, cell_format or fmt(DAY))
            else:
                raise ValueError(f"A cell cannot hold a {kind.__name__}: {value!r}.")
    for make_chart in sheet.charts:
        make_chart(workbook, ws)


DAY = Style(number_format="yyyy-mm-dd")


def workbook_writer(sheets: list[Sheet]) -> Callable[[Path], None]:
    """What streams the sheets into a workbook at a path (called once, on a temporary name)."""

    def save(path: Path) -> None:
        workbook = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                "strings_to_formulas": False,  # user text is never a formula
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        try:
            formats: dict[Style, Any] = {}
            for sheet in sheets:
                _write_sheet(workbook, sheet, formats)
        finally:
            close_workbook(workbook)

    return save


def save_sheets(sheets: list[Sheet], path: Path) -> None:
    check_writable_folder(Path(path).parent)  # before streaming anything
    write_atomically(Path(path), workbook_writer(sheets))


def close_workbook(workbook: Any) -> None:
    """XlsxWriter wraps a failed write (a full disk) in its own FileCreateError; raise the
    OSError inside, so every writer's caller handles it as any other failed write."""

    try:
        workbook.close()
    except FileCreateError as exc:
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else None
        raise cause or OSError(str(exc)) from None
