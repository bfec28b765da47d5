"""Reading needs no write access: every command that only reads works on a ledger in a
read-only folder and on a read-only file, and leaves both as they were.

Root writes through any permission, so as root the commands run in a subprocess without the
capabilities that override them (setpriv); where that is not possible the tests are skipped.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from helpers import RUNNER, snapshot, zs
from zhaoshang_cli.cli import app

pytestmark = pytest.mark.sqlite_only  # file and folder permissions

DROP = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner"]
READS = {  # command: what its output shows
    ("unit", "list"): "甲县",
    ("project", "list", "--format", "csv"): "新材料",
    ("project", "show", "2026-0001"): "新材料",
    ("arrival", "list"): "新材料",
    ("history",): "Ledger log",
    ("info",): "arrivals: 1",
    ("rate", "list"): "USD",
    ("target", "list", "--year", "2026"): "全市",
    ("activity", "list"): "甲县",
    ("report", "--month", "4", "--year", "2026"): "全市 total",
}
PROBE = """
import os, tempfile
path = os.path.join(tempfile.mkdtemp(), "probe")
open(path, "w").close()
os.chmod(path, 0o444)
try:
    open(path, "a")
    print("writable")
except PermissionError:
    print("refused")
"""


DRIVER = """
import json, sys
from typer.testing import CliRunner
from zhaoshang_cli.cli import app
runs = [CliRunner().invoke(app, args) for args in json.loads(sys.argv[1])]
print(json.dumps([[run.exit_code, run.stdout, run.stderr] for run in runs]))
"""
Run = tuple[int, str, str]  # exit code, stdout, stderr


def unprivileged_runner() -> Callable[..., list[Run]]:
    """Runs zs commands as a user whom file permissions bind: in-process when not root, else
    in one subprocess through setpriv, once it is shown that a read-only file then really
    refuses a write."""
    if os.geteuid() != 0:

        def in_process(*commands: tuple[str, ...]) -> list[Run]:
            runs = [RUNNER.invoke(app, list(args)) for args in commands]
            return [(run.exit_code, run.stdout, run.stderr) for run in runs]

        return in_process
    if shutil.which("setpriv") is None:
        pytest.skip("running as root and setpriv is missing: permissions cannot bind")
    probe = subprocess.run(
        [*DROP, sys.executable, "-c", PROBE], capture_output=True, text=True, check=False
    )
    if probe.stdout.strip() != "refused":
        pytest.skip("running as root and dropping capabilities does not stop writes here")

    def dropped(*commands: tuple[str, ...]) -> list[Run]:
        result = subprocess.run(
            [*DROP, sys.executable, "-c", DRIVER, json.dumps(commands)],
            capture_output=True,
            text=True,
            env=os.environ.copy(),
            timeout=300,
            check=True,
        )
        return [tuple(run) for run in json.loads(result.stdout)]  # type: ignore[misc]

    return dropped


@pytest.fixture
def filled(ledger: Path) -> Path:
    zs(
        "add-project",
        "--name",
        "新材料",
        "--unit",
        "甲县",
        "--signed",
        "2026-03-01",
        "--amount",
        "1亿",
    )
    zs("arrive", "2026-0001", "10万", "--date", "2026-04-01")
    zs("target", "set", "全市", "10亿", "--year", "2026")
    zs("rate", "set", "USD", "7.1", "--month", "2026-04")
    zs("activity", "add", "甲县", "--date", "2026-04-02", "--visits", "2")
    return ledger


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(params=["folder", "file"])
def read_only(request: pytest.FixtureRequest, filled: Path) -> Iterator[Path]:
    """The ledger with its folder read-only, or the file itself read-only."""
    target = filled.parent if request.param == "folder" else filled
    mode = target.stat().st_mode
    target.chmod(0o555 if request.param == "folder" else 0o444)
    try:
        yield filled
    finally:
        target.chmod(mode)


def test_reading_needs_no_write_access_and_writing_is_refused_cleanly(
    read_only: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    before, content = snapshot(read_only), digest(read_only)
    out = tmp_path_factory.mktemp("out") / "台账.xlsx"
    runs = unprivileged_runner()(
        *READS,
        ("export", "-o", str(out)),
        ("arrive", "2026-0001", "5万", "--date", "2026-04-03"),
    )
    for command, (code, stdout, stderr) in zip(READS, runs, strict=False):
        assert (code, stderr) == (0, ""), command
        assert READS[command] in stdout, command
    code, stdout, stderr = runs[len(READS)]
    assert code == 0 and "Exported the ledger" in stdout and out.exists(), stderr
    code, _, stderr = runs[-1]
    assert code == 1 and stderr == (
        "zs: The ledger is read-only for you (the file or its folder); "
        "commands that only read still work.\n"
    )
    assert digest(read_only) == content and snapshot(read_only) == before


def test_commits_waiting_in_a_wal_file_are_not_silently_skipped(
    filled: Path, tmp_path_factory
) -> None:  # type: ignore[no-untyped-def]
    """In a read-only folder without its WAL index, a ledger whose -wal file holds commits
    cannot be read as it stands (that would miss them): zs says so."""
    copy = tmp_path_factory.mktemp("copy")
    writer = sqlite3.connect(filled)
    try:
        writer.execute("PRAGMA wal_autocheckpoint=0")
        writer.execute("UPDATE unit SET name = '甲县新' WHERE name = '甲县'")
        writer.commit()
        shutil.copy(filled, copy / filled.name)
        shutil.copy(f"{filled}-wal", copy / f"{filled.name}-wal")
    finally:
        writer.close()
    copy.chmod(0o555)
    try:
        [(code, _, stderr)] = unprivileged_runner()(
            ("unit", "list", "--db", str(copy / filled.name))
        )
    finally:
        copy.chmod(0o755)
    assert code == 1
    assert "has recent changes in ledger.db-wal" in stderr and len(stderr.splitlines()) == 1
