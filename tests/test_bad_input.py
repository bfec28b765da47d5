"""The bad-input sweep: for every command, inputs it must refuse with one sentence on stderr,
a non-zero exit, no traceback, and the ledger exactly as it was.

The table grows with the commands: a test fails when a command has no row in it. Each row runs
against a copy of one small populated ledger, built once for the module.
"""

import io
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import typer.main

from helpers import snapshot, zs
from sheets import xlsx_bytes
from zhaoshang_cli.cli import app

NO_DRIVER_URL = "postgresql+pg8000://clerk:secret@localhost/zs"  # a driver not installed
ESC = "\x1b[31m"


@dataclass
class Bad:
    """``{dir}`` in an argument is the test's folder; ``files`` are written there first."""

    command: str
    args: tuple[str, ...]
    says: str  # a fragment of the one sentence
    files: dict[str, bytes] = field(default_factory=dict)
    code: int = 1

    @property
    def id(self) -> str:
        text = f"{self.command} {' '.join(self.args)}"[:70]
        return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def csv_file(*lines: str) -> dict[str, bytes]:
    return {"in.csv": ("\n".join(lines) + "\n").encode("utf-8")}


def leaf_commands(command: Any, path: tuple[str, ...] = ()) -> list[tuple[str, Any]]:
    subs = getattr(command, "commands", None)
    if not subs:
        return [(" ".join(path), command)]
    return [
        leaf for name, sub in sorted(subs.items()) for leaf in leaf_commands(sub, (*path, name))
    ]


LEAVES = leaf_commands(typer.main.get_command(app))
# What the command needs besides the bad option, so that the bad option is what is refused.
NEEDS = {
    "activity add": ("甲县", "--date", "2026-04-01", "--visits", "1"),
    "add-project": ("--name", "x", "--unit", "甲县"),
    "arrival reverse": ("1", "--reason", "重复录入"),
    "arrive": ("2026-0001", "10万", "--date", "2026-04-01"),
    "bulletin": ("--week", "2026-W16", "--out", "{dir}"),
    "export": ("-o", "{dir}/out.xlsx"),
    "import activities": ("{dir}/in.csv",),
    "import arrivals": ("{dir}/in.csv",),
    "import ledger": ("{dir}/in.xlsx",),
    "import projects": ("{dir}/in.csv",),
    "import rates": ("{dir}/in.csv",),
    "import targets": ("{dir}/in.csv",),
    "import units": ("{dir}/in.csv",),
    "project edit": ("2026-0001",),
    "project increase": ("2026-0001", "1000万", "--date", "2026-04-01"),
    "project show": ("2026-0001",),
    "project void": ("2026-0002", "--reason", "录错"),
    "project stage": ("2026-0001", "completed", "--date", "2026-05-01"),
    "rate set": ("USD", "7.1", "--month", "2026-05"),
    "report": ("--month", "4", "--year", "2026"),
    "target allocate": ("全市", "--year", "2026", "--equal"),
    "target set": ("甲县", "1亿", "--year", "2026"),
    "unit add": ("丙县", "--kind", "county", "--parent", "全市"),
    "config set": ("office", "某某市招商局"),
    "config unset": ("office",),
    "occasion": ("--occasion", "投洽会"),
    "unit move": ("乙县", "--parent", "全市"),
    "unit remove": ("乙县",),
    "unit rename": ("乙县", "丙县"),
    "user add": ("zhang", "--role", "clerk", "--unit", "甲县"),
    "user set": ("zhang", "--role", "viewer"),
    "user remove": ("zhang",),
    "verify": ("F133-5779-569D",),
}


def tiny_workbook() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "单位"
    book.active.append(["单位名称", "类型"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def generic_rows() -> list[Bad]:
    """Every command that opens a ledger refuses a server URL whose driver is missing, and
    every command that writes refuses an operator name with control characters."""
    rows = []
    for name, command in LEAVES:
        params = {param.name for param in command.params}
        needs = NEEDS.get(name, ())
        files = {}
        if name.startswith("import"):
            files = {"in.xlsx": tiny_workbook()} if name == "import ledger" else csv_file("x", "1")
        if "db" in params and name != "demo":
            url = (*needs, "--db", NO_DRIVER_URL)
            rows.append(Bad(name, url, "zhaoshang-cli[postgres]", files))
        if "operator" in params:
            operator = (*needs, "--operator", f"{ESC}张三")
            rows.append(Bad(name, operator, "U+001B (escape)", files))
    return rows


def row(command: str, *args: str, says: str, **kwargs: Any) -> Bad:
    return Bad(command, (*NEEDS.get(command, ()), *args), says, **kwargs)


# fmt: off
SWEEP = [
    *generic_rows(),
    Bad("init", ("--db", "://nowhere"), "neither a file nor a database URL"),
    Bad("info", ("--db", "mysterydb://host/zs"), "mysterydb (mysterydb://host/zs) is not supported"),
    Bad("history", ("--limit", "-1"), "--limit -1 is not a number of entries"),
    Bad("history", ("--limit", "0"), "--limit 0 is not a number of entries"),
    Bad("history", ("--project", ""), "no project with code ''"),
    Bad("unit add", ("甲\x1b[2J县", "--kind", "county", "--parent", "全市"), "U+001B (escape)"),
    Bad("unit add", ("\u202e县甲", "--kind", "county", "--parent", "全市"), "right-to-left override"),
    Bad("unit add", ("甲\u200b县", "--kind", "county", "--parent", "全市"), "zero width space"),
    Bad("unit add", ("\u3164", "--kind", "county", "--parent", "全市"), "shows as nothing"),
    Bad("unit add", ("县" * 100_000, "--kind", "county", "--parent", "全市"), "100,000 characters"),
    row("unit add", "--rank", "科员\x07", says="U+0007 (bell)"),
    Bad("unit list", ("--db", "://"), "neither a file nor a database URL"),
    row("add-project", "--amount", "1,5万", says="commas in the wrong places"),
    row("add-project", "--amount", "1,,,0万", says="commas in the wrong places"),
    row("add-project", "--amount", "99999999999999999999999亿", says="more than 1万亿"),
    row("add-project", "--total-investment", "1" * 500, says="too long to be an amount"),
    row("add-project", "--amount", "", says="not readable"),
    row("add-project", "--signed", "9999-12-31", says="outside the years a ledger holds"),
    row("add-project", "--signed", "1900-01-01", says="outside the years a ledger holds"),
    row("add-project", "--signed", "", says="'' is not a date"),
    row("add-project", "--stage", "", says="Unknown stage ''"),
    Bad("add-project", ("--name", "新材料\r=cmd|' /C calc'!A0", "--unit", "甲县"), "carriage return"),
    Bad("add-project", ("--name", "项" * 201, "--unit", "甲县"), "at most 200"),
    Bad("add-project", ("--name", "\u2800\u3164", "--unit", "甲县"), "shows as nothing"),
    row("add-project", "--investor", "某某\x00公司", says="U+0000 (NUL)"),
    row("add-project", "--contact", "张三\x1b]0;pwned\x07", says="U+001B (escape)"),
    row("add-project", "--code", "P\t1", says="U+0009 (tab)"),
    row("add-project", "--occasion", "投洽\u2028会", says="line separator"),
    Bad("project list", ("--year", "99999"), "year 99999 is outside"),
    Bad("project list", ("--year", "-1"), "year -1 is outside"),
    Bad("project list", ("--year", "0"), "year 0 is outside"),
    Bad("project list", ("--stage", ""), "Unknown stage ''"),
    Bad("project show", ("2099-0001",), "no project with code '2099-0001'"),
    Bad("project stage", ("2026-0002", "started", "--date", "2026-05-01"),
        "started date 2026-05-01 is before project 2026-0002's signed date 2026-06-01"),
    Bad("project stage", ("2026-0001", "completed", "--date", "2026-03-10"),
        "completed date 2026-03-10 is before project 2026-0001's started date"),
    Bad("project stage", ("2026-0001", "completed", "--date", ""), "'' is not a date"),
    Bad("project stage", ("2026-0001", "completed", "--date", "2999-01-01"), "outside the years"),
    Bad("project stage", ("2026-0001", "terminated", "--date", "2026-05-01", "--reason", "\x1b"),
        "U+001B"),
    row("add-project", "--unit", "乙县=70%", says="Give every unit its share"),
    Bad("add-project", ("--name", "x", "--unit", "甲县=70%", "--unit", "乙县=20%"),
        "add up to 90%, not 100%"),
    Bad("add-project", ("--name", "x", "--unit", "甲县=170%"), "not a percentage above 0"),
    Bad("add-project", ("--name", "x", "--unit", "甲县=33.333%", "--unit", "乙县=66.667%"),
        "at most two decimals"),
    Bad("add-project", ("--name", " 新材料 项目", "--unit", "乙县"), "is already in the ledger"),
    row("add-project", "--duplicate-ok", says="--duplicate-ok needs a --reason"),
    row("add-project", "--amount", "100万", "--currency", "EUR", says="no EUR rate for"),
    row("project edit", says="Nothing to change"),
    row("project edit", "--name", "", says="A project needs a --name"),
    row("project edit", "--name", "食品项目", says="Project 2026-0002 (食品项目"),
    row("project edit", "--investor", "某某\x1b公司", says="U+001B (escape)"),
    row("project edit", "--unit", "甲县=60%", "--unit", "乙县=30%", says="add up to 90%"),
    row("project edit", "--unit", "丁县", says="no unit named '丁县'"),
    row("project edit", "--currency", "USD", says="--currency goes with --amount"),
    row("project edit", "--industry", "x", "--date", "", says="'' is not a date"),
    row("project edit", "--amount", "0", says="is zero"),
    row("project edit", "--unit", "乙县", "--date", "1990-01-01",
        says="was signed on 2026-03-01; a change from 1990-01-01 would come before it"),
    row("project edit", "--investor", "新东家", "--date", "2026-02-28",
        says="was signed on 2026-03-01; a change from 2026-02-28 would come before it"),
    Bad("project edit", ("2026-0003", "--industry", "x"), "was voided"),
    Bad("project edit", ("2026-0001", "--amount", "2亿", "--date", "2026-03-15"),
        "a change from an earlier day (2026-03-15)"),
    Bad("project increase", ("2026-0002", "100万", "--date", "2026-07-01"), "no contract amount"),
    Bad("project increase", ("2026-0001", "100万", "--date", "2026-02-01"),
        "before project 2026-0001's signing date"),
    Bad("project increase", ("2026-0001", "--date", "2026-04-01", "--", "-100万"), "negative"),
    Bad("project increase", ("2026-0001", "100万", "--date", "2026-03-31"),
        "a change from an earlier day"),
    Bad("project increase", ("2026-0004", "100万", "--date", "2026-07-01"), "is not signed"),
    row("project increase", "--reason", "增\x00资", says="U+0000 (NUL)"),
    Bad("project void", ("2026-0002", "--reason", " "), "needs a --reason"),
    Bad("project void", ("2026-0003", "--reason", "又录错"), "was voided"),
    Bad("project void", ("2099-0001", "--reason", "x"), "no project with code '2099-0001'"),
    Bad("project stage", ("2026-0001", "completed", "--date", "2026-05-01", "--amount", "1亿"),
        "--amount goes with a move to signed"),
    Bad("project stage", ("2026-0004", "signed", "--date", "2026-05-01", "--amount", "1,5万"),
        "commas in the wrong places"),
    Bad("arrive", ("2026-0003", "10万", "--date", "2026-04-01"), "was voided"),
    row("arrive", "--ref", "回单\x1b[8m", says="U+001B (escape)"),
    row("arrive", "--note", "\u202egnp.exe", says="right-to-left override"),
    Bad("arrive", ("2026-0001", "1,5万", "--date", "2026-04-01"), "commas in the wrong places"),
    Bad("arrive", ("2026-0001", "9" * 30, "--date", "2026-04-01"), "more than 1万亿"),
    Bad("arrive", ("2026-0001", "10万", "--date", ""), "'' is not a date"),
    Bad("arrive", ("2026-0001", "10万", "--date", "1900-04-01"), "outside the years"),
    Bad("arrival list", ("--from", ""), "'' is not a date"),
    Bad("arrival list", ("--project", ""), "no project with code ''"),
    Bad("arrival reverse", ("99999999999999999999", "--reason", "x"), "no arrival with id"),
    Bad("arrival reverse", ("1", "--reason", "重复\x00录入"), "U+0000 (NUL)"),
    Bad("rate set", ("USD", "1e999999", "--month", "2026-05"), "more than 10,000 CNY"),
    Bad("rate set", ("USD", "NaN", "--month", "2026-05"), "must be a positive number"),
    Bad("rate set", ("USD", "7.1", "--month", "9999-05"), "year 9999 is outside"),
    Bad("rate list", ("--db", "://"), "neither a file nor a database URL"),
    Bad("target set", ("甲县", "99999999999999999亿", "--year", "2026"), "more than 100万亿"),
    Bad("target set", ("甲县", "1000001亿", "--year", "2026"), "more than 100万亿"),
    Bad("target set", ("甲县", "1亿", "--year", "99999"), "target year 99999 is outside"),
    Bad("target set", ("甲县", "1亿", "--year", "0"), "target year 0 is outside"),
    Bad("target set", ("甲县", "9" * 15, "--year", "2026", "--metric", "projects"),
        "whole number"),
    Bad("target set", ("甲县", "2000000", "--year", "2026", "--metric", "projects"),
        "more than 1,000,000"),
    row("target set", "--from", "", says="'' is not a date"),
    row("target set", "--reason", "年中\x1b调整", says="U+001B"),
    Bad("target allocate", ("全市", "--year", "2026", "--weights", "甲县=1e999999,乙县=1"),
        "out of range"),
    Bad("target allocate", ("全市", "--year", "2026", "--split", "甲县=99999999999亿"),
        "more than 100万亿"),
    Bad("target allocate", ("全市", "--year", "-1", "--equal"), "target year -1 is outside"),
    Bad("target list", ("--year", "99999"), "target year 99999 is outside"),
    Bad("target list", ("--on", ""), "'' is not a date"),
    Bad("target history", ("--year", "0"), "target year 0 is outside"),
    row("report", "--threshold", "NaN", says="threshold 'NaN' is not a share"),
    row("report", "--threshold", "150%", says="threshold '150%' is not a share"),
    Bad("report", ("--month", "4", "--year", "99999"), "year 99999 is outside"),
    Bad("report", ("--month", "4", "--year", "0"), "year 0 is outside"),
    row("report", "--xlsx", "{dir}/out.csv", says="name the file *.xlsx"),
    row("report", "--as-of", "", says="'' is not a date"),
    row("report", "--unit", "", says="A unit name is needed"),
    row("report", "--occasion", " ", says="--occasion may not be empty"),
    Bad("demo", ("--db", "{dir}/ledger.db"), "is not a demo ledger"),
    Bad("bulletin", ("--week", "", "--out", "{dir}"), "'' is not an ISO week"),
    Bad("bulletin", ("--week", "1000-W01", "--out", "{dir}"), "year 1000 is outside"),
    Bad("bulletin", ("--out", "{dir}", "--wait", "nan"), "--wait takes 0 to 3600"),
    Bad("bulletin", ("--out", "{dir}/missing"), "does not exist"),
    row("activity add", "--leader", "王\x1b县长", says="U+001B"),
    Bad("activity add", ("甲县", "--date", "2026-04-01", "--visits", "9" * 20), "at most 10,000"),
    Bad("activity add", ("甲县", "--date", "", "--visits", "1"), "'' is not a date"),
    Bad("activity list", ("--week", ""), "'' is not an ISO week"),
    Bad("export", ("-o", "{dir}/out.csv"), "name the file *.xlsx"),
    Bad("export", ("-o", "{dir}/in.xlsx"), "in.xlsx already exists and may hold filled-in rows",
        files={"in.xlsx": b"an input sheet"}),
    Bad("template", ("projects", "-o", "{dir}/out.csv"), "name the file *.xlsx"),
    Bad("import units", ("{dir}/in.csv",), "neither UTF-8 nor GB18030",
        files={"in.csv": "单位名称,类型\n".encode() + b"\x80\xff,county\n"}),
    Bad("import units", ("{dir}/in.csv",), "U+001B",
        files=csv_file("单位名称,类型,上级单位", f"丙{ESC}县,县,全市")),
    Bad("import projects", ("{dir}/in.csv",), "commas in the wrong places",
        files=csv_file("项目名称,责任单位,合同金额(万元)", "新项目,甲县,\"1,5\"")),
    Bad("import projects", ("{dir}/in.csv",), "carriage return",
        files=csv_file("项目名称,责任单位", "\"新材料\r=cmd\",甲县")),
    Bad("import arrivals", ("{dir}/in.csv",), "more than 1万亿",
        files=csv_file("项目编号,到位金额(万元),到位日期", "2026-0001,99999999999999,2026-04-02")),
    Bad("import arrivals", ("{dir}/in.csv",), "outside the years",
        files=csv_file("项目编号,到位金额(万元),到位日期", "2026-0001,10,9999-04-02")),
    Bad("import targets", ("{dir}/in.csv",), "target year 99999 is outside",
        files=csv_file("责任单位,年度,指标,目标", "甲县,99999,到位资金,100")),
    Bad("import targets", ("{dir}/in.csv",), "is too large",
        files=csv_file("责任单位,年度,指标,目标", "甲县,99999999999999999999,到位资金,100")),
    Bad("import targets", ("{dir}/in.csv",), "more than 100万亿",
        files=csv_file("责任单位,年度,指标,目标", "甲县,2026,到位资金,99999999999999")),
    Bad("import rates", ("{dir}/in.csv",), "more than 10,000 CNY",
        files=csv_file("币种,月份,汇率", "USD,2026-06,1e999")),
    Bad("import activities", ("{dir}/in.csv",), "at most 10,000",
        files=csv_file("责任单位,日期,拜访企业个数", "甲县,2026-04-02,99999999")),
    Bad("import ledger", ("{dir}/in.xlsx",), "could not be read as a spreadsheet",
        files={"in.xlsx": b"\x80\xff not a workbook"}),
    Bad("import projects", ("{dir}/in.xlsx",), "holds the formula =A1*2 but no saved result",
        files={"in.xlsx": xlsx_bytes([["项目名称", "责任单位", "合同金额(万元)"], ["新", "甲县", 1]],
               edit=lambda x: x.replace(b'<c r="C2" t="n"><v>1</v></c>',
                                        b'<c r="C2"><f>A1*2</f></c>'))}),
    Bad("import units", ("{dir}/in.xlsx",), "sheet 单位, could not be read (invalid character",
        files={"in.xlsx": xlsx_bytes([["单位名称", "类型"], ["丙县", "县"]], "单位",
               edit=lambda x: x.replace(b"<t>", b"<t>&#0;", 1))}),
    Bad("import arrivals", ("{dir}/in.xlsx",), "declares a DOCTYPE in its part",
        files={"in.xlsx": xlsx_bytes([["项目编号"]], "到位资金",
               edit=lambda x: b'<!DOCTYPE x [<!ENTITY a "a">]>' + x)}),
    Bad("warn", ("--rule", "late"), "Unknown warning rule 'late'"),
    Bad("warn", ("--leader", "赵书记"), "No project has '赵书记' as its leader"),
    Bad("warn", ("--unit", ""), "A unit name is needed"),
    Bad("warn", ("--units", "--threshold", "150%"), "'150%' is not a share"),
    Bad("warn", ("--threshold", "70%"), "--threshold goes with --units"),
    Bad("warn", ("--by", "unit"), "--by takes leader, not 'unit'"),
    Bad("warn", ("--month", "4", "--quarter", "2"), "Give one of --month, --quarter"),
    Bad("warn", ("--from", "2026-04-01"), "--from and --to go together"),
    Bad("warn", ("--from", "", "--to", "2026-04-01"), "'' is not a date"),
    Bad("warn", ("--xlsx", "{dir}/out.csv"), "name the file *.xlsx"),
    Bad("pipeline", ("--by", "town"), "--by takes unit or person"),
    Bad("pipeline", ("--from", "2025-12-01", "--to", "2026-01-31"), "within one year"),
    Bad("pipeline", ("--year", "99999"), "year 99999 is outside"),
    Bad("pipeline", ("--unit", "丙县"), "no unit named '丙县'"),
    Bad("score", ("--from", "2026-05-01", "--to", "2026-04-01"), "after its end"),
    Bad("score", ("--unit", "王建国"), "王建国 has no units below it to rank"),
    Bad("score", ("--unit", "乙县"), "乙县 has no units below it to rank"),
    row("report", "--occasion", "不存在会", says="No project was signed at the occasion '不存在会'"),
    Bad("score", ("--weights", "{dir}/missing.toml"), "could not be read"),
    Bad("score", ("--weights", "{dir}/w.toml"), "measure 'luck' is not one of",
        files={"w.toml": b"[components.x]\nmeasure = 'luck'\nweight = 1\n"}),
    Bad("score", ("--weights", "{dir}/w.toml"), "is not TOML",
        files={"w.toml": b"[components\n"}),
    Bad("occasion", ("--occasion", "兰洽会"), "No project was signed at the occasion '兰洽会'"),
    Bad("occasion", ("--occasion", " "), "--occasion may not be empty"),
    row("occasion", "--quota", "0", says="'0' is not a count"),
    row("occasion", "--on", "", says="'' is not a date"),
    row("occasion", "--list", "late", says="--list takes unfulfilled"),
    row("report", "--quarter", "2", says="Give one of --month, --quarter"),
    row("report", "--flagged", "--docx", "{dir}/x.docx", says="go with the 通报"),
    row("report", "--by", "leader", "--by", "origin", says="--by leader is a table of its own"),
    row("report", "--flagged", "--metric", "projects", says="reckoned on funds"),
    Bad("config set", ("warn.stalled", "soon"), "'soon' is not a length of time"),
    Bad("config set", ("bulletin_number", "{week!r:>99999999}"), "has {week!r:>99999999}; only"),
    Bad("config set", ("doc_number", "〔{year:>9999}〕"), "has {year:>9999}; only bare"),
    Bad("config set", ("doc_number", "{year.real}号"), "has {year.real}; only bare"),
    Bad("config set", ("doc_number", "{}号"), "is not readable"),
    Bad("config set", ("warn.low_funds_share", "33.333%"), "finer than a hundredth"),
]
# fmt: on


@pytest.fixture(scope="module")
def populated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """全市 → 甲县 (→ 王建国), 乙县, 经开区; project 2026-0001 signed 2026-03-01 with one arrival, a
    target, a USD rate and an activity."""
    path = tmp_path_factory.mktemp("sweep") / "ledger.db"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ZS_DB", str(path))
        env.setenv("ZS_OPERATOR", "tester")
        env.setenv("ZS_TODAY", "2026-11-23")
        zs("init")
        zs("unit", "add", "全市", "--kind", "city")
        for name, kind in (("甲县", "county"), ("乙县", "county"), ("经开区", "zone")):
            zs("unit", "add", name, "--kind", kind, "--parent", "全市")
        zs("unit", "add", "王建国", "--kind", "person", "--parent", "甲县")
        zs("add-project", "--name", "新材料项目", "--unit", "甲县", "--amount", "1亿",
           "--signed", "2026-03-01")  # fmt: skip
        zs("project", "stage", "2026-0001", "started", "--date", "2026-03-20")
        zs("add-project", "--name", "食品项目", "--unit", "乙县", "--signed", "2026-06-01")
        zs("add-project", "--name", "录错项目", "--unit", "乙县", "--signed", "2026-06-01")
        zs("project", "void", "2026-0003", "--reason", "录错")
        zs("add-project", "--name", "线索", "--unit", "乙县", "--code", "2026-0004")
        zs("project", "increase", "2026-0001", "500万", "--date", "2026-04-01")
        zs("arrive", "2026-0001", "100万", "--date", "2026-04-01")
        zs("target", "set", "全市", "10亿", "--year", "2026")
        zs("rate", "set", "USD", "7.1", "--month", "2026-04")
        zs("activity", "add", "甲县", "--date", "2026-04-02", "--visits", "2")
    assert not Path(f"{path}-wal").exists()  # closed cleanly: the file alone is the ledger
    return path


def test_every_command_has_a_row_in_the_sweep() -> None:
    swept = {bad.command for bad in SWEEP}
    assert {name for name, _ in LEAVES} <= swept, "add the new command's bad inputs to SWEEP"


# The refusals come before any query, so one backend covers them; PostgreSQL's own refusals
# (drivers, URLs, servers) are in test_postgres.py.
@pytest.mark.sqlite_only
@pytest.mark.parametrize("bad", SWEEP, ids=[bad.id for bad in SWEEP])
def test_bad_input_is_refused_cleanly(
    bad: Bad, populated: Path, ledger_path: Path, tmp_path: Path
) -> None:
    shutil.copy(populated, ledger_path)
    for name, content in bad.files.items():
        (tmp_path / name).write_bytes(content)
    before = snapshot(ledger_path)
    files_before = sorted(tmp_path.iterdir())
    args = [arg.replace("{dir}", str(tmp_path)) for arg in (*bad.command.split(), *bad.args)]
    result = zs(*args, code=bad.code)
    stderr = result.stderr
    assert bad.says in stderr
    assert "Traceback" not in result.output and "Unexpected error" not in stderr
    assert stderr.splitlines()[-1].startswith("zs: ")
    if not bad.command.startswith("import"):  # an import lists each problem, then sums up
        assert len(stderr.splitlines()) == 1, stderr
    assert snapshot(ledger_path) == before
    assert sorted(tmp_path.iterdir()) == files_before  # no file written, no temporary left
