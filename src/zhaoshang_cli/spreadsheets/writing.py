"""Writing xlsx files (openpyxl): text always stays text, and a file appears whole or not at all.

A cell of user text that starts like a formula (= + - @) is stored as a string cell, so no
spreadsheet program ever runs it. Files are written under a temporary name in the target
directory and renamed into place: a cron job or a crash never leaves half a workbook.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zhaoshang_cli.errors import Invalid
from zhaoshang_cli.money import to_unit
from zhaoshang_cli.spreadsheets.columns import AMOUNT_NOTE, Column, Kind
from zhaoshang_cli.xlsx import write_atomically

TEMPLATE_ROWS = 1000  # rows the template's drop-down lists cover


@dataclass
class Sheet:
    kind: Kind
    columns: list[Column]
    rows: list[dict[str, Any]]


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
    """An export: one sheet per table, header row frozen, streamed by the shared writer
    (long tables as XML text), formula-looking text kept as text."""
    from zhaoshang_cli.xlsx import Sheet as OutSheet
    from zhaoshang_cli.xlsx import Style, save_sheets

    header = Style(bold=True)
    formats = {"date": Style(number_format="yyyy-mm-dd")}
    out = []
    for sheet in sheets:
        target = OutSheet(sheet.kind.title, freeze="A2", bulk=True, landscape=False)
        target.add(*((column.header, header) for column in sheet.columns))
        for column_index, column in enumerate(sheet.columns, start=1):
            target.min_widths[column_index] = 2 * len(column.header) + 2
        for row in sheet.rows:
            target.add(
                *(
                    (cell_value(column, row.get(column.key)), formats[column.type])
                    if column.type in formats
                    else cell_value(column, row.get(column.key))
                    for column in sheet.columns
                )
            )
        out.append(target)
    save_sheets(out, path)


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
