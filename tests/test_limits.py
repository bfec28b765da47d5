"""Where the edges are: amounts, years, lengths and stage dates just inside are kept, just
outside refused; a full disk is one sentence and leaves nothing behind."""

import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import fails, snapshot, sql, zs
from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.money import parse_amount
from zhaoshang_cli.core.text import clean_text

pytestmark = pytest.mark.one_backend  # not about the database

WAN_FEN = 1_000_000


@pytest.mark.parametrize(
    ("text", "wan"),
    [("1,200万", 1200), ("12,000,000元", 1200), ("1,200.5万", 1200.5), ("1200", 1200),
     ("10000亿", 100_000_000)],
)  # fmt: skip
def test_amounts_with_proper_separators_are_read(text: str, wan: float) -> None:
    assert parse_amount(text) == int(wan * WAN_FEN)


@pytest.mark.parametrize(
    "text", ["1,5万", "1,,,0万", "12,00万", "1,2345万", ",100万", "100,万", "1,2.5万"]
)
def test_misplaced_separators_are_refused_not_dropped(text: str) -> None:
    with pytest.raises(Invalid, match="commas in the wrong places"):
        parse_amount(text)


def test_an_amount_above_one_wan_yi_is_a_typo() -> None:
    assert parse_amount("1000000000000元") == 10**14  # 1万亿 exactly
    with pytest.raises(Invalid, match="more than 1万亿"):
        parse_amount("1000000000000.01元")


def test_years_run_from_1978_to_ten_years_ahead(ledger: Path) -> None:
    for signed in ("1978-01-01", "2036-12-31"):  # ZS_TODAY is 2026-11-23
        zs("add-project", "--name", f"项目{signed}", "--unit", "甲县", "--signed", signed)
    for signed in ("1977-12-31", "2037-01-01"):
        message = fails("add-project", "--name", "x", "--unit", "甲县", "--signed", signed).stderr
        assert f"signing date {signed} is outside the years a ledger holds (1978–2036)" in message
    zs("target", "set", "甲县", "1亿", "--year", "2036")
    assert "2037 is outside" in fails("target", "set", "甲县", "1亿", "--year", "2037").stderr
    assert "year 0 is outside" in fails("report", "--month", "4", "--year", "0").stderr


def test_names_up_to_their_length_are_kept(ledger: Path) -> None:
    zs("unit", "add", "县" * 100, "--kind", "county", "--parent", "全市")
    message = fails("unit", "add", "区" * 101, "--kind", "county", "--parent", "全市").stderr
    assert "101 characters long; at most 100 are allowed" in message
    zs("add-project", "--name", "项" * 200, "--unit", "甲县")
    assert "项" * 200 in zs("project", "list", "--format", "json").stdout


def test_notes_may_hold_line_breaks_names_may_not(ledger: Path) -> None:
    zs("add-project", "--name", "新材料", "--unit", "甲县", "--signed", "2026-03-01")
    zs("arrive", "2026-0001", "10万", "--date", "2026-04-01", "--note", "第一行\r\n第二行")
    note = json.loads(zs("arrival", "list", "--format", "json").stdout)[0]["note"]
    assert note == "第一行\n第二行"  # CRLF kept as one LF
    assert "carriage return" in fails("arrive", "2026-0001", "1万", "--note", "a\rb").stderr
    assert "line break" in fails("arrive", "2026-0001", "1万", "--ref", "a\nb").stderr


def test_invisible_characters_are_named(ledger: Path) -> None:
    cases = {
        "甲\u202e县": "U+202E (right-to-left override)",
        "甲\x00县": "U+0000 (NUL)",
        "甲\x07县": "U+0007 (bell)",
        "\ufeff甲县": "U+FEFF (zero width no-break space)",
    }
    for text, named in cases.items():
        with pytest.raises(Invalid, match=re.escape(named)):
            clean_text(text, "unit name")
    assert clean_text("  甲县\n", "unit name") == "甲县"  # surrounding white space is trimmed
    assert clean_text("", "investor") is None


def test_a_stage_cannot_come_before_the_one_it_follows(ledger: Path) -> None:
    zs("add-project", "--name", "新材料", "--unit", "甲县", "--signed", "2026-03-01")
    before = snapshot(ledger)
    message = fails("project", "stage", "2026-0001", "started", "--date", "2026-02-28").stderr
    assert "started date 2026-02-28 is before project 2026-0001's signed date 2026-03-01" in message
    assert snapshot(ledger) == before
    zs("project", "stage", "2026-0001", "started", "--date", "2026-03-01")  # the same day is fine
    message = fails("project", "stage", "2026-0001", "terminated", "--date", "2026-02-01",
                    "--reason", "撤资").stderr  # fmt: skip
    assert "terminated date 2026-02-01 is before project 2026-0001's signed date" in message


def test_an_import_with_a_start_before_the_signing_is_refused(ledger: Path, tmp_path: Path) -> None:
    path = tmp_path / "projects.csv"
    path.write_text("项目名称,责任单位,签约日期,开工日期\n新材料,甲县,2026-06-01,2026-05-01\n")
    before = snapshot(ledger)
    result = zs("import", "projects", path, code=1)
    assert "started date 2026-05-01 is before project" in result.stderr
    assert snapshot(ledger) == before


def test_history_limit(ledger: Path) -> None:
    assert len(json.loads(zs("history", "--limit", "1", "--format", "json").stdout)) == 1
    everything = json.loads(zs("history", "--format", "json").stdout)
    huge = zs("history", "--limit", "99999999999999999999", "--format", "json").stdout
    assert json.loads(huge) == everything


def test_threshold_up_to_all_of_time_progress(ledger: Path) -> None:
    for threshold in ("100%", "1", "0.7", "1%"):
        zs("report", "--month", "4", "--year", "2026", "--threshold", threshold)
    for threshold in ("0", "-0.5", "Infinity", "101%"):
        fails("report", "--month", "4", "--year", "2026", "--threshold", threshold)


def test_a_csv_in_gb18030_still_imports(ledger: Path, tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_bytes("单位名称,类型,上级单位\n丙县,县,全市\n".encode("gb18030"))
    zs("import", "units", path)
    assert ("丙县",) in sql(ledger, "SELECT name FROM unit")


# A real full disk: a small tmpfs, filled up. Needs root (or CAP_SYS_ADMIN) to mount.
@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "full"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        filler = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            while os.write(filler, b"\0" * 4096):
                pass
        except OSError:
            pass
        finally:
            os.close(filler)
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def run_zs(*args: str, stdout: int | io.IOBase = subprocess.PIPE) -> subprocess.CompletedProcess:
    """The installed entry point in its own process, as cron runs it."""
    return subprocess.run(
        [sys.executable, "-m", "zhaoshang_cli", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
        timeout=120,
        check=False,
    )


def test_a_full_disk_is_one_sentence_and_leaves_no_file(ledger: Path, full_disk: Path) -> None:
    zs("add-project", "--name", "新材料", "--unit", "甲县", "--signed", "2026-03-01")
    zs("arrive", "2026-0001", "10万", "--date", "2026-04-01")
    before = snapshot(ledger)
    commands = [
        ("report", "--month", "4", "--year", "2026", "--xlsx", str(full_disk / "通报.xlsx")),
        ("export", "-o", str(full_disk / "台账.xlsx")),
        ("bulletin", "--week", "2026-W16", "--out", str(full_disk)),
        ("template", "projects", "-o", str(full_disk / "模板.xlsx")),
    ]
    for command in commands:
        result = run_zs(*command)
        assert result.returncode == 1, result.stderr
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("zs: Could not write "), result.stderr
        assert "No space left on device; no file was written." in lines[0]
    assert sorted(p.name for p in full_disk.iterdir()) == [".zs-bulletin.lock", "filler"]
    assert snapshot(ledger) == before


def test_output_to_a_full_disk_is_one_sentence(
    ledger: Path, full_disk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open(full_disk / "out.csv", "w") as out:
        result = run_zs("history", "--format", "csv", stdout=out)
    assert result.returncode == 1
    assert result.stderr == "zs: Could not write the output: No space left on device.\n"
    monkeypatch.setenv("ZS_LANG", "zh_CN")
    with open(full_disk / "out.csv", "w") as out:
        result = run_zs("history", "--format", "csv", stdout=out)
    assert result.stderr == "zs: 无法写出结果：磁盘空间已满。\n"
