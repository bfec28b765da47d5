"""The shared Excel writer (XlsxWriter, constant memory): cells read back as written, text
stays text, pages are set up for printing, and a failed write leaves nothing behind."""

from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.output.xlsx import Sheet, Style, footer_text, save_sheets, wrap_text

pytestmark = pytest.mark.one_backend  # not about the database

DAY = Style(number_format="yyyy-mm-dd")


def test_cells_read_back_as_written(tmp_path):
    sheet = Sheet("清单")
    sheet.add("名称", "日期", "金额", "是否")
    sheet.add("a&b", (None, DAY), Decimal("1.5"), True)
    sheet.add("=cmd|' /C calc'!A0", (date(2026, 1, 2), DAY), Decimal("1E+3"), False)
    sheet.add("x\x01<y> ", (None, DAY), 3, None)
    sheet.add("@SUM(A1)", date(2026, 12, 31), 2.25, True)
    path = tmp_path / "list.xlsx"
    save_sheets([sheet], path)
    ws = openpyxl.load_workbook(path)["清单"]
    assert ws.max_row == 5
    assert ws["A2"].value == "a&b" and ws["C2"].value == 1.5 and ws["D2"].value is True
    assert ws["A3"].value == "=cmd|' /C calc'!A0" and ws["A3"].data_type == "s"  # not a formula
    assert ws["B3"].value == datetime(2026, 1, 2) and ws["B3"].number_format == "yyyy-mm-dd"
    assert ws["C3"].value == 1000 and ws["D3"].value is False
    assert ws["A4"].value == "x<y> " and ws["B4"].value is None and ws["D4"].value is None
    assert ws["A5"].data_type == "s" and ws["B5"].value == datetime(2026, 12, 31)
    assert ws["C5"].value == 2.25


def test_pages_print_titled_with_office_and_page_numbers(chinese, tmp_path):
    sheet = Sheet("表", title_rows="1:3", freeze="B4", footer="某某市招商办 & 商务局")
    sheet.footer_right = "2026年5月10日"
    for number in range(60):
        sheet.add(f"单位{number}", number)
    path = tmp_path / "t.xlsx"
    save_sheets([sheet], path)
    ws = openpyxl.load_workbook(path)["表"]
    assert ws.print_title_rows == "$1:$3"
    assert ws.freeze_panes == "B4"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
    footer = ws.oddFooter
    assert footer.left.text == "某某市招商办 && 商务局"  # && prints one &, never a code
    assert footer.center.text == "第 &P 页 共 &N 页" and footer.right.text == "2026年5月10日"
    assert footer_text(None) == "&C第 &P 页 共 &N 页"


def test_prose_wraps_without_splitting_numbers():
    text = "　　1-4月份全市招商引资到位资金25.1亿元,同比增长243.3%,完成年度指标任务的28.6%。"
    lines = wrap_text(text, 40)
    assert "".join(lines) == text
    assert all(not line.startswith((",", "。", "%")) for line in lines)
    for number in ("25.1", "243.3%", "28.6%"):
        assert any(number in line for line in lines)


def test_failed_write_leaves_nothing(tmp_path):
    with pytest.raises(Invalid):
        save_sheets([Sheet("x")], tmp_path / "missing" / "x.xlsx")
    sheet = Sheet("x")
    sheet.add(object())  # no cell holds that
    with pytest.raises(ValueError):
        save_sheets([sheet], tmp_path / "x.xlsx")
    assert list(tmp_path.iterdir()) == []
