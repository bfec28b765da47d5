"""Runs killed with SIGKILL: what they leave is only a temporary file, the next run of the same
command removes its own kind (by the pid in the name, once that run is dead), and `zs check`
lists any it finds beside the ledger. A full disk or a device is never reported as written."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import fails, zs
from test_ledger import build_previous_revision

pytestmark = pytest.mark.sqlite_only  # files beside a SQLite ledger; a server keeps none


def dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def pad(ledger: Path, megabytes: int) -> None:
    """Make the ledger big enough that a copy of it takes a moment to write."""
    connection = sqlite3.connect(ledger)
    connection.execute("CREATE TABLE padding (blob BLOB)")
    connection.executemany("INSERT INTO padding VALUES (randomblob(1048576))", [()] * megabytes)
    connection.commit()
    connection.close()


def temporaries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.endswith(".tmp"))


def kill_while_writing(args: list[str], folder: Path, ledger: Path) -> list[Path]:
    """Start the installed zs, SIGKILL it the moment a temporary appears in ``folder``; the
    temporaries it left. Tries a few times: the window is short on a fast disk."""
    for _attempt in range(8):
        run = subprocess.Popen(
            [sys.executable, "-m", "zhaoshang_cli", *args],
            env={**os.environ, "ZS_DB": str(ledger)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        while run.poll() is None:
            if temporaries(folder):
                run.send_signal(signal.SIGKILL)
                run.wait()
                if left := temporaries(folder):
                    return left
            time.sleep(0.0005)
        for path in folder.glob("*.bak"):
            path.unlink()
    pytest.fail(f"zs {' '.join(args)} finished before a temporary could be seen")


def test_a_killed_backup_is_cleared_by_the_next_backup_and_listed_by_check(
    ledger: Path, tmp_path: Path
) -> None:
    pad(ledger, 60)
    left = kill_while_writing(["backup"], ledger.parent, ledger)
    assert all(p.name.startswith(f".{ledger.name}.") for p in left)
    assert not list(ledger.parent.glob("*.bak"))  # no backup that looks good and is not
    checked = zs("check").stdout
    for path in left:
        assert f"{path} (" in checked and "was left by a run that was killed" in checked
    assert "is sound" in checked  # a leftover is not a fault of the ledger
    zs("backup")
    assert temporaries(ledger.parent) == []
    assert len(list(ledger.parent.glob("*.bak"))) == 1
    assert "was left by" not in zs("check").stdout


def test_a_killed_upgrade_is_cleared_by_the_next_upgrade(ledger_path: Path) -> None:
    build_previous_revision(ledger_path)
    pad(ledger_path, 60)
    left = kill_while_writing(["init"], ledger_path.parent, ledger_path)
    assert all(".0001." in p.name for p in left)
    zs("init")
    assert temporaries(ledger_path.parent) == []
    (backup,) = ledger_path.parent.glob("*.0001.*.bak")
    assert backup.stat().st_size > 60 << 20


def test_a_killed_report_is_cleared_by_the_next_report(tmp_path: Path) -> None:
    demo = tmp_path / "demo.db"
    zs("demo", "--db", str(demo))
    out = tmp_path / "out"
    out.mkdir()
    left = kill_while_writing(["report", "--xlsx", str(out / "r.xlsx")], out, demo)
    assert [p.name.split(".")[1:3] for p in left] == [["r", "xlsx"]]
    assert not (out / "r.xlsx").exists()
    zs("report", "--db", str(demo), "--xlsx", str(out / "r.xlsx"))
    assert temporaries(out) == [] and (out / "r.xlsx").stat().st_size > 0


def test_only_dead_runs_leftovers_of_the_same_file_are_removed(
    ledger: Path, tmp_path: Path
) -> None:
    dead, alive = dead_pid(), os.getppid()  # pytest's parent outlives this test
    names = {
        "dead": f".r.xlsx.{dead}.abcd1234.tmp",
        "alive": f".r.xlsx.{alive}.abcd1234.tmp",  # a run still writing: left alone
        "other": f".s.xlsx.{dead}.abcd1234.tmp",  # another file's: its own run clears it
        "backup": f".{ledger.name}.20260101T000000.bak.{dead}.tmp",
        "journal": f".{ledger.name}.20260101T000000.bak.{dead}.tmp-journal",
    }
    for name in names.values():
        (ledger.parent / name).write_bytes(b"x" * 2048)
    listed = zs("check").stdout
    for key in ("dead", "other", "backup", "journal"):
        assert f"{ledger.parent / names[key]} (2.0 KB) was left" in listed
    assert names["alive"] not in listed
    zs("report", "--xlsx", str(ledger.parent / "r.xlsx"))
    left = {p.name for p in temporaries(ledger.parent)} | {
        p.name for p in ledger.parent.glob("*.tmp-journal")
    }
    assert left == {names["alive"], names["other"], names["backup"], names["journal"]}
    zs("backup")
    assert {p.name for p in ledger.parent.glob(".*tmp*")} == {names["alive"], names["other"]}


@pytest.mark.parametrize(
    "command",
    [
        ("report", "--format", "csv", "-o", "/dev/full"),
        ("score", "-f", "json", "-o", "/dev/full"),
        ("project", "list", "-f", "csv", "-o", "/dev/full"),
        ("history", "-f", "json", "-o", "/dev/full"),
    ],
    ids=lambda command: " ".join(command),
)
def test_a_full_device_is_a_failed_write_and_stays_a_device(
    ledger: Path, command: tuple[str, ...]
) -> None:
    zs("add-project", "--name", "新材料", "--unit", "甲县", "--signed", "2026-03-18")
    err = fails(*command).stderr
    assert err.startswith("zs: Could not write /dev/full: ") and "no file was written" in err
    assert Path("/dev/full").is_char_device()


def test_a_device_that_takes_the_bytes_gets_them(ledger: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "zhaoshang_cli",
            "project",
            "list",
            "-f",
            "json",
            "-o",
            "/dev/stdout",
        ],
        env={**os.environ, "ZS_DB": str(ledger), "ZS_LANG": "en"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "[]\n" and result.stderr == "Wrote /dev/stdout.\n"


def test_a_folder_is_not_a_file_to_write(ledger: Path, tmp_path: Path) -> None:
    (tmp_path / "out.csv").mkdir()
    err = fails("project", "list", "-f", "csv", "-o", str(tmp_path / "out.csv")).stderr
    assert f"{tmp_path / 'out.csv'} is a folder; name a file to write." in err
