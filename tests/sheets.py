"""Helpers for spreadsheet tests: write real xlsx/csv files, read workbooks back."""

import csv
import json
from pathlib import Path
from typing import Any

import openpyxl

from conftest import zs


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
