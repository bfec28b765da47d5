"""The 通报 as a document: its prose says only what the report data says, its parts add up
as its definitions claim, the breakdowns add up to the totals, every sheet is titled for
printing, the Word file holds the text and the table, and the issuing office is on all of it."""

import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from docx import Document

from helpers import fails, snapshot, zs
from test_report import city, report_json  # noqa: F401  (the fixture with figures by hand)
from zhaoshang_cli.core.periods import month_period
from zhaoshang_cli.report import build_report
from zhaoshang_cli.report.prose import prose
from zhaoshang_cli.store.ledger import Ledger

pytestmark = pytest.mark.one_backend  # rendering; the figures are test_report's, run on both

ONE_PLACE = Decimal("0.1")


def renderings(data: Any) -> set[str]:
    """Every way the 通报 may write a figure of the report data: a count or whole 万, 万 to two
    places, 亿 to one place, a percentage to one place (or none, for the threshold)."""
    shown: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            number = abs(Decimal(str(value)))
            for text in (
                f"{number.quantize(Decimal(1), ROUND_HALF_UP)}",
                f"{number.quantize(Decimal('0.01'), ROUND_HALF_UP)}".rstrip("0").rstrip("."),
                f"{(number / 10_000).quantize(ONE_PLACE, ROUND_HALF_UP)}",
                f"{(number * 100).quantize(ONE_PLACE, ROUND_HALF_UP)}",
                f"{(number * 100).quantize(Decimal(1), ROUND_HALF_UP)}",
            ):
                shown.add(text)

    walk(data)
    return shown


def prose_of(path: Path, month: int, year: int = 2026, unit: str | None = None) -> list[str]:
    ledger = Ledger(str(path))
    try:
        with ledger.read() as session:
            report = build_report(session, month_period(year, month), unit=unit)
    finally:
        ledger.dispose()
    return [p.text for p in prose(report)]


def assert_prose_from_data(paragraphs: list[str], data: dict) -> None:
    allowed = renderings(data) | {"1"}  # 1-4月份: the period starts in January
    for paragraph in paragraphs:
        for number in re.findall(r"\d+(?:\.\d+)?", paragraph):
            assert number in allowed, f"{number} in «{paragraph}» is not a figure of the report"


def test_prose_numbers_all_come_from_the_report(city):  # noqa: F811
    data = report_json("--month", "4")
    paragraphs = prose_of(city, 4)
    assert_prose_from_data(paragraphs, data)
    text = "\n".join(paragraphs)
    assert text.startswith("1-4月份全市招商引资到位资金5900万元,同比增长1080.0%")
    assert "完成了全市年度指标任务的29.5%,时序进度为33.3%" in text
    assert "两县共到位资金5900万元,完成年度指标任务的59.0%。其中:甲县到位资金4800万元" in text
    assert "经开区尚无到位资金,完成年度指标任务的0.0%。" in text  # a group of one
    assert "(黄牌警告线)的单位:经开区、市商务局。" in text


def test_new_and_carried_add_up_as_defined(city):  # noqa: F811
    """新开工 (started this year) + 结转续建 (started before, still being built) = 在建; with
    the money of projects not yet started and of those finished earlier, the headline."""
    for unit in (None, "甲县"):  # 甲县: half of a project shared with 乙县 is its own
        data = report_json("--month", "4", *(["--unit", unit] if unit else []))
        p = data["projects"]
        parts = [p["new_started"], p["carried_over"], p["not_started"], p["finished_earlier"]]
        assert sum(Decimal(str(part["arrived"])) for part in parts) == data["total"]["actual"]
        status = {row["key"]: row for row in data["breakdowns"]["status"]}
        assert status["building"]["count"] == p["new_started"]["count"] + p["carried_over"]["count"]
    city_data = report_json("--month", "4")["projects"]
    assert city_data["new_started"] == {"count": 1, "contract": 20000, "arrived": 4500}
    assert city_data["carried_over"] == {"count": 1, "contract": 3000, "arrived": 800}
    assert city_data["not_started"] == {"count": 1, "arrived": 600}  # the joint project
    text = "\n".join(prose_of(city, 4))
    assert "新开工项目指2026年开工的项目,结转续建项目指往年开工、今年仍在建设的项目" in text
    assert "在建项目2个" in text and "以上合计到位资金5900万元" in text


def test_breakdowns_add_up_to_the_totals(city):  # noqa: F811
    data = report_json("--month", "4")
    total, breakdowns = data["total"]["actual"], data["breakdowns"]
    origin = {row["key"]: row for row in breakdowns["origin"]}
    leaves = [row for row in breakdowns["origin"] if row["level"] == 1]
    assert sum(Decimal(str(row["arrived"])) for row in leaves) == total
    assert (
        origin["domestic"]["arrived"]
        == origin["outside_province"]["arrived"] + origin["outside_city"]["arrived"]
    )
    assert origin[None]["label"] == "来源未填" and origin[None]["arrived"] == 5900
    for name in ("industry", "tier"):
        rows, last = breakdowns[name][:-1], breakdowns[name][-1]
        assert sum(row["projects"] for row in rows) == last["projects"] == 2
        assert sum(Decimal(str(row["contract"])) for row in rows) == last["contract"] == 21000
        assert sum(Decimal(str(row["arrived"])) for row in rows) == last["arrived"]
    tiers = {row["key"]: row for row in breakdowns["tier"]}
    assert tiers["1yi"]["projects"] == 1 and tiers["1yi"]["target"] == 1 and tiers["1yi"]["met"]
    assert tiers["1000wan"]["projects"] == 1 and tiers["1000wan"]["met"] is False  # 1 of 5
    assert breakdowns["status"][-1]["arrived"] == total


def test_origin_and_foreign_capital(chinese, ledger):
    zs("rate", "set", "USD", "7.0", "--month", "2026-03")
    for name, origin, amount in (("外资项目", "foreign", "7000万"), ("省外项目", "省外", "2000万")):
        zs("add-project", "--name", name, "--unit", "甲县", "--amount", amount,
           "--signed", "2026-03-05", "--origin", origin)  # fmt: skip
    zs("arrive", "2026-0001", "100万", "--currency", "USD", "--date", "2026-03-20")
    zs("arrive", "2026-0002", "300万", "--date", "2026-03-21")
    data = report_json("--month", "4")
    origin = {row["key"]: row for row in data["breakdowns"]["origin"]}
    assert origin["foreign"]["arrived"] == 700 and origin["outside_province"]["arrived"] == 300
    assert origin["domestic"]["arrived"] == 300 and origin["total"]["arrived"] == 1000
    foreign = data["breakdowns"]["foreign"]
    assert foreign["fdi"] == 100 and foreign["projects"] == 1
    assert foreign["contract"] == 7000 and foreign["contract_usd"] == 1000  # at 7.0
    out = zs("report", "--month", "4", "--year", "2026", "--by", "origin").stdout
    assert "境内小计" in out and "实际使用外资100万美元" in out and "合同外资1000万美元" in out
    csv_text = zs("report", "--month", "4", "--year", "2026", "--by", "tier", "-f", "csv").stdout
    assert csv_text.startswith("breakdown,tier\n项目规模,") and "12510" in csv_text
    fails("report", "--month", "4", "--by", "colour")


def test_own_row_makes_the_rows_add_up(city):  # noqa: F811
    data = report_json("--month", "4", "--unit", "甲县")
    towns = sum(row["actual"] for group in data["groups"] for row in group["rows"])
    own = data["own"]
    assert own["unit"] == "甲县本级" and own["actual"] == 300  # half of the joint project
    assert towns + own["actual"] == data["total"]["actual"] == 4800
    assert report_json("--month", "4")["own"] is None  # nothing credited to 全市 itself
    table = zs("report", "--month", "4", "--year", "2026", "--unit", "甲县").stdout
    assert "甲县本级" in table and "甲县本级到位资金300万元。" in table


def test_ambiguous_towns_are_named_with_their_county(chinese, city, tmp_path):  # noqa: F811
    zs("unit", "add", "城关镇", "--kind", "town", "--parent", "乙县")
    path = tmp_path / "r.xlsx"
    zs("report", "--month", "4", "--year", "2026", "--xlsx", str(path))
    listed = openpyxl.load_workbook(path)["新签约项目"]
    units = [listed.cell(r, 3).value for r in range(4, listed.max_row + 1)]
    assert "甲县城关镇" in units and "城关镇" not in units


def test_every_sheet_is_titled_for_printing(chinese, city, tmp_path):  # noqa: F811
    zs("config", "set", "office", "某某市招商引资工作领导小组办公室")
    path = tmp_path / "r.xlsx"
    zs("report", "--month", "4", "--year", "2026", "--xlsx", str(path))
    workbook = openpyxl.load_workbook(path)
    for ws in workbook.worksheets:
        assert "2026年" in str(ws["A1"].value), ws.title  # the title names the period
        assert ws.page_setup.paperSize == 9 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.oddFooter.left.text == "某某市招商引资工作领导小组办公室"
        assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
        if ws.title != "通报正文":
            assert ws.print_title_rows == "$1:$3", ws.title
            assert "单位" in str(ws["A2"].value), ws.title
    text = [workbook["通报正文"].cell(r, 1).value or "" for r in range(1, 200)]
    assert "".join(text).count("以上合计到位资金5900万元") == 1


def test_word_document_holds_the_prose_and_the_table(city, tmp_path):  # noqa: F811
    zs("config", "set", "office", "某某市招商引资工作领导小组办公室")
    zs("config", "set", "doc_number", "某招组办〔{year}〕{month}号")
    path = tmp_path / "2026年1-4月招商引资通报.docx"
    zs("report", "--month", "4", "--year", "2026", "--docx", str(path))
    document = Document(str(path))
    paragraphs = [p.text for p in document.paragraphs]
    assert (
        paragraphs[0] == "某某市招商引资工作领导小组办公室"
        and paragraphs[1] == "某招组办〔2026〕4号"
    )
    assert "2026年1-4月全市招商引资完成情况通报" in paragraphs
    for sentence in prose_of(city, 4):
        assert sentence in paragraphs
    assert "2026年11月23日" in paragraphs  # ZS_TODAY, under the office's name
    data = report_json("--month", "4")
    table = {
        row.cells[0].text.strip(): [c.text for c in row.cells] for row in document.tables[0].rows
    }
    for group in data["groups"]:
        for row in [*group["rows"], group["subtotal"]]:
            cells = table[row["unit"]]
            assert Decimal(cells[2]) == Decimal(str(row["actual"]))
            assert cells[3] == (
                f"{Decimal(str(row['completion'])) * 100:.1f}%"
                if row["completion"] is not None
                else "—"
            )
    assert table["全市合计"][2] == "5900.00" and table["县区小计"][2] == "5900.00"
    assert table["乙县"][6] == "120.0%" and table["甲县"][6] == "—"
    assert table["经开区"][8] == "低于70%时序、无到位"
    assert any("黄牌警告线" in p for p in paragraphs)  # the legend


def test_config_settings(ledger):
    before = snapshot(ledger)
    fails("config", "set", "officer", "x")
    fails("config", "set", "doc_number", "某招〔{year}〕{day}号")
    fails("config", "set", "office", "   ")
    fails("config", "unset", "office")  # not set
    assert snapshot(ledger) == before
    zs("config", "set", "office", "某某县招商局")
    zs("config", "set", "office", "某某县招商引资工作领导小组办公室")
    listed = json.loads(zs("config", "list", "--format", "json").stdout)
    assert {row["key"]: row["value"] for row in listed if "." not in row["key"]} == {
        "office": "某某县招商引资工作领导小组办公室",
        "doc_number": None,
        "bulletin_number": None,
    }
    history = json.loads(zs("history", "--format", "json").stdout)
    changes = [h for h in history if h["action"] == "config.set"]
    assert changes[-1]["before"] == {"value": "某某县招商局"}  # the old value is kept in the trail
    zs("config", "unset", "office")
    assert json.loads(zs("config", "list", "--format", "json").stdout)[0]["value"] is None


def test_export_prints_landscape_with_money_to_the_fen(chinese, city, tmp_path):  # noqa: F811
    zs("config", "set", "office", "某某市招商办")
    path = tmp_path / "全市台账.xlsx"
    zs("export", "-o", str(path))
    workbook = openpyxl.load_workbook(path)
    projects, arrivals = workbook["项目"], workbook["到位资金"]
    for ws in (projects, arrivals):
        assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$1"
        assert ws.page_setup.fitToHeight == 0 and ws.oddFooter.left.text == "某某市招商办"
    headers = [c.value for c in arrivals[1]]
    amount = arrivals.cell(2, headers.index("到位金额(万元)") + 1)
    assert amount.number_format == "#,##0.00" and amount.value == 3000  # the exact value kept


@pytest.mark.parametrize("bad", ["r.xls", "r.docx"])
def test_report_files_need_their_suffix(city, tmp_path, bad):  # noqa: F811
    option = "--docx" if bad.endswith(".xls") else "--xlsx"
    fails("report", "--month", "4", option, str(tmp_path / bad))
    assert list(tmp_path.glob("r.*")) == []


def test_demo_reads_like_a_real_bulletin(tmp_path, monkeypatch):
    """On the demo city (ZS_TODAY 2026-11-23: January to October): every figure of the prose is
    the report's, the breakdowns add up, 同比 is plausible and project names sound real."""
    monkeypatch.chdir(tmp_path)
    zs("demo", "--db", "demo.db")
    data = json.loads(zs("report", "--db", "demo.db", "--month", "10", "-f", "json").stdout)
    paragraphs = prose_of(tmp_path / "demo.db", 10)
    assert_prose_from_data(paragraphs, data)
    assert paragraphs[0].startswith("1-10月份全市招商引资到位资金") and "四县一区" in paragraphs[2]
    assert -0.5 < data["total"]["yoy"] < 1.0  # a city's year, not 3776.7%
    total = Decimal(str(data["total"]["actual"]))
    for name in ("industry", "status"):
        rows = data["breakdowns"][name]
        assert Decimal(str(rows[-1]["arrived"])) == total
    leaves = [row for row in data["breakdowns"]["origin"] if row["level"] == 1]
    assert sum(Decimal(str(row["arrived"])) for row in leaves) == total
    listed = json.loads(zs("project", "list", "--db", "demo.db", "-f", "json").stdout)
    names = [project["name"] for project in listed]
    assert all(not re.search(r"项目\d", name) for name in names)
    assert any(name.startswith("年产") for name in names)
    path = tmp_path / "通报.docx"
    zs("report", "--db", "demo.db", "--month", "10", "--docx", str(path))
    assert Document(str(path)).paragraphs[0].text == "某某市招商引资工作领导小组办公室"


def test_a_ledger_with_no_projects_still_gets_its_workbook(ledger, tmp_path):
    """Shares of nothing show as — (they once crashed the breakdown sheets)."""
    path = tmp_path / "r.xlsx"
    zs("report", "--month", "4", "--year", "2026", "--xlsx", path)
    sheets = openpyxl.load_workbook(path).worksheets
    shown = [cell.value for sheet in sheets[1:] for row in sheet.iter_rows() for cell in row]
    assert "—" in shown


def test_a_stored_pattern_with_a_format_spec_fills_bare(city, tmp_path):  # noqa: F811
    """A pattern that got into the ledger before specs were refused (or by hand) cannot ask
    for a string of a hundred million characters: its fields are filled bare."""
    from helpers import sql

    zs("config", "set", "office", "某某市招商引资工作领导小组办公室")
    fails("config", "set", "doc_number", "〔{year}〕{month:>99999999}号")
    sql(
        city,
        "INSERT INTO setting (key, value, operator, set_at) VALUES"
        " ('doc_number', '〔{year!r:>99999999}〕{month:>99999999}号', 'x', '2026-11-01 00:00:00')",
    )
    path = tmp_path / "通报.docx"
    zs("report", "--month", "4", "--year", "2026", "--docx", str(path))
    assert Document(str(path)).paragraphs[1].text == "〔2026〕4号"
    assert path.stat().st_size < 100_000
