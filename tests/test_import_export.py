"""Templates, imports (all rows or none, nothing twice), the export and its round trip."""

import json
import re
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from helpers import recorded_as, snapshot, zs
from sheets import as_json, fill_template, in_chinese, read_xlsx, write_csv, write_xlsx

PROJECT_HEADERS = ["项目编号", "项目名称", "责任单位", "合同金额(万元)", "签约日期", "开工日期"]


def test_cli_start_up_loads_no_spreadsheet_library() -> None:
    code = (
        "import sys, zhaoshang_cli.cli; "
        "print(sorted({'pandas', 'openpyxl', 'python_calamine', 'alembic'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("kind", "title", "first_headers"),
    [
        ("units", "单位", ["单位名称", "类型", "上级单位", "职级"]),
        ("projects", "项目", ["项目编号", "项目名称", "责任单位", "投资方"]),
        ("arrivals", "到位资金", ["项目编号", "项目名称", "到位金额(万元)", "到位日期"]),
        ("targets", "目标任务", ["责任单位", "年度", "指标", "层级", "目标"]),
        ("rates", "汇率", ["币种", "月份", "汇率"]),
    ],
)
def test_template_names_the_columns(tmp_path: Path, kind, title, first_headers) -> None:
    path = tmp_path / "模板.xlsx"
    in_chinese("template", kind, "-o", path)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == [title, "说明"]
    headers = [cell.value for cell in workbook[title][1]]
    assert headers[: len(first_headers)] == first_headers
    notes = [row[0] for row in workbook["说明"].iter_rows(values_only=True)]
    assert set(headers) <= set(notes)


def test_template_default_name_and_drop_downs(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    in_chinese("template", "projects")
    sheet = openpyxl.load_workbook(tmp_path / "项目导入模板.xlsx")["项目"]
    lists = [v.formula1 for v in sheet.data_validations.dataValidation]
    assert '"线索,在谈,签约,开工,竣工,投产,终止"' in lists


def test_filled_templates_import(ledger: Path, tmp_path: Path) -> None:
    units = tmp_path / "units.xlsx"
    in_chinese("template", "units", "-o", units)
    fill_template(
        units,
        [
            {"单位名称": "城关镇", "类型": "乡镇街道", "上级单位": "甲县"},
            {"单位名称": "张科长", "类型": "人", "上级单位": "甲县/城关镇", "职级": "副科级以上"},
        ],
    )
    zs("import", "units", units)
    paths = {row["path"]: row for row in as_json("unit", "list")}
    assert paths["全市/甲县/城关镇/张科长"]["rank"] == "副科级以上"
    assert paths["全市/甲县/城关镇"]["kind"] == "town"

    projects = tmp_path / "projects.xlsx"
    in_chinese("template", "projects", "-o", projects)
    fill_template(
        projects,
        [
            {
                "项目编号": "JX-01",
                "项目名称": "年产10万吨新材料项目",
                "责任单位": "甲县",
                "投资方": "某某新材料有限公司",
                "客商来源": "省外",
                "工业项目": "是",
                "合同金额(万元)": 25000,
                "阶段": "开工",
                "签约日期": date(2026, 3, 18),
                "开工日期": "2026/4/2",
                "联系人": "张三 13800138000",
            },
            {
                "项目编号": "JX-02",
                "项目名称": "冷链物流园",
                "责任单位": "甲县、经开区",
                "合同金额(万元)": "4.7亿",
                "签约日期": "2026年5月6日",
            },
        ],
    )
    zs("import", "projects", projects)
    detail = as_json("project", "show", "JX-01", "--with-contacts")
    assert (detail["stage"], detail["signed_on"], detail["started_on"]) == (
        "started",
        "2026-03-18",
        "2026-04-02",
    )
    assert (detail["contract_wan"], detail["origin"], detail["industrial"]) == (
        25_000,
        "outside_province",
        True,
    )
    assert detail["contact"] == "张三 13800138000"
    assert [entry["stage"] for entry in detail["stages"]] == ["signed", "started"]
    joint = as_json("project", "show", "JX-02")
    assert joint["contract_wan"] == 47_000
    assert joint["units"] == [{"unit": "甲县", "share": 0.5}, {"unit": "经开区", "share": 0.5}]

    rates = tmp_path / "rates.xlsx"
    in_chinese("template", "rates", "-o", rates)
    fill_template(rates, [{"币种": "USD", "月份": "2026-04", "汇率": 7.1}])
    zs("import", "rates", rates)
    assert as_json("rate", "list") == [{"currency": "USD", "month": "2026-04", "rate": "7.1"}]

    arrivals = tmp_path / "arrivals.xlsx"
    in_chinese("template", "arrivals", "-o", arrivals)
    fill_template(
        arrivals,
        [
            {"项目编号": "JX-01", "到位金额(万元)": 4700.5, "到位日期": date(2026, 4, 10)},
            {
                "项目名称": "冷链物流园",
                "到位金额(万元)": "120万",
                "到位日期": "2026-04-12",
                "币种": "美元",
                "凭证号": "SWIFT-7",
            },
        ],
    )
    zs("import", "arrivals", arrivals)
    rows = as_json("arrival", "list")
    assert [(r["project"], r["cny_wan"], r["currency"], r["ref"]) for r in rows] == [
        ("JX-01", 4700.5, "CNY", None),
        ("JX-02", 852, "USD", "SWIFT-7"),
    ]
    history = as_json("history")
    assert {entry["operator"] for entry in history} == {recorded_as("tester")}
    assert [e["action"] for e in history].count("arrival.record") == 2


def test_headers_in_english_any_order_and_amount_and_date_forms(
    ledger: Path, tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "p.xlsx",
        {
            "Sheet1": [
                ["甲县2026年3月招商引资项目台账"],  # a title row above the headers
                ["signed_on", "contract", "units", "name", "code", "序号"],
                [date(2026, 3, 1), 4700.5, "甲县", "A", "P-1", 1],
                ["2026/4/10", "4.7亿", "乙县", "B", "P-2", 2],
                ["2026年4月10日", "47000000元", "经开区", "C", "P-3", 3],
                [datetime(2026, 4, 11, 0, 0), "0.01", "市商务局", "D", "P-4", 4],
                ["合计", 1, None, None, None, None],
            ]
        },
    )
    result = zs("import", "projects", path)
    assert "passed over: 1 total row (合计/小计)" in result.stdout
    rows = {row["code"]: row for row in as_json("project", "list")}
    assert {code: (row["signed_on"], row["contract_wan"]) for code, row in rows.items()} == {
        "P-1": ("2026-03-01", 4700.5),
        "P-2": ("2026-04-10", 47000),
        "P-3": ("2026-04-10", 4700),
        "P-4": ("2026-04-11", 0.01),
    }
    assert as_json("project", "show", "P-1")["contract_wan"] == 4700.5  # 万元, as in lists


def test_dry_run_says_what_would_be_added_and_writes_nothing(ledger: Path, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "p.xlsx",
        {"项目": [PROJECT_HEADERS, ["P-1", "A", "甲县", 100, "2026-03-01", None]]},
    )
    before = snapshot(ledger)
    result = zs("import", "projects", path, "--dry-run")
    assert snapshot(ledger) == before
    assert "projects: would add 1" in result.stdout
    assert "  2  new   P-1 A (signed)" in result.stdout
    assert "Dry run: nothing was written." in result.stdout


def test_reimport_adds_nothing_twice(ledger: Path, tmp_path: Path) -> None:
    projects = write_xlsx(
        tmp_path / "p.xlsx",
        {
            "项目": [
                PROJECT_HEADERS,
                ["P-1", "A", "甲县", 10000, "2026-03-01", None],
                [None, "无编号项目", "乙县", 500, "2026-03-02", None],
            ]
        },
    )
    arrivals = write_csv(
        tmp_path / "到位资金.csv",
        [
            ["项目编号", "到位金额", "到位日期", "凭证号"],
            ["P-1", "100", "2026-04-01", "V-1"],
            ["P-1", "100", "2026-04-01", "V-2"],
            ["P-1", "50", "2026-04-02", ""],
        ],
    )
    zs("import", "projects", projects)
    zs("import", "arrivals", arrivals)
    before = snapshot(ledger)
    again = zs("import", "projects", projects)
    assert "projects: added 0, changed 0; 2 unchanged." in again.stdout
    again = zs("import", "arrivals", arrivals)
    assert "arrivals: added 0, skipped 3 already in the ledger." in again.stdout
    assert "row 2: arrival 100.00万 CNY for P-1 on 2026-04-01 (V-1)" in again.stdout
    assert snapshot(ledger) == before

    more = write_csv(
        tmp_path / "more.csv",
        [
            ["项目编号", "到位金额", "到位日期", "凭证号"],
            ["P-1", "100", "2026-04-01", "V-1"],
            ["P-1", "100", "2026-04-01", "V-3"],
        ],
    )
    result = zs("import", "arrivals", more)
    assert "added 1, skipped 1" in result.stdout
    assert [r["ref"] for r in as_json("arrival", "list")] == ["V-1", "V-2", "V-3", None]


def test_csv_in_gb18030_by_project_name_with_warnings(ledger: Path, tmp_path: Path) -> None:
    zs("add-project", "--name", "新材料项目", "--unit", "甲县", "--amount", "100万",
       "--signed", "2026-03-18", "--code", "P-1")  # fmt: skip
    path = write_csv(
        tmp_path / "到位.csv",
        [
            ["项目名称", "到位金额", "到位日期", "备注"],
            ["新材料项目", "150万", "2026-03-01", "首笔"],
        ],
        encoding="gb18030",
    )
    result = zs("import", "arrivals", path)
    assert "到位.csv, arrivals row 2: before the signing date 2026-03-18" in result.stderr
    assert "exceeds the contract amount" in result.stderr
    assert as_json("arrival", "list")[0]["note"] == "首笔"


def test_targets_import_keeps_history(ledger: Path, tmp_path: Path) -> None:
    path = tmp_path / "targets.xlsx"
    in_chinese("template", "targets", "-o", path)
    fill_template(
        path,
        [
            {"责任单位": "甲县", "年度": 2026, "指标": "funds", "层级": "确保", "目标": 8000},
            {"责任单位": "甲县", "年度": 2026, "指标": "到位资金", "层级": "力争", "目标": "9000万"},
            {"责任单位": "甲县", "年度": "2026年", "指标": "招商引资到位资金", "目标": "1亿",
             "生效日期": "2026-07-01", "调整原因": "年中调整"},
            {"责任单位": "乙县", "年度": 2026, "指标": "projects", "目标": 12},
        ],
    )  # fmt: skip
    zs("import", "targets", path)
    again = zs("import", "targets", path)
    assert "targets: added 0, skipped 4" in again.stdout
    export = tmp_path / "out.xlsx"
    in_chinese("export", "-o", export)
    rows = read_xlsx(export)["目标任务"]
    assert rows[0][:7] == ["责任单位", "年度", "指标", "层级", "目标", "生效日期", "调整原因"]
    assert [row[:7] for row in rows[1:]] == [
        ["甲县", 2026, "招商引资到位资金", "确保", 8000, datetime(2026, 1, 1), None],
        ["甲县", 2026, "招商引资到位资金", "力争", 9000, datetime(2026, 1, 1), None],
        ["甲县", 2026, "招商引资到位资金", "确保", 10000, datetime(2026, 7, 1), "年中调整"],
        ["乙县", 2026, "新签约项目个数", "确保", 12, datetime(2026, 1, 1), None],
    ]


# --- export ----------------------------------------------------------------------------

FORMULA_LIKE = ['=HYPERLINK("http://x.example","点我")', "+86 10 1234", "-5万 调整", "@SUM(A1)"]


def test_export_keeps_text_as_text_and_contacts_private(ledger: Path, tmp_path: Path) -> None:
    zs("add-project", "--name", FORMULA_LIKE[0], "--unit", "甲县", "--investor", FORMULA_LIKE[1],
       "--signed", "2026-03-18", "--code", "P-1", "--contact", "张三 13800138000")  # fmt: skip
    zs("arrive", "P-1", "100万", "--date", "2026-04-01", "--note", FORMULA_LIKE[2],
       "--ref", FORMULA_LIKE[3])  # fmt: skip
    path = tmp_path / "全市台账.xlsx"
    result = in_chinese("export", "-o", path)
    assert "未导出投资方联系人" in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".db") == ["全市台账.xlsx"]
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == [
        "单位", "汇率", "项目", "阶段记录", "项目变更", "项目单位", "到位资金", "目标任务", "招商工作量",
        "设置", "操作记录",
    ]  # fmt: skip
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value: c.data_type for c in cells if c.value in FORMULA_LIKE}
    assert texts == dict.fromkeys(FORMULA_LIKE, "s")
    assert not [c.value for c in cells if "13800138000" in str(c.value)]
    assert any("«private»" in str(c.value) for c in workbook["操作记录"]["H"])

    in_chinese("export", "-o", path, "--with-contacts", "--force")
    contacts = read_xlsx(path)["项目联系人"]
    assert contacts == [["项目编号", "联系人"], ["P-1", "张三 13800138000"]]


def test_export_refuses_other_formats_and_missing_directories(ledger: Path, tmp_path: Path) -> None:
    from helpers import fails

    fails("export", "-o", tmp_path / "台账.csv")
    fails("export", "-o", tmp_path / "nowhere" / "台账.xlsx")


def test_export_never_overwrites_a_file_unless_forced(ledger: Path, tmp_path: Path) -> None:
    from helpers import fails

    sheet = tmp_path / "台账.xlsx"
    sheet.write_bytes(b"a clerk's filled-in sheet")
    err = fails("export", "-o", sheet).stderr
    assert f"{sheet} already exists and may hold filled-in rows" in err and "--force" in err
    assert sheet.read_bytes() == b"a clerk's filled-in sheet"
    zs("export", "-o", sheet, "--force")
    assert sheet.read_bytes().startswith(b"PK") and len(read_xlsx(sheet)) > 3  # the export


# --- the round trip ----------------------------------------------------------------------


def build_city(tmp_path: Path) -> None:
    """Units with a repeated name, every stage, a correction, joint credit, USD with a rate,
    a reversal, targets re-set mid-year, a contact."""
    for name, parent in (("城关镇", "甲县"), ("城关镇", "乙县")):
        zs("unit", "add", name, "--kind", "town", "--parent", parent)
    zs("unit", "add", "张科长", "--kind", "person", "--parent", "市商务局", "--rank", "副科级以上")
    zs("rate", "set", "USD", "7.10", "--month", "2026-04")
    zs("add-project", "--name", "新材料项目", "--unit", "甲县", "--amount", "2.5亿",
       "--signed", "2026-03-18", "--industrial", "--origin", "省外", "--industry", "新材料",
       "--contact", "张三 13800138000", "--leader", "李副县长")  # fmt: skip
    zs("add-project", "--name", "冷链物流园", "--unit", "甲县", "--unit", "经开区", "--amount",
       "1000万", "--signed", "2026-02-01", "--total-investment", "3000万")  # fmt: skip
    zs("add-project", "--name", "线索项目", "--unit", "乙县/城关镇")
    zs("add-project", "--name", "终止项目", "--unit", "乙县", "--signed", "2026-01-05")
    zs("add-project", "--name", "投产项目", "--unit", "市商务局", "--signed", "2025-06-01",
       "--stage", "producing")  # fmt: skip
    zs("project", "stage", "2026-0001", "started", "--date", "2026-04-02")
    zs("project", "stage", "2026-0001", "completed", "--date", "2026-09-30")
    zs("project", "stage", "2026-0001", "started", "--date", "2026-04-03", "--correct",
       "--reason", "竣工录错")  # fmt: skip
    zs("project", "stage", "2026-0004", "terminated", "--date", "2026-06-30",
       "--reason", "资金链断裂")  # fmt: skip
    zs("arrive", "2026-0001", "4700万", "--date", "2026-04-10", "--ref", "回单 0042")
    zs("arrive", "2026-0001", "100万", "--date", "2026-04-11")
    zs("arrive", "2026-0002", "120万", "--currency", "USD", "--date", "2026-04-12")
    zs("arrival", "reverse", "2", "--reason", "重复录入")
    zs("arrive", "2025-0001", "1500万", "--date", "2026-04-15", "--note", "=尾款")
    targets = write_xlsx(
        tmp_path / "targets.xlsx",
        {
            "目标任务": [
                ["责任单位", "年度", "指标", "层级", "目标", "生效日期", "调整原因"],
                ["甲县", 2026, "funds", "确保", 8000, None, None],
                ["甲县", 2026, "funds", "确保", 9000, "2026-07-01", "年中调整"],
                ["乙县/城关镇", 2026, "leads", "确保", 2, None, None],
                ["经开区", 2026, "fdi", "力争", 50, None, None],
            ]
        },
    )
    zs("import", "targets", targets)
    zs("activity", "add", "乙县/城关镇", "--date", "2026-04-14", "--trip-days", "3",
       "--visits", "5", "--leader", "王镇长", "--note", "赴苏州招商")  # fmt: skip


TIMES_AND_OPERATORS = {"录入人", "录入时间", "设置时间"}


def comparable(path: Path) -> dict[str, list]:
    """Every sheet but the audit trail, without who/when columns, rows in a stable order."""
    out = {}
    for title, rows in read_xlsx(path).items():
        if title == "操作记录":
            continue
        keep = [i for i, header in enumerate(rows[0]) if header not in TIMES_AND_OPERATORS]
        body = [[row[i] for i in keep] for row in rows[1:]]
        out[title] = [[rows[0][i] for i in keep], *sorted(body, key=repr)]
    return out


def to_the_second(data: object) -> object:
    """Entry times as an export writes them: to the second."""
    if isinstance(data, dict):
        return {key: to_the_second(value) for key, value in data.items()}
    if isinstance(data, list):
        return [to_the_second(value) for value in data]
    if isinstance(data, str) and re.fullmatch(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d.*", data):
        return data[:19].replace("T", " ")
    return data


def listings() -> dict[str, object]:
    """What the commands show, who entered each row and when included."""
    shows = {}
    for project in as_json("project", "list"):
        detail = as_json("project", "show", project["code"], "--with-contacts")
        for stage in detail["stages"]:
            del stage["id"]  # stage moves are replayed project by project: ids in that order
        shows[project["code"]] = detail
    return to_the_second(
        {
            "units": as_json("unit", "list"),
            "projects": as_json("project", "list"),
            "arrivals": as_json("arrival", "list"),
            "rates": as_json("rate", "list"),
            "activities": as_json("activity", "list"),
            "targets": as_json("target", "history", "甲县", "--year", "2026"),
            "shows": shows,
        }
    )


def test_export_round_trips_into_an_empty_ledger(
    ledger: Path, tmp_path: Path, monkeypatch, new_location
) -> None:
    build_city(tmp_path)
    first = tmp_path / "全市台账.xlsx"
    in_chinese("export", "-o", first, "--with-contacts")
    original = listings()
    trail = as_json("history")
    assert original["arrivals"][1]["reversed_by"] == 4
    assert original["activities"][0]["unit"] == "城关镇"

    monkeypatch.setenv("ZS_DB", str(new_location("copy.db")))
    monkeypatch.setenv("ZS_OPERATOR", "importer")
    zs("init")
    dry = zs("import", "ledger", first, "--dry-run")
    assert "arrivals: would add 5" in dry.stdout
    result = zs("import", "ledger", first)
    assert f"操作记录: carried over {len(trail)} entries" in result.stdout
    assert listings() == original  # entry times and operators included
    # The trail is carried over as it was, plus one entry for the import itself.
    *carried, last = as_json("history")
    assert carried == trail
    assert (last["operator"], last["action"], last["entity"]) == (
        recorded_as("importer"),
        "ledger.import",
        "ledger",
    )
    assert as_json("history", "--project", "2026-0001") == [
        entry for entry in trail if entry in as_json("history", "--project", "2026-0001")
    ]
    second = tmp_path / "copy.xlsx"
    in_chinese("export", "-o", second, "--with-contacts")
    assert comparable(second) == comparable(first)


def every_kind_of_change() -> None:
    """On top of ``build_city``: what the ledger can hold that an export must restore."""
    zs("rate", "set", "USD", "7.20", "--month", "2026-06")
    zs("add-project", "--name", "合资项目", "--investor", "某某有限公司", "--unit", "甲县=70%",
       "--unit", "乙县=30%", "--amount", "3亿", "--signed", "2026-02-10", "--code", "J-1")  # fmt: skip
    zs("arrive", "J-1", "2000万", "--date", "2026-03-05")
    zs("project", "edit", "J-1", "--unit", "甲县=40%", "--unit", "经开区=60%", "--date",
       "2026-05-01", "--reason", "协议调整")  # fmt: skip
    zs("arrive", "J-1", "1000万", "--date", "2026-05-20")
    zs("project", "edit", "J-1", "--investor", "新东家有限公司", "--date", "2026-06-01",
       "--reason", "更换业主")  # fmt: skip
    zs("project", "increase", "J-1", "5000万", "--date", "2026-06-15", "--reason", "增资")
    zs("arrive", "J-1", "50万", "--currency", "USD", "--date", "2026-06-20")
    zs("add-project", "--name", "录错项目", "--unit", "乙县", "--signed", "2026-03-01")
    zs("arrive", "2026-0005", "10万", "--date", "2026-03-02")
    zs("project", "void", "2026-0005", "--reason", "录错")
    zs("add-project", "--name", "合资项目", "--investor", "新东家有限公司", "--unit", "经开区",
       "--signed", "2026-07-01", "--duplicate-ok", "--reason", "二期另签")  # fmt: skip
    zs("arrive", "2026-0001", "300万", "--date", "2026-08-01")
    zs("arrival", "reverse", "7", "--reason", "退回")
    for amount in ("1.2亿", "1.5亿"):  # the same day twice: the later is in force
        zs("target", "set", "乙县", amount, "--year", "2026", "--from", "2026-07-01")
    zs("target", "set", "全市", "20亿", "--year", "2026")
    zs("target", "set", "全市", "30亿", "--year", "2026", "--level", "strive")
    zs("config", "set", "office", "某某市招商引资工作领导小组办公室")
    zs("config", "set", "doc_number", "某招组办〔{year}〕{month}号")
    zs("config", "set", "warn.yellow_card", "60%")


def figures() -> dict[str, str]:
    """Every report the ledger gives, as JSON: the same ledger gives the same bytes."""
    runs = {
        f"report {period}": ("report", *period.split(), "--format", "json")
        for period in ("--month 3", "--month 6", "--month 9", "--quarter 2", "--year 2025")
    }
    runs |= {
        "by origin": ("report", "--month", "9", "--by", "origin", "--format", "json"),
        "甲县": ("report", "--month", "9", "--unit", "甲县", "--format", "json"),
        "fdi": ("report", "--month", "9", "--metric", "fdi", "--format", "json"),
        "warn": ("warn", "--units", "--month", "9", "--format", "json"),
        "pipeline": ("pipeline", "--month", "9", "--format", "json"),
        "score": ("score", "--quarter", "3", "--format", "json"),
        "targets": ("target", "list", "--year", "2026", "--format", "json"),
        "settings": ("config", "list", "--format", "json"),
    }
    return {name: zs(*args).stdout for name, args in runs.items()}


def test_every_kind_of_change_round_trips_report_for_report(
    ledger: Path, tmp_path: Path, monkeypatch, new_location
) -> None:
    build_city(tmp_path)
    every_kind_of_change()
    before = figures()
    in_force = {row["name"]: row["must_wan"] for row in json.loads(before["targets"])}
    assert in_force["乙县"] == 15000  # the later of the two from 2026-07-01
    settings = {row["key"]: row["value"] for row in json.loads(before["settings"])}
    assert settings["doc_number"] == "某招组办〔{year}〕{month}号"
    path = tmp_path / "台账.xlsx"
    in_chinese("export", "-o", path, "--with-contacts")
    monkeypatch.setenv("ZS_DB", str(new_location("restored.db")))
    zs("init")
    zs("import", "ledger", path)
    after = figures()
    for name in before:
        assert after[name] == before[name], name
    zs("check")


def test_an_arrival_entered_twice_and_reversed_round_trips(
    ledger: Path, tmp_path: Path, monkeypatch
) -> None:
    """Two arrivals with one voucher are two rows of the export, each with its 到位编号."""
    zs("add-project", "--name", "A", "--unit", "甲县", "--signed", "2026-03-01", "--code", "P-1")
    for _ in range(2):
        zs("arrive", "P-1", "100万", "--date", "2026-04-01", "--ref", "回单1")
    zs("arrival", "reverse", "2", "--reason", "重复录入")
    path = tmp_path / "台账.xlsx"
    in_chinese("export", "-o", path)
    before = as_json("arrival", "list")
    monkeypatch.setenv("ZS_DB", str(tmp_path / "copy.db"))
    zs("init")
    zs("import", "ledger", path)
    strip = ("entered_at", "operator")
    assert [{k: v for k, v in a.items() if k not in strip} for a in as_json("arrival", "list")] == [
        {k: v for k, v in a.items() if k not in strip} for a in before
    ]


def test_import_ledger_needs_an_empty_ledger(ledger: Path, tmp_path: Path) -> None:
    from helpers import fails

    path = tmp_path / "x.xlsx"
    in_chinese("export", "-o", path)
    before = snapshot(ledger)
    result = fails("import", "ledger", path)
    assert "empty ledger" in result.stderr
    assert snapshot(ledger) == before


def test_exported_amounts_are_numbers_in_wan(ledger: Path, tmp_path: Path) -> None:
    zs("add-project", "--name", "A", "--unit", "甲县", "--amount", "4700.123456万",
       "--signed", "2026-03-18", "--code", "P-1")  # fmt: skip
    path = tmp_path / "x.xlsx"
    in_chinese("export", "-o", path)
    projects = read_xlsx(path)["项目"]
    row = dict(zip(projects[0], projects[1], strict=True))
    assert Decimal(repr(row["合同金额(万元)"])) == Decimal("4700.123456")
    assert row["签约日期"] == datetime(2026, 3, 18)


def test_every_header_spelling_names_one_column() -> None:
    from zhaoshang_cli.spreadsheets.columns import ALL_KINDS, normalise

    for kind in ALL_KINDS:
        spellings = [
            normalise(name)
            for column in kind.columns
            for name in (column.key, column.header, *column.aliases)
        ]
        assert len(spellings) == len(set(spellings)), kind.name


def test_imported_arrivals_are_audited_like_recorded_ones(ledger: Path, tmp_path: Path) -> None:
    zs("add-project", "--name", "A", "--unit", "甲县", "--signed", "2026-03-01", "--code", "P-1")
    zs("arrive", "P-1", "100万", "--date", "2026-04-01", "--ref", "V-1", "--note", "手工")
    path = write_csv(
        tmp_path / "a.csv",
        [
            ["项目编号", "到位金额", "到位日期", "凭证号", "备注"],
            ["P-1", "100", "2026-04-01", "V-2", "手工"],
        ],
    )
    zs("import", "arrivals", path)
    recorded, imported = [
        entry["after"] for entry in as_json("history") if entry["action"] == "arrival.record"
    ]
    # Another voucher on the same day and amount: added, with the warning `zs arrive` gives.
    twin = (
        "the same project, date and amount as arrival 1; if it was entered twice, "
        "reverse one with `zs arrival reverse`"
    )
    assert imported == {**recorded, "ref": "V-2", "warnings": twin}
    entries = [e for e in as_json("history") if e["action"] == "arrival.record"]
    assert [e["entity_id"] for e in entries] == [1, 2]


def test_a_reversal_sent_later_is_added_once(ledger: Path, tmp_path: Path) -> None:
    zs("add-project", "--name", "A", "--unit", "甲县", "--signed", "2026-03-01", "--code", "P-1")
    header = ["到位编号", "项目编号", "到位金额", "到位日期", "凭证号", "备注", "冲销编号"]
    first = [header, ["1", "P-1", "100", "2026-04-01", "V-1", "", ""]]
    march = write_csv(tmp_path / "3月.csv", first)
    april = write_csv(
        tmp_path / "4月.csv", [*first, ["2", "P-1", "-100", "2026-04-01", "V-1", "重复录入", "1"]]
    )
    zs("import", "arrivals", march)
    result = zs("import", "arrivals", april)
    assert "arrivals: added 1, skipped 1 already in the ledger." in result.stdout
    before = snapshot(ledger)
    assert "added 0, skipped 2" in zs("import", "arrivals", april).stdout
    assert snapshot(ledger) == before
    rows = as_json("arrival", "list")
    assert [(r["id"], r["cny_wan"], r["reverses"], r["note"]) for r in rows] == [
        (1, 100, None, None),
        (2, -100, 1, "重复录入"),
    ]


def test_stages_are_walked_from_the_dates(ledger: Path, tmp_path: Path) -> None:
    header = ["项目编号", "项目名称", "责任单位", "阶段", "签约日期", "开工日期", "竣工日期",
              "投产日期", "终止日期", "终止原因"]  # fmt: skip
    path = write_xlsx(
        tmp_path / "p.xlsx",
        {
            "项目": [
                header,
                ["P-A", "A", "甲县", None, "2026-03-01", "2026-04-01", None, None, None, None],
                ["P-B", "B", "甲县", "终止", "2026-03-01", None, None, None, "2026-06-30", "撤资"],
                ["P-C", "C", "甲县", "在谈", None, None, None, None, None, None],
                ["P-D", "D", "甲县", "投产", "2025-03-01", "2025-04-01", "2025-09-01",
                 "2026-01-10", None, None],
            ]
        },
    )  # fmt: skip
    zs("import", "projects", path)
    shown = {code: as_json("project", "show", code) for code in ("P-A", "P-B", "P-C", "P-D")}
    fields = ("stage", "signed_on", "started_on", "completed_on", "producing_on", "terminated_on")
    assert {code: tuple(d[f] for f in fields) for code, d in shown.items()} == {
        "P-A": ("started", "2026-03-01", "2026-04-01", None, None, None),
        "P-B": ("terminated", "2026-03-01", None, None, None, "2026-06-30"),
        "P-C": ("negotiating", None, None, None, None, None),
        "P-D": ("producing", "2025-03-01", "2025-04-01", "2025-09-01", "2026-01-10", None),
    }
    assert shown["P-B"]["termination_reason"] == "撤资"
    assert [(e["stage"], e["on_date"]) for e in shown["P-D"]["stages"]] == [
        ("signed", "2025-03-01"),
        ("started", "2025-04-01"),
        ("completed", "2025-09-01"),
        ("producing", "2026-01-10"),
    ]


def test_files_are_written_beside_the_target_then_renamed(tmp_path: Path) -> None:
    from zhaoshang_cli.core.errors import CannotWrite
    from zhaoshang_cli.core.files import write_atomically

    target = tmp_path / "全市台账.xlsx"
    target.write_bytes(b"yesterday's export")
    written_to: list[Path] = []

    def broken(path: Path) -> None:
        written_to.append(path)
        path.write_bytes(b"half a workbook")
        raise OSError("disk full")

    with pytest.raises(CannotWrite, match="disk full; no file was written"):
        write_atomically(target, broken)
    assert target.read_bytes() == b"yesterday's export"
    assert written_to[0].parent == tmp_path and written_to[0] != target
    assert [p.name for p in tmp_path.iterdir()] == ["全市台账.xlsx"]

    write_atomically(target, lambda path: path.write_bytes(b"today's export"))
    assert target.read_bytes() == b"today's export"
    assert [p.name for p in tmp_path.iterdir()] == ["全市台账.xlsx"]


def test_activities_template_import_and_reimport(ledger: Path, tmp_path: Path) -> None:
    template = tmp_path / "工作量.xlsx"
    in_chinese("template", "activities", "-o", template)
    rows = [
        {"责任单位": "甲县", "日期": "2026-04-14", "外出招商天数": 3, "拜访企业个数": 5,
         "带队领导": "王县长", "备注": "赴苏州招商"},
        {"责任单位": "经开区", "日期": "2026/4/16", "拜访企业个数": 2},
    ]  # fmt: skip
    fill_template(template, rows)
    assert "would add 2" in zs("import", "activities", template, "--dry-run").stdout
    zs("import", "activities", template)
    listed = as_json("activity", "list", "--week", "2026-W16")
    assert [(a["unit"], a["trip_days"], a["visits"]) for a in listed] == [
        ("甲县", 3, 5), ("经开区", 0, 2)
    ]  # fmt: skip
    again = zs("import", "activities", template).stdout
    assert "skipped 2" in again and len(as_json("activity", "list")) == 2
    before = snapshot(ledger)
    bad = fill_template(template, [
        {"责任单位": "丙县", "日期": "2026-04-15", "拜访企业个数": 1},
        {"责任单位": "甲县", "日期": "2026-04-15"},
    ])  # fmt: skip
    err = zs("import", "activities", bad, code=1).stderr  # every problem, one line each
    assert "row 4, column 责任单位: There is no unit named '丙县'" in err
    assert "row 5: An activity needs --trip-days or --visits" in err
    assert err.strip().endswith("2 problems in 工作量.xlsx; nothing was imported.")
    assert snapshot(ledger) == before
