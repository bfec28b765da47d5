"""Writing xlsx files (openpyxl): text always stays text, and a file appears whole or not at all.

A cell of user text that starts like a formula (= + - @) is stored as a string cell, so no
spreadsheet program ever runs it. Files are written under a temporary name in the target
directory and renamed into place: a cron job or a crash never leaves half a workbook.
"""

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zhaoshang_cli.errors import Invalid
from zhaoshang_cli.money import to_unit
from zhaoshang_cli.spreadsheets.columns import AMOUNT_NOTE, Column, Kind

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r", "\0")
TEMPLATE_ROWS = 1000  # rows the template's drop-down lists cover


@dataclass
class Sheet:
    kind: Kind
    columns: list[Column]
    rows: list[dict[str, Any]]


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Write to a temporary file beside ``path``, then rename it over ``path``."""
    directory = path.parent
    if not directory.is_dir():
        raise Invalid(f"There is no directory {directory} to write {path.name} into.")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    os.close(handle)
    try:
        write(Path(temporary))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def check_xlsx(path: Path) -> Path:
    if path.suffix.lower() != ".xlsx":
        raise Invalid(f"{path.name}: zs writes .xlsx workbooks; name the file *.xlsx.")
    return path


def cell_value(column: Column, value: Any) -> Any:
    """The ledger's value as a spreadsheet shows it: money in 万, choices in Chinese."""
    if value is None:
        return None
    if column.type in ("amount", "signed_amount"):
        return to_unit(value)
    if column.type == "bool":
        return "是" if value else "否"
    if column.type == "choice" and column.choice is not None:
        return column.choice.label(value)
    return value


def write_workbook(path: Path, sheets: list[Sheet]) -> None:
    """An export: openpyxl's write-only mode, one sheet per table, header row frozen."""

    def write(target: Path) -> None:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        workbook = Workbook(write_only=True)
        for sheet in sheets:
            worksheet = workbook.create_sheet(sheet.kind.title)
            set_widths(worksheet, sheet.columns)
            worksheet.freeze_panes = "A2"
            header = []
            for column in sheet.columns:
                cell = WriteOnlyCell(worksheet, column.header)
                cell.font = Font(bold=True)
                header.append(cell)
            worksheet.append(header)
            for row in sheet.rows:
                values = []
                for column in sheet.columns:
                    value = cell_value(column, row.get(column.key))
                    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
                        value = WriteOnlyCell(worksheet, value)
                        value.data_type = "s"
                    values.append(value)
                worksheet.append(values)
        workbook.save(target)

    write_atomically(path, write)


def set_widths(worksheet: Any, columns: list[Column]) -> None:
    from openpyxl.utils import get_column_letter

    for index, column in enumerate(columns, start=1):
        width = max(10, 2 * len(column.header) + 2)
        worksheet.column_dimensions[get_column_letter(index)].width = width


def write_template(path: Path, kind: Kind) -> None:
    """An empty sheet with the kind's headers (required ones in red), drop-down lists for
    closed choices, and a 说明 sheet saying what each column takes."""

    def write(target: Path) -> None:
        from openpyxl import Workbook
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.datavalidation import DataValidation

        columns = [column for column in kind.columns if column.template]
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = kind.title
        sheet.append([column.header for column in columns])
        sheet.freeze_panes = "A2"
        set_widths(sheet, columns)
        for index, column in enumerate(columns, start=1):
            sheet.cell(1, index).font = Font(bold=True, color="C00000" if column.required else None)
            if column.choice is not None:
                labels = ",".join(column.choice.labels.values())
                validation = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True)
                letter = get_column_letter(index)
                validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
                sheet.add_data_validation(validation)
        notes = workbook.create_sheet("说明")
        notes.append([f"{kind.title}: one row per line; red headers must be filled."])
        notes.append(["Headers may be in Chinese or English, in any order; dates as Excel dates"])
        notes.append(["or text (2026-04-10, 2026/4/10, 2026年4月10日); amounts in " + AMOUNT_NOTE])
        notes.append([])
        notes.append(["列 (column)", "English", "必填 (required)", "说明 (what it takes)"])
        for column in columns:
            what = column.note
            if column.choice is not None:
                what = " / ".join(column.choice.labels.values()) + (f"; {what}" if what else "")
            notes.append([column.header, column.key, "是" if column.required else "", what])
        for letter, width in zip("ABCD", (18, 18, 14, 70), strict=True):
            notes.column_dimensions[letter].width = width
        workbook.save(target)

    write_atomically(path, write)
