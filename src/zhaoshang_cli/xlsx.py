"""Writing Excel files safely: text stays text, widths fit Chinese, files appear whole.

openpyxl is imported inside the functions: ``zs --help`` must not pay for it.
"""

import os
import tempfile
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhaoshang_cli.errors import Invalid
from zhaoshang_cli.safety import looks_like_formula

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet


def display_width(value: Any) -> int:
    """Columns a value takes on screen: CJK characters count double."""
    text = str(value) if value is not None else ""
    return round(sum(2.2 if unicodedata.east_asian_width(ch) in "WF" else 1.1 for ch in text))


def put(ws: "Worksheet", row: int, column: int, value: Any, number_format: str | None = None):  # type: ignore[no-untyped-def]
    """Set a cell; text that looks like a formula is stored as plain text."""
    cell = ws.cell(row=row, column=column, value=value)
    if looks_like_formula(value):
        cell.data_type = "s"
    if number_format:
        cell.number_format = number_format
    return cell


def shown_text(cell: Any) -> str:
    """Roughly what a spreadsheet shows for a cell, to size its column."""
    value = cell.value
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(value)
    if "%" in cell.number_format:
        return f"{value * 100:.1f}%"
    return f"{value:,.2f}"


def fit_columns(ws: "Worksheet", minimum: int = 6, maximum: int = 60, skip_rows: int = 0) -> None:
    """Column widths from the widest cell (titles in the first ``skip_rows`` rows excluded)."""
    from openpyxl.utils import get_column_letter

    widths: dict[int, int] = {}
    for row in ws.iter_rows(min_row=skip_rows + 1):
        for cell in row:
            if cell.value is None:
                continue
            width = display_width(shown_text(cell))
            widths[cell.column] = max(widths.get(cell.column, 0), width)
    for column, width in widths.items():
        letter = get_column_letter(column)
        ws.column_dimensions[letter].width = min(max(width + 3, minimum), maximum)


def print_landscape(ws: "Worksheet", title_rows: str | None = None) -> None:
    """Landscape, one page wide, as many pages tall as needed."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows


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
            try:
                handle, name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
            except OSError as exc:
                raise Invalid(f"Cannot write into the folder {folder}: {exc.strerror}.") from None
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


def save_workbook(workbook: "Workbook", path: Path) -> None:
    write_atomically(path, lambda temporary: workbook.save(temporary))
