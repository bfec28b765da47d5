"""On PostgreSQL each command opens one connection to the server, not two or three: a shared
ledger's server counts every clerk's commands against its connection limit, and each
connection costs a round of authentication before the first figure. Counted by the server
itself (``pg_stat_database.sessions`` of the ledger's database) around real `zs` processes."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from helpers import admin_connection, zs
from sheets import write_csv

pytestmark = pytest.mark.postgres_only
ZS = str(Path(sys.executable).with_name("zs"))


def sessions_of(run: list[str], admin: object, database: str) -> int:
    """How many sessions the server saw on the ledger's database while ``zs RUN`` ran: once
    none of its backends is left (each one's statistics are in when it has gone)."""
    query = (
        "SELECT sessions, numbackends FROM pg_stat_database"
        f" WHERE datname = '{database}'"  # a name the fixture made: no quoting needed
    )

    def stats() -> tuple[int, int]:
        admin.exec_driver_sql("SELECT pg_stat_clear_snapshot()")  # type: ignore[attr-defined]
        return admin.exec_driver_sql(query).one()  # type: ignore[attr-defined]

    before, _ = stats()
    subprocess.run([ZS, *run], check=True, capture_output=True, env=os.environ.copy())
    deadline = time.monotonic() + 10
    while (now := stats())[1] > 0:
        assert time.monotonic() < deadline, f"zs {run[0]}: a connection outlived the command"
        time.sleep(0.05)
    return now[0] - before


def test_each_command_opens_one_connection(
    ledger: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    zs("add-project", "--name", "共享项目", "--unit", "甲县", "--amount", "1亿",
       "--signed", "2026-01-05")  # fmt: skip
    sheet = write_csv(
        tmp_path / "到位资金.csv",
        [["项目编号", "到位金额", "到位日期"], ["2026-0001", "5", "2026-05-01"]],
    )
    commands = {
        "arrive": ["arrive", "2026-0001", "1万", "--date", "2026-04-01"],
        "report": ["report", "--month", "4", "--format", "json"],
        "report table": ["report", "--month", "4"],
        "import": ["import", "arrivals", str(sheet)],
        "import again": ["import", "arrivals", str(sheet)],
        "arrival list": ["arrival", "list"],
        "add-project": ["add-project", "--name", "又一项目", "--unit", "乙县"],
        "check": ["check"],
        "init": ["init"],
    }
    database = make_url(str(ledger)).database
    assert database is not None
    with admin_connection(request.getfixturevalue("postgres_database")) as admin:
        counts = {name: sessions_of(run, admin, database) for name, run in commands.items()}
    assert counts == {name: 1 for name in commands}
