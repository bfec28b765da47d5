"""A month's 台账 as clerks type it, projects side (issue 25): a row typed twice is one project,
a new investor is 更换业主 on the same project, voided projects are never matched by name,
作废/终止 written in 备注 are events, and a file applied twice changes nothing."""

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from helpers import snapshot, zs
from sheets import as_json, audit_count, refused

HEADER = [
    "序号",
    "项目名称",
    "投资方",
    "责任单位",
    "合同金额(万元)",
    "签约日期",
    "开工日期",
    "备注",
]


@pytest.fixture(autouse=True)
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")


def sheet(path: Path, rows: list[list[Any]], header: list[str] = HEADER) -> Path:
    workbook = openpyxl.Workbook()
    book = workbook.active
    for line in [["甲县招商引资项目台账"], ["单位：万元"], header, *rows]:
        book.append(line)
    workbook.save(path)
    return path


def projects() -> dict[str, list[dict[str, Any]]]:
    by_name: dict[str, list[dict[str, Any]]] = {}
    for row in as_json("project", "list", "--voided"):
        by_name.setdefault(row["name"], []).append(row)
    return by_name


JANUARY = [
    [1, "新材料项目", "某某新材料有限公司", "甲县", 5000, "2026-01-10", None, None],
    [2, "新材料", "某某新材料有限责任公司", "甲县", 5000, "2026/1/10", None, None],  # typed twice
    [3, "冷链物流园", "某某冷链有限公司", "甲县", 3000, "2026-01-12", None, None],
    [4, "冷链物流园", "某某冷链有限公司", "甲县", 3000, "2026-01-12", None, None],  # identical
    [5, "光伏组件", "某某新能源", "乙县", 2000, "2026-01-15", None, None],
    [6, "食品加工", "某某食品", "乙县", 1000, "2026-01-20", None, None],
]


def test_a_row_typed_twice_is_one_project_counted_once(ledger: Path, tmp_path: Path) -> None:
    january = sheet(tmp_path / "1月.xlsx", JANUARY)
    dry = zs("import", "projects", january, "--dry-run").stdout
    assert "projects: would add 4, change 0; 0 unchanged." in dry
    assert "2 rows repeat a project of an earlier row: counted once." in dry
    real = zs("import", "projects", january).stdout
    assert "projects: added 4, changed 0; 0 unchanged." in real
    duplicates = [line for line in real.splitlines() if "duplicate" in line]
    assert len(duplicates) == 2
    assert "the same as row 4: counted once" in duplicates[0]  # rows 4 and 5 of the sheet
    assert "the same as row 6: counted once" in duplicates[1]
    held = projects()
    assert {name: len(rows) for name, rows in held.items()} == {
        "新材料项目": 1,
        "冷链物流园": 1,
        "光伏组件": 1,
        "食品加工": 1,
    }
    report = as_json("report", "--month", "1", "--year", "2026", "--metric", "projects")
    assert report["total"]["actual"] == 4
    # The next month's sheet, with the same rows typed twice, is not ambiguous.
    started = [[*row[:6], "2026-02-03", None] for row in JANUARY[:2]]
    february = sheet(tmp_path / "2月.xlsx", started)
    out = zs("import", "projects", february).stdout
    assert "stage: signed → started (2026-02-03)" in out
    assert len(projects()["新材料项目"]) == 1


def test_two_rows_of_one_project_that_disagree_are_one_problem(
    ledger: Path, tmp_path: Path
) -> None:
    path = sheet(
        tmp_path / "1月.xlsx",
        [
            [1, "冷链物流园", "某某冷链有限公司", "甲县", 3000, "2026-01-12", None, None],
            [2, "冷链物流园", "某某冷链", "甲县", 3500, "2026-01-12", None, None],
        ],
    )
    before = snapshot(ledger)
    result = refused("import", "projects", path)
    problems = [line for line in result.stderr.splitlines() if "row" in line]
    assert problems == [
        "1月.xlsx, sheet Sheet, row 5, column 项目名称: the same project as row 4, but "
        "合同金额(万元) differ; keep one of them"
    ]
    assert snapshot(ledger) == before


def test_a_new_investor_is_the_same_project_with_its_investor_changed(
    ledger: Path, tmp_path: Path
) -> None:
    zs("import", "projects", sheet(tmp_path / "1月.xlsx", JANUARY))
    code = projects()["冷链物流园"][0]["code"]
    rows = [[1, "冷链物流园", "另一家冷链集团", "甲县", 3000, "2026-01-12", None, None]]
    march = sheet(tmp_path / "3月.xlsx", rows)
    dry = zs("import", "projects", march, "--dry-run").stdout
    assert "would add 0, change 1" in dry
    assert f"{code} 冷链物流园" in dry
    assert "investor: 某某冷链有限公司 → 另一家冷链集团" in dry
    zs("import", "projects", march)
    shown = as_json("project", "show", code)
    assert shown["investor"] == "另一家冷链集团"
    (change,) = [c for c in shown["changes"] if c["field"] == "investor"]
    assert change["reason"] == "from 3月.xlsx, row 4"
    # Month after month the new investor stays on that one project: never a copy.
    zs("import", "projects", march)
    april = [[1, "冷链物流园", "另一家冷链集团", "甲县", 3000, "2026-01-12", "2026-04-01", None]]
    out = zs("import", "projects", sheet(tmp_path / "4月.xlsx", april)).stdout
    assert "stage: signed → started (2026-04-01)" in out
    assert [row["code"] for row in projects()["冷链物流园"]] == [code]
    assert as_json("project", "show", code)["stage"] == "started"


def test_a_new_investor_under_another_unit_is_another_project(ledger: Path, tmp_path: Path) -> None:
    zs("import", "projects", sheet(tmp_path / "1月.xlsx", JANUARY))
    rows = [[1, "冷链物流园", "另一家冷链集团", "乙县", 3000, "2026-02-12", None, None]]
    out = zs("import", "projects", sheet(tmp_path / "2月.xlsx", rows)).stdout
    assert "added 1, changed 0" in out
    assert len(projects()["冷链物流园"]) == 2


def test_two_candidates_for_a_new_investor_are_one_problem(ledger: Path, tmp_path: Path) -> None:
    for investor in ("甲公司", "乙公司"):
        zs("add-project", "--name", "标准厂房", "--unit", "甲县", "--investor", investor,
           "--signed", "2026-01-05", "--amount", "1000")  # fmt: skip
    codes = sorted(row["code"] for row in projects()["标准厂房"])
    rows = [[1, "标准厂房", "丙公司", "甲县", 1000, "2026-01-05", None, None]]
    before = snapshot(ledger)
    result = refused("import", "projects", sheet(tmp_path / "2月.xlsx", rows))
    assert f"several projects in the ledger match '标准厂房' ({codes[0]}, {codes[1]})" in (
        result.stderr
    )
    assert snapshot(ledger) == before


def test_a_voided_project_is_never_a_candidate_unless_its_code_is_given(
    ledger: Path, tmp_path: Path
) -> None:
    zs("import", "projects", sheet(tmp_path / "1月.xlsx", JANUARY))
    (old,) = projects()["光伏组件"]
    zs("project", "void", old["code"], "--reason", "录入错误")
    row = [1, "光伏组件", "某某新能源", "乙县", 2000, "2026-01-15", None, None]
    out = zs("import", "projects", sheet(tmp_path / "2月.xlsx", [row])).stdout
    assert "added 1, changed 0" in out  # the voided one is not matched by its name
    assert len(projects()["光伏组件"]) == 2
    header = ["项目编号", *HEADER[1:]]
    coded = sheet(tmp_path / "编号.xlsx", [[old["code"], *row[1:]]], header)
    out = zs("import", "projects", coded).stdout
    assert "added 0, changed 0; 1 unchanged." in out  # the code names it: that project
    started = [[old["code"], *row[1:6], "2026-02-01", None]]
    before = snapshot(ledger)
    result = refused("import", "projects", sheet(tmp_path / "开工.xlsx", started, header))
    assert "void" in result.stderr  # a voided project takes no change
    assert snapshot(ledger) == before


def test_a_void_row_is_never_a_new_investor_of_a_live_project(ledger: Path, tmp_path: Path) -> None:
    """A project voided, then the same name signed by another company under the same unit: the
    row still marked 作废 keeps naming the voided one, never voids the new one."""
    voided = [1, "酒店项目", "某某酒店有限公司", "市商务局", 1000, "2026-03-20", None, "作废"]
    zs("import", "projects", sheet(tmp_path / "3月.xlsx", [[*voided[:-1], None]]))
    zs("import", "projects", sheet(tmp_path / "7月.xlsx", [voided]))
    live = [2, "酒店项目", "某某酒店管理有限公司", "市商务局", 1500, "2026-08-25", None, None]
    zs("import", "projects", sheet(tmp_path / "8月.xlsx", [voided, live]))
    before = snapshot(ledger)
    out = zs("import", "projects", sheet(tmp_path / "9月.xlsx", [voided, live])).stdout
    assert "added 0, changed 0; 2 unchanged." in out
    assert snapshot(ledger) == before
    (hotel,) = [row for row in projects()["酒店项目"] if not row["voided"]]
    assert as_json("project", "show", hotel["code"])["investor"] == "某某酒店管理有限公司"


def test_void_and_termination_written_in_the_note_are_events(ledger: Path, tmp_path: Path) -> None:
    zs("import", "projects", sheet(tmp_path / "1月.xlsx", JANUARY))
    held = {name: rows[0]["code"] for name, rows in projects().items()}
    rows = [
        [1, "光伏组件", "某某新能源", "乙县", 2000, "2026-01-15", None, "已作废"],
        [2, "食品加工", "某某食品", "乙县", 1000, "2026-01-20", None, "项目终止，原因：企业撤资"],
        [3, "冷链物流园", "某某冷链有限公司", "甲县", 3000, "2026-01-12", None, "未终止，正常推进"],
        [4, "酒店项目", "某某酒店", "甲县", 800, "2026-02-02", None, "作废"],  # never entered
    ]
    march = sheet(tmp_path / "3月.xlsx", rows)
    dry = zs("import", "projects", march, "--dry-run").stdout
    assert "void (作废): 已作废" in dry
    assert "stage: signed → terminated (2026-11-23)" in dry
    assert "1 row marked 作废 is not in the ledger: not added." in dry
    zs("import", "projects", march)
    assert as_json("project", "show", held["光伏组件"])["void_reason"] == "已作废"
    ended = as_json("project", "show", held["食品加工"])
    assert (ended["stage"], ended["terminated_on"]) == ("terminated", "2026-11-23")
    assert ended["termination_reason"] == "企业撤资"
    assert as_json("project", "show", held["冷链物流园"])["stage"] == "signed"  # 未终止
    assert "酒店项目" not in projects()
    report = as_json("report", "--month", "3", "--year", "2026", "--metric", "projects")
    assert report["total"]["actual"] == 3  # the voided one leaves every figure
    # Applied again: all unchanged, nothing written.
    before, entries = snapshot(ledger), audit_count(ledger)
    again = zs("import", "projects", march).stdout
    assert "added 0, changed 0; 3 unchanged." in again
    assert (snapshot(ledger), audit_count(ledger)) == (before, entries)


def test_a_status_column_holds_stages_voids_and_terminations(ledger: Path, tmp_path: Path) -> None:
    header = [
        "项目名称",
        "投资方",
        "责任单位",
        "合同金额(万元)",
        "签约日期",
        "开工日期",
        "项目状态",
    ]
    rows = [
        ["光伏组件", "某某新能源", "乙县", 2000, "2026-01-15", "2026-03-01", "已开工"],
        ["食品加工", "某某食品", "乙县", 1000, "2026-01-20", None, "终止（原因：企业撤资）"],
        ["冷链物流园", "某某冷链有限公司", "甲县", 3000, "2026-01-12", None, "签约"],
    ]
    zs("import", "projects", sheet(tmp_path / "1月.xlsx", rows, header))
    held = {name: found[0] for name, found in projects().items()}
    assert held["光伏组件"]["stage"] == "started"
    assert held["食品加工"]["stage"] == "terminated"
    assert as_json("project", "show", held["食品加工"]["code"])["termination_reason"] == "企业撤资"
    rows[2][-1] = "作废，原因：重复录入"
    zs("import", "projects", sheet(tmp_path / "2月.xlsx", rows, header))
    assert as_json("project", "show", held["冷链物流园"]["code"])["void_reason"] == "重复录入"
    # A status that is none of these is the row's problem; nothing is written.
    before = snapshot(ledger)
    rows[0][-1] = "前期手续办理中"
    result = refused("import", "projects", sheet(tmp_path / "3月.xlsx", rows, header))
    assert "前期手续办理中" in result.stderr
    assert snapshot(ledger) == before


@pytest.mark.parametrize("month", ["1月", "3月"])
def test_any_file_applied_twice_writes_nothing_the_second_time(
    ledger: Path, tmp_path: Path, month: str
) -> None:
    zs("import", "projects", sheet(tmp_path / "1月.xlsx", JANUARY))
    march = [
        [1, "新材料项目", "某某新材料有限公司", "甲县", 6000, "2026-01-10", "2026-03-02", None],
        [2, "冷链物流园", "另一家冷链集团", "甲县", 3000, "2026-01-12", None, "更换业主"],
        [3, "光伏组件", "某某新能源", "乙县", 2000, "2026-01-15", None, "作废"],
        [4, "食品加工", "某某食品", "乙县", 1000, "2026-01-20", None, "终止"],
        [5, "新项目", "某某科技", "甲县", 900, "2026-03-09", None, None],
        [6, "新项目", "某某科技有限公司", "甲县", 900, "2026-03-09", None, None],
    ]
    path = sheet(tmp_path / f"{month}.xlsx", JANUARY if month == "1月" else march)
    zs("import", "projects", path)
    before, entries = snapshot(ledger), audit_count(ledger)
    dry = zs("import", "projects", path, "--dry-run").stdout
    assert "would add 0, change 0" in dry
    again = zs("import", "projects", path).stdout
    assert "added 0, changed 0" in again
    assert (snapshot(ledger), audit_count(ledger)) == (before, entries)
