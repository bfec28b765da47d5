"""One language at a time: a clerk's whole session (writes, lists, reports, files, refusals)
reads in Chinese with no English word but codes, and in English with no Chinese but the
ledger's own data and the 万/亿/元 of its amounts. Workbooks and the bulletin's Markdown
follow the language too; the 通报's prose and the Word documents are Chinese for everyone."""

import re
from pathlib import Path

import openpyxl
import pytest

from helpers import zs

pytestmark = pytest.mark.one_backend  # not about the database

HAN = re.compile(r"[\u3400-\u9fff]+")
WORD = re.compile(r"[A-Za-z]{2,}")
# What an English line may hold in Chinese: the ledger's data and the units of its amounts.
DATA = [
    "全市",
    "甲县",
    "乙县",
    "经开区",
    "市商务局",
    "城关镇",
    "张三",
    "新能源电池",
    "某某电池有限公司",
    "新能源",
    "投洽会",
    "回单",
    "年中调整",
    "重复录入",
    "赴苏州招商",
    "某某市招商引资工作领导小组办公室",
    "副科级以上",
    "冷链物流园",
    "某招组办〔{year}〕{month}号",
    "{year}年第{week}期",
    "2026年4月10日",
    "万美元",
    "万元",
    "亿元",
    "万",
    "亿",
    "元",
]
# In English too: what the user typed (quoted back), a column as the file heads it, and the
# Chinese spellings of a value listed beside its code (signed/签约).
# …, and the headers of a sheet's columns zs did not read, as the file names them.
ECHOES = re.compile(
    r"'[^']*'|\([^)]*\)|column [^:,]+|columns not read: .+|[a-z_]+/[\u3400-\u9fff]+"
)
# What a Chinese line may hold in English: codes, names of things, commands and their options.
CODES = {
    "zs", "id", "USD", "CNY", "UTC", "ISO", "SQLite", "PostgreSQL", "Excel", "Word", "CSV",
    "JSON", "BOM", "UTF", "GBK", "xlsx", "xls", "ods", "csv", "md", "docx", "db", "bak", "tmp", "tester",
    "utf", "sig", "YYYY", "MM", "DD", "W", "bulletin", "template", "import", "export", "unit",
    "project", "list", "rate", "set", "config", "office", "backup", "init", "report", "target",
    "arrival", "arrive", "history", "activity", "check", "info", "demo", "projects", "units",
    "arrivals", "targets", "rates", "activities", "ledger", "help", "warn", "pipeline", "score",
    "occasion",
}  # fmt: skip
# Commands, options, file names, what the user typed (quoted back) and {placeholders}.
COMMAND = re.compile(
    r"`[^`]*`|pg_dump .*|\bzs(?: [a-z][a-z-]*)+|--[a-z][a-z-]*|'[^']*'|\{[a-z_]+\}|\b[a-z]+_[a-z_]+\b|\b[a-z]+\.[a-z_]+\b"
    r"|\S+\.(?:db|xlsx|csv|md|docx|bak)\b|/\S*|[a-z+]+://\S+"
)


def english_words(text: str) -> list[str]:
    """The words of a Chinese line that are not codes, commands, options or file names."""
    bare = COMMAND.sub(" ", text)
    return [word for word in WORD.findall(bare) if word not in CODES]


def chinese_words(text: str) -> list[str]:
    """The Chinese of an English line that is not the ledger's data or a unit of money."""
    text = ECHOES.sub(" ", text)
    for data in sorted(DATA, key=len, reverse=True):
        text = text.replace(data, " ")
    return HAN.findall(text)


def session(folder: Path) -> list[str]:
    """Every line a clerk reads in one working session: what each command says, its refusals
    (stderr too), and the headers of the workbooks and Markdown it writes."""
    lines: list[str] = []

    def run(*args: str, code: int = 0) -> None:
        result = zs(*args, code=code)
        lines.extend((result.stdout + result.stderr).splitlines())

    run("init")
    run("unit", "add", "全市", "--kind", "city")
    run("unit", "add", "甲县", "--kind", "county", "--parent", "全市")
    run("unit", "add", "乙县", "--kind", "县区", "--parent", "全市")
    run("unit", "add", "经开区", "--kind", "zone", "--parent", "全市")
    run("unit", "add", "市商务局", "--kind", "department", "--parent", "全市")
    run("unit", "add", "城关镇", "--kind", "town", "--parent", "甲县")
    run("unit", "add", "张三", "--kind", "person", "--parent", "市商务局", "--rank", "副科级以上")
    run("unit", "list")
    run("add-project", "--name", "新能源电池", "--unit", "甲县", "--investor", "某某电池有限公司",
        "--amount", "2.5亿", "--industry", "新能源", "--industrial", "--signed", "2026-03-18",
        "--origin", "省外", "--occasion", "投洽会", "--contact", "张三 13800138000")  # fmt: skip
    run("add-project", "--name", "冷链物流园", "--unit", "乙县", "--unit", "经开区",
        "--amount", "4.7亿", "--origin", "foreign", "--signed", "2026-04-08")  # fmt: skip
    run("project", "stage", "2026-0001", "开工", "--date", "2026-04-02")
    run("arrive", "2026-0001", "4700万", "--date", "2026-04-10", "--ref", "回单 1")
    run("arrive", "2026-0001", "3亿", "--date", "2026-04-11", "--ref", "回单 2")  # a warning
    run("rate", "set", "USD", "7.10", "--month", "2026-04")
    run("arrive", "2026-0002", "120万", "--currency", "USD", "--date", "2026-04-12")
    run("arrival", "reverse", "2", "--reason", "重复录入")
    run("project", "edit", "2026-0002", "--leader", "张三", "--reason", "年中调整")
    run("project", "increase", "2026-0001", "5000万", "--date", "2026-04-20")
    run("add-project", "--name", "新能源电池", "--unit", "甲县=70%", "--unit", "乙县=20%",
        code=1)  # fmt: skip
    run("add-project", "--name", "新能源电池", "--unit", "甲县", "--investor", "某某电池有限公司",
        code=1)  # fmt: skip
    run("project", "list")
    run("project", "show", "2026-0001", "--with-contacts")
    run("arrival", "list")
    run("target", "set", "全市", "30亿", "--year", "2026")
    run("target", "set", "全市", "33亿", "--year", "2026", "--level", "strive")
    run("target", "set", "全市", "5000", "--year", "2026", "--metric", "fdi")
    run("target", "allocate", "全市", "--year", "2026", "--split",
        "甲县=12亿,乙县=9亿,经开区=8亿,市商务局=1亿")  # fmt: skip
    run("target", "allocate", "市商务局", "--year", "2026", "--by-rank", "副科级以上=25万")
    run("target", "set", "甲县", "13亿", "--year", "2026", "--from", "2026-07-01",
        "--reason", "年中调整")  # fmt: skip
    run("target", "list", "--year", "2026", "--tree")
    run("target", "history", "甲县", "--year", "2026")
    run(
        "activity",
        "add",
        "甲县",
        "--date",
        "2026-04-14",
        "--trip-days",
        "3",
        "--note",
        "赴苏州招商",
    )
    run("activity", "list", "--week", "2026-W16")
    run("config", "set", "office", "某某市招商引资工作领导小组办公室")
    run("config", "list")
    run("config", "unset", "office")
    run("info")
    run("check")
    run("history", "--project", "2026-0001")
    run("history", "--project", "2026-0002")
    run("report", "--month", "4", "--year", "2026", "--by", "origin", "--by", "industry",
        "--by", "tier", "--by", "status")  # fmt: skip
    report = zs("report", "--month", "4", "--year", "2026", "--xlsx", folder / "r.xlsx").stdout
    lines += report.split("\n通报正文")[0].split("in Chinese as it is sent")[0].splitlines()[:-1]
    run("template", "projects", "-o", folder / "t.xlsx")
    run("export", "-o", folder / "e.xlsx")
    run("import", "projects", folder / "e.xlsx", "--dry-run")
    run("bulletin", "--week", "2026-W16", "--out", folder)
    # Refusals: the domain's sentences and Click's usage errors.
    run("project", "stage", "2026-0001", "开发", "--date", "2026-05-01", code=1)
    run("arrive", "2026-0001", "1,5万", code=1)
    run("arrive", "2026-0001", "5万", "--date", "2026-02-30", code=1)
    run("unit", "add", "丙县", "--kind", "county", "--parent", "没有", code=1)
    run("target", "allocate", "全市", "--year", "2026", code=1)
    run("arrival", "reverse", "99", "--reason", "x", code=1)
    run("bulletin", "--week", "2026-W60", code=1)
    run("add-project", "--name", "冷链物流园", "--unit", "乙县", "--investor", "某某电池有限公司")
    run("project", "void", "2026-0003", "--reason", "重复录入")
    run("project", "list", "--voided")
    run("project", "show", "2026-0003")
    run("arrive", "2026-0003", "5万", code=1)
    run("project", "show", code=2)
    run("project", "shw", code=2)
    run("project", "list", "--bogus", code=2)
    run("project", "list", "--year", "abc", code=2)
    run("project", "list", "--format", "xml", code=2)
    run("project", "show", "2026-0001", "多余", code=2)
    run("report", "--month", "13", code=2)
    bad = folder / "bad.csv"
    bad.write_text(
        "项目编号,到位金额,到位日期,备注2\n2026-0009,-5,2026-13-01,x\n", encoding="utf-8"
    )
    run("import", "arrivals", bad, code=1)
    for book, headed in (
        ("r.xlsx", 3),
        ("t.xlsx", 1),
        ("e.xlsx", 1),
        ("2026-W16-bulletin.xlsx", 3),
    ):
        workbook = openpyxl.load_workbook(folder / book)
        lines += workbook.sheetnames
        for sheet in workbook.worksheets:  # titles and headers (the data is the ledger's)
            prose = sheet.title in ("通报正文", "Bulletin text")  # Chinese for everyone
            rows = sheet.iter_rows(max_row=1 if prose else headed, values_only=True)
            lines += [str(value) for row in rows for value in row if isinstance(value, str)]
        if "Notes" in workbook.sheetnames or "说明" in workbook.sheetnames:
            notes = workbook.worksheets[-1].iter_rows(values_only=True)
            lines += [str(v) for row in notes for i, v in enumerate(row) if v and i != 1]
    markdown = (folder / "2026-W16-bulletin.md").read_text(encoding="utf-8")
    lines += [line for line in markdown.splitlines() if line.startswith(("#", "| 单位", "| Unit"))]
    return lines


def test_a_chinese_session_has_no_english_but_codes(
    ledger_path: Path, tmp_path: Path, chinese: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "1000")  # no name wrapped across two lines
    lines = session(tmp_path)
    assert len(lines) > 300
    leaks = [f"{words}: {line}" for line in lines if (words := english_words(line))]
    assert not leaks, "\n".join(leaks)


def test_an_english_session_has_no_chinese_but_the_ledgers_data(
    ledger_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZS_LANG", "en")
    monkeypatch.setenv("COLUMNS", "1000")
    lines = session(tmp_path)
    assert len(lines) > 300
    leaks = [f"{words}: {line}" for line in lines if (words := chinese_words(line))]
    assert not leaks, "\n".join(leaks)
