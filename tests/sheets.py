"""Helpers for spreadsheet tests: write real xlsx/csv files, read workbooks back."""

import csv
import json
from pathlib import Path
from typing import Any

import openpyxl

from helpers import sql, zs


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def write_csv(path: Path, rows: list[list[Any]], encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as handle:
        csv.writer(handle).writerows(rows)
    return path


def read_xlsx(path: Path) -> dict[str, list[list[Any]]]:
    workbook = openpyxl.load_workbook(path)
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in workbook.worksheets
    }


def as_json(*args: str) -> Any:
    return json.loads(zs(*args, "--format", "json").stdout)


def fill_template(template: Path, rows: list[dict[str, Any]]) -> Path:
    """Fill a template's first sheet under its headers, as an office would."""
    workbook = openpyxl.load_workbook(template)
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    for row in rows:
        sheet.append([row.get(header) for header in headers])
    workbook.save(template)
    return template


def in_chinese(*args: Any) -> Any:
    """zs in Chinese (the tests' default is English): templates and exports then carry the
    office's Chinese sheet names and headers."""
    import os

    before = os.environ.get("ZS_LANG")
    os.environ["ZS_LANG"] = "zh_CN"
    try:
        return zs(*args)
    finally:
        if before is None:
            del os.environ["ZS_LANG"]
        else:
            os.environ["ZS_LANG"] = before


def write_ods(
    path: Path, sheets: dict[str, list[list[Any]]], spans: dict[str, int] | None = None
) -> Path:
    """A minimal OpenDocument spreadsheet (.ods), as LibreOffice or WPS saves an office's
    台账: text, numbers and dates; ``spans`` merges a sheet's first row across that many
    columns (a title). Written by hand: no ODS writer is installed."""
    import zipfile
    from datetime import date
    from xml.sax.saxutils import escape

    def cell(value: Any) -> str:
        if value is None:
            return "<table:table-cell/>"
        if isinstance(value, date):
            return (
                f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
                f"<text:p>{value.isoformat()}</text:p></table:table-cell>"
            )
        if isinstance(value, int | float) and not isinstance(value, bool):
            return (
                f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>"
            )
        return (
            f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p>'
            "</table:table-cell>"
        )

    tables = []
    for title, rows in sheets.items():
        lines = []
        for index, row in enumerate(rows):
            span = (spans or {}).get(title) if index == 0 else None
            if span:
                first = cell(row[0]).replace(
                    "<table:table-cell",
                    f'<table:table-cell table:number-columns-spanned="{span}"',
                    1,
                )
                cells = first + "<table:covered-table-cell/>" * (span - 1)
            else:
                cells = "".join(cell(value) for value in row)
            lines.append(f"<table:table-row>{cells}</table:table-row>")
        tables.append(f'<table:table table:name="{escape(title)}">{"".join(lines)}</table:table>')
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{''.join(tables)}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type='
        '"application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def xlsx_bytes(rows: list[list[Any]], title: str = "项目", edit: Any = None) -> bytes:
    """An xlsx of one sheet, its sheet XML passed through ``edit`` (bytes → bytes): the cells
    and parts no well-behaved writer makes (a cell at XFD1048576, &#0;, a DOCTYPE)."""
    import io
    import zipfile

    book = openpyxl.Workbook()
    book.active.title = title
    for row in rows:
        book.active.append(row)
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dest:
        for item in source.infolist():
            data = source.read(item.filename)
            if edit is not None and item.filename == "xl/worksheets/sheet1.xml":
                data = edit(data)
            dest.writestr(item, data)
    return out.getvalue()


def write_book(path: Path, rows: list[list[Any]], merged: tuple[str, ...] = ()) -> Path:
    """One sheet as an office keeps it, with its merged cells (A1:C1 …)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    for row in rows:
        sheet.append(row)
    for cells in merged:
        sheet.merge_cells(cells)
    workbook.save(path)
    return path


def refused(*args: Any) -> Any:
    """An import refused: its problems, a line each, and the closing sentence; no traceback."""
    result = zs(*args, code=1)
    assert "Traceback" not in result.output
    return result


def audit_count(ledger: Path) -> int:
    return sql(ledger, "SELECT count(*) FROM audit")[0][0]
