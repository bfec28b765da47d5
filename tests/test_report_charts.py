"""The 通报's chart of completion against 时序进度 and the 黄牌 line: a native chart in the
Excel file (XlsxWriter), over figures on its own sheet that equal the report's."""

import json
import re
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from helpers import Location, zs


@pytest.fixture
def funded(ledger: Location) -> Location:
    """Targets for two counties, one project signed and some of its money arrived."""
    zs("target", "set", "甲县", "5亿", "--year", "2026")
    zs("target", "set", "乙县", "2亿", "--year", "2026")
    zs("add-project", "--name", "新材料项目", "--unit", "甲县", "--amount", "2亿",
       "--signed", "2026-02-01")  # fmt: skip
    zs("arrive", "2026-0001", "3000万", "--date", "2026-03-10")
    return ledger


def test_the_excel_file_charts_completion_against_time_progress(
    chinese: None, funded: Location, tmp_path: Path
) -> None:
    path = tmp_path / "通报.xlsx"
    zs("report", "--month", "4", "--xlsx", str(path))
    data = json.loads(zs("report", "--month", "4", "--format", "json").stdout, parse_float=Decimal)
    sheet = openpyxl.load_workbook(path)["完成图"]
    assert [c.value for c in sheet[3]] == ["单位", "完成%", "时序进度", "黄牌"]
    units = [row for group in data["groups"] for row in group["rows"]]
    for number, row in enumerate(units, start=4):
        assert sheet.cell(number, 1).value == row["unit"]
        completion = row["completion"]
        assert sheet.cell(number, 2).value == (None if completion is None else float(completion))
        assert sheet.cell(number, 3).value == float(data["time_progress"])
        assert sheet.cell(number, 4).value == float(
            (data["time_progress"] * data["threshold"]).quantize(Decimal("0.000001"))
        )
    with zipfile.ZipFile(path) as archive:
        charts = [name for name in archive.namelist() if name.startswith("xl/charts/chart")]
        assert len(charts) == 1
        xml = archive.read(charts[0]).decode()
    assert "<c:barChart>" in xml and "<c:lineChart>" in xml
    last = 3 + len(units)
    refs = set(re.findall(r"<c:f>([^<]+)</c:f>", xml))
    assert f"'完成图'!$B$4:$B${last}" in refs or f"完成图!$B$4:$B${last}" in refs
    assert any(ref.endswith(f"$D$4:$D${last}") for ref in refs)  # the 黄牌 line


def docx_media(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return [name for name in archive.namelist() if name.startswith("word/media/")]


def test_the_word_file_has_the_chart_with_the_plot_extra_and_is_whole_without(
    funded: Location, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import docx

    without = tmp_path / "without.docx"
    with monkeypatch.context() as hidden:
        hidden.setitem(sys.modules, "matplotlib", None)  # the extra not installed
        zs("report", "--month", "4", "--docx", str(without))
    assert docx_media(without) == []
    tables = docx.Document(str(without)).tables
    assert tables and any("甲县" in cell.text for cell in tables[-1].columns[0].cells)
    pytest.importorskip("matplotlib")
    drawn = tmp_path / "drawn.docx"
    zs("report", "--month", "4", "--docx", str(drawn))
    [image] = docx_media(drawn)
    with zipfile.ZipFile(drawn) as archive:
        assert archive.read(image).startswith(b"\x89PNG")
    assert len(docx.Document(str(drawn)).tables) == len(tables)  # the same document, and a chart
