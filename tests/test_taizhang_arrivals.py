"""A month's 台账 as clerks type it, arrivals side (issue 25): a voided twin makes no name
ambiguous, red (negative) rows reverse the arrival they match, 累计/本月 figures give the
month's arrival, month-only dates are months, and any file applied twice writes nothing."""

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from helpers import snapshot, zs
from sheets import as_json, audit_count, in_chinese, refused


@pytest.fixture(autouse=True)
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")


def sheet(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    workbook = openpyxl.Workbook()
    book = workbook.active
    for line in [["甲县招商引资到位资金台账"], ["单位：万元"], header, *rows]:
        book.append(line)
    workbook.save(path)
    return path


def state(ledger: Path) -> tuple[Any, int]:
    return snapshot(ledger), audit_count(ledger)


def applied_twice_writes_nothing(ledger: Path, *args: Any) -> None:
    """The file again: its plan all unchanged, nothing written, not even an audit entry."""
    before = state(ledger)
    dry = zs("import", *args, "--dry-run").stdout
    assert "would add 0," in dry, dry
    again = zs("import", *args).stdout
    assert "added 0," in again, again
    assert state(ledger) == before
    zs("check")


def project(code: str, name: str = "新材料项目", unit: str = "甲县", **more: str) -> None:
    options = [f"--{key}={value}" for key, value in more.items()]
    zs("add-project", "--code", code, "--name", name, "--unit", unit,
       "--signed", "2026-01-05", *options)  # fmt: skip


def arrivals() -> list[tuple[Any, ...]]:
    """The ledger's arrivals in the order they were entered."""
    rows = sorted(as_json("arrival", "list"), key=lambda r: r["id"])
    return [
        (r["id"], r["project"], r["date"], r["cny_wan"], r["reverses"], r["note"]) for r in rows
    ]


# Rule 1: voided projects are never candidates by name.


def test_a_voided_twin_makes_no_name_ambiguous(ledger: Path, tmp_path: Path) -> None:
    project("P-1", investor="甲公司")
    project("P-2", investor="乙公司")
    zs("project", "void", "P-1", "--reason", "录入错误")
    path = sheet(tmp_path / "到位.xlsx", ["项目名称", "到位金额", "到位日期"],
                 [["新材料项目", 100, "2026-04-01"]])  # fmt: skip
    assert "arrivals: added 1," in zs("import", "arrivals", path).stdout
    assert [row[1] for row in arrivals()] == ["P-2"]
    applied_twice_writes_nothing(ledger, "arrivals", path)


def test_a_name_only_a_voided_project_bears_is_refused(ledger: Path, tmp_path: Path) -> None:
    project("P-1", name="光伏组件")
    zs("project", "void", "P-1", "--reason", "录入错误")
    path = sheet(tmp_path / "到位.xlsx", ["项目名称", "到位金额", "到位日期"],
                 [["光伏组件", 100, "2026-04-01"]])  # fmt: skip
    before = state(ledger)
    result = refused("import", "arrivals", path)
    assert "column 项目名称: Project P-1 was voided; no money can arrive for it." in result.stderr
    assert state(ledger) == before


def test_one_name_under_two_units_is_told_apart_by_the_unit(ledger: Path, tmp_path: Path) -> None:
    project("P-1", name="冷链物流园", unit="甲县", investor="某某冷链有限公司")
    project("P-2", name="冷链物流园", unit="乙县", investor="另一家冷链集团")
    header = ["项目名称", "到位金额", "到位日期"]
    both = sheet(tmp_path / "名称.xlsx", header, [["冷链物流园", 100, "2026-04-01"]])
    before = state(ledger)
    result = refused("import", "arrivals", both)
    assert (
        "several projects named '冷链物流园' (P-1, P-2); give the project (项目编号)"
        in result.stderr
    )
    assert state(ledger) == before
    rows = [["冷链物流园", "乙县", 100, "2026-04-01"], ["冷链物流园", "甲县", 60, "2026-04-02"]]
    path = sheet(tmp_path / "单位.xlsx", ["项目名称", "责任单位", "到位金额", "到位日期"], rows)
    zs("import", "arrivals", path)
    assert [row[1:4] for row in arrivals()] == [
        ("P-2", "2026-04-01", 100),
        ("P-1", "2026-04-02", 60),
    ]
    applied_twice_writes_nothing(ledger, "arrivals", path)


# Rule 2: red (negative) rows reverse, with no 冲销编号.

RED = ["项目编号", "到位金额", "到位日期", "凭证号", "备注"]


def three_arrivals() -> None:
    project("P-1")
    for amount, day, ref in (("100", "2026-04-01", "V-1"), ("100", "2026-05-01", "V-2"),
                             ("50", "2026-05-02", "V-3")):  # fmt: skip
        zs("arrive", "P-1", amount, "--date", day, "--ref", ref)


def test_a_red_row_reverses_the_latest_arrival_of_its_amount(ledger: Path, tmp_path: Path) -> None:
    three_arrivals()
    path = sheet(tmp_path / "6月.xlsx", RED, [["P-1", -100, "2026-06-01", None, "重复录入"]])
    dry = zs("import", "arrivals", path, "--dry-run").stdout
    assert "arrivals: would add 1, skipped 0" in dry
    assert "row 4: reversal of arrival 2 (100.00万 CNY on 2026-05-01)" in dry
    zs("import", "arrivals", path)
    assert arrivals()[-1] == (4, "P-1", "2026-05-01", -100, 2, "重复录入")
    (entry,) = [e for e in as_json("history") if e["action"] == "arrival.reverse"]
    assert entry["entity_id"] == 4
    report = as_json("report", "--month", "6", "--year", "2026")
    assert report["total"]["actual"] == 150  # 100 + 100 + 50, less the 100 reversed
    applied_twice_writes_nothing(ledger, "arrivals", path)


def test_a_red_row_reverses_an_arrival_above_it_in_the_file(ledger: Path, tmp_path: Path) -> None:
    project("P-1")
    rows = [
        ["P-1", 200, "2026-04-03", None, None],
        ["P-1", 80, "2026-04-05", None, None],
        ["P-1", -200, "2026-04-20", None, None],  # no note: the row is its reason
    ]
    path = sheet(tmp_path / "4月.xlsx", RED, rows)
    dry = zs("import", "arrivals", path, "--dry-run").stdout
    assert "row 6: reversal of row 4" in dry
    assert "added 3," in zs("import", "arrivals", path).stdout
    assert arrivals() == [
        (1, "P-1", "2026-04-03", 200, None, None),
        (2, "P-1", "2026-04-05", 80, None, None),
        (3, "P-1", "2026-04-03", -200, 1, "红字冲销（2026-04-20）"),
    ]
    applied_twice_writes_nothing(ledger, "arrivals", path)
    before = state(ledger)
    in_chinese("import", "arrivals", path)  # the reason it looks for is not the user's language
    assert state(ledger) == before
    # Next month's sheet carries the same rows and one more red row for the same amount:
    # the first red row is the reversal already made; the second finds nothing left.
    more = sheet(tmp_path / "5月.xlsx", RED, [*rows, ["P-1", -200, "2026-05-20", None, None]])
    before = state(ledger)
    result = refused("import", "arrivals", more)
    assert (
        "row 7, column 到位金额: no earlier arrival of 200.00万 CNY for P-1 to reverse; "
        "its arrivals in force: arrival 2: 80.00万 on 2026-04-05"
    ) in result.stderr
    assert state(ledger) == before


def test_a_red_row_with_a_voucher_reverses_that_arrival(ledger: Path, tmp_path: Path) -> None:
    three_arrivals()
    path = sheet(tmp_path / "6月.xlsx", RED, [["P-1", -100, "2026-06-01", "V-1", "退回"]])
    dry = zs("import", "arrivals", path, "--dry-run").stdout
    assert "row 4: reversal of arrival 1 (100.00万 CNY on 2026-04-01)" in dry
    zs("import", "arrivals", path)
    assert arrivals()[-1] == (4, "P-1", "2026-04-01", -100, 1, "退回")
    applied_twice_writes_nothing(ledger, "arrivals", path)


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (
            ["P-1", -100, "2026-06-01", "V-9", "退回"],
            "column 凭证号: no arrival of P-1 with the 凭证号 V-9 to reverse; its arrivals in "
            "force: arrival 3: 50.00万 on 2026-05-02 (V-3); arrival 2: 100.00万 on 2026-05-01 "
            "(V-2); arrival 1: 100.00万 on 2026-04-01 (V-1)",
        ),
        (
            ["P-1", -60, "2026-06-01", "V-3", "退回"],
            "column 到位金额: a red row reverses an arrival whole: -50.00",
        ),
        (
            ["P-1", -30, "2026-06-01", None, "退回"],
            "column 到位金额: no earlier arrival of 30.00万 CNY for P-1 to reverse; its arrivals "
            "in force: arrival 3: 50.00万 on 2026-05-02 (V-3); arrival 2",
        ),
    ],
)
def test_a_red_row_that_matches_nothing_is_one_problem(
    ledger: Path, tmp_path: Path, row: list[Any], problem: str
) -> None:
    three_arrivals()
    path = sheet(tmp_path / "6月.xlsx", RED, [row])
    before = state(ledger)
    result = refused("import", "arrivals", path)
    lines = [line for line in result.stderr.splitlines() if "row 4" in line]
    assert len(lines) == 1 and problem in lines[0], result.stderr
    assert state(ledger) == before


# Rule 3: 累计 / 本月 figures.

MONTHLY = ["项目名称", "本月实际到位资金", "累计到位资金", "上报月份"]


def test_an_arrivals_sheet_of_monthly_figures(ledger: Path, tmp_path: Path) -> None:
    project("P-1", name="新材料项目")
    project("P-2", name="冷链物流园")
    zs("arrive", "P-1", "300", "--date", "2026-09-10")
    rows = [
        ["新材料项目", 200, 500, "2026年10月"],
        ["冷链物流园", 0, 0, "2026年10月"],  # nothing yet: nothing written
    ]
    october = sheet(tmp_path / "10月.xlsx", MONTHLY, rows)
    dry = zs("import", "arrivals", october, "--dry-run").stdout
    assert "would add 1, skipped 1" in dry
    assert (
        "row 4: arrival 200.00万 CNY for P-1 on 2026-10-31 (累计到位资金 500.00万, the ledger "
        "300.00万)"
    ) in dry
    zs("import", "arrivals", october)
    assert arrivals()[-1] == (
        2,
        "P-1",
        "2026-10-31",
        200,
        None,
        "累计到位资金 500.00万 as of 2026-10-31",
    )
    report = as_json("report", "--month", "10", "--year", "2026")
    assert report["total"]["actual"] == 500
    applied_twice_writes_nothing(ledger, "arrivals", october)
    # November: 本月 alone is the month's money; 累计 with it must agree.
    november = sheet(tmp_path / "11月.xlsx", ["项目名称", "本月到位资金", "上报月份"],
                     [["新材料项目", 150, "2026-11"], ["冷链物流园", 40, "2026.11"]])  # fmt: skip
    zs("import", "arrivals", november)
    assert [row[2:4] for row in arrivals()[-2:]] == [("2026-11-30", 150), ("2026-11-30", 40)]
    applied_twice_writes_nothing(ledger, "arrivals", november)


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (
            ["新材料项目", 0, 250, "2026年10月"],
            "column 累计到位资金: 累计到位资金 250.00万 is below the 300.00万 the ledger holds for "
            "P-1 up to 2026-10-31; money is taken back by a red (negative) row or `zs arrival "
            "reverse`, never by a lower figure",
        ),
        (
            ["新材料项目", 150, 500, "2026年10月"],
            "column 本月实际到位资金: 150.00万 does not agree with 累计到位资金 500.00万 less the "
            "300.00万 the ledger holds for P-1 before 2026-10-01 (200.00万)",
        ),
        (
            ["新材料项目", 200, 500, None],
            "column 上报月份: a row of 本月/累计 figures needs the month it reports: a 上报月份 "
            "column, or --month",
        ),
        (
            ["新材料项目", 200, 500, "2026年13月"],
            "column 上报月份: The month '2026年13月' is not a month",
        ),
    ],
)
def test_figures_that_go_down_or_disagree_are_refused(
    ledger: Path, tmp_path: Path, row: list[Any], problem: str
) -> None:
    project("P-1", name="新材料项目")
    zs("arrive", "P-1", "300", "--date", "2026-09-10")
    path = sheet(tmp_path / "10月.xlsx", MONTHLY, [row])
    before = state(ledger)
    result = refused("import", "arrivals", path)
    lines = [line for line in result.stderr.splitlines() if "row 4" in line]
    assert len(lines) == 1 and problem in lines[0], result.stderr
    assert state(ledger) == before


def test_figures_without_a_month_column_take_month_or_date(ledger: Path, tmp_path: Path) -> None:
    project("P-1", name="新材料项目")
    path = sheet(tmp_path / "累计.xlsx", ["项目名称", "累计到位资金"], [["新材料项目", 120]])
    zs("import", "arrivals", path, "--date", "2026-11-20")
    assert arrivals()[0][2:4] == ("2026-11-20", 120)
    applied_twice_writes_nothing(ledger, "arrivals", path, "--month", "2026年11月")
    fails = refused("import", "arrivals", path, "--month", "2026-11", "--date", "2026-11-20")
    assert "Give --month or --date, not both." in fails.stderr


def test_the_month_alone_is_the_months_money(ledger: Path, tmp_path: Path) -> None:
    """本月 is the month's whole money: what the ledger already holds in the month (entered by
    hand) counts; beside 累计 in a sheet without dates, 到位金额 is the month's money."""
    project("P-1", name="新材料项目")
    zs("arrive", "P-1", "50", "--date", "2026-10-08")
    header = ["项目名称", "本月到位资金", "上报月份"]
    path = sheet(tmp_path / "10月.xlsx", header, [["新材料项目", 150, "2026年10月"]])
    zs("import", "arrivals", path)
    assert [row[2:4] for row in arrivals()] == [("2026-10-08", 50), ("2026-10-31", 100)]
    applied_twice_writes_nothing(ledger, "arrivals", path)
    header = ["项目名称", "到位金额", "累计到位资金", "上报月份"]
    wrong = sheet(tmp_path / "11月.xlsx", header, [["新材料项目", 90, 250, "2026年11月"]])
    before = state(ledger)
    result = refused("import", "arrivals", wrong)
    assert "column 到位金额: 90.00万 does not agree with 累计到位资金 250.00万" in result.stderr
    assert state(ledger) == before
    right = sheet(tmp_path / "11月.xlsx", header, [["新材料项目", 100, 250, "2026年11月"]])
    zs("import", "arrivals", right)
    assert arrivals()[-1][2:4] == ("2026-11-30", 100)


PROJECTS = ["项目名称", "投资方", "责任单位", "合同金额(万元)", "签约日期", "累计到位资金", "备注"]


def test_a_projects_sheet_with_money_to_date(ledger: Path, tmp_path: Path) -> None:
    rows = [
        ["新材料项目", "某某新材料有限公司", "甲县", 5000, "2026-01-10", 800, None],
        ["冷链物流园", "某某冷链有限公司", "乙县", 3000, "2026-02-12", None, None],
    ]
    september = sheet(tmp_path / "9月.xlsx", PROJECTS, rows)
    dry = zs("import", "projects", september, "--month", "2026-09", "--dry-run").stdout
    assert "would add 2, change 0" in dry
    assert "累计到位资金: 0.00万 → 800.00万 (arrival 800.00万 on 2026-09-30)" in dry
    zs("import", "projects", september, "--month", "2026-09")
    (first,) = arrivals()
    assert first[2:4] == ("2026-09-30", 800)
    applied_twice_writes_nothing(ledger, "projects", september, "--month", "2026-09")
    # October: more money to date, and a 上报月份 column instead of --month.
    rows[0][5], rows[1][5] = 1000, 300
    october = sheet(tmp_path / "10月.xlsx", [*PROJECTS, "上报月份"],
                    [[*row, "2026年10月"] for row in rows])  # fmt: skip
    dry = zs("import", "projects", october, "--dry-run").stdout
    assert "would add 0, change 2; 0 unchanged." in dry
    assert "累计到位资金: 800.00万 → 1000.00万 (arrival 200.00万 on 2026-10-31)" in dry
    zs("import", "projects", october)
    assert [row[2:4] for row in arrivals()] == [
        ("2026-09-30", 800),
        ("2026-10-31", 200),
        ("2026-10-31", 300),
    ]
    report = as_json("report", "--month", "10", "--year", "2026")
    assert report["total"]["actual"] == 1300
    applied_twice_writes_nothing(ledger, "projects", october)
    # A figure that goes down is one problem; nothing of the sheet is written.
    rows[0][5] = 900
    lower = sheet(tmp_path / "11月.xlsx", PROJECTS, rows)
    before = state(ledger)
    result = refused("import", "projects", lower, "--month", "2026-11")
    assert "累计到位资金 900.00万 is below the 1000.00万 the ledger holds" in result.stderr
    assert state(ledger) == before
    no_month = refused("import", "projects", september)
    assert "needs the month it reports" in no_month.stderr
    assert state(ledger) == before


def test_money_to_date_of_a_project_the_sheet_terminates(ledger: Path, tmp_path: Path) -> None:
    rows = [["食品加工", "某某食品", "乙县", 1000, "2026-01-20", 300, None]]
    zs("import", "projects", sheet(tmp_path / "9月.xlsx", PROJECTS, rows), "--month", "2026-09")
    rows[0][5:] = [450, "项目终止，原因：企业撤资"]
    october = sheet(tmp_path / "10月.xlsx", PROJECTS, rows)
    out = zs("import", "projects", october, "--month", "2026-10").stdout
    assert "累计到位资金: 300.00万 → 450.00万 (arrival 150.00万 on 2026-10-31)" in out
    assert [row[3] for row in arrivals()] == [300, 150]
    applied_twice_writes_nothing(ledger, "projects", october, "--month", "2026-10")


# Rule 4: a month alone is a month.


@pytest.mark.parametrize("month", ["2026年4月", "2026-04", "2026.4", "2026/4", "2026年4月份"])
def test_a_month_alone_is_read_as_that_month(ledger: Path, month: str) -> None:
    zs("rate", "set", "USD", "7.10", "--month", month)
    assert [row["month"] for row in as_json("rate", "list")] == ["2026-04"]


def test_a_number_cell_2026_1_is_no_month(ledger: Path, tmp_path: Path) -> None:
    project("P-1", name="新材料项目")
    path = sheet(tmp_path / "累计.xlsx", MONTHLY, [["新材料项目", 10, 10, 2026.1]])
    before = state(ledger)
    result = refused("import", "arrivals", path)
    assert "may be January or October" in result.stderr
    assert state(ledger) == before


def test_money_since_1_january_leaves_last_year_out(ledger: Path, tmp_path: Path) -> None:
    project("P-1", name="新材料项目")
    zs("arrive", "P-1", "500", "--date", "2025-12-10")
    zs("arrive", "P-1", "100", "--date", "2026-03-10")
    header = ["项目名称", "本年累计到位资金", "上报月份"]
    path = sheet(tmp_path / "4月.xlsx", header, [["新材料项目", 300, "2026年4月"]])
    zs("import", "arrivals", path)
    assert arrivals()[-1][2:4] == ("2026-04-30", 200)
    applied_twice_writes_nothing(ledger, "arrivals", path)
    # Money since the project began counts last year's too: 800 is what the ledger holds.
    since = sheet(tmp_path / "累计.xlsx", MONTHLY, [["新材料项目", 0, 800, "2026年5月"]])
    applied_twice_writes_nothing(ledger, "arrivals", since)


def test_red_rows_of_a_streamed_sheet(ledger: Path, tmp_path: Path, reading: str) -> None:
    project("P-1")
    project("P-2", name="冷链物流园")
    rows = [
        ["P-1", 100, "2026-04-01", None, None],
        ["P-2", 50, "2026-04-02", None, None],
        ["P-1", 30, "2026-04-03", None, None],
        ["P-2", 20, "2026-04-04", None, None],
        ["P-1", -100, "2026-04-05", None, "重复录入"],  # its original is a chunk above
    ]
    path = sheet(tmp_path / "4月.xlsx", RED, rows)
    dry = zs("import", "arrivals", path, "--dry-run").stdout
    assert "row 8: reversal of row 4" in dry
    zs("import", "arrivals", path)
    assert arrivals()[-1] == (5, "P-1", "2026-04-01", -100, 1, "重复录入")
    applied_twice_writes_nothing(ledger, "arrivals", path)
