"""Writing Excel files fast and safely: sheets are streamed (openpyxl write-only mode), text
stays text, widths fit Chinese, and files appear whole (temporary name, then rename).

openpyxl is imported inside the functions: ``zs --help`` must not pay for it.
"""

import os
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from zhaoshang_cli.errors import Invalid
from zhaoshang_cli.safety import looks_like_formula

WIDTH_SAMPLE = 2000  # rows looked at to size columns; enough for any real list


@dataclass(frozen=True)
class Style:
    number_format: str | None = None
    bold: bool = False
    size: int | None = None
    fill: str | None = None  # RGB, e.g. FFEB9C
    border: bool = False
    center: bool = False


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
    charts: list[Callable[[Any], Any]] = field(default_factory=list)
    landscape: bool = True

    def add(self, *cells: Any) -> int:
        """Append a row; returns its 1-based row number."""
        self.rows.append(list(cells))
        return len(self.rows)


def display_width(value: Any) -> int:
    """Columns a value takes on screen: CJK characters count about double."""
    text = str(value) if value is not None else ""
    return round(sum(2.2 if unicodedata.east_asian_width(ch) in "WF" else 1.1 for ch in text))


def shown_text(value: Any, number_format: str | None) -> str:
    """Roughly what a spreadsheet shows for a value, to size its column."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return "" if value is None else str(value)
    if number_format and "%" in number_format:
        return f"{value * 100:.1f}%"
    return f"{value:,.2f}"


def _split(cell: Any) -> tuple[Any, Style | None]:
    return cell if isinstance(cell, tuple) else (cell, None)


def column_widths(sheet: Sheet, minimum: int = 6, maximum: int = 60) -> dict[int, int]:
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
    return {c: min(max(w + 3, minimum), maximum) for c, w in widths.items()}


class _Styler:
    """One openpyxl style object per Style, shared by every cell that uses it."""

    def __init__(self) -> None:
        self.cache: dict[Style, dict[str, Any]] = {}

    def attributes(self, style: Style) -> dict[str, Any]:
        if style not in self.cache:
            from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

            attributes: dict[str, Any] = {}
            if style.bold or style.size:
                attributes["font"] = Font(bold=style.bold, size=style.size or 11)
            if style.fill:
                attributes["fill"] = PatternFill("solid", fgColor=style.fill)
            if style.border:
                thin = Side(style="thin", color="999999")
                attributes["border"] = Border(left=thin, right=thin, top=thin, bottom=thin)
            if style.center:
                attributes["alignment"] = Alignment(
                    horizontal="center", vertical="center", wrap_text=True
                )
            if style.number_format:
                attributes["number_format"] = style.number_format
            self.cache[style] = attributes
        return self.cache[style]


def _stream(workbook: Any, sheet: Sheet, styler: _Styler) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    ws = workbook.create_sheet(sheet.title)
    for column, width in column_widths(sheet).items():
        ws.column_dimensions[get_column_letter(column)].width = width
    if sheet.freeze:
        ws.freeze_panes = sheet.freeze
    if sheet.landscape:
        ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    if sheet.title_rows:
        ws.print_title_rows = sheet.title_rows
    for row in sheet.rows:
        out = []
        for cell in row:
            value, style = _split(cell)
            if style is None and not looks_like_formula(value):
                out.append(value)
                continue
            written = WriteOnlyCell(ws, value=value)
            if looks_like_formula(value):
                written.data_type = "s"  # text, never a formula
            for name, attribute in (styler.attributes(style) if style else {}).items():
                setattr(written, name, attribute)
            out.append(written)
        ws.append(out)
    for make_chart in sheet.charts:
        make_chart(ws)


def workbook_of(sheets: list[Sheet]) -> Any:
    """A write-only workbook holding the sheets, ready to be saved once."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    styler = _Styler()
    for sheet in sheets:
        _stream(workbook, sheet, styler)
    return workbook


def save_sheets(sheets: list[Sheet], path: Path) -> None:
    check_writable_folder(Path(path).parent)  # before streaming anything
    workbook = workbook_of(sheets)
    write_atomically(Path(path), lambda temporary: workbook.save(temporary))


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Write to a temporary file beside ``path``, then rename it into place: a reader never
    sees half a file, and a failure leaves nothing behind."""
    write_all_atomically({Path(path): write})


def check_writable_folder(folder: Path) -> None:
    if not folder.is_dir():
        raise Invalid(f"The folder {folder} does not exist.")
    try:  # os.access says yes to root even where a write would fail, so try one
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise Invalid(f"The folder {folder} is not writable ({exc.strerror}).") from None


def write_all_atomically(writers: dict[Path, Callable[[Path], None]]) -> None:
    """Several files that belong together: all are written to temporary names first and
    renamed only when every one succeeded."""
    temporaries: dict[Path, Path] = {}
    try:
        for path, write in writers.items():
            folder = path.parent if str(path.parent) else Path(".")
            check_writable_folder(folder)
            handle, name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
            os.close(handle)
            temporaries[path] = Path(name)
            write(Path(name))
            os.chmod(name, 0o666 & ~_umask())  # mkstemp makes it private; files are shared
        for path, temporary in temporaries.items():
            os.replace(temporary, path)
    except BaseException:
        for temporary in temporaries.values():
            temporary.unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
