"""Eight clerks at once on one shared PostgreSQL ledger: every writer is a real `zs` process,
started together, and nothing is lost, nothing refused, nothing crashes."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import sql, zs
from sheets import write_csv

pytestmark = pytest.mark.postgres_only
WRITERS = 8

# Each process imports zs, says it is ready, then waits for the starting gun: the writes
# meet within milliseconds instead of being spread over the interpreters' start-up.
STARTER = """
import os, sys, time
from zhaoshang_cli.cli import app
ready, gun = sys.argv[1], sys.argv[2]
open(ready, "w").close()
while not os.path.exists(gun):
    time.sleep(0.005)
app(sys.argv[3:], prog_name="zs")
"""


def run_together(commands: list[list[str]], tmp_path: Path) -> list[subprocess.CompletedProcess]:
    gun = tmp_path / "go"
    processes = []
    for number, args in enumerate(commands):
        ready = tmp_path / f"ready-{number}"
        processes.append(
            (
                ready,
                subprocess.Popen(
                    [sys.executable, "-c", STARTER, str(ready), str(gun), *args],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                    env=os.environ.copy(),
                ),
            )
        )
    deadline = time.monotonic() + 120
    while not all(ready.exists() for ready, _ in processes):
        assert time.monotonic() < deadline, "the writers did not start"
        time.sleep(0.02)
    gun.touch()
    results = []
    for _, process in processes:
        stdout, stderr = process.communicate(timeout=120)
        results.append(
            subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
        )
    for result in results:
        assert result.returncode == 0 and "zs:" not in result.stderr, result.stderr
    return results


@pytest.fixture
def signed(ledger):
    zs("add-project", "--name", "共享项目", "--unit", "甲县", "--amount", "1亿",
       "--signed", "2026-01-05")  # fmt: skip
    return ledger


def test_parallel_arrivals_all_land_with_their_own_ids(signed, tmp_path: Path) -> None:
    commands = [
        ["arrive", "2026-0001", f"{n + 1}万", "--date", "2026-04-01", "--ref", f"R{n}"]
        for n in range(WRITERS)
    ]
    results = run_together(commands, tmp_path)
    assert all("Recorded arrival" in r.stdout for r in results)
    rows = sql(signed, "SELECT id, ref, cny_fen FROM arrival ORDER BY id")
    assert sorted(ref for _, ref, _ in rows) == sorted(f"R{n}" for n in range(WRITERS))
    assert [row[0] for row in rows] == list(range(1, WRITERS + 1))
    assert sum(fen for _, _, fen in rows) == sum(range(1, WRITERS + 1)) * 1_000_000
    audited = sql(signed, "SELECT entity_id FROM audit WHERE action = 'arrival.record'")
    assert sorted(entity for (entity,) in audited) == list(range(1, WRITERS + 1))
    # The sequence kept up: the next arrival gets the next id.
    assert "Recorded arrival 9:" in zs("arrive", "2026-0001", "1万", "--date", "2026-04-02").stdout


def test_parallel_add_project_gets_distinct_consecutive_codes(ledger, tmp_path: Path) -> None:
    commands = [
        ["add-project", "--name", f"项目{n}", "--unit", "甲县", "--signed", "2026-03-01"]
        for n in range(WRITERS)
    ]
    run_together(commands, tmp_path)
    codes = [code for (code,) in sql(ledger, "SELECT code FROM project ORDER BY code")]
    assert codes == [f"2026-{n:04d}" for n in range(1, WRITERS + 1)]
    names = {name for (name,) in sql(ledger, "SELECT name FROM project")}
    assert names == {f"项目{n}" for n in range(WRITERS)}
    assert sql(ledger, "SELECT count(*) FROM project_unit") == [(WRITERS,)]


def test_parallel_imports_add_every_row_once(signed, tmp_path: Path) -> None:
    per_file = 25
    files = [
        write_csv(
            tmp_path / f"到位{n}.csv",
            [["项目编号", "到位金额", "到位日期", "凭证号"]]
            + [["2026-0001", "1", "2026-05-01", f"F{n}-{row}"] for row in range(per_file)],
        )
        for n in range(WRITERS)
    ]
    # The first file twice more: whichever import comes second finds its rows already there.
    commands = [["import", "arrivals", str(path)] for path in [*files, files[0], files[0]]]
    results = run_together(commands, tmp_path)
    skipped = [r for r in results if f"added 0, skipped {per_file}" in r.stdout]
    assert len(skipped) == 2
    rows = sql(signed, "SELECT ref FROM arrival")
    assert sorted(ref for (ref,) in rows) == sorted(
        f"F{n}-{row}" for n in range(WRITERS) for row in range(per_file)
    )
    ids = [arrival_id for (arrival_id,) in sql(signed, "SELECT id FROM arrival ORDER BY id")]
    assert ids == list(range(1, WRITERS * per_file + 1))
    listed = json.loads(zs("arrival", "list", "--format", "json").stdout)
    assert len(listed) == WRITERS * per_file
