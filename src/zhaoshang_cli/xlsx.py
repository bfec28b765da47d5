"""Writing Excel files fast and safely: sheets are streamed (openpyxl write-only mode), text
stays text, widths fit Chinese, and files appear whole (temporary name, then rename).

openpyxl is imported inside the functions: ``zs --help`` must not pay for it.
"""

import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from zhaoshang_cli.errors import CannotWrite, Invalid
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
    across: bool = False  # centred across this and the following cells of the same style


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
    # A long list: rows past the second are appended as XML text, each column taking the style
    # its cell in row 2 has, so give every cell of a formatted column its Style, None included.
    bulk: bool = False

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
            if style.across:
                attributes["alignment"] = Alignment(horizontal="centerContinuous")
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
    for row in sheet.rows[:2] if sheet.bulk else sheet.rows:
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


def workbook_writer(sheets: list[Sheet]) -> Callable[[Path], None]:
    """Stream the sheets into a write-only workbook; returns what saves it to a path."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    styler = _Styler()
    for sheet in sheets:
        _stream(workbook, sheet, styler)
    bulk = {
        f"xl/worksheets/sheet{number}.xml": sheet.rows[2:]
        for number, sheet in enumerate(sheets, start=1)
        if sheet.bulk and len(sheet.rows) > 2
    }

    def save(path: Path) -> None:
        workbook.save(path)
        if bulk:
            append_rows_as_xml(path, bulk)

    return save


def save_sheets(sheets: list[Sheet], path: Path) -> None:
    check_writable_folder(Path(path).parent)  # before streaming anything
    write_atomically(Path(path), workbook_writer(sheets))


# XML text: escape markup, drop the control characters XML 1.0 cannot hold.
_XML_TEXT = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
    | {chr(c): None for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF)}
)
_EXCEL_EPOCH = date(1899, 12, 30)


def _xml_row(number: int, row: list[Any], columns: list[tuple[str, str]]) -> str:
    """One row of cells; str, numbers, dates and booleans, as openpyxl would write them."""
    cells = []
    for (letter, style), cell in zip(columns, row, strict=False):
        value = cell[0] if type(cell) is tuple else cell
        if value is None:
            continue
        kind = type(value)
        ref = f'<c r="{letter}{number}"{style}'
        if kind is bool:
            cells.append(f'{ref} t="b"><v>{int(value)}</v></c>')
        elif kind is Decimal:
            cells.append(f"{ref}><v>{value:f}</v></c>")
        elif kind is int or kind is float:
            cells.append(f"{ref}><v>{value!r}</v></c>")
        elif kind is date and style:
            cells.append(f"{ref}><v>{(value - _EXCEL_EPOCH).days}</v></c>")
        else:  # text (and a date with no format to lean on, as ISO text, never a bare serial)
            text = (value.isoformat() if kind is date else str(value)).translate(_XML_TEXT)
            # An inline string is text by definition: it can never be taken for a formula.
            cells.append(f'{ref} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'


def _extend_sheet(xml: str, rows: list[list[Any]]) -> str:
    """Append rows 3… after the rows openpyxl wrote, with the styles of its second row."""
    from openpyxl.utils import get_column_letter

    second = re.search(r'<row r="2"[^>]*>(.*?)</row>', xml, re.S)
    styles = dict(re.findall(r'<c r="([A-Z]+)2"(?: s="(\d+)")?', second[1] if second else ""))
    width = max((len(row) for row in rows), default=1)
    letters = [get_column_letter(c) for c in range(1, width + 1)]
    columns = [(col, f' s="{styles[col]}"' if styles.get(col) else "") for col in letters]
    body = "".join(_xml_row(number, row, columns) for number, row in enumerate(rows, start=3))
    xml = xml.replace("</sheetData>", body + "</sheetData>", 1)
    last = f"{letters[-1]}{len(rows) + 2}"
    return re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="A1:{last}"/>', xml, count=1)


def append_rows_as_xml(path: Path, bulk: dict[str, list[list[Any]]]) -> None:
    """openpyxl makes an object of every cell (about 100,000 a second here): a list of tens
    of thousands of projects is written as XML text instead, about ten times faster."""
    rewritten = path.with_name(path.name + ".bulk")
    try:
        with zipfile.ZipFile(path) as source, zipfile.ZipFile(rewritten, "w") as target:
            for info in source.infolist():
                data = source.read(info.filename)
                if info.filename in bulk:
                    xml = _extend_sheet(data.decode("utf-8"), bulk[info.filename])
                    data = xml.encode("utf-8")
                target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
        os.replace(rewritten, path)
    finally:
        rewritten.unlink(missing_ok=True)


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
    renamed only when every one succeeded. A full disk (or any refusal to write) is one
    sentence, with every temporary file removed."""
    temporaries: dict[Path, Path] = {}
    failure: str | None = None
    try:
        for path, write in writers.items():
            folder = path.parent if str(path.parent) else Path(".")
            check_writable_folder(folder)
            handle, name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
            os.close(handle)
            temporaries[path] = Path(name)
            try:
                write(Path(name))
                os.chmod(name, 0o666 & ~_umask())  # mkstemp makes it private; files are shared
            except OSError as exc:
                failure = f"Could not write {path}: {exc.strerror or exc}; no file was written."
                break
        if failure is None:
            for path, temporary in temporaries.items():
                os.replace(temporary, path)
    except BaseException:
        for temporary in temporaries.values():
            temporary.unlink(missing_ok=True)
        raise
    if failure is not None:  # raised outside the handler, so the OSError's frames are gone
        for temporary in temporaries.values():
            temporary.unlink(missing_ok=True)
        raise CannotWrite(failure)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
