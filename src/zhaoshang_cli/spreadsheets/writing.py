"""Writing xlsx files (XlsxWriter): text always stays text, and a file appears whole or not at all.

A cell of user text that starts like a formula (= + - @) is stored as a string cell, so no
spreadsheet program ever runs it. Files are written under a temporary name in the target
directory and renamed into place: a cron job or a crash never leaves half a workbook.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlsxwriter

from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.files import write_atomically
from zhaoshang_cli.core.i18n import _, is_english
from zhaoshang_cli.core.money import to_unit
from zhaoshang_cli.output.progress import rows as progress
from zhaoshang_cli.output.xlsx import Sheet as OutSheet
from zhaoshang_cli.output.xlsx import Style, close_workbook, save_sheets
from zhaoshang_cli.spreadsheets.columns import AMOUNT_NOTE, Column, Kind

TEMPLATE_ROWS = 1000  # rows the template's drop-down lists cover


@dataclass
class Sheet:
    kind: Kind
    columns: list[Column]
    rows: list[dict[str, Any]]


def check_xlsx(path: Path) -> Path:
    if path.suffix.lower() != ".xlsx":
        raise Invalid(
            _("{file}: zs writes .xlsx workbooks; name the file *.xlsx.").format(file=path.name)
        )
    return path


def check_new_workbook(path: Path, force: bool) -> Path:
    """A workbook the user may have filled in (a template, an input sheet next to an export)
    is overwritten only when asked."""
    check_xlsx(path)
    if path.exists() and not force:
        raise Invalid(
            _(
                "{path} already exists and may hold filled-in rows; name another file with "
                "-o, or add --force to overwrite it."
            ).format(path=path)
        )
    return path


def cell_value(column: Column, value: Any) -> Any:
    """The ledger's value as a spreadsheet shows it: money in 万, choices in the user's
    language (an import reads the Chinese label and the English code alike)."""
    if value is None:
        return None
    if column.type in ("amount", "signed_amount"):
        return to_unit(value)
    if column.type == "bool":
        return _("yes") if value else _("no")
    if column.type == "choice" and column.choice is not None:
        return column.choice.shown(value)
    return value


def is_money(column: Column) -> bool:
    return column.type in ("amount", "signed_amount") or column.header.endswith("(万元)")


def write_workbook(path: Path, sheets: list[Sheet], office: str | None = None) -> None:
    """An export: one sheet per table, header row frozen and printed atop every page (landscape,
    as wide as one page), money shown to the fen in 万 (the cell keeps the exact value),
    formula-looking text kept as text, the issuing office in the footer."""

    header = Style(bold=True, border=True, fill="DDEBF7", center=True)
    formats = {"date": Style(number_format="yyyy-mm-dd"), "money": Style(number_format="#,##0.00")}
    out = []
    for sheet in sheets:
        target = OutSheet(sheet.kind.shown, freeze="A2", title_rows="1:1", footer=office)
        target.add(*((column.shown, header) for column in sheet.columns))
        for column_index, column in enumerate(sheet.columns, start=1):
            target.min_widths[column_index] = 2 * len(column.shown) + 2
        kinds = ["money" if is_money(column) else column.type for column in sheet.columns]
        what = _("Exporting {sheet}").format(sheet=sheet.kind.shown)
        for row in progress(sheet.rows, len(sheet.rows), what):
            target.rows.append(
                [
                    (cell_value(column, row.get(column.key)), formats[kind])
                    if kind in formats
                    else cell_value(column, row.get(column.key))
                    for column, kind in zip(sheet.columns, kinds, strict=True)
                ]
            )
        out.append(target)
    save_sheets(out, path)


def write_template(path: Path, kind: Kind) -> None:
    """An empty sheet with the kind's headers (required ones in red), drop-down lists for
    closed choices, and a 说明 sheet saying what each column takes; all in the user's
    language."""

    def write(target: Path) -> None:
        columns = [column for column in kind.columns if column.template]
        workbook = xlsxwriter.Workbook(str(target), {"strings_to_formulas": False})
        try:
            sheet = workbook.add_worksheet(kind.shown)
            sheet.freeze_panes(1, 0)
            required = workbook.add_format({"bold": True, "font_color": "#C00000"})
            optional = workbook.add_format({"bold": True})
            for index, column in enumerate(columns):
                sheet.set_column(index, index, max(10, 2 * len(column.shown) + 2))
                sheet.write_string(
                    0, index, column.shown, required if column.required else optional
                )
                if column.choice is not None:
                    sheet.data_validation(
                        1,
                        index,
                        TEMPLATE_ROWS,
                        index,
                        {
                            "validate": "list",
                            "source": [column.choice.shown(code) for code in column.choice.labels],
                        },
                    )
            notes = workbook.add_worksheet(_("Notes"))
            lines: list[list[str]] = [
                [
                    _("{sheet}: one row per line; red headers must be filled.").format(
                        sheet=kind.shown
                    )
                ],
                [_("Headers may be in Chinese or English, in any order; dates as Excel dates")],
                [
                    _("or text (2026-04-10, 2026/4/10, 2026年4月10日); amounts in {note}").format(
                        note=_(AMOUNT_NOTE)
                    )
                ],
                [],
                [_("Column"), _("Also written"), _("Required"), _("What it takes")],
            ]
            for column in columns:
                what = _(column.note) if column.note else ""
                if column.choice is not None:
                    labels = " / ".join(column.choice.shown(code) for code in column.choice.labels)
                    what = labels + (f"; {what}" if what else "")
                also = column.header if is_english() else column.key
                lines.append([column.shown, also, _("yes") if column.required else "", what])
            for row, values in enumerate(lines):
                for index, value in enumerate(values):
                    notes.write_string(row, index, value)
            for index, width in enumerate((18, 18, 14, 70)):
                notes.set_column(index, index, width)
        finally:
            close_workbook(workbook)

    write_atomically(path, write)
