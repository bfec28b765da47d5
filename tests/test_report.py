"""The monthly report, checked against figures worked out by hand for a small city."""

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from helpers import built_once, fails, snapshot, sql, zs
from zhaoshang_cli.report.compute import Row, finish_row, rank_rows
from zhaoshang_cli.store.ledger import Ledger
from zhaoshang_cli.targets.setting import add_target
from zhaoshang_cli.units.tree import find_unit

WAN_FEN = 1_000_000


def set_target(
    path: Path,
    unit: str,
    wan: int,
    *,
    level: str = "must",
    metric: str = "funds",
    effective_from: date | None = None,
    year: int = 2026,
) -> None:
    ledger = Ledger(str(path))
    try:
        with ledger.write() as session:
            amount = wan * WAN_FEN if metric in ("funds", "fdi") else wan
            add_target(
                session,
                find_unit(session, unit),
                year,
                metric,
                amount,
                level=level,
                effective_from=effective_from,
            )
    finally:
        ledger.dispose()


@pytest.fixture
def city(ledger: Path, request: pytest.FixtureRequest) -> Path:
    """全市 → 甲县 (→ 城关镇), 乙县, 经开区, 市商务局, with the projects worked out below."""

    def build() -> None:
        zs("unit", "add", "城关镇", "--kind", "town", "--parent", "甲县")
        # P1 2026-0001: 城关镇 (so 甲县), 2亿, industrial, started in March.
        zs(
            "add-project",
            "--name",
            "新材料项目",
            "--unit",
            "城关镇",
            "--amount",
            "2亿",
            "--industrial",
            "--signed",
            "2026-02-01",
            "--contact",
            "张三 13800138000",
        )
        zs("project", "stage", "2026-0001", "started", "--date", "2026-03-01")
        zs("arrive", "2026-0001", "3000万", "--date", "2026-03-10")
        zs("arrive", "2026-0001", "1500万", "--date", "2026-04-30")
        zs("arrive", "2026-0001", "999万", "--date", "2026-05-02")
        zs("arrive", "2026-0001", "200万", "--date", "2026-04-05")  # arrival 4, reversed below
        zs("arrival", "reverse", "4", "--reason", "重复录入")
        # P2 2025-0001: 乙县, carried over from 2025.
        zs(
            "add-project",
            "--name",
            "食品项目",
            "--unit",
            "乙县",
            "--amount",
            "3000万",
            "--signed",
            "2025-01-10",
        )
        zs("project", "stage", "2025-0001", "started", "--date", "2025-06-01")
        zs("arrive", "2025-0001", "500万", "--date", "2025-04-10")
        zs("arrive", "2025-0001", "700万", "--date", "2025-06-01")
        zs("arrive", "2025-0001", "800万", "--date", "2026-03-01")
        # P3 2026-0002: a local investor: not 招商引资, left out everywhere.
        zs(
            "add-project",
            "--name",
            "本地项目",
            "--unit",
            "经开区",
            "--amount",
            "5000万",
            "--signed",
            "2026-03-01",
            "--origin",
            "local",
        )
        zs("arrive", "2026-0002", "1000万", "--date", "2026-04-01")
        # P4 2026-0003: brought in jointly by 甲县 and 乙县: each is credited half.
        zs(
            "add-project",
            "--name",
            '=HYPERLINK("http://x")',
            "--unit",
            "甲县",
            "--unit",
            "乙县",
            "--amount",
            "1000万",
            "--signed",
            "2026-04-15",
        )
        zs("arrive", "2026-0003", "600万", "--date", "2026-04-20")
        for unit, wan in (
            ("全市", 20000),
            ("甲县", 6000),
            ("乙县", 4000),
            ("经开区", 3000),
            ("市商务局", 1000),
        ):
            set_target(ledger, unit, wan)
        set_target(ledger, "甲县", 7000, level="strive")
        set_target(ledger, "乙县", 5000, effective_from=date(2026, 5, 1))  # 年中调整

    return built_once(request, ledger, "report.city", build)


def report_json(*args: str) -> dict:
    return json.loads(zs("report", "--year", "2026", "--format", "json", *args).stdout)


def rows_by_unit(data: dict) -> dict[str, dict]:
    return {row["unit"]: row for group in data["groups"] for row in group["rows"]}


def test_completion_figures_by_hand(city):
    data = report_json("--month", "4")
    assert data["year"] == 2026 and data["month"] == 4 and data["metric"] == "funds"
    assert data["time_progress"] == pytest.approx(0.333333)
    rows = rows_by_unit(data)
    jia, yi = rows["甲县"], rows["乙县"]
    # 甲县: 3000 + 1500 (the 200 was reversed) + half of 600; 999 arrived in May.
    assert (jia["target"], jia["strive"], jia["actual"]) == (6000, 7000, 4800)
    assert jia["completion"] == 0.8 and jia["progress_ratio"] == 2.4
    assert jia["yoy"] is None and jia["last_year"] == 0  # nothing to compare with: no ÷0
    assert jia["rank"] == 1 and jia["flags"] == []
    # 乙县: 800 + half of 600 = 1100 against 4000; last Jan–Apr: 500 → 同比 +120%.
    assert (yi["target"], yi["actual"], yi["last_year"]) == (4000, 1100, 500)
    assert yi["completion"] == 0.275 and yi["yoy"] == 1.2 and yi["rank"] == 2
    assert yi["flags"] == ["behind_schedule"]  # 0.275 < 1/3 but above 70% of it
    zone = rows["经开区"]  # only a local investor's money: not counted
    assert zone["actual"] == 0
    assert zone["flags"] == ["behind_schedule", "far_behind", "nothing_arrived"]
    counties = data["groups"][0]
    assert [g["kind"] for g in data["groups"]] == ["county", "zone", "department"]
    assert counties["subtotal"]["target"] == 10000 and counties["subtotal"]["actual"] == 5900
    assert counties["subtotal"]["yoy"] == 10.8
    total = data["total"]
    assert (total["target"], total["actual"], total["last_year"]) == (20000, 5900, 500)
    assert total["completion"] == 0.295


def test_project_side_and_rates_by_hand(city):
    data = report_json("--month", "4")
    projects, rates = data["projects"], data["rates"]
    assert projects["introduced"] == {"count": 2, "contract": 21000}  # P1 and P4, not local P3
    assert projects["major_signed"] == {"count": 1, "contract": 20000}
    assert projects["new_started"] == {"count": 1, "contract": 20000, "arrived": 4500}
    assert projects["carried_over"] == {"count": 1, "contract": 3000, "arrived": 800}
    assert projects["industrial"]["count"] == 1
    assert projects["industrial"]["share_of_projects"] == 0.5
    assert projects["industrial"]["share_of_arrived"] == pytest.approx(4500 / 5900, abs=1e-6)
    assert rates["signed"] == 2 and rates["performance_rate"] == 1  # P1 started, P4 has money
    assert rates["start_rate"] == 0.5 and rates["production_rate"] == 0
    assert rates["funds_rate"] == pytest.approx(5100 / 21000, abs=1e-6)


def test_reallocated_target_applies_from_its_date(city):
    april = rows_by_unit(report_json("--month", "4"))["乙县"]
    may = rows_by_unit(report_json("--month", "5"))["乙县"]
    assert april["target"] == 4000 and may["target"] == 5000
    assert rows_by_unit(report_json("--month", "5"))["甲县"]["actual"] == 4800 + 999


def test_threshold_is_configurable(city):
    assert "far_behind" not in rows_by_unit(report_json("--month", "4"))["乙县"]["flags"]
    rows = rows_by_unit(report_json("--month", "4", "--threshold", "90%"))
    assert "far_behind" in rows["乙县"]["flags"]  # 0.275 < 0.9 × 1/3


def test_equal_completion_shares_a_rank():
    rows = [
        Row(
            unit=str(i),
            kind="county",
            target=Decimal(10),
            strive=None,
            actual=Decimal(a),
            last_year=Decimal(0),
        )
        for i, a in enumerate([5, 3, 3, 1])
    ]
    for row in rows:
        finish_row(row, Decimal(1) / 3, Decimal("0.7"))
    rank_rows(rows)
    assert [row.rank for row in rows] == [1, 2, 2, 4]


def test_one_level_down(city):
    data = report_json("--month", "4", "--unit", "甲县")
    rows = rows_by_unit(data)
    assert list(rows) == ["城关镇"] and rows["城关镇"]["actual"] == 4500
    assert data["total"]["unit"] == "甲县合计" and data["total"]["actual"] == 4800


def test_other_metrics(city):
    data = report_json("--month", "4", "--metric", "projects")
    rows = rows_by_unit(data)
    # P4 is shared by 甲县 and 乙县: one project in each row, and once in the subtotal.
    assert rows["甲县"]["actual"] == 2 and rows["乙县"]["actual"] == 1
    assert data["groups"][0]["subtotal"]["actual"] == 2 and data["total"]["actual"] == 2
    major = report_json("--month", "4", "--metric", "major")
    assert major["total"]["actual"] == 1


def test_as_of_reproduces_an_earlier_day(city):
    sql(city, "UPDATE arrival SET entered_at = '2026-04-06 09:00:00.000000' WHERE id = 4")
    sql(city, "UPDATE project SET created_at = '2026-02-01 09:00:00.000000' WHERE id = 1")
    # On 10 April the 200万 was in the ledger; the reversal came later (entered today).
    then = report_json("--month", "4", "--as-of", "2026-04-10")
    assert rows_by_unit(then)["甲县"]["actual"] == 200
    assert rows_by_unit(report_json("--month", "4"))["甲县"]["actual"] == 4800


def test_outputs_agree(chinese, city, tmp_path):
    data = report_json("--month", "4")
    table = zs("report", "--month", "4", "--year", "2026").stdout
    assert "2026年1-4月全市招商引资完成情况通报" in table
    assert "5900.00" in table and "29.5%" in table and "时序进度 33.3%" in table
    assert "\x1b[" not in table  # no colour codes when not a terminal
    rows = list(
        csv.DictReader(
            io.StringIO(zs("report", "--month", "4", "--year", "2026", "--format", "csv").stdout)
        )
    )
    total = next(row for row in rows if row["row_type"] == "total")
    assert Decimal(total["actual"]) == data["total"]["actual"]
    assert Decimal(total["completion"]) == Decimal(str(data["total"]["completion"]))
    path = tmp_path / "通报.xlsx"
    zs("report", "--month", "4", "--year", "2026", "--xlsx", str(path))
    with_file = zs(
        "report",
        "--month",
        "4",
        "--year",
        "2026",
        "--format",
        "json",
        "--xlsx",
        str(tmp_path / "again.xlsx"),
    ).stdout
    assert json.loads(with_file) == data  # the file adds sheets, never changes the JSON
    ws = openpyxl.load_workbook(path)["完成情况"]
    cells = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    assert ws.cell(cells["全市合计"], 4).value == 5900
    assert ws.cell(cells["  乙县"], 5).value == pytest.approx(0.275)


def test_yuan_scale(chinese, city):
    out = zs("report", "--month", "4", "--year", "2026", "--yuan", "亿").stdout
    assert "单位: 亿元" in out and "0.59" in out
    fails("report", "--month", "4", "--yuan", "千")


def test_excel_file(chinese, city, tmp_path):
    path = tmp_path / "2026年1-4月招商引资通报.xlsx"
    zs("report", "--month", "4", "--year", "2026", "--xlsx", str(path))
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp left
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [
        "完成情况",
        "完成图",
        "通报正文",
        "按资金来源",
        "按产业",
        "按项目规模",
        "按项目建设状态",
        "新签约项目",
        "新开工项目",
        "结转续建项目",
        "亿元以上项目",
        "履约情况",
    ]
    ws = wb["完成情况"]
    assert ws["A1"].value == "2026年1-4月全市招商引资完成情况通报"
    assert ws["A2"].value.startswith("统计期间:2026年1月1日至4月30日    单位:万元")
    assert ws.freeze_panes == "B4"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    rows = {ws.cell(r, 1).value: r for r in range(4, ws.max_row + 1)}
    yi, zone, jia = rows["  乙县"], rows["  经开区"], rows["  甲县"]
    assert ws.cell(yi, 4).number_format == "#,##0.00"
    assert ws.cell(yi, 5).number_format == "0.0%"
    assert ws.cell(yi, 5).fill.fgColor.rgb.endswith("FFEB9C")  # behind 时序进度
    assert ws.cell(zone, 5).fill.fgColor.rgb.endswith("FFC7CE")  # below 70% of it
    assert ws.cell(jia, 5).fill.fill_type is None  # ahead: not highlighted
    assert ws.cell(rows["县区小计"], 4).value == 5900
    assert ws.cell(jia, 8).value == "—"  # no 同比 without last year's figure, never a blank
    assert (ws.cell(yi, 9).value, ws.cell(yi, 10).value) == (2, "滞后时序")  # 位次 | 提示
    legend = [ws.cell(r, 2).value for r in range(rows["全市合计"] + 1, ws.max_row + 1)]
    assert any("黄牌警告线" in str(text) for text in legend)
    signed = wb["新签约项目"]
    names = [signed.cell(r, 2) for r in range(4, signed.max_row + 1)]
    formula_like = next(c for c in names if str(c.value).startswith("="))
    assert formula_like.data_type == "s"  # stored as text, never a formula
    for sheet in wb.worksheets:
        for row in sheet.iter_rows(values_only=True):
            assert not any("13800138000" in str(v) for v in row if v)  # no contacts


def test_excel_to_missing_folder_fails_cleanly(city, tmp_path):
    before = snapshot(city)
    fails("report", "--month", "4", "--xlsx", str(tmp_path / "nope" / "r.xlsx"))
    assert snapshot(city) == before


def test_bad_report_input(city):
    fails("report", "--month", "4", "--metric", "money")
    fails("report", "--month", "4", "--unit", "丙县")
    fails("report", "--month", "4", "--threshold", "abc")
    zs("report", "--month", "13", code=2)


@pytest.mark.sqlite_only  # on PostgreSQL: test_postgres.py builds the demo in a database
def test_demo_builds_and_reports(chinese, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = zs("demo", "--db", "demo.db").stdout
    assert "2026年1-10月全市招商引资完成情况通报" in out  # ZS_TODAY is 2026-11-23
    first = json.loads(zs("report", "--db", "demo.db", "--month", "10", "--format", "json").stdout)
    assert len(first["groups"]) == 3 and len(first["groups"][0]["rows"]) == 5
    assert len(first["groups"][1]["rows"]) == 3 and len(first["groups"][2]["rows"]) == 12
    zs("demo", "--db", "demo.db")  # a demo ledger may be rebuilt, with the same figures
    again = json.loads(zs("report", "--db", "demo.db", "--month", "10", "--format", "json").stdout)
    assert again == first
    Path("real.db").write_text("not a demo")
    fails("demo", "--db", "real.db")
    assert Path("real.db").read_text() == "not a demo"


def test_follow_through_for_one_occasion(city):
    zs(
        "add-project",
        "--name",
        "洽谈会项目",
        "--unit",
        "乙县",
        "--amount",
        "2000万",
        "--signed",
        "2025-09-01",
        "--occasion",
        "投洽会",
    )
    zs("project", "stage", "2025-0002", "started", "--date", "2025-10-01")
    zs(
        "add-project",
        "--name",
        "洽谈会项目二",
        "--unit",
        "甲县",
        "--amount",
        "1000万",
        "--signed",
        "2026-03-05",
        "--occasion",
        "投洽会",
    )
    zs("arrive", "2025-0002", "500万", "--date", "2026-02-01")
    rates = report_json("--month", "4", "--occasion", "投洽会")["rates"]
    # The fair's cohort, whatever the year: 2 signed, 1 started, 500 of 3000 arrived.
    assert rates["cohort"] == "投洽会" and rates["signed"] == 2
    assert rates["start_rate"] == 0.5 and rates["performance_rate"] == 0.5
    assert rates["funds_rate"] == pytest.approx(500 / 3000, abs=1e-6)


@pytest.mark.parametrize(
    ("limit", "signed", "major"),
    [
        (10, ["3亿", "2亿", "1亿", "0.5亿"], ["3亿", "2亿", "1亿"]),  # 1亿 itself is 亿元以上
        (2, ["3亿", "2亿"], ["3亿", "2亿"]),  # both lists cut at the limit
    ],
)
def test_the_lists_largest_first_and_the_major_list_is_the_signed_lists_own(
    ledger: Path, limit: int, signed: list[str], major: list[str]
) -> None:
    """亿元以上 is not queried apart: its rows are the signed list's rows of 1亿 and more."""
    from zhaoshang_cli.core.periods import Period
    from zhaoshang_cli.report.lists import project_lists

    for name, amount, day in [("甲", "0.5亿", "2026-02-01"), ("乙", "2亿", "2026-03-01"),
                              ("丙", "1亿", "2026-04-01"), ("丁", "3亿", "2026-01-09"),
                              ("戊", "9亿", "2025-12-30")]:  # fmt: skip
        zs("add-project", "--name", name, "--unit", "甲县", "--amount", amount, "--signed", day)
    ledger_ = Ledger.open(str(ledger))
    with ledger_.read() as session:
        city_id = find_unit(session, "全市").id
        lists = project_lists(session, city_id, Period(date(2026, 1, 1), date(2026, 4, 30)), None,
                              limit=limit)  # fmt: skip
    ledger_.dispose()
    names = {"甲": "0.5亿", "乙": "2亿", "丙": "1亿", "丁": "3亿", "戊": "9亿"}
    assert [names[row["name"]] for row in lists["signed"]] == signed
    assert [names[row["name"]] for row in lists["major"]] == major
    assert [row["contract"] for row in lists["major"]] == [
        Decimal(amount.removesuffix("亿")) * 10000 for amount in major
    ]
