"""A 台账 in the shapes offices give it (issue 25, point 8): sub-total and total rows labelled
in any column (甲县小计 under 项目名称, 其中：…), in project and arrivals sheets alike, while a
project whose name only holds 计 is a project; and headers of two or three rows whose upper
row groups the columns below it (合同金额 over 万元 | 万美元, 项目进展 over 签约时间 | 开工时间 |
投产时间), in xlsx with merged cells, in a CSV and an .ods without them, held or streamed."""

from pathlib import Path
from typing import Any

import pytest

from helpers import snapshot, sql, zs
from sheets import as_json, write_book, write_csv, write_ods


@pytest.fixture(autouse=True)
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """A terminal wide enough that the plan's lines are not wrapped."""
    monkeypatch.setenv("COLUMNS", "200")


def refused(*args: Any) -> list[str]:
    """An import refused: its problems, one line each (the closing sentence left out)."""
    result = zs(*args, code=1)
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines[-1].startswith("zs: ") and "nothing was imported" in lines[-1], result.stderr
    return lines[:-1]


def listed() -> dict[str, dict[str, Any]]:
    return {row["name"]: row for row in as_json("project", "list")}


def contracts() -> dict[str, tuple[Any, ...]]:
    """Each project's contract: 万元, and for a USD contract its currency and 万美元."""
    found = {}
    for name, row in listed().items():
        shown = as_json("project", "show", row["code"])
        found[name] = (
            shown["contract_wan"],
            shown.get("contract_currency"),
            shown.get("contract_original_wan"),
        )
    return found


def audit_count(ledger: Path) -> int:
    return sql(ledger, "SELECT count(*) FROM audit")[0][0]


# ---------------------------------------------------------------- totals wherever they stand

PROJECT_HEADER = ["序号", "项目名称", "投资方", "责任单位", "合同金额(万元)", "签约日期", "备注"]
TOTALLED = [
    ["甲县2026年招商引资项目台账"],
    ["单位：万元"],
    PROJECT_HEADER,
    [1, "设计院综合楼", "某某设计院有限公司", "甲县", 1200, "2026-03-01", None],
    [2, "计算机产业园", "某某计算机有限公司", "甲县", 3000, "2026-03-02", "其中：一期2000万"],
    [3, "会计服务中心", "某某会计师事务所", "甲县", 300, "2026-03-03", None],
    [None, "甲县小计", None, None, 4500, None, None],  # under 项目名称, the unit blank
    [4, "冷链物流园", "某某冷链有限公司", "乙县", 800, "2026-03-04", None],
    ["小计", None, None, "乙县", 800, None, None],  # under 序号, the unit given
    [None, "其中：工业项目", None, None, 4200, None, None],
    ["其中:", "亿元以上项目", None, None, 0, None, None],
    [None, "亿元以上项目小计", None, None, 0, None, None],
    [None, None, None, "合 计", 5300, None, None],  # under 责任单位, a space typed in it
    ["总计：4个项目", None, None, None, 5300, None, None],
    ["注：合计不含续建项目。"],  # a note naming 合计 is a note
]  # fmt: skip


def test_totals_are_passed_over_wherever_their_label_stands(ledger: Path, tmp_path: Path) -> None:
    path = write_book(tmp_path / "甲县台账.xlsx", TOTALLED)
    out = zs("import", "projects", path).stdout
    assert (
        "甲县台账.xlsx: passed over: 7 total rows (合计/小计), 1 line of notes or signatures "
        "(注/填报人)"
    ) in out
    assert "projects: added 4, changed 0; 0 unchanged." in out
    assert {name: row["contract_wan"] for name, row in listed().items()} == {
        "设计院综合楼": 1200,  # 设计, 计算机, 会计: a name holding 计 is no total
        "计算机产业园": 3000,
        "会计服务中心": 300,
        "冷链物流园": 800,
    }
    park = as_json("project", "show", listed()["计算机产业园"]["code"])
    assert park["note"] == "其中：一期2000万"  # a note opening with 其中： is no sub-total


def test_a_sheet_with_totals_and_one_bad_row_names_only_that_row(
    ledger: Path, tmp_path: Path
) -> None:
    rows = [*TOTALLED]
    rows.insert(8, [5, "文旅综合体", "某某文旅", "甲县", 500, "2026-13-01", None])
    before = snapshot(ledger)
    problems = refused("import", "projects", write_book(tmp_path / "错.xlsx", rows))
    assert len(problems) == 1 and "row 9, column 签约日期" in problems[0], problems
    assert snapshot(ledger) == before


ARRIVALS_HEADER = ["序号", "项目名称", "到位金额", "到位日期", "凭证号"]


@pytest.fixture
def signed(ledger: Path) -> Path:
    zs("add-project", "--name", "新材料项目", "--unit", "甲县", "--signed", "2026-01-05",
       "--amount", "1亿")  # fmt: skip
    zs("add-project", "--name", "冷链物流园", "--unit", "乙县", "--signed", "2026-01-06",
       "--amount", "5000万")  # fmt: skip
    return ledger


def arrivals_sheet(path: Path, rows: list[list[Any]]) -> Path:
    return write_book(
        path,
        [
            ["2026年到位资金台账"],
            ["填报单位：全市招商局", None, "单位：万元"],
            ARRIVALS_HEADER,
            *rows,
            [None, "甲县小计", 100, None, None],
            [None, "其中：外资", 0, None, None],
            ["合计", None, 150, None, None],
            [None, None, "总计", 150, None],
        ],
    )


def test_totals_in_an_arrivals_sheet_are_passed_over(
    signed: Path, tmp_path: Path, reading: str
) -> None:
    path = arrivals_sheet(
        tmp_path / "到位.xlsx",
        [[1, "新材料项目", 100, "2026-02-01", "V-1"], [2, "冷链物流园", 50, "2026-02-03", "V-2"]],
    )
    out = zs("import", "arrivals", path).stdout
    assert "passed over: 4 total rows (合计/小计)" in out
    arrivals = as_json("arrival", "list")
    assert sorted((row["project_name"], row["cny_wan"]) for row in arrivals) == [
        ("冷链物流园", 50),
        ("新材料项目", 100),
    ]


def test_an_arrivals_sheet_with_totals_and_one_bad_row_is_refused_whole(
    signed: Path, tmp_path: Path, reading: str
) -> None:
    path = arrivals_sheet(
        tmp_path / "到位.xlsx",
        [
            [1, "新材料项目", 100, "2026-02-01", "V-1"],
            [2, "冷链物流园", "五十", "2026-02-03", "V-2"],
        ],
    )
    before = snapshot(signed)
    problems = refused("import", "arrivals", path)
    assert len(problems) == 1 and "row 5, column 到位金额" in problems[0], problems
    assert snapshot(signed) == before


# ------------------------------------------------------------- headers of two or three rows

GROUPED = [
    ["甲县2026年招商引资项目台账"],
    ["单位：万元"],
    ["序号", "项目名称", "投资方", "责任单位", "合同金额", None, "项目进展", None, None, "备注"],
    [None, None, None, None, "万元", "万美元", "签约时间", "开工时间", "投产时间", None],
    [1, "高端装备产业园", "某某装备有限公司", "甲县", 15000, None, "2026-03-02", "2026-04-01",
     None, None],
    [2, "外资电子元件", "某某电子（香港）有限公司", "乙县", None, 500, "2026-03-10", None, None,
     "其中：一期300万美元"],
    [3, "合资新材料", "某某新材料有限公司", "经开区", 7000, 1000, "2026-03-15", "2026-05-01",
     "2026-09-30", None],
    [None, "甲县小计", None, None, 15000],
    ["合计", None, None, None, 22000, 1500],
]  # fmt: skip
GROUPED_MERGES = ("A1:J1", "A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:F3", "G3:I3", "J3:J4")


def grouped_file(path: Path, rows: list[list[Any]]) -> Path:
    """The grouped sheet as Excel saves it (merged cells), or as a CSV or an .ods without any
    merged cell: each group typed once, over the first of its columns."""
    if path.suffix == ".csv":
        return write_csv(path, [[("" if cell is None else cell) for cell in row] for row in rows])
    if path.suffix == ".ods":
        return write_ods(path, {"项目": rows})
    return write_book(path, rows, GROUPED_MERGES)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv", ".ods"])
def test_a_grouped_header_reads_each_column_by_its_group_and_label(
    ledger: Path, tmp_path: Path, suffix: str
) -> None:
    zs("rate", "set", "USD", "7.10", "--month", "2026-03")
    path = grouped_file(tmp_path / f"台账{suffix}", GROUPED)
    out = zs("import", "projects", path).stdout
    assert "projects: added 3, changed 0; 0 unchanged." in out
    assert "passed over: 2 total rows (合计/小计)" in out
    assert (
        "1 row gives both 合同金额/万美元 and 合同金额/万元: the US dollars are read (converted "
        "at the ledger's rate), not the 万元"
    ) in out
    assert contracts() == {
        "高端装备产业园": (15000, None, None),  # 合同金额/万元
        "外资电子元件": (3550, "USD", 500),  # 合同金额/万美元: 500万美元 at 7.10
        "合资新材料": (7100, "USD", 1000),  # both given: the US dollars
    }
    stages = {
        name: (row["stage"], row["signed_on"]) for name, row in listed().items()
    }  # 项目进展/签约时间 … 投产时间
    assert stages == {
        "高端装备产业园": ("started", "2026-03-02"),
        "外资电子元件": ("signed", "2026-03-10"),
        "合资新材料": ("producing", "2026-03-15"),
    }
    joint = as_json("project", "show", listed()["合资新材料"]["code"])
    assert (joint["started_on"], joint["producing_on"]) == ("2026-05-01", "2026-09-30")
    electronics = as_json("project", "show", listed()["外资电子元件"]["code"])
    assert electronics["note"] == "其中：一期300万美元"


def test_a_grouped_sheet_refreshed_changes_the_usd_contract_and_twice_writes_nothing(
    ledger: Path, tmp_path: Path
) -> None:
    zs("rate", "set", "USD", "7.10", "--month", "2026-03")
    zs("import", "projects", grouped_file(tmp_path / "3月.xlsx", GROUPED))
    april = [[*row] for row in GROUPED]
    april[5][5] = 600  # 外资电子元件: 500 → 600万美元
    path = grouped_file(tmp_path / "4月.xlsx", april)
    before = snapshot(ledger)
    plan = zs("import", "projects", path, "--dry-run").stdout
    assert "would add 0, change 1; 2 unchanged." in plan
    assert "contract amount in its currency: 500.00万美元 → 600.00万美元" in plan
    assert snapshot(ledger) == before
    zs("import", "projects", path)
    assert contracts()["外资电子元件"] == (4260, "USD", 600)
    entries = audit_count(ledger)
    again = zs("import", "projects", path).stdout
    assert "added 0, changed 0; 3 unchanged." in again
    assert audit_count(ledger) == entries


def test_a_header_of_three_rows(ledger: Path, tmp_path: Path) -> None:
    """项目基本情况 over 项目名称 …; 合同金额 over 人民币 | 美元, each over its unit."""
    zs("rate", "set", "USD", "7.00", "--month", "2026-03")
    path = write_book(
        tmp_path / "三行表头.xlsx",
        [
            ["项目基本情况", None, None, "合同金额", None, "项目进展", None],
            ["项目名称", "责任单位", "投资方", "人民币", "美元", "签约时间", "开工时间"],
            [None, None, None, "万元", "万美元", None, None],
            ["智能装备", "甲县", "某某智能", 2000, None, "2026-03-01", None],
            ["外资食品", "乙县", "某某食品（新加坡）", None, 300, "2026-03-05", "2026-06-01"],
        ],
        merged=("A1:C1", "D1:E1", "F1:G1", "A2:A3", "B2:B3", "C2:C3", "F2:F3", "G2:G3"),
    )
    zs("import", "projects", path)
    assert contracts() == {"智能装备": (2000, None, None), "外资食品": (2100, "USD", 300)}
    assert listed()["外资食品"]["stage"] == "started"


def test_a_header_merged_down_over_one_column_and_an_unknown_group(
    ledger: Path, tmp_path: Path
) -> None:
    """项目名称 typed in the upper row only (nothing below it); a group zs does not read is
    one notice naming its columns by group and label."""
    path = write_book(
        tmp_path / "进度.xlsx",
        [
            ["项目名称", "责任单位", "签约情况", None, "项目进度", None, "投资方", None],
            [None, None, "合同金额（亿元）", "签约时间", "当前进度", "存在问题", "名称", "来源地"],
            ["高端装备", "甲县", 1.5, "2026-03-02", "在建", "用地", "某某装备", "省外"],
        ],
        merged=("C1:D1", "E1:F1", "G1:H1"),
    )
    out = zs("import", "projects", path).stdout
    assert "进度.xlsx: columns not read: 项目进度/当前进度, 项目进度/存在问题" in out
    assert contracts() == {"高端装备": (15000, None, None)}
    shown = as_json("project", "show", listed()["高端装备"]["code"])
    assert (shown["investor"], shown["origin"], shown["signed_on"]) == (
        "某某装备",  # 投资方/名称
        "outside_province",  # 投资方/来源地
        "2026-03-02",
    )


def test_a_label_under_a_known_group_that_names_no_part_of_it_is_one_problem(
    ledger: Path, tmp_path: Path
) -> None:
    rows = [[*row] for row in GROUPED]
    rows[3][5] = "折合"
    before = snapshot(ledger)
    problems = refused(
        "import", "projects", write_book(tmp_path / "表头.xlsx", rows, GROUPED_MERGES)
    )
    assert problems == [
        "表头.xlsx, sheet Sheet1, column 合同金额/折合: 折合 under 合同金额 names no part of "
        "it; head the column 万元 or 万美元 (or 亿元)"
    ]
    assert snapshot(ledger) == before


def test_a_column_zs_keeps_in_yuan_given_in_us_dollars_is_refused(
    ledger: Path, tmp_path: Path
) -> None:
    """总投资（万美元） was read as 万元 before; now it is refused, naming the column."""
    path = write_book(
        tmp_path / "总投资.xlsx",
        [
            ["项目名称", "责任单位", "总投资（万美元）", "签约日期"],
            ["外资电子元件", "甲县", 800, "2026-03-10"],
        ],
    )
    before = snapshot(ledger)
    assert refused("import", "projects", path) == [
        "总投资.xlsx, sheet Sheet1, column 总投资（万美元）: zs keeps total_investment (总投资(万元)) "
        "in 万元, not in US dollars: give it in 万元"
    ]
    assert snapshot(ledger) == before


def test_a_usd_contract_without_the_month_rate_is_refused(ledger: Path, tmp_path: Path) -> None:
    before = snapshot(ledger)
    problems = refused("import", "projects", grouped_file(tmp_path / "无汇率.xlsx", GROUPED))
    assert len(problems) == 2, problems  # the two rows in 万美元, not the one in 万元
    assert all("There is no USD rate for 2026-03" in line for line in problems)
    assert snapshot(ledger) == before


# ------------------------------------------------------------- arrivals: grouped, in dollars


def dollar_arrivals(path: Path, rows: list[list[Any]]) -> Path:
    """资金到位情况 over 到位金额（万美元） | 到位时间, 项目名称 merged down both rows."""
    return write_book(
        path,
        [
            ["项目名称", "资金到位情况", None, "币种"],
            [None, "到位金额（万美元）", "到位时间", None],
            *rows,
            ["合计", 150, None, None],
        ],
        merged=("A1:A2", "B1:C1", "D1:D2"),
    )


def test_a_grouped_arrivals_header_in_dollars(signed: Path, tmp_path: Path, reading: str) -> None:
    zs("rate", "set", "USD", "7.10", "--month", "2026-02")
    path = dollar_arrivals(
        tmp_path / "外资到位.xlsx",
        [["新材料项目", 100, "2026-02-01", None], ["冷链物流园", 50, "2026-02-03", "美元"]],
    )
    out = zs("import", "arrivals", path).stdout
    assert "passed over: 1 total row (合计/小计)" in out
    arrivals = sorted(as_json("arrival", "list"), key=lambda row: row["project_name"])
    assert [
        (row["project_name"], row["currency"], row["amount_original_wan"], row["cny_wan"])
        for row in arrivals
    ] == [("冷链物流园", "USD", 50, 355), ("新材料项目", "USD", 100, 710)]


def test_an_arrival_in_dollars_whose_currency_says_otherwise_is_refused(
    signed: Path, tmp_path: Path, reading: str
) -> None:
    zs("rate", "set", "USD", "7.10", "--month", "2026-02")
    path = dollar_arrivals(
        tmp_path / "外资到位.xlsx",
        [["新材料项目", 100, "2026-02-01", None], ["冷链物流园", 50, "2026-02-03", "EUR"]],
    )
    before = snapshot(signed)
    problems = refused("import", "arrivals", path)
    assert problems == [
        "外资到位.xlsx, sheet Sheet1, row 4, column 币种: 资金到位情况/到位金额（万美元） is in US "
        "dollars, but this row's 币种 says EUR"
    ]
    assert snapshot(signed) == before


def two_currencies(path: Path, rows: list[list[Any]]) -> Path:
    """实际到位资金 over 万元 | 万美元: a row fills the one its money came in."""
    return write_book(
        path,
        [
            ["序号", "项目名称", "实际到位资金", None, "到位时间", "币种"],
            [None, None, "万元", "万美元", None, None],
            *rows,
            [None, "合计", 300, 80, None, None],
        ],
        merged=("A1:A2", "B1:B2", "C1:D1", "E1:E2", "F1:F2"),
    )


def test_an_arrivals_amount_split_by_currency(signed: Path, tmp_path: Path, reading: str) -> None:
    zs("rate", "set", "USD", "7.10", "--month", "2026-02")
    path = two_currencies(
        tmp_path / "内外资.xlsx",
        [
            [1, "新材料项目", 100, None, "2026-02-01", None],
            [2, "冷链物流园", None, 50, "2026-02-03", None],
            [3, "新材料项目", 213, 30, "2026-02-05", "美元"],  # both: the dollars are read
        ],
    )
    out = zs("import", "arrivals", path).stdout
    assert "1 row gives both 实际到位资金/万美元 and 实际到位资金/万元" in out
    arrivals = sorted(as_json("arrival", "list"), key=lambda row: row["date"])
    assert [
        (row["project_name"], row["currency"], row["amount_original_wan"], row["cny_wan"])
        for row in arrivals
    ] == [
        ("新材料项目", "CNY", 100, 100),
        ("冷链物流园", "USD", 50, 355),
        ("新材料项目", "USD", 30, 213),
    ]


def test_an_arrivals_row_with_neither_currency_filled_is_refused(
    signed: Path, tmp_path: Path, reading: str
) -> None:
    zs("rate", "set", "USD", "7.10", "--month", "2026-02")
    path = two_currencies(
        tmp_path / "内外资.xlsx",
        [
            [1, "新材料项目", 100, None, "2026-02-01", None],
            [2, "冷链物流园", None, None, "2026-02-03", None],
            [3, "新材料项目", None, 30, "2026-02-05", "EUR"],
        ],
    )
    before = snapshot(signed)
    assert refused("import", "arrivals", path) == [
        "内外资.xlsx, sheet Sheet1, row 4, column 实际到位资金/万元: a value is required",
        "内外资.xlsx, sheet Sheet1, row 5, column 币种: 实际到位资金/万美元 is in US dollars, but "
        "this row's 币种 says EUR",
    ]
    assert snapshot(signed) == before
