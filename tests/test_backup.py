"""Backups that can be trusted, `zs check`, and damaged ledger files refused in one sentence."""

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import fails, snapshot, sql, zs
from zhaoshang_cli.store.backup import copy_problem, table_counts
from zhaoshang_cli.store.ledger import SCHEMA_HEAD

DAMAGED = "is damaged; run `zs check` and restore it from a backup."


@pytest.fixture
def city(ledger: Path) -> Path:
    """A project with two arrivals, one reversed, and a joint project 70/30."""
    zs("add-project", "--name", "新材料", "--unit", "甲县", "--signed", "2026-03-18",
       "--amount", "2亿", "--code", "P-1")  # fmt: skip
    zs("add-project", "--name", "冷链", "--unit", "甲县", "--unit", "乙县",
       "--signed", "2026-03-20", "--code", "P-2")  # fmt: skip
    zs("arrive", "P-1", "3000万", "--date", "2026-04-15", "--ref", "V-1")
    zs("arrive", "P-1", "200万", "--date", "2026-04-16", "--ref", "V-2")
    zs("arrival", "reverse", "2", "--reason", "重复录入")
    return ledger


def backups(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.bak"))


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") or "tmp" in p.name)


@pytest.mark.sqlite_only  # a copy of a file: a PostgreSQL ledger is backed up by pg_dump
def test_backup_writes_a_checked_copy_beside_the_ledger_and_info_says_when(city: Path) -> None:
    assert "backup:   never" in zs("info").stdout
    content = snapshot(city)
    out = zs("backup").stdout
    (backup,) = backups(city.parent)
    assert backup.name.startswith("ledger.db.") and f"to {backup} " in out
    assert sql(backup, "PRAGMA integrity_check") == [("ok",)]
    assert sql(backup, "PRAGMA journal_mode") == [("delete",)]  # one self-contained file
    assert snapshot(backup) == content  # exactly the ledger as it was
    assert leftovers(city.parent) == []
    info = zs("info").stdout
    assert f"{backup}" in info and " UTC, " in info
    ((path, reason),) = sql(city, "SELECT path, reason FROM backup")
    assert (path, reason) == (str(backup), "backup")
    assert zs("history", "--limit", "1", "--format", "json").stdout.count("ledger.backup") == 1


@pytest.mark.sqlite_only  # a copy of a file: a PostgreSQL ledger is backed up by pg_dump
def test_backup_to_a_file_or_a_folder_never_overwrites(city: Path, tmp_path: Path) -> None:
    target = tmp_path / "周一备份.db"
    zs("backup", target)
    first = target.read_bytes()
    assert "already exists" in fails("backup", target).stderr
    assert target.read_bytes() == first
    folder = tmp_path / "备份"
    folder.mkdir()
    zs("backup", folder)
    (inside,) = backups(folder)
    assert inside.name.startswith("ledger.db.")
    assert "no folder" in fails("backup", tmp_path / "nowhere" / "x.bak").stderr


@pytest.mark.sqlite_only  # a copy of a file: a PostgreSQL ledger is backed up by pg_dump
def test_a_backup_that_cannot_be_finished_leaves_no_file(city: Path, tmp_path: Path) -> None:
    """A full disk, for real: the process may not write past 64 KiB into any file (the
    ledger's shared-memory file needs 32 KiB; the copy needs more than 64)."""
    target = tmp_path / "out"
    target.mkdir()
    before = snapshot(city)
    assert city.stat().st_size > 65536

    def small_disk() -> None:
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a kill
        resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))

    result = subprocess.run(
        [sys.executable, "-m", "zhaoshang_cli", "backup", str(target)],
        env={**os.environ, "ZS_DB": str(city)},
        capture_output=True,
        text=True,
        preexec_fn=small_disk,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("zs: The backup to ") and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert list(target.iterdir()) == []
    assert snapshot(city) == before


@pytest.mark.sqlite_only  # a copy of a file: a PostgreSQL ledger is backed up by pg_dump
def test_the_check_of_a_copy_catches_an_empty_or_short_one(city: Path, tmp_path: Path) -> None:
    """integrity_check alone passes a 0-byte file; counts and the revision do not."""
    connection = sqlite3.connect(city)
    counts = table_counts(connection)
    connection.close()
    empty = tmp_path / "empty.bak"
    empty.touch()
    assert sql(empty, "PRAGMA integrity_check") == [("ok",)]
    assert copy_problem(empty, SCHEMA_HEAD, counts) == "the copy is empty"
    short = tmp_path / "short.bak"
    zs("backup", short)
    assert copy_problem(short, SCHEMA_HEAD, counts) is None
    sql(short, "DELETE FROM audit WHERE id = (SELECT MAX(id) FROM audit)")
    audits = counts["audit"]
    assert (
        copy_problem(short, SCHEMA_HEAD, counts)
        == f"{audits - 1} rows in audit instead of {audits}"
    )
    assert f"revision {SCHEMA_HEAD} instead of 0003" in str(copy_problem(short, "0003", counts))


def test_check_passes_a_sound_ledger(city: Path) -> None:
    out = zs("check").stdout
    assert "is sound" in out


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        ("UPDATE project_unit SET share_bp = 2000 WHERE project_id = 2 AND unit_id = 3",
         "Project P-2: the units' shares add up to 70%, not 100%."),
        ("UPDATE arrival SET cny_fen = -1000 WHERE id = 3",
         "Arrival 3 does not cancel arrival 2 exactly."),
        ("UPDATE arrival SET project_id = 2 WHERE id = 3",
         "Arrival 3 reverses arrival 2 of another project."),
        ("UPDATE arrival SET reverses_id = 3 WHERE id = 1",
         "Arrival 1 reverses arrival 3, itself a reversal."),
        ("INSERT INTO arrival (project_id, arrived_on, currency, amount_minor, cny_fen, source,"
         " operator, entered_at) SELECT project_id, arrived_on, currency, amount_minor, cny_fen,"
         " source, operator, entered_at FROM arrival WHERE id = 1",
         "The arrival with id 4 has no entry in the audit trail."),
        ("UPDATE project SET stage = 'producing' WHERE code = 'P-1'",
         "Project P-1 is at stage producing but its history ends at signed."),
        pytest.param(
            "INSERT INTO project_unit (project_id, unit_id, share_bp) VALUES (1, 99, 0)",
            "project_unit row",
            marks=pytest.mark.sqlite_only,  # PostgreSQL never lets a broken reference in
        ),
    ],
)  # fmt: skip
def test_check_names_each_broken_rule_in_one_line(city: Path, damage: str, problem: str) -> None:
    sql(city, damage)
    result = fails("check")
    assert any(line.startswith(problem) for line in result.stdout.splitlines()), result.stdout
    assert "problem" in result.stderr and "see above" in result.stderr


def corrupt_page(path: Path, table: str) -> None:
    """Overwrite the first bytes of a table's root page, as a bad sector would."""
    ((page,),) = sql(path, f"SELECT rootpage FROM sqlite_master WHERE name = '{table}'")
    ((size,),) = sql(path, "PRAGMA page_size")
    with path.open("r+b") as file:
        file.seek((page - 1) * size)
        file.write(b"\xa5" * 48)


@pytest.mark.sqlite_only  # damage to the file itself
def test_a_damaged_page_is_refused_by_commands_init_and_check(city: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    copy.write_bytes(city.read_bytes())
    corrupt_page(copy, "arrival")
    raw = copy.read_bytes()
    err = fails("arrive", "P-1", "10万", "--date", "2026-04-20", "--db", copy).stderr
    assert err == f"zs: The ledger at {copy} {DAMAGED}\n"
    err = fails("arrival", "list", "--db", copy).stderr
    assert DAMAGED in err and "SELECT" not in err
    err = fails("init", "--db", copy).stderr
    assert DAMAGED in err and "up to date" not in err
    result = fails("check", "--db", copy)
    assert "damaged" in result.stdout
    assert "is damaged, so no backup was written" in fails("backup", "--db", copy).stderr
    assert copy.read_bytes() == raw
    assert backups(tmp_path) == [] and leftovers(tmp_path) == []


@pytest.mark.sqlite_only  # damage to the file itself
def test_a_cut_short_ledger_is_refused_before_it_is_used(city: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    copy.write_bytes(city.read_bytes()[:20_000])
    for command in (("unit", "list"), ("info",), ("init",), ("report", "--month", "4")):
        err = fails(*command, "--db", copy).stderr
        assert err == f"zs: The ledger at {copy} {DAMAGED}\n", command
    assert "cut short" in fails("check", "--db", copy).stdout


@pytest.mark.sqlite_only  # damage to the file itself
def test_a_torn_header_is_refused_too(city: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    raw = bytearray(city.read_bytes())
    raw[16:18] = b"\x00\x00"  # the page size, zeroed
    copy.write_bytes(bytes(raw))
    assert fails("unit", "list", "--db", copy).stderr == f"zs: The ledger at {copy} {DAMAGED}\n"
