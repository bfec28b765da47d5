"""What zs prints can never turn into something else: a CSV row that a spreadsheet splits
into a formula, a number made text, or a name read as Rich markup."""

import csv
import io
import re
from pathlib import Path

import pytest

from helpers import ON_POSTGRES, sql, zs
from zhaoshang_cli.core.safety import csv_safe

pytestmark = pytest.mark.one_backend  # not about the database

LEGACY_CR = "新材料\r=cmd|' /C calc'!A0"  # entered before zs refused control characters
CSV_COMMANDS = [
    ("project", "list"),
    ("arrival", "list"),
    ("activity", "list"),
    ("target", "list", "--year", "2026"),
    ("target", "history", "--year", "2026"),
    ("unit", "list"),
    ("history",),
    ("report", "--month", "4", "--year", "2026"),
]


def physical_lines(text: str) -> list[str]:
    """The lines a reader that knows nothing of CSV quoting would see."""
    return re.split(r"\r\n|\r|\n", text)


@pytest.fixture
def legacy(ledger: Path) -> Path:
    """A ledger holding text with line breaks, as old versions (or a hand edit) left it."""
    zs("add-project", "--name", "新材料", "--unit", "甲县", "--signed", "2026-03-01",
       "--code", "P1")  # fmt: skip
    zs("arrive", "P1", "10万", "--date", "2026-04-01", "--note", "第一行\n=SUM(A1:A9)")
    zs("activity", "add", "甲县", "--date", "2026-04-02", "--visits", "1", "--note", "走访\n@x")
    zs("target", "set", "甲县", "1亿", "--year", "2026", "--reason", "调整\n+1")
    sql(ledger, "UPDATE project SET name = '" + LEGACY_CR.replace("'", "''") + "'")
    char = "chr" if ON_POSTGRES else "char"
    sql(ledger, f"UPDATE unit SET name = '甲县' || {char}(13) || '-2+3' WHERE name = '甲县'")
    sql(ledger, f"UPDATE audit SET operator = 'x' || {char}(10) || '=1+1' WHERE id = 1")
    return ledger


@pytest.mark.parametrize("command", CSV_COMMANDS, ids=" ".join)
def test_csv_cells_with_line_breaks_stay_one_row_and_no_line_starts_a_formula(
    legacy: Path, command: tuple[str, ...]
) -> None:
    out = zs(*command, "--format", "csv").stdout
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert len({len(row) for row in rows}) == 1  # no row broken in two
    for line in physical_lines(out):
        assert not line.startswith(("=", "+", "-", "@", "\t", "\0")), line
    assert "\r" in out or "\n" in out.rstrip("\n").split("\n", 1)[1]  # the breaks are kept


def test_the_stored_text_comes_back_whole_but_guarded(legacy: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(zs("project", "list", "-f", "csv").stdout, newline="")))
    assert rows[0]["name"] == "新材料\r'=cmd|' /C calc'!A0"
    assert rows[0]["units"] == "甲县\r'-2+3"
    rows = list(csv.DictReader(io.StringIO(zs("arrival", "list", "-f", "csv").stdout, newline="")))
    assert rows[0]["note"] == "第一行\n'=SUM(A1:A9)"


def test_csv_quotes_a_lone_carriage_return() -> None:
    out = io.StringIO()
    from zhaoshang_cli.core.safety import CsvWriter

    CsvWriter(out).writerow(["a\rb", "c\nd", "e", 1])
    assert out.getvalue() == '"a\rb","c\nd",e,1\n'


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("甲县\r=cmd", "甲县\r'=cmd"),
        ("ok\n-1\n+2", "ok\n'-1\n'+2"),
        ("plain", "plain"),
        (-0.5, -0.5),
        (None, None),
    ],
)
def test_csv_safe_guards_text_only(value: object, safe: object) -> None:
    assert csv_safe(value) == safe


def test_report_csv_writes_negative_numbers_as_numbers(ledger: Path) -> None:
    zs("unit", "add", "=1+1", "--kind", "county", "--parent", "全市")
    zs("add-project", "--name", "旧项目", "--unit", "甲县", "--signed", "2025-01-10",
       "--code", "P1")  # fmt: skip
    zs("add-project", "--name", "公式县项目", "--unit", "=1+1", "--signed", "2025-01-10",
       "--code", "P2")  # fmt: skip
    zs("arrive", "P1", "100万", "--date", "2025-03-01")
    zs("arrive", "P1", "40万", "--date", "2026-03-01")
    zs("arrive", "P2", "10万", "--date", "2026-03-01")
    out = zs("report", "--month", "4", "--year", "2026", "--format", "csv").stdout
    rows = {row["unit"]: row for row in csv.DictReader(io.StringIO(out))}
    assert rows["甲县"]["yoy"] == "-0.600000"  # 同比 -60%: a number, no quote before it
    assert rows["甲县"]["last_year"] == "100"
    assert "'=1+1" in rows  # the unit named like a formula is text


MARKUP = "[/]"  # MarkupError if read as markup
UNIT = "[red]丙县"  # a unit name may not hold '/'; as markup it would print as 丙县, in red
STYLED = "[bold red]红[/] :fire:"


@pytest.fixture
def marked(ledger: Path, tmp_path: Path) -> Path:
    zs("unit", "add", UNIT, "--kind", "county", "--parent", "全市")
    zs("add-project", "--name", STYLED, "--unit", UNIT, "--signed", "2026-03-01",
       "--code", "P1", "--operator", MARKUP, "--investor", "[link=http://x]y[/link]")  # fmt: skip
    zs("arrive", "P1", "10万", "--date", "2026-04-01", "--note", MARKUP, "--ref", STYLED)
    zs("target", "set", UNIT, "1亿", "--year", "2026", "--reason", MARKUP)
    zs("activity", "add", UNIT, "--date", "2026-04-02", "--visits", "1", "--leader", STYLED)
    return ledger


@pytest.mark.parametrize(
    "command",
    [
        ("project", "list"),
        ("project", "show", "P1"),
        ("history",),
        ("arrival", "list"),
        ("unit", "list"),
        ("target", "list", "--year", "2026"),
        ("target", "history", "--year", "2026"),
        ("activity", "list"),
        ("report", "--month", "4", "--year", "2026"),
        ("report", "--month", "4", "--year", "2026", "--unit", UNIT),
    ],
    ids=" ".join,
)
def test_text_from_users_is_never_markup(
    marked: Path, command: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "300")  # wide enough that no cell is wrapped
    out = zs(*command).stdout
    assert UNIT in out or MARKUP in out
    if command[:2] in {("project", "show"), ("arrival", "list"), ("activity", "list")}:
        assert ":fire:" in out and "🔥" not in out and "[bold red]红[/]" in out


def test_bulletin_markdown_shows_names_as_written(ledger: Path, tmp_path: Path) -> None:
    name = "[点此](http://evil.example) <img src=x> **急**"
    zs("unit", "add", "_乙_区", "--kind", "county", "--parent", "全市")
    zs("add-project", "--name", name, "--unit", "甲县", "--signed", "2026-04-14", "--code", "P1")
    zs("bulletin", "--week", "2026-W16", "--out", tmp_path)
    text = (tmp_path / "2026-W16-bulletin.md").read_text(encoding="utf-8")
    assert r"\[点此\](http://evil.example) \<img src=x\> \*\*急\*\*" in text
    assert not re.search(r"(?<!\\)(\[点此|<img|_乙)", text)  # never unescaped
    assert text.count(r"\_乙\_区") >= 3  # both tables, the units with nothing arrived, the prose
