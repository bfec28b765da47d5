"""Writers beside a big import: none refused, nothing twice, and a waiting writer is told so."""

import os
import pty
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from helpers import fails, given_operator, recorded_as, snapshot, sql, zs
from sheets import as_json, write_csv
from zhaoshang_cli.spreadsheets.arrival_import import apply_plan, plan_arrivals
from zhaoshang_cli.spreadsheets.book import Book
from zhaoshang_cli.spreadsheets.columns import ARRIVALS
from zhaoshang_cli.spreadsheets.outcome import Outcome
from zhaoshang_cli.store.ledger import Ledger
from zhaoshang_cli.units.tree import add_unit

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
from bench_writers import run


@pytest.mark.sqlite_only  # PostgreSQL: test_concurrency_postgres.py
def test_writers_beside_a_big_import_are_all_stored(tmp_path: Path) -> None:
    """2 clerks enter arrivals (4 each, and on until the import is over) while 4,000 rows
    are imported into the projects they write to: every arrival is stored, none refused."""
    summary = run(tmp_path, rows=4_000, projects=200, writers=2, each=4, xlsx=False)
    assert summary["import_code"] == 0, summary["import_stderr"]
    assert summary["imported"] == 4_000
    assert summary["refused"] == []
    assert summary["stored"] == summary["attempted"] >= 8
    before, after = summary["stored_before_and_after_the_import"]
    assert before > 0 and after > 0  # the clerks wrote before and after the import's rows
    assert summary["check_code"] == 0, summary["check"]


@pytest.fixture
def projects(ledger: Path) -> Path:
    zs("add-project", "--name", "甲", "--unit", "甲县", "--signed", "2026-01-05", "--code", "P-1")
    zs("add-project", "--name", "乙", "--unit", "乙县", "--signed", "2026-01-05", "--code", "P-2")
    return ledger


HEADERS = ["项目编号", "到位金额", "到位日期", "凭证号", "币种"]


def planned(ledger: Path, tmp_path: Path, rows: list[list[str]]):  # type: ignore[no-untyped-def]
    """An arrivals file checked in a read snapshot, as `zs import arrivals` does first."""
    path = write_csv(tmp_path / "到位资金.csv", [HEADERS, *rows])
    table = Book(path).table(ARRIVALS)
    opened = Ledger.open(str(ledger))
    with opened.read() as session:
        session.info["operator"] = recorded_as("导入员")
        plan = plan_arrivals(session, table)
    assert table.problems == []
    return opened, table, plan


def apply(opened: Ledger, plan) -> Outcome:  # type: ignore[no-untyped-def]
    outcome = Outcome(ARRIVALS)
    try:
        with opened.write(given_operator("导入员")) as session:
            apply_plan(session, plan)
            plan.tell(outcome)
            if plan.table.problems:
                session.rollback()
    finally:
        opened.dispose()
    return outcome


ROWS = [["P-1", "100", "2026-04-01", "V-1"], ["P-1", "200", "2026-04-02", "V-2"],
        ["P-2", "50", "2026-04-03", "V-3"]]  # fmt: skip


def test_an_arrival_entered_during_an_import_is_not_written_twice(
    projects: Path, tmp_path: Path
) -> None:
    opened, _table, plan = planned(projects, tmp_path, ROWS)
    zs("arrive", "P-1", "100万", "--date", "2026-04-01", "--ref", "V-1")  # a clerk, meanwhile
    outcome = apply(opened, plan)
    assert outcome.skipped == ["row 2: arrival 100.00万 CNY for P-1 on 2026-04-01 (V-1)"]
    assert len(outcome.added) == 2
    refs = [(a["ref"], a["operator"]) for a in as_json("arrival", "list")]
    clerk, importer = recorded_as("tester"), recorded_as("导入员")
    assert refs == [("V-1", clerk), ("V-2", importer), ("V-3", importer)]


def test_the_warnings_follow_what_arrived_meanwhile(projects: Path, tmp_path: Path) -> None:
    zs("add-project", "--name", "丙", "--unit", "甲县", "--signed", "2026-01-05", "--code", "P-3",
       "--amount", "300万")  # fmt: skip
    opened, _table, plan = planned(projects, tmp_path, [["P-3", "100", "2026-04-01", "V-9"]])
    zs("arrive", "P-3", "250万", "--date", "2026-03-01", "--ref", "V-0")
    outcome = apply(opened, plan)
    assert outcome.warnings == [
        "row 2: total arrived 350.00万元 exceeds the contract amount 300.00万元"
    ]


def test_a_project_terminated_during_an_import_stops_the_import(
    projects: Path, tmp_path: Path
) -> None:
    opened, table, plan = planned(projects, tmp_path, ROWS)
    zs("project", "stage", "P-2", "terminated", "--date", "2026-03-01", "--reason", "撤资")
    before = snapshot(projects)
    apply(opened, plan)
    assert [str(problem) for problem in table.problems] == [
        "到位资金.csv, row 4: Project P-2 was terminated on 2026-03-01; no money can arrive for it after that."
    ]
    assert snapshot(projects) == before


def test_a_rate_changed_during_an_import_is_the_rate_used(projects: Path, tmp_path: Path) -> None:
    zs("rate", "set", "USD", "7.10", "--month", "2026-04")
    row = ["P-1", "10", "2026-04-01", "V-1", "USD"]
    opened, _table, plan = planned(projects, tmp_path, [row])
    zs("rate", "set", "USD", "7.20", "--month", "2026-04")
    apply(opened, plan)
    assert sql(projects, "SELECT rate_micro, cny_fen FROM arrival") == [(7_200_000, 72_000_000)]


def test_imported_rows_are_stamped_when_written_not_when_checked(
    projects: Path, tmp_path: Path
) -> None:
    opened, _table, plan = planned(projects, tmp_path, ROWS[:1])
    time.sleep(1.1)
    checked_by = time.time() - 1
    apply(opened, plan)
    ((entered, audited),) = sql(
        projects,
        "SELECT a.entered_at, u.at FROM arrival a JOIN audit u"
        " ON u.entity = 'arrival' AND u.entity_id = a.id",
    )
    for stamp in (entered, audited):
        moment = time.mktime(time.strptime(stamp[:19], "%Y-%m-%d %H:%M:%S")) - time.timezone
        assert moment >= int(checked_by)


def hold_the_write_lock(path: Path, until: threading.Event | float) -> threading.Thread:
    """Another writer (an import's bulk insert) holding the lock for some seconds, or until
    told to let go."""
    ready = threading.Event()

    def hold() -> None:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        ready.set()
        if isinstance(until, threading.Event):
            until.wait(timeout=120)
        else:
            time.sleep(until)
        other.execute("ROLLBACK")
        other.close()

    thread = threading.Thread(target=hold)
    thread.start()
    ready.wait()
    return thread


@pytest.mark.sqlite_only  # SQLite's write lock, held by another connection
def test_a_writer_waits_for_a_long_write_and_says_so_once(ledger: Path) -> None:
    told: list[str] = []
    opened = Ledger.open(str(ledger), on_wait=lambda: told.append("waiting"))
    holder = hold_the_write_lock(ledger, 1.0)
    try:
        began = time.perf_counter()
        with opened.write() as session:
            add_unit(session, "丙县", "county", "全市")
        waited = time.perf_counter() - began
    finally:
        holder.join()
        opened.dispose()
    assert told == ["waiting"] and waited >= 0.9
    assert "丙县" in zs("unit", "list").stdout


@pytest.mark.sqlite_only  # SQLite's write lock, held by another connection
def test_on_a_terminal_the_wait_is_announced(ledger: Path) -> None:
    """A real `zs` process whose stderr is a terminal (a pty); the lock is let go only once
    the process has said it waits."""
    let_go = threading.Event()
    holder = hold_the_write_lock(ledger, let_go)
    main, secondary = pty.openpty()
    command = [sys.executable, "-m", "zhaoshang_cli", "unit", "add", "丙县", "--kind", "county",
               "--parent", "全市"]  # fmt: skip
    env = {**os.environ, "ZS_DB": str(ledger)}
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=secondary)
    os.close(secondary)
    said = b""
    try:
        while b"\n" not in said:
            chunk = os.read(main, 1024)  # raises OSError once the process has closed it
            if not chunk:
                break
            said += chunk
    except OSError:
        pass
    finally:
        let_go.set()
        holder.join()
        code = process.wait()
        os.close(main)
    assert said.decode().strip() == "zs: waiting for another writer…"
    assert code == 0
    assert "丙县" in zs("unit", "list").stdout


@pytest.mark.sqlite_only  # SQLite's write lock, held by another connection
def test_in_a_log_the_wait_is_not_announced(ledger: Path) -> None:
    holder = hold_the_write_lock(ledger, 1.0)
    began = time.perf_counter()
    quiet = zs("unit", "add", "丙县", "--kind", "county", "--parent", "全市")
    waited = time.perf_counter() - began
    holder.join()
    assert waited >= 0.5 and quiet.stderr == ""


@pytest.mark.sqlite_only  # SQLite's write lock, held by another connection
def test_a_writer_that_waits_too_long_is_refused_in_one_sentence(
    ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("zhaoshang_cli.store.ledger.BUSY_TIMEOUT_MS", 400)
    before = snapshot(ledger)
    holder = hold_the_write_lock(ledger, 1.5)
    err = fails("unit", "add", "丙县", "--kind", "county", "--parent", "全市").stderr
    holder.join()
    assert err == "zs: The ledger is busy with another writer (waited 1 s); try again.\n"
    assert snapshot(ledger) == before
