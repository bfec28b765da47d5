"""The watch lists as Excel sheets, printed as the report's are (titled, A4, header repeated,
the issuing office in the footer), with the rules or weights written under the table."""

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from zhaoshang_cli.core.i18n import _
from zhaoshang_cli.output.xlsx import Sheet, Style, display_width, save_sheets
from zhaoshang_cli.report.excel import (
    AMOUNT_FORMAT,
    DATE_FORMAT,
    HEADER_STYLE,
    PERCENT_FORMAT,
    titled,
)
from zhaoshang_cli.settings.config import Issuer
from zhaoshang_cli.store.queries import MINOR_PER_WAN

FORMATS = {
    "money": AMOUNT_FORMAT,
    "decimal": "#,##0.00",
    "percent": PERCENT_FORMAT,
    "date": DATE_FORMAT,
    "int": "0",
}
BOLD = Style(bold=True)


class Column(Protocol):
    """What a sheet needs of a column (``cli.common.Col`` has it)."""

    key: str
    header: str
    kind: str
    terms: Any


@dataclass(frozen=True)
class SheetColumn:
    """A column for a sheet made outside the CLI (the bulletin's 待督办)."""

    key: str
    header: str
    kind: str = "text"
    terms: Any = None


def cell(column: Column, value: Any, bold: bool = False) -> Any:
    if value is None:
        return None
    if column.terms is not None:
        value = column.terms.shown(value)
    elif column.kind == "money":
        value = Decimal(value) / MINOR_PER_WAN
    elif column.kind == "bool":
        value = _("yes") if value else ""
    number_format = FORMATS.get(column.kind) if column.terms is None else None
    if number_format is None and not bold:
        return value
    return (value, Style(number_format=number_format, bold=bold))


def table_sheet(
    name: str,
    heading: str,
    subtitle: str,
    columns: list[Column],
    rows: list[dict[str, Any]],
    notes: list[str],
    issuer: Issuer | None,
    bold_rows: set[int] | None = None,
) -> Sheet:
    """A titled table with its notes (the rules, the weights) under it."""
    sheet = titled(name, heading, subtitle, len(columns), issuer, freeze="A4")
    sheet.add(*((column.header, HEADER_STYLE) for column in columns))
    for index, column in enumerate(columns, start=1):
        sheet.min_widths[index] = min(display_width(column.header), 30)
    for number, row in enumerate(rows):
        bold = number in (bold_rows or set())
        sheet.rows.append([cell(column, row.get(column.key), bold) for column in columns])
    sheet.size_until_row = len(sheet.rows)
    if notes:
        sheet.add()
    for note in notes:
        sheet.add(note)
    return sheet


def save(sheets: list[Sheet], path: Path) -> None:
    save_sheets(sheets, path)
