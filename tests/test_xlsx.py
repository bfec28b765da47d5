"""The shared Excel writer: long lists appended as XML text must read back exactly as the
cells openpyxl writes itself, and a failed write must leave nothing behind."""

from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from zhaoshang_cli.errors import Invalid
from zhaoshang_cli.xlsx import Sheet, Style, save_sheets

DAY = Style(number_format="yyyy-mm-dd")


def test_bulk_rows_read_back_like_cells(tmp_path):
    sheet = Sheet("清单", bulk=True)
    sheet.add("名称", "日期", "金额", "是否")
    sheet.add("a&b", (None, DAY), Decimal("1.5"), True)  # row 2: written by openpyxl
    sheet.add("=cmd|' /C calc'!A0", (date(2026, 1, 2), DAY), Decimal("1E+3"), False)
    sheet.add("x\x01<y> ", (None, DAY), 3, None)
    sheet.add("@SUM(A1)", (date(2026, 12, 31), DAY), 2.25, True)
    path = tmp_path / "list.xlsx"
    save_sheets([sheet], path)
    ws = openpyxl.load_workbook(path)["清单"]
    assert ws.max_row == 5 and ws.dimensions == "A1:D5"
    assert ws["A2"].value == "a&b" and ws["C2"].value == 1.5 and ws["D2"].value is True
    assert ws["A3"].value == "=cmd|' /C calc'!A0" and ws["A3"].data_type == "s"  # not a formula
    assert ws["B3"].value == datetime(2026, 1, 2) and ws["B3"].number_format == "yyyy-mm-dd"
    assert ws["C3"].value == 1000 and ws["D3"].value is False
    assert ws["A4"].value == "x<y> " and ws["B4"].value is None and ws["D4"].value is None
    assert ws["A5"].data_type == "s" and ws["B5"].value == datetime(2026, 12, 31)
    assert ws["C5"].value == 2.25


def test_failed_write_leaves_nothing(tmp_path):
    with pytest.raises(Invalid):
        save_sheets([Sheet("x")], tmp_path / "missing" / "x.xlsx")
    sheet = Sheet("x")
    sheet.add(object())  # openpyxl refuses the value
    with pytest.raises(ValueError):
        save_sheets([sheet], tmp_path / "x.xlsx")
    assert list(tmp_path.iterdir()) == []
