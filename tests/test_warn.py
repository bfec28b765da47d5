"""zs warn: each rule with a project just inside and one just outside its threshold, the
filters, the thresholds as ledger settings, the yellow-card list and the 包保领导 table.

Today is 2026-11-23 (conftest)."""

import csv
import io
import json
from datetime import date, timedelta

import pytest

from helpers import built_once, fails, snapshot, zs
from test_report import set_target

TODAY = date(2026, 11, 23)


def ago(days: int) -> str:
    return (TODAY - timedelta(days=days)).isoformat()


def project(code: str, unit: str, *args: str) -> None:
    zs("add-project", "--code", code, "--name", f"项目{code}", "--unit", unit, *args)


def lead(monkeypatch: pytest.MonkeyPatch, code: str, unit: str, entered: str, *args: str) -> None:
    """A lead entered on a past day (the clerk typed it in then)."""
    monkeypatch.setenv("ZS_TODAY", entered)
    project(code, unit, "--stage", "lead", *args)
    monkeypatch.setenv("ZS_TODAY", TODAY.isoformat())


@pytest.fixture
def chased(ledger, monkeypatch, request: pytest.FixtureRequest):
    def build() -> None:
        # signed_not_started (90d): S1 signed 90 days ago is due today; S2, 89 days ago, is not.
        project("S1", "甲县", "--amount", "1000万", "--signed", ago(90), "--leader", "王县长")
        project("S2", "甲县", "--amount", "1000万", "--signed", ago(89), "--leader", "王县长")
        # started_no_money (90d): M1 started 90 days ago with nothing arrived; M2 89 days ago;
        # M3 long ago but money arrived.
        for code, started in (("M1", 90), ("M2", 89), ("M3", 200)):
            project(code, "乙县", "--amount", "1000万", "--signed", ago(250))
            zs("project", "stage", code, "started", "--date", ago(started))
        zs("arrive", "M3", "500万", "--date", ago(100))
        # low_funds (12m, 30%): F1 signed 12 months ago with 29.9% in; F2 a day short of 12
        # months with 10%; F3 12 months with exactly 30%. All started, so only this rule applies.
        for code, signed, money in (
            ("F1", "2025-11-23", "299万"),
            ("F2", "2025-11-24", "100万"),
            ("F3", "2025-11-23", "300万"),
        ):
            project(code, "经开区", "--amount", "1000万", "--signed", signed, "--leader", "李局长")
            zs("project", "stage", code, "started", "--date", "2025-12-20")
            zs("arrive", code, money, "--date", "2026-01-05")
        # stalled (60d): L1 a lead entered 60 days ago; L2 59 days ago; N1 a lead moved to 在谈
        # 60 days ago (its last move is what counts).
        lead(monkeypatch, "L1", "甲县", ago(60))
        lead(monkeypatch, "L2", "甲县", ago(59))
        lead(monkeypatch, "N1", "乙县", ago(200))
        zs("project", "stage", "N1", "negotiating", "--date", ago(60))
        # no_amount: signed yesterday without a contract amount (also signed_not_started? no:
        # one day is not 90).
        project("A1", "市商务局", "--signed", ago(1))
        # Never chased: terminated, or a local investor's.
        project("T1", "甲县", "--amount", "1000万", "--signed", ago(300))
        zs("project", "stage", "T1", "terminated", "--date", ago(10), "--reason", "投资方撤资")
        project("X1", "甲县", "--amount", "1000万", "--signed", ago(300), "--origin", "local")

    return built_once(request, ledger, "warn.chased", build)


def listed(*args: str) -> dict[str, list[str]]:
    data = json.loads(zs("warn", "--format", "json", *args).stdout)
    found: dict[str, list[str]] = {}
    for row in data["rows"]:
        found.setdefault(row["rule"], []).append(row["code"])
    return found


def test_each_rule_lists_just_inside_and_not_just_outside(chased):
    assert listed() == {
        "signed_not_started": ["S1"],
        "started_no_money": ["M1"],
        "low_funds": ["F1"],
        "stalled": ["L1", "N1"],  # both clocks 60 days back: by code
        "no_amount": ["A1"],
    }
    data = json.loads(zs("warn", "--format", "json").stdout)
    assert data["day"] == "2026-11-23"
    rules = {rule["rule"]: rule for rule in data["rules"]}
    assert rules["low_funds"]["settings"] == ["warn.low_funds_after", "warn.low_funds_share"]
    assert rules["low_funds"]["threshold"] == "12m, 30%" and rules["stalled"]["count"] == 2
    s1 = next(row for row in data["rows"] if row["code"] == "S1")
    assert s1 == {
        "rule": "signed_not_started",
        "code": "S1",
        "name": "项目S1",
        "units": "甲县",
        "leader": "王县长",
        "stage": "signed",
        "clock": ago(90),
        "due_on": "2026-11-23",
        "days": 90,
        "contract_wan": 1000,
        "arrived_wan": 0,
        "arrived_share": 0,
    }
    f1 = next(row for row in data["rows"] if row["code"] == "F1")
    assert (f1["due_on"], f1["days"], f1["arrived_share"]) == ("2026-11-23", 365, 0.299)
    n1 = next(row for row in data["rows"] if row["code"] == "N1")
    assert (n1["stage"], n1["clock"], n1["days"]) == ("negotiating", ago(60), 60)


def test_thresholds_are_ledger_settings(chased):
    before = snapshot(chased)
    fails("config", "set", "warn.signed_not_started", "soon")
    fails("config", "set", "warn.low_funds_share", "130%")
    fails("config", "set", "warn.low_funds_share", "33.333%")
    fails("config", "set", "warn.yellow_card", "0")
    fails("config", "set", "warn.leads_per_person", "2.5")
    assert snapshot(chased) == before
    assert zs("config", "set", "warn.signed_not_started", "89天").stdout.strip() == (
        "warn.signed_not_started = 89d"
    )
    zs("config", "set", "warn.low_funds_share", "0.31")  # stored as 31%
    zs("config", "set", "warn.stalled", "2m")  # two calendar months: 23 September
    found = listed()
    assert found["signed_not_started"] == ["S1", "S2"]
    assert found["low_funds"] == ["F1", "F3"]
    assert "stalled" not in found  # 60 days ago is 24 September, after the 23rd
    settings = {row["key"]: row for row in json.loads(zs("config", "list", "-f", "json").stdout)}
    assert settings["warn.low_funds_share"]["value"] == "31%"
    assert settings["warn.started_no_money"]["value"] is None
    assert settings["warn.started_no_money"]["default"] == "90d"


def test_filters_by_unit_leader_rule_and_day(chased):
    assert listed("--unit", "甲县") == {"signed_not_started": ["S1"], "stalled": ["L1"]}
    assert listed("--leader", "李局长") == {"low_funds": ["F1"]}
    assert listed("--rule", "no_amount", "--rule", "签约未开工") == {
        "signed_not_started": ["S1"],
        "no_amount": ["A1"],
    }
    # At the end of June: S1 (signed 25 August) was not signed yet; M3's money came in August,
    # so on 30 June it had been started 55 days — not 90.
    june = listed("--month", "6", "--year", "2026")
    assert "S1" not in june.get("signed_not_started", [])
    assert "M3" not in june.get("started_no_money", [])
    fails("warn", "--leader", "赵书记")  # a name no project has: a typo, not an empty list
    fails("warn", "--rule", "late")
    fails("warn", "--unit", "丙县")


def test_table_csv_and_excel_state_the_rules(chased, tmp_path):
    table = zs("warn", "--wide").stdout
    assert "督查清单: projects to chase on 2026-11-23" in table
    assert "signed_not_started (1): signed, not started 90 days after signing" in table
    assert "[warn.low_funds_after, warn.low_funds_share]" in table
    rows = list(csv.DictReader(io.StringIO(zs("warn", "--format", "csv").stdout)))
    assert [row["code"] for row in rows] == ["S1", "M1", "F1", "L1", "N1", "A1"]
    assert rows[2]["arrived_share"] == "0.299" and rows[0]["contract_wan"] == "1000"
    import openpyxl

    path = tmp_path / "督查清单.xlsx"
    zs("warn", "--xlsx", str(path))
    sheet = openpyxl.load_workbook(path)["To chase"]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[2][:3] == ["Rule", "Code", "Project"]
    assert cells[3][:2] == ["signed_not_started", "S1"]
    assert any(row[0] and "90 days after signing" in row[0] for row in cells[10:])


def test_chinese_rule_names(chased, monkeypatch):
    monkeypatch.setenv("ZS_LANG", "zh_CN")
    table = zs("warn", "--wide").stdout
    assert "签约未开工" in table and "督查清单" in table and "签约后90天仍未开工" in table


def test_yellow_card_list(ledger):
    """Half a year gone (时序进度 6/12): 甲县 at 68% of 时序进度 is below 70%, 乙县 at exactly
    70% is not; 经开区 has no target, no money and no signing: no result; 市商务局 has no
    money but signed a project, so it has a result."""
    for unit in ("甲县", "乙县"):
        set_target(ledger, unit, 1000)
    project("J1", "甲县", "--amount", "1000万", "--signed", "2026-02-01")
    project("Y1", "乙县", "--amount", "1000万", "--signed", "2026-02-01")
    project("D1", "市商务局", "--amount", "100万", "--signed", "2026-03-01")
    zs("arrive", "J1", "340万", "--date", "2026-05-01")
    zs("arrive", "Y1", "350万", "--date", "2026-05-01")
    data = json.loads(zs("warn", "--units", "--month", "6", "-f", "json").stdout)
    assert data["time_progress"] == 0.5
    assert data["time_progress_basis"] == {"basis": "months", "months": 6}
    assert [(r["unit"], r["yellow_card"], r["no_result"]) for r in data["rows"]] == [
        ("甲县", True, False),
        ("经开区", False, True),
    ]
    assert data["rows"][0]["progress_ratio"] == 0.68 and data["year_end"] is False
    same = json.loads(zs("report", "--month", "6", "--flagged", "-f", "json").stdout)
    assert same["rows"] == data["rows"]
    zs("config", "set", "warn.yellow_card", "60%")
    lower = json.loads(zs("report", "--month", "6", "--flagged", "-f", "json").stdout)
    assert [row["unit"] for row in lower["rows"]] == ["经开区"]
    # The report's own flags follow the same line.
    report = json.loads(zs("report", "--month", "6", "-f", "json").stdout)
    assert report["threshold"] == 0.6
    assert (
        zs("warn", "--units", "--threshold", "70%", "--month", "12").stdout.count("黄牌 list") == 1
    )


def test_per_leader_totals(ledger):
    project("W1", "甲县", "--amount", "1亿", "--signed", "2026-02-01", "--leader", "王县长")
    zs("project", "stage", "W1", "started", "--date", "2026-03-01")
    zs("arrive", "W1", "100万", "--date", "2026-04-01")
    project("W2", "乙县", "--amount", "2000万", "--signed", "2026-10-01", "--leader", "王县长")
    project("L1", "经开区", "--amount", "500万", "--signed", "2025-06-01", "--leader", "李局长")
    zs("arrive", "L1", "50万", "--date", "2025-07-01")  # last year: not in 2026's money
    project("N1", "市商务局", "--amount", "300万", "--signed", "2026-05-01")
    zs("arrive", "N1", "30万", "--date", "2026-06-01")
    zs("activity", "add", "甲县", "--date", "2026-04-10", "--trip-days", "3", "--leader", "王县长")
    zs("activity", "add", "乙县", "--date", "2026-05-10", "--visits", "4", "--leader", "赵主任")
    data = json.loads(zs("warn", "--by", "leader", "-f", "json").stdout)
    rows = {row["leader"]: row for row in data["rows"] if row["row"] == "leader"}
    assert rows["王县长"] == {
        "row": "leader",
        "leader": "王县长",
        "projects": 2,
        "signed": 2,
        "started": 1,
        "chased": 0,
        "arrived_wan": 100,
        "trip_days": 3,
        "visits": 0,
    }
    # 李局长's project: signed in 2025, not started after 90 days; its money was last year.
    li = rows["李局长"]
    assert (li["projects"], li["signed"], li["chased"]) == (1, 0, 1)
    assert rows["李局长"]["arrived_wan"] == 0
    assert rows[None]["arrived_wan"] == 30 and rows[None]["chased"] == 1  # N1, not started
    assert rows["赵主任"]["visits"] == 4 and rows["赵主任"]["projects"] == 0  # effort only
    total = data["rows"][-1]
    assert total["row"] == "total" and total["projects"] == 4 and total["arrived_wan"] == 130
    assert total["chased"] == 2 and total["trip_days"] == 3 and total["visits"] == 4
    # The same table from the report, at the end of September: W2 (signed 1 October) is not
    # in hand yet.
    september = json.loads(zs("report", "--by", "leader", "--month", "9", "-f", "json").stdout)
    by_leader = {row["leader"]: row for row in september["rows"] if row["row"] == "leader"}
    assert by_leader["王县长"]["projects"] == 1 and september["rows"][-1]["projects"] == 3
    assert september["day"] == "2026-09-30"


def test_a_voided_project_is_never_chased_nor_counted(chased):
    """作废: entered by mistake, so it leaves the 督查清单, the pipeline and the leader table."""
    from test_pipeline import rows

    pipeline = rows("--year", "2026")["甲县"]
    leaders = json.loads(zs("warn", "--by", "leader", "-f", "json").stdout)["rows"]
    zs("project", "void", "S1", "--reason", "重复录入")
    zs("project", "void", "L1", "--reason", "重复录入")
    assert "S1" not in listed().get("signed_not_started", [])
    assert listed()["stalled"] == ["N1"]
    after = rows("--year", "2026")["甲县"]
    assert after["leads"] == pipeline["leads"] - 1
    assert after["open_signed"] == pipeline["open_signed"] - 1
    wang = next(row for row in leaders if row["leader"] == "王县长")
    wang_after = next(
        row
        for row in json.loads(zs("warn", "--by", "leader", "-f", "json").stdout)["rows"]
        if row["leader"] == "王县长"
    )
    assert wang_after["projects"] == wang["projects"] - 1
