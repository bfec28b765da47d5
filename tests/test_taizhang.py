"""An office's own 台账 taken as it is (issue 14): title and 填报单位 lines, 单位：亿元, 序号,
columns zs does not know, merged cells, 小计/合计 rows, 注 and 填报人 lines under the table, dates
as offices type them, GBK CSV and .ods; and the monthly refresh of the same sheet."""

import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from helpers import fails, snapshot, zs
from sheets import as_json, write_book, write_csv, write_ods


@pytest.fixture(autouse=True)
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """A terminal wide enough that the plan's lines are not wrapped."""
    monkeypatch.setenv("COLUMNS", "200")


def serial(day: date) -> int:
    """The number Excel keeps for a date (a cell that lost its date format shows it)."""
    return (day - date(1899, 12, 30)).days


HEADER = ["序号", "项目名称", "投资主体", "引进单位", "协议金额", "签约时间", "开工日期",
          "项目进展", "联系人", "备注", "包抓领导"]  # fmt: skip


def office_sheet(path: Path) -> Path:
    """甲县's monthly 台账 as its clerk keeps it in Excel."""
    return write_book(
        path,
        [
            ["甲县2026年招商引资项目台账"],
            ["填报单位：甲县招商局", None, None, None, None, None, None, None, "单位：亿元"],
            HEADER,
            ["一、新签约项目"],
            [1, "年产10万吨新材料项目", "某某新材料有限公司", "甲县", 2.5, "2026.2.26", None,
             "前期手续办理中", "张三 13800138000", "重点项目", "李副县长"],
            [2, "冷链物流园", "某某冷链有限公司", "乙县", 0.47, "2026年3月9日", None,
             None, None, None, None],
            [3, "光伏组件", "某某新能源", "甲县", 1, serial(date(2026, 3, 9)), "2026/4/2",
             "已开工", None, None, None],
            [4, "食品加工", "某某食品", None, "8000万", datetime(2026, 3, 20), None,
             None, None, "分两期", None],
            [],
            [None, "小计", None, None, 4.77],
            [None, "合计", None, None, 4.77],
            ["注：本表金额单位为亿元，签约时间以合同为准。"],
            ["填报人：王五", None, None, "审核人：赵六", None, "填报日期：2026.4.5"],
        ],
        merged=("A1:K1", "A4:K4", "D7:D8", "A12:K12"),
    )  # fmt: skip


def test_an_office_taizhang_is_imported_as_it_is(ledger: Path, tmp_path: Path) -> None:
    path = office_sheet(tmp_path / "甲县台账.xlsx")
    result = zs("import", "projects", path)
    out = result.stdout
    assert "甲县台账.xlsx: columns not read: 项目进展" in out  # one notice; 序号 silently
    assert (
        "甲县台账.xlsx: passed over: 1 blank row, 2 total rows (合计/小计), 1 section heading, "
        "2 lines of notes or signatures (注/填报人)"
    ) in out
    assert "projects: added 4, changed 0; 0 unchanged." in out
    projects = {row["name"]: row for row in as_json("project", "list")}
    assert {name: (row["contract_wan"], row["signed_on"]) for name, row in projects.items()} == {
        "年产10万吨新材料项目": (25000, "2026-02-26"),  # 2.5 under 单位：亿元
        "冷链物流园": (4700, "2026-03-09"),
        "光伏组件": (10000, "2026-03-09"),  # an Excel date serial
        "食品加工": (8000, "2026-03-20"),  # text carries its own unit
    }
    assert projects["光伏组件"]["stage"] == "started"
    assert as_json("project", "show", projects["光伏组件"]["code"])["started_on"] == "2026-04-02"
    food = as_json("project", "show", projects["食品加工"]["code"])
    assert [unit["unit"] for unit in food["units"]] == ["甲县"]  # the merged 引进单位 cell
    assert food["note"] == "分两期"
    first = as_json("project", "show", projects["年产10万吨新材料项目"]["code"], "--with-contacts")
    assert (first["note"], first["leader"], first["contact"]) == (
        "重点项目",
        "李副县长",
        "张三 13800138000",
    )
    assert "13800138000" not in zs("export", "-o", tmp_path / "e.xlsx").stdout


def test_notes_go_out_in_the_export_and_come_back(
    ledger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, new_location: Any
) -> None:
    zs("import", "projects", office_sheet(tmp_path / "甲县台账.xlsx"))
    zs("project", "edit", "2026-0002", "--note", "客商已到访", "--reason", "补记")
    zs("export", "-o", tmp_path / "台账.xlsx")
    notes = {row["code"]: as_json("project", "show", row["code"])["note"]
             for row in as_json("project", "list")}  # fmt: skip
    assert notes["2026-0002"] == "客商已到访"
    monkeypatch.setenv("ZS_DB", str(new_location("copy.db")))
    zs("init")
    zs("import", "ledger", tmp_path / "台账.xlsx")
    assert {code: as_json("project", "show", code)["note"] for code in notes} == notes


def test_a_header_of_two_rows_under_merged_group_headings(ledger: Path, tmp_path: Path) -> None:
    """签约情况 over 合同金额 and 签约时间; 项目名称 merged down both header rows."""
    path = write_book(
        tmp_path / "两行表头.xlsx",
        [
            ["序号", "项目名称", "责任单位", "签约情况", None, "建设情况"],
            [None, None, None, "合同金额（亿元）", "签约时间", "开工时间"],
            [1, "高端装备", "甲县", 1.5, "2026-03-02", "2026-04-01"],
            [2, "绿色食品", "乙县", 0.2, "2026-03-03", None],
        ],
        merged=("A1:A2", "B1:B2", "C1:C2", "D1:E1"),
    )
    zs("import", "projects", path)
    rows = {row["name"]: row for row in as_json("project", "list")}
    assert (rows["高端装备"]["contract_wan"], rows["高端装备"]["stage"]) == (15000, "started")
    assert (rows["绿色食品"]["contract_wan"], rows["绿色食品"]["signed_on"]) == (2000, "2026-03-03")


def test_a_gbk_csv_with_its_unit_in_the_header(ledger: Path, tmp_path: Path) -> None:
    """Chinese Excel saves CSV in GBK; 合同金额（亿元） puts its column in 亿 whatever the
    单位 line says."""
    path = write_csv(
        tmp_path / "乙县台账.csv",
        [
            ["乙县招商引资项目台账（2026年4月）"],
            ["单位：万元"],
            ["序号", "项目名称", "客商", "责任单位", "合同金额（亿元）", "总投资", "签约日期"],
            ["1", "智能装备产业园", "某某装备", "乙县", "1.2", "30000", "2026-4-1"],
            ["2", "文旅综合体", "某某文旅", "乙县", "0.5", "", "20260315"],
            ["合计", "", "", "", "1.7", "", ""],
            ["说明：数据截至4月30日"],
        ],
        encoding="gbk",
    )
    out = zs("import", "projects", path).stdout
    assert "passed over: 1 total row (合计/小计), 1 line of notes or signatures" in out
    rows = {row["name"]: row for row in as_json("project", "list")}
    assert rows["智能装备产业园"]["contract_wan"] == 12000
    assert rows["文旅综合体"]["contract_wan"] == 5000
    assert rows["文旅综合体"]["signed_on"] == "2026-03-15"
    detail = as_json("project", "show", rows["智能装备产业园"]["code"])
    assert detail["total_investment_wan"] == 30000  # 总投资 in 万元, as the 单位 line says


def test_an_ods_with_a_merged_title(ledger: Path, tmp_path: Path) -> None:
    path = write_ods(
        tmp_path / "台账.ods",
        {
            "项目": [
                ["2026年招商引资项目台账", None, None, None, None],
                ["填报单位：全市招商局", None, None, "单位：万元", None],
                ["项目名称", "投资方", "牵头单位", "合同引资额", "签约日期"],
                ["新能源电池", "某某电池", "甲县", 3000, date(2026, 2, 1)],
                ["物流中心", "某某物流", "乙县、甲县", 1500, "2026年2月8日"],
                ["审核人：李四", None, None, None, None],
            ]
        },
        spans={"项目": 5},
    )
    out = zs("import", "projects", path).stdout
    assert "projects: added 2" in out and "1 line of notes or signatures" in out
    rows = {row["name"]: row for row in as_json("project", "list")}
    assert (rows["新能源电池"]["contract_wan"], rows["物流中心"]["signed_on"]) == (
        3000,
        "2026-02-08",
    )


def month_sheet(path: Path, rows: list[list[Any]]) -> Path:
    header = ["序号", "项目名称", "投资方", "责任单位", "合同金额(万元)", "签约日期", "开工日期",
              "备注"]  # fmt: skip
    return write_book(path, [["甲县招商引资项目台账"], ["单位：万元"], header, *rows])


MARCH = [
    [1, "新材料项目", "某某新材料有限公司", "甲县", 10000, "2026-03-01", None, None],
    [2, "冷链物流园", "某某冷链", "乙县", 5000, "2026-03-05", None, None],
    [3, "光伏组件", "某某新能源", "甲县", 3000, "2026-03-10", None, "在谈二期"],
]


def plan_lines(stdout: str) -> list[str]:
    """The plan as printed: its table (after the sentence, before the closing line)."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("projects: "))
    return [line for line in lines[start + 1 : -1] if line.strip()]


def test_the_monthly_refresh_applies_what_changed_and_its_dry_run_plan(
    ledger: Path, tmp_path: Path
) -> None:
    zs("import", "projects", month_sheet(tmp_path / "3月.xlsx", MARCH))
    codes = {row["name"]: row["code"] for row in as_json("project", "list")}
    april = month_sheet(
        tmp_path / "4月.xlsx",
        [
            # Spelled otherwise, same project: 有限责任公司, a closing 项目, full-width space.
            [
                1,
                "新材料",
                "某某新材料有限责任公司",
                "甲县",
                10000,
                "2026.3.1",
                "2026年4月2日",
                None,
            ],
            [2, "冷链物流园", "某某冷链", "乙县", 6000, "2026-03-05", None, None],  # amount
            [3, "光伏组件", "某某新能源", "甲县", 3000, "2026-03-10", None, "在谈二期"],
            [4, "食品加工", "某某食品", "甲县", 800, "2026-04-18", None, None],  # new
        ],
    )
    before = snapshot(ledger)
    dry = zs("import", "projects", april, "--dry-run").stdout
    assert snapshot(ledger) == before
    assert "projects: would add 1, change 2; 1 unchanged." in dry
    plan = plan_lines(dry)
    assert any(
        f"{codes['新材料项目']} 新材料项目" in line
        and "stage: signed → started (2026-04-02)" in line
        for line in plan
    ), plan
    assert any("contract amount: 5000.00万 → 6000.00万" in line for line in plan), plan
    assert any("new" in line and "食品加工 (signed)" in line for line in plan), plan
    real = zs("import", "projects", april).stdout
    assert "projects: added 1, changed 2; 1 unchanged." in real
    assert plan_lines(real) == plan  # the real run applies exactly the plan shown
    rows = {row["name"]: row for row in as_json("project", "list")}
    assert len(rows) == 4  # never a duplicate project
    first = as_json("project", "show", codes["新材料项目"])
    assert (first["stage"], first["started_on"]) == ("started", "2026-04-02")
    assert first["name"] == "新材料项目"  # a spelling of the name is no rename
    cold = as_json("project", "show", codes["冷链物流园"])
    assert cold["contract_wan"] == 6000
    (change,) = [c for c in cold["changes"] if c["field"] == "contract_fen"]
    assert (change["kind"], change["effective_on"]) == ("edit", None)  # a correction
    assert change["reason"] == "from 4月.xlsx, row 5"
    actions = [entry["action"] for entry in as_json("history")]
    assert actions.count("project.edit") == 1 and actions.count("project.stage") == 1
    # The same sheet again changes nothing.
    again = zs("import", "projects", april).stdout
    assert "projects: added 0, changed 0; 4 unchanged." in again
    # In May the agreement grows by 2000万: 增资, from the day it was signed.
    may = month_sheet(
        tmp_path / "5月.xlsx",
        [[2, "冷链物流园", "某某冷链", "乙县", 8000, "2026-03-05", None, "签订增资协议"]],
    )
    out = zs(
        "import", "projects", may, "--amount-change", "增资", "--increase-date", "2026-05-20"
    ).stdout
    assert "contract amount: 6000.00万 → 8000.00万 (增资)" in out
    assert "note: — → 签订增资协议" in out
    cold = as_json("project", "show", codes["冷链物流园"])
    increase = [c for c in cold["changes"] if c["kind"] == "increase"]
    assert [(c["effective_on"], c["new"]) for c in increase] == [("2026-05-20", 8000)]
    assert cold["note"] == "签订增资协议"
    april_report = as_json("report", "--month", "4", "--year", "2026", "--metric", "projects")
    may_report = as_json("report", "--month", "5", "--year", "2026", "--metric", "projects")
    assert april_report["total"]["actual"] == may_report["total"]["actual"] == 4


def test_a_refresh_that_would_go_back_or_shrink_an_increase_is_refused(
    ledger: Path, tmp_path: Path
) -> None:
    zs("import", "projects", month_sheet(tmp_path / "3月.xlsx", MARCH))
    code = as_json("project", "list")[0]["code"]
    zs("project", "stage", code, "started", "--date", "2026-04-02")
    header = ["项目名称", "投资方", "责任单位", "合同金额(万元)", "签约日期", "阶段"]
    path = write_book(
        tmp_path / "错.xlsx",
        [
            header,
            ["新材料项目", "某某新材料有限公司", "甲县", 10000, "2026-03-01", "签约"],
            ["冷链物流园", "某某冷链", "乙县", 4000, "2026-03-05", None],
            ["光伏组件", "某某新能源", "甲县", 3000, "2026-03-12", None],
        ],
    )
    before = snapshot(ledger)
    lines = []
    for dry in (["--dry-run"], []):
        result = zs("import", "projects", path, "--amount-change", "increase", *dry, code=1)
        lines.append(result.stderr.splitlines())
    assert lines[0] == lines[1]
    assert snapshot(ledger) == before
    where = "错.xlsx, sheet Sheet1"
    assert lines[0] == [
        f"{where}, row 2, column 阶段: project {code} is at stage started in the ledger; moving "
        f"it back is a correction: `zs project stage {code} signed --correct --reason …`",
        f"{where}, row 3, column 合同金额(万元): the contract amount went down (5000.00万 → "
        "4000.00万); an increase (增资) only adds: import it with --amount-change correction",
        "zs: 2 problems in 错.xlsx; nothing was imported.",
    ]
    # The third row alone: a corrected signing date of a project still at 签约.
    fixed = write_book(
        tmp_path / "对.xlsx", [header, ["光伏组件", "某某新能源", "甲县", 3000, "2026-03-12", None]]
    )
    out = zs("import", "projects", fixed).stdout
    assert "signing date: 2026-03-10 → 2026-03-12" in out
    assert {row["name"]: row["signed_on"] for row in as_json("project", "list")}["光伏组件"] == (
        "2026-03-12"
    )


def test_arrivals_are_matched_by_voucher_else_by_project_date_and_amount(
    ledger: Path, tmp_path: Path
) -> None:
    zs("add-project", "--name", "A", "--unit", "甲县", "--signed", "2026-03-01", "--code", "P-1")
    zs("arrive", "P-1", "100万", "--date", "2026-04-01", "--ref", "V-1")
    zs("arrive", "P-1", "50万", "--date", "2026-04-03")
    path = write_csv(
        tmp_path / "到位.csv",
        [
            ["到位资金台账"],
            ["项目编号", "到位金额", "到位日期", "凭证号"],
            ["P-1", "100", "2026-04-01", "V-1"],  # the same voucher: skipped
            ["P-1", "50", "2026-04-03", ""],  # no voucher, same project, day and amount
            ["P-1", "100", "2026-04-01", "V-2"],  # another voucher on the same day: added
            ["合计", "250", "", ""],
        ],
    )
    result = zs("import", "arrivals", path)
    assert "arrivals: added 1, skipped 2 already in the ledger." in result.stdout
    assert "row 4: arrival 50.00万 CNY for P-1 on 2026-04-03: the same project, date and " in (
        result.stdout
    )
    assert (
        "warning: 到位.csv, arrivals row 5: the same project, date and amount as arrival 1; if "
        "it was entered twice, reverse one with `zs arrival reverse` (accepted)."
    ) in result.stderr
    assert len(as_json("arrival", "list")) == 3
    again = zs("import", "arrivals", path)
    assert "arrivals: added 0, skipped 3 already in the ledger." in again.stdout


def test_template_never_overwrites_a_file(ledger: Path, tmp_path: Path) -> None:
    path = tmp_path / "项目.xlsx"
    office_sheet(path)
    raw = path.read_bytes()
    result = fails("template", "projects", "-o", path)
    assert f"{path} already exists" in result.stderr and "--force" in result.stderr
    assert path.read_bytes() == raw
    zs("template", "projects", "-o", path, "--force")
    assert path.read_bytes() != raw


def test_the_progress_bar_is_drawn_only_on_a_terminal(ledger: Path, tmp_path: Path) -> None:
    from rich.console import Console

    from zhaoshang_cli.output.progress import rows

    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=80)
    assert list(rows(range(5000), 5000, "Importing projects", console=console)) == list(range(5000))
    assert "Importing projects" in screen.getvalue()
    assert list(rows(range(10), 10, "few", console=console)) == list(range(10))
    assert "few" not in screen.getvalue()  # a moment's work: no bar
    many = [["项目名称", "责任单位", "签约日期"]] + [
        [f"项目{n}", "甲县", "2026-03-01"] for n in range(2100)
    ]
    result = zs("import", "projects", write_csv(tmp_path / "many.csv", many), "--dry-run")
    assert result.stderr == ""  # not a terminal: no bar


def test_the_refresh_plan_in_chinese(ledger: Path, tmp_path: Path, chinese: None) -> None:
    zs("import", "projects", month_sheet(tmp_path / "3月.xlsx", MARCH))
    april = month_sheet(
        tmp_path / "4月.xlsx",
        [[1, "新材料项目", "某某新材料有限公司", "甲县", 12000, "2026-03-01", "2026-04-02", None]],
    )
    out = zs("import", "projects", april, "--dry-run").stdout
    assert "项目：拟新增 0 个，变更 1 个；0 个未变。" in out
    assert "阶段：签约 → 开工 (2026-04-02)" in out
    assert "合同引资额：10000.00万 → 12000.00万" in out
    assert "试运行：未写入任何内容。" in out
