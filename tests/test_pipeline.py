"""zs pipeline and the periods every watch command takes: counts, conversion and median days
worked out by hand, a joint project counted once per unit and once in the total, a quarter
and a campaign period with their 时序进度."""

import json

import pytest

from helpers import built_once, fails, snapshot, zs
from test_report import set_target
from test_warn import lead, project


@pytest.fixture
def flow(ledger, monkeypatch, request: pytest.FixtureRequest):
    """甲县: L1 lead 1 Feb → signed 3 Mar (30 days); L2 lead 1 Mar → 在谈 1 Apr; L3 lead 1 Apr →
    signed 10 Jun (70 days); L4 lead 1 Dec 2025 → signed 10 Feb (71 days); L5 lead 1 Oct, still
    a lead; P1 signed 1 May without a lead. 乙县: L6 lead 5 Jan → signed 15 Jan (10 days); L7 lead
    1 Feb → signed 21 Feb (20 days). L8, a lead of 1 May, credited to both."""

    def build() -> None:
        zs("unit", "add", "张三", "--kind", "person", "--parent", "市商务局")
        zs("unit", "add", "李四", "--kind", "person", "--parent", "市商务局")
        for code, unit, entered in (
            ("L1", "甲县", "2026-02-01"),
            ("L2", "甲县", "2026-03-01"),
            ("L3", "甲县", "2026-04-01"),
            ("L4", "甲县", "2025-12-01"),
            ("L5", "甲县", "2026-10-01"),
            ("L6", "乙县", "2026-01-05"),
            ("L7", "乙县", "2026-02-01"),
            ("Z1", "张三", "2026-03-01"),
            ("Z2", "李四", "2026-03-02"),
        ):
            lead(monkeypatch, code, unit, entered)
        lead(monkeypatch, "L8", "甲县", "2026-05-01", "--unit", "乙县")
        for code, signed in (
            ("L1", "2026-03-03"),
            ("L3", "2026-06-10"),
            ("L4", "2026-02-10"),
            ("L6", "2026-01-15"),
            ("L7", "2026-02-21"),
        ):
            zs("project", "stage", code, "signed", "--date", signed)
        zs("project", "stage", "L2", "negotiating", "--date", "2026-04-01")
        project("P1", "甲县", "--amount", "1000万", "--signed", "2026-05-01")
        set_target(ledger, "甲县", 10, metric="leads")
        set_target(ledger, "李四", 1, metric="leads")

    return built_once(request, ledger, "pipeline.flow", build)


def rows(*args: str) -> dict[str, dict]:
    data = json.loads(zs("pipeline", "--format", "json", *args).stdout)
    return {row["unit"]: row for row in data["rows"]}


def test_pipeline_counts_conversion_and_median(flow):
    found = rows("--year", "2026")
    jia, yi, city = found["甲县"], found["乙县"], found["全市"]
    # Leads entered in 2026: L1, L2, L3, L5, L8; signed by today: L1, L3.
    assert (jia["leads"], jia["converted"], jia["conversion"]) == (5, 2, 0.4)
    assert (jia["open_lead"], jia["open_negotiating"], jia["open_signed"]) == (2, 1, 4)
    assert jia["signed"] == 4  # L1, L3, L4, P1 (a project counts as signed whatever its path)
    assert jia["median_days"] == 70  # of 30, 70, 71
    assert (jia["leads_target"], jia["leads_completion"]) == (10, 0.5)
    assert (yi["leads"], yi["converted"], yi["median_days"]) == (3, 2, 15)  # mean of 10 and 20
    assert yi["open_lead"] == 1  # L8, shared
    # L8 counts once in each unit's row and once in the total.
    assert (city["leads"], city["open_lead"], city["signed"]) == (9, 4, 6)
    assert city["median_days"] == 30  # of 10, 20, 30, 70, 71
    assert city["kind"] == "total"


def test_pipeline_in_a_quarter_and_a_campaign(flow):
    q1 = rows("--quarter", "1", "--year", "2026")
    # On 31 March: L2 still a lead (在谈 from 1 April), L3 not entered; L4 was entered in 2025.
    assert (q1["甲县"]["leads"], q1["甲县"]["open_lead"], q1["甲县"]["open_negotiating"]) == (
        2,
        1,
        0,
    )
    assert q1["甲县"]["signed"] == 2 and q1["甲县"]["median_days"] == 50.5  # 30 and 71
    campaign = json.loads(
        zs("pipeline", "--from", "2026-04-01", "--to", "2026-06-30", "-f", "json").stdout
    )
    assert campaign["period"] == {"start": "2026-04-01", "end": "2026-06-30"}
    assert campaign["day"] == "2026-06-30"
    jia = next(row for row in campaign["rows"] if row["unit"] == "甲县")
    assert (jia["leads"], jia["signed"], jia["median_days"]) == (2, 2, 70)  # L3, L8; L3, P1


def test_pipeline_per_person_against_the_quota(flow):
    people = rows("--by", "person")
    assert people["张三"]["leads"] == 1 and people["张三"]["leads_target"] == 2
    assert people["张三"]["met"] is False and people["张三"]["target_set"] is False
    assert people["李四"]["leads_target"] == 1 and people["李四"]["met"] is True
    zs("config", "set", "warn.leads_per_person", "1")
    assert rows("--by", "person")["张三"]["met"] is True
    table = zs("pipeline", "--by", "person").stdout
    assert "每人必须提供2条以上有价值招商引资信息" in table
    assert json.loads(zs("report", "--pipeline", "-f", "json").stdout)["by"] == "unit"


def test_periods_are_checked(flow):
    before = snapshot(flow)
    fails("pipeline", "--month", "4", "--quarter", "2")
    fails("pipeline", "--from", "2026-04-01")
    fails("pipeline", "--from", "2026-05-01", "--to", "2026-04-01")
    fails("pipeline", "--from", "2025-12-01", "--to", "2026-01-31")
    fails("pipeline", "--year", "2026", "--from", "2026-04-01", "--to", "2026-04-10")
    fails("pipeline", "--by", "town")
    zs("pipeline", "--quarter", "5", code=2)
    assert snapshot(flow) == before


def test_report_over_a_quarter_and_a_campaign(flow, monkeypatch):
    zs("arrive", "P1", "250万", "--date", "2026-05-10")
    set_target(flow, "甲县", 1000)
    q2 = json.loads(zs("report", "--quarter", "2", "--year", "2026", "-f", "json").stdout)
    assert q2["period"] == {"start": "2026-04-01", "end": "2026-06-30"}
    assert q2["time_progress"] == 0.25  # a quarter alone: 3/12, not 6/12
    assert q2["time_progress_basis"] == {"basis": "months", "months": 3}
    jia = next(r for r in q2["groups"][0]["rows"] if r["unit"] == "甲县")
    assert (jia["completion"], jia["progress_ratio"]) == (0.25, 1)
    table = zs("report", "--quarter", "2", "--year", "2026").stdout
    assert "全市: completion of investment promotion, April–June 2026" in table
    assert "时序进度 25.0% = 3 months ÷ 12." in table
    run = json.loads(
        zs("report", "--from", "2026-07-20", "--to", "2026-10-31", "-f", "json").stdout
    )
    assert run["time_progress_basis"] == {"basis": "days", "days": 104, "days_in_year": 365}
    campaign = zs("report", "--from", "2026-07-20", "--to", "2026-10-31").stdout
    assert "20 July to 31 October 2026" in campaign
    monkeypatch.setenv("ZS_LANG", "zh")
    assert "2026年4-6月全市招商引资完成情况通报" in zs("report", "--quarter", "2").stdout
    campaign = zs("report", "--from", "2026-07-20", "--to", "2026-10-31").stdout
    assert "2026年7月20日至10月31日全市招商引资完成情况通报" in campaign
    fails("report", "--month", "4", "--quarter", "2")
    fails("report", "--flagged", "--docx", "x.docx")


def test_pipeline_and_occasion_workbooks(flow, tmp_path):
    import openpyxl

    zs("pipeline", "--year", "2026", "--xlsx", str(tmp_path / "线索.xlsx"))
    sheet = openpyxl.load_workbook(tmp_path / "线索.xlsx").active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[2][:3] == ["Unit", "Kind", "Leads in hand"]
    total = next(row for row in cells if row[0] == "全市")
    assert total[cells[2].index("Leads entered")] == 9
    assert sheet.cell(cells.index(total) + 1, 1).font.b  # the total in bold
    assert any(row[0] and row[0].startswith("时序进度") for row in cells)
    zs("project", "stage", "L1", "started", "--date", "2026-04-01")
    workbook = tmp_path / "活动.xlsx"
    zs("add-project", "--code", "O1", "--name", "会上签约", "--unit", "甲县", "--signed",
       "2026-05-20", "--occasion", "投洽会2026")  # fmt: skip
    zs("occasion", "--occasion", "投洽会2026", "--xlsx", str(workbook))
    book = openpyxl.load_workbook(workbook)
    assert book.sheetnames == ["Occasions", "Unfulfilled", "Not started", "Not producing"]
    assert [c.value for c in book["Unfulfilled"][4]][:2] == ["O1", "会上签约"]
