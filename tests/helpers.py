"""What tests share: the real CLI run in-process, the ledger read from outside zs, and the
backend the suite runs on. Fixtures and hooks are in conftest.py; tests import these."""

import contextlib
import datetime as dt
import functools
import os
import shutil
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import typer.testing
from typer.testing import CliRunner

from zhaoshang_cli.cli import app

RUNNER = CliRunner()
# Typer builds the click command tree from the functions' signatures on every invoke (about
# 0.1 s, more than most commands take); the tree does not change, so the tests build it once.
# A private name of the pinned Typer (see zhaoshang_cli/cli/typer_internals.py).
typer.testing._get_command = functools.cache(typer.testing._get_command)  # type: ignore[attr-defined]
TEST_DB = os.environ.get("ZS_TEST_DB", "").strip()
ON_POSTGRES = TEST_DB.lower() in ("postgres", "postgresql") or "://" in TEST_DB

# A ledger location: a file path on SQLite, a database URL on PostgreSQL.
Location = Path | str


def zs(*args: str, code: int = 0):  # type: ignore[no-untyped-def]
    """Run the real CLI in-process; assert the exit code (0 unless told otherwise)."""
    result = RUNNER.invoke(app, [str(arg) for arg in args])
    assert result.exit_code == code, (
        f"zs {' '.join(map(str, args))} exited {result.exit_code}, wanted {code}\n"
        f"stdout: {result.stdout}\nstderr: {result.stderr}\n{result.exception!r}"
    )
    return result


def fails(*args: str, code: int = 1):  # type: ignore[no-untyped-def]
    """A refused command: the exit code, one sentence on stderr, no traceback."""
    result = zs(*args, code=code)
    assert "Traceback" not in result.output
    if code == 1:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("zs: "), result.stderr
    return result


def recorded_as(name: str) -> str:
    """Who zs records a write as, given this name (``--operator`` or ``ZS_OPERATOR``): the name
    on a ledger file; on PostgreSQL always the database login (the test server's superuser)."""
    if not ON_POSTGRES:
        return name
    from sqlalchemy.engine import make_url

    return str(make_url(os.environ["ZS_DB"]).username)


def operator_option(name: str) -> tuple[str, ...]:
    """``--operator NAME`` on a ledger file; nothing on PostgreSQL, which refuses it."""
    return () if ON_POSTGRES else ("--operator", name)


def given_operator(name: str) -> str | None:
    """An operator for ``Ledger.write``: the name on a file, none on PostgreSQL."""
    return None if ON_POSTGRES else name


def engine_for(location: Location):  # type: ignore[no-untyped-def]
    """A plain engine outside zs (no pool: nothing stays open after a call)."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    from zhaoshang_cli.store.ledger import database_url

    return create_engine(database_url(str(location)), poolclass=NullPool)


def _plain(value: object) -> object:
    """Values as SQLite stores them, so one expected row serves both backends."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat(" ", "microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


def _rows(result) -> list[tuple]:  # type: ignore[no-untyped-def]
    return [tuple(_plain(value) for value in row) for row in result]


def snapshot(location: Location) -> dict[str, list[tuple]]:
    """The ledger's content, table by table, for 'nothing changed' assertions."""
    from sqlalchemy import inspect

    engine = engine_for(location)
    try:
        with engine.connect() as conn:
            tables = sorted(inspect(conn).get_table_names())
            return {
                t: _rows(conn.exec_driver_sql(f'SELECT * FROM "{t}" ORDER BY 1')) for t in tables
            }
    finally:
        engine.dispose()


def sql(location: Location, statement: str, *, append_only: bool = False) -> list[tuple]:
    """One statement through SQLAlchemy, outside zs: to read rows, or to change a ledger
    the way zs itself never would (an old schema, a corrupt row, a foreign database) — as
    whoever holds the file would, dropping the append-only triggers first and putting them
    back after (``append_only=True`` leaves them in force)."""
    engine = engine_for(location)
    try:
        with engine.connect() as conn:
            lifted = not append_only and _drop_triggers(conn)
            result = conn.exec_driver_sql(statement)
            rows = _rows(result) if result.returns_rows else []
            if lifted:
                from zhaoshang_cli.store.chain import append_only_sql

                present = {
                    row[0]
                    for row in conn.exec_driver_sql(
                        "SELECT name FROM sqlite_master WHERE type = 'table'"
                    )
                }
                for trigger in append_only_sql():
                    if trigger.split(" ON ")[1].split()[0] in present:  # a table dropped stays so
                        conn.exec_driver_sql(trigger)
            conn.commit()
            return rows
    finally:
        engine.dispose()


def _drop_triggers(conn) -> bool:  # type: ignore[no-untyped-def]
    if conn.dialect.name != "sqlite":
        return False
    names = [
        row[0]
        for row in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'zs_%'"
        )
    ]
    for name in names:
        conn.exec_driver_sql(f"DROP TRIGGER {name}")
    return bool(names)


def build_city() -> None:
    zs("init")
    zs("unit", "add", "全市", "--kind", "city")
    zs("unit", "add", "甲县", "--kind", "county", "--parent", "全市")
    zs("unit", "add", "乙县", "--kind", "county", "--parent", "全市")
    zs("unit", "add", "经开区", "--kind", "zone", "--parent", "全市")
    zs("unit", "add", "市商务局", "--kind", "department", "--parent", "全市")


@contextlib.contextmanager
def admin_connection(database_url: str) -> Iterator[Any]:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    admin = create_engine(make_url(database_url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            yield conn
    finally:
        admin.dispose()


def drop_connections(conn: Any, database: str) -> None:
    conn.exec_driver_sql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        f" WHERE datname = '{database}' AND pid <> pg_backend_pid()"
    )


def built_once(
    request: pytest.FixtureRequest, location: Location, key: str, build: Callable[[], None]
) -> Location:
    """A fixture's ledger, built through the CLI by ``build`` once per test process and copied
    for each test that asks for it (the build is what costs: dozens of commands)."""
    if ON_POSTGRES and "://" in TEST_DB:  # a database of the user's own: build every time
        build()
        return location
    built: dict[str, Location] = request.getfixturevalue("built_ledgers")
    if not ON_POSTGRES:
        import sqlite3

        if key not in built:
            build()
            connection = sqlite3.connect(location)  # everything in the file, none in a -wal
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.close()
            copy = request.getfixturevalue("tmp_path_factory").mktemp("built") / "ledger.db"
            shutil.copyfile(location, copy)
            built[key] = copy
        else:
            shutil.copyfile(built[key], location)
        return location
    from sqlalchemy.engine import make_url

    database = make_url(str(location)).database
    with admin_connection(request.getfixturevalue("postgres_database")) as conn:
        if key not in built:
            build()
            template = f"zs_built_{os.getpid()}_{len(built)}"
            drop_connections(conn, database)
            conn.exec_driver_sql(f'CREATE DATABASE "{template}" TEMPLATE "{database}"')
            built[key] = template
        else:
            drop_connections(conn, built[key])
            conn.exec_driver_sql(f'DROP DATABASE "{database}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{database}" TEMPLATE "{built[key]}"')
    return location
