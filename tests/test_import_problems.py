"""Bad rows: every problem reported at once, at the row a user sees (header = row 1), and
nothing written."""

from pathlib import Path

import openpyxl
import pytest

from helpers import fails, snapshot, zs
from sheets import in_chinese, write_csv, write_xlsx

pytestmark = pytest.mark.one_backend  # refusals found in the file before anything is written


def problems_of(result) -> list[str]:  # type: ignore[no-untyped-def]
    """The problem lines, then the closing sentence."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert "Traceback" not in result.output
    return lines


def refused(ledger: Path, *args: object) -> list[str]:
    """Run an import that must fail, with and without --dry-run; the ledger stays as it was."""
    before = snapshot(ledger)
    dry = problems_of(zs(*map(str, args), "--dry-run", code=1))
    lines = problems_of(zs(*map(str, args), code=1))
    assert dry == lines
    assert snapshot(ledger) == before
    return lines


def test_project_problems(ledger: Path, tmp_path: Path) -> None:
    zs("add-project", "--name", "旧项目", "--unit", "乙县", "--code", "P-OLD")
    path = write_xlsx(
        tmp_path / "项目导入模板.xlsx",
        {
            "项目": [
                ["项目编号", "项目名称", "责任单位", "合同金额(万元)", "签约日期", "阶段", "备注2"],
                ["P-1", "A", "甲县", 100, "2026-03-01", None, None],
                ["P-2", "B", "丙县", 100, "2026-03-01", None, None],
                ["P-3", "C", "甲县", "4.7一亿", "2026-03-01", None, None],
                ["P-1", "D", "甲县", 100, "2026-03-01", None, None],
                ["P-OLD", "E", "甲县", 100, "2026-03-01", None, None],
                ["P-4", "F", "甲县", 100, "2026-02-30", None, None],
                ["P-5", "G", "甲县", 100, None, "开工", None],
                ["P-6", None, "甲县", 100, "2026-03-01", None, None],
                ["P-7", "H", "甲县", 100, "2026-03-01", "开发", None],
                [],
                ["P-8", "I", "甲县", -5, "2026-03-01", None, None],
                ["P-9", "J", "甲县", 100, None, "线索", None, "x"],
            ]
        },
    )
    where = "项目导入模板.xlsx, sheet 项目"
    assert refused(ledger, "import", "projects", path) == [
        f"{where}, row 3, column 责任单位: There is no unit named '丙县'; see `zs unit list`.",
        f"{where}, row 4, column 合同金额(万元): The amount '4.7一亿' is not readable; "
        "write it like 4700万, 4.7亿, 47000000元 or a plain number of 万.",
        f"{where}, row 5, column 项目编号: duplicate code 'P-1' (also row 2)",
        f"{where}, row 6, column 项目编号: the code 'P-OLD' is already in the ledger for '旧项目'",
        f"{where}, row 7, column 签约日期: The date '2026-02-30' does not exist in the calendar.",
        f"{where}, row 8, column 签约日期: a project at stage started needs 签约日期",
        f"{where}, row 8, column started_on (开工日期): "
        "a project at stage started needs started_on (开工日期)",
        f"{where}, row 9, column 项目名称: a value is required",
        f"{where}, row 10, column 阶段: Unknown stage '开发'; "
        "use one of: lead/线索, negotiating/在谈, signed/签约, started/开工, completed/竣工, "
        "producing/投产, terminated/终止.",
        f"{where}, row 12, column 合同金额(万元): The amount '-5' is negative; "
        "amounts must be greater than zero.",
        f"{where}, row 13, column H: a value under no column header",
        "zs: 11 problems in 项目导入模板.xlsx; nothing was imported.",
    ]


def test_arrival_problems(ledger: Path, tmp_path: Path) -> None:
    zs("add-project", "--name", "A", "--unit", "甲县", "--signed", "2026-03-01", "--code", "P-1")
    zs("add-project", "--name", "T", "--unit", "甲县", "--signed", "2026-03-01", "--code", "P-T")
    zs("project", "stage", "P-T", "terminated", "--date", "2026-03-05", "--reason", "撤资")
    path = write_csv(
        tmp_path / "到位资金.csv",
        [
            ["项目编号", "到位金额", "到位日期", "币种", "凭证号"],
            ["P-1", "100", "2026-04-01", "", "V-1"],
            ["P-9", "100", "2026-04-01", "", ""],
            ["P-1", "-5", "2026-04-01", "", ""],
            ["P-1", "100", "2026-04-02", "", "V-1"],
            ["P-1", "50", "2026-04-03", "", ""],
            ["P-1", "50", "2026-04-03", "", ""],
            ["P-1", "100", "2026-04-05", "EUR", "V-8"],
            ["P-1", "100", "", "", "V-9"],
            ["P-1", "abc", "2026-04-01", "", "V-10"],
            ["P-T", "100", "2026-04-01", "", "V-11"],
        ],
    )
    assert refused(ledger, "import", "arrivals", path) == [
        "到位资金.csv, row 3, column 项目编号: there is no project with code 'P-9'",
        "到位资金.csv, row 4, column 到位金额: no earlier arrival of 5.00万 CNY for P-1 to "
        "reverse; its arrivals in force: row 2: 100.00万 on 2026-04-01 (V-1)",
        "到位资金.csv, row 5, column 凭证号: the same 凭证号 as row 2",
        "到位资金.csv, row 7, column 凭证号: "
        "the same project, date and amount as row 6; give each its 凭证号",
        "到位资金.csv, row 8: There is no EUR rate for 2026-04; "
        "set one first with `zs rate set EUR RATE --month 2026-04`.",
        "到位资金.csv, row 9, column 到位日期: a value is required",
        "到位资金.csv, row 10, column 到位金额: The amount 'abc' is not readable; "
        "write it like 4700万, 4.7亿, 47000000元 or a plain number of 万.",
        "到位资金.csv, row 11: Project P-T was terminated on 2026-03-05; no money can arrive for it after that.",
        "zs: 8 problems in 到位资金.csv; nothing was imported.",
    ]


def test_unit_and_target_problems(ledger: Path, tmp_path: Path) -> None:
    units = write_xlsx(
        tmp_path / "units.xlsx",
        {
            "单位": [
                ["单位名称", "类型", "上级单位"],
                ["城关镇", "乡镇", "甲县"],
                ["城关镇", "乡镇", "甲县"],
                ["丁镇", "乡镇", "丙县"],
                ["甲县", "开发区", "全市"],
                ["某组", "小组", "全市"],
            ]
        },
    )
    lines = refused(ledger, "import", "units", units)
    assert lines[:3] == [
        "units.xlsx, sheet 单位, row 3, column 单位名称: the unit '城关镇' twice (also row 2)",
        "units.xlsx, sheet 单位, row 4, column 上级单位: "
        "There is no unit named '丙县'; see `zs unit list`.",
        "units.xlsx, sheet 单位, row 5, column 类型: 甲县 is already in the ledger as a county",
    ]
    assert lines[3].startswith(
        "units.xlsx, sheet 单位, row 6, column 类型: Unknown unit kind '小组'"
    )

    targets = write_xlsx(
        tmp_path / "targets.xlsx",
        {
            "目标任务": [
                ["责任单位", "年度", "指标", "目标", "生效日期"],
                ["丙县", 2026, "funds", 8000, None],
                ["甲县", 2026, "利润", 8000, None],
                ["甲县", 2026, "projects", 12.5, None],
                ["甲县", 2026, "funds", 8000, "2026-07-01"],
                ["甲县", 2026, "funds", 9000, "2026-07-01"],
                ["乙县", 2026, "funds", 9000, "2025-07-01"],
            ]
        },
    )
    where = "targets.xlsx, sheet 目标任务"
    lines = refused(ledger, "import", "targets", targets)
    assert (
        lines[0]
        == f"{where}, row 2, column 责任单位: There is no unit named '丙县'; see `zs unit list`."
    )
    assert lines[1].startswith(f"{where}, row 3, column 指标: Unknown metric '利润'")
    assert lines[2:] == [
        f"{where}, row 4, column 目标: The projects target '12.5' must be a whole number of items.",
        f"{where}, row 7: The date 2025-07-01 is not in the target year 2026.",
        "zs: 4 problems in targets.xlsx; nothing was imported.",
    ]


def test_sheet_level_problems(ledger: Path, tmp_path: Path) -> None:
    no_name = write_xlsx(tmp_path / "a.xlsx", {"项目": [["项目编号", "责任单位"], ["P-1", "甲县"]]})
    assert refused(ledger, "import", "projects", no_name) == [
        "a.xlsx, sheet 项目: the required column name (项目名称) is missing",
        "zs: 1 problem in a.xlsx; nothing was imported.",
    ]
    twice = write_csv(tmp_path / "b.csv", [["到位金额", "金额", "到位日期", "项目编号"]])
    assert refused(ledger, "import", "arrivals", twice)[0] == (
        "b.csv, column 金额: the same column twice (columns A and B)"
    )
    nothing = write_csv(tmp_path / "c.csv", [["甲", "乙"], ["1", "2"]])
    assert refused(ledger, "import", "units", nothing)[0] == (
        "c.csv: no header row found; the first row should name columns like name, kind, parent"
    )


def test_unreadable_files_fail_in_one_sentence(ledger: Path, tmp_path: Path) -> None:
    fails("import", "projects", tmp_path / "missing.xlsx")
    (tmp_path / "notes.txt").write_text("hello")
    fails("import", "projects", tmp_path / "notes.txt")
    fails("import", "ledger", write_csv(tmp_path / "x.csv", [["单位名称"]]))
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    assert "could not be read" in fails("import", "projects", tmp_path / "broken.xlsx").stderr


@pytest.mark.parametrize(
    ("sheet", "named"), [("单位", "units (单位)"), ("项目", "projects (项目)")]
)
def test_import_ledger_needs_the_unit_and_project_sheets(
    ledger_path: Path, tmp_path: Path, sheet: str, named: str
) -> None:
    zs("init")
    path = tmp_path / "x.xlsx"
    in_chinese("export", "-o", path)
    workbook = openpyxl.load_workbook(path)
    del workbook[sheet]
    workbook.save(path)
    lines = refused(ledger_path, "import", "ledger", path)
    assert lines == [
        f"x.xlsx: the sheet {named} is missing; is this a `zs export` file?",
        "zs: 1 problem in x.xlsx; nothing was imported.",
    ]


def test_reversal_rows_must_match_their_original(ledger: Path, tmp_path: Path) -> None:
    zs("add-project", "--name", "A", "--unit", "甲县", "--signed", "2026-03-01", "--code", "P-1")
    path = write_csv(
        tmp_path / "r.csv",
        [
            ["到位编号", "项目编号", "到位金额", "到位日期", "备注", "冲销编号"],
            ["1", "P-1", "100", "2026-04-01", "", ""],
            ["2", "P-1", "-90", "2026-04-01", "", "1"],
            ["3", "P-1", "-100", "2026-04-01", "重复录入", "7"],
        ],
    )
    assert refused(ledger, "import", "arrivals", path) == [
        "r.csv, row 3, column 到位金额: a reversal cancels row 2 whole: -100.00",
        "r.csv, row 3, column 备注: a reversal needs its reason in 备注",
        "r.csv, row 4, column 冲销编号: no arrival with 到位编号 7 above this row",
        "zs: 3 problems in r.csv; nothing was imported.",
    ]


def test_rate_problems(ledger: Path, tmp_path: Path) -> None:
    zs("rate", "set", "USD", "7.10", "--month", "2026-04")
    path = write_csv(
        tmp_path / "汇率.csv",
        [
            ["币种", "月份", "汇率"],
            ["USD", "2026-04", "7.20"],
            ["美元", "2026-04", "7.10"],
            ["HKD", "2026-04", "0.91"],
            ["HKD", "2026-04", "0.92"],
            ["CNY", "2026-04", "1"],
            ["USD", "2026-13", "7.1"],
        ],
    )
    assert refused(ledger, "import", "rates", path) == [
        "汇率.csv, row 2, column 汇率: the ledger has 7.1 for USD 2026-04; change it with `zs rate set`",
        "汇率.csv, row 3, column 月份: a second USD rate for 2026-04 (row 2)",
        "汇率.csv, row 5, column 月份: a second HKD rate for 2026-04 (row 4)",
        "汇率.csv, row 6: CNY needs no exchange rate.",
        "汇率.csv, row 7, column 月份: The month '2026-13' is not a month; write it as YYYY-MM.",
        "zs: 5 problems in 汇率.csv; nothing was imported.",
    ]


def test_a_bad_cell_repeated_is_reported_on_every_row(ledger: Path, tmp_path: Path) -> None:
    """Amounts and dates are parsed once per distinct cell; a refusal is reported each time."""
    zs("add-project", "--name", "A", "--unit", "甲县", "--signed", "2026-03-01", "--code", "P-1")
    path = write_csv(
        tmp_path / "到位资金.csv",
        [
            ["项目编号", "到位金额", "到位日期", "凭证号"],
            ["P-1", "abc", "2026-04-01", "V-1"],
            ["P-1", "100", "2026-13-01", "V-2"],
            ["P-1", "abc", "2026-04-01", "V-3"],
            ["P-1", "100", "2026-13-01", "V-4"],
        ],
    )
    problems = refused(ledger, "import", "arrivals", path)
    assert [problem.split(":")[0] for problem in problems[:-1]] == [
        "到位资金.csv, row 2, column 到位金额",
        "到位资金.csv, row 3, column 到位日期",
        "到位资金.csv, row 4, column 到位金额",
        "到位资金.csv, row 5, column 到位日期",
    ]


def test_the_bulk_audit_text_is_the_trails_own() -> None:
    from datetime import date

    from zhaoshang_cli.arrivals.bulk import ARRIVAL_COLUMNS, audit_text
    from zhaoshang_cli.store import audit

    for text in (None, "", 'a"b\\c', "银行回单", "x\ny\t\u2028\x01😀"):
        values = dict.fromkeys(ARRIVAL_COLUMNS[1:], text)
        values |= {"project_id": 7, "arrived_on": date(2026, 4, 1), "amount_minor": 10**12}
        values |= {"entered_at": None, "rate_micro": None, "reverses_id": 3}
        assert audit_text(values) == audit.entry_text(
            {key: value for key, value in values.items() if key != "entered_at"}
        )


def test_a_targets_sheet_in_an_offices_own_words(ledger: Path, tmp_path: Path) -> None:
    """单位名称 / 目标金额(万元), no year or metric column: this year's funds targets."""
    from sheets import as_json

    sheet = write_csv(
        tmp_path / "t.csv", [["单位名称", "目标金额(万元)"], ["甲县", 8000], ["乙县", "1.2亿"]]
    )
    zs("import", "targets", sheet)
    rows = {row["name"]: row["must_wan"] for row in as_json("target", "list", "--year", "2026")}
    assert (rows["甲县"], rows["乙县"]) == (8000, 12000)
