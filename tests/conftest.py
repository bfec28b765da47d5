"""Every test gets its own ledger: ZS_DB points at it (never the user's ledger).

By default the ledger is an SQLite file in tmp_path. With ``ZS_TEST_DB=postgres`` the whole
suite runs on PostgreSQL instead: a server bundled by the ``pgserver`` package starts once
per test process (or ``ZS_TEST_DB=postgresql://user@host/db`` names a database of your own, in
which the tests may create schemas) and each test gets a fresh schema. Tests that only make
sense on one backend are marked ``sqlite_only`` or ``postgres_only``; modules whose subject is
not the database (help, the catalog, terminal widths, output escaping, limits of what is typed,
the README's tours) are marked ``one_backend`` and run on SQLite only, so the second run stays
short.
"""

import itertools
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from helpers import (
    ON_POSTGRES,
    TEST_DB,
    Location,
    admin_connection,
    build_city,
    drop_connections,
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: needs an SQLite ledger file")
    config.addinivalue_line("markers", "postgres_only: needs a PostgreSQL server")
    config.addinivalue_line("markers", "one_backend: not about the database; run on SQLite only")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    skips = ("sqlite_only", "one_backend") if ON_POSTGRES else ("postgres_only",)
    for item in items:
        for skip in skips:
            if item.get_closest_marker(skip):
                reason = f"marked {skip}; this run is on {backend_name()}"
                item.add_marker(pytest.mark.skip(reason=reason))


def backend_name() -> str:
    return "postgresql" if ON_POSTGRES else "sqlite"


def pytest_report_header() -> str:
    return f"zs ledger backend: {backend_name()} (ZS_TEST_DB={TEST_DB or 'unset'})"


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """The URL of a database for this test process: in our own bundled server, or the
    database that ZS_TEST_DB names. Each test then works in a schema of its own."""
    if "://" in TEST_DB:
        from zhaoshang_cli.store.ledger import database_url

        yield database_url(TEST_DB)
        return
    try:
        import pgserver
    except ImportError:
        pytest.exit("ZS_TEST_DB=postgres needs the test extra: pip install -e '.[test]'", 2)
    ensure_server_user()
    # Not under pytest's basetemp: a later pytest run prunes old basetemps, server and all.
    pgdata = Path(tempfile.mkdtemp(prefix="zs-test-pg-"))
    server = pgserver.get_server(pgdata, cleanup_mode="delete")
    # Test data need not survive a crash: skip the disk flushes.
    server.psql(
        "ALTER SYSTEM SET fsync = off; ALTER SYSTEM SET synchronous_commit = off;"
        " ALTER SYSTEM SET full_page_writes = off; SELECT pg_reload_conf();"
        " CREATE DATABASE zs_tests;"
    )
    try:
        yield server.get_uri("zs_tests").replace("postgresql://", "postgresql+psycopg://", 1)
    finally:
        server.cleanup()


def ensure_server_user(name: str = "pgserver") -> None:
    """As root, pgserver runs the server as a user it creates with useradd; on a fresh machine
    two test processes (-n 2) would race to create it, and one would fail."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return
    import pwd
    import subprocess
    import time

    for _ in range(50):
        try:
            pwd.getpwnam(name)
            return
        except KeyError:
            subprocess.run(["useradd", "-s", "/bin/bash", name], capture_output=True, check=False)
            time.sleep(0.1)  # the other process may hold /etc/passwd's lock
    pwd.getpwnam(name)  # says why, if the user could not be made


_numbers = itertools.count(1)


@pytest.fixture
def new_location(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Callable[..., Location]]:
    """Makes another empty ledger location: a file name in tmp_path, or a new schema (a new
    database costs a second; a schema, milliseconds) that the URL puts first in search_path."""
    if not ON_POSTGRES:
        yield lambda name="ledger.db": tmp_path / name
        return
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    database = make_url(request.getfixturevalue("postgres_database"))
    admin = create_engine(database, isolation_level="AUTOCOMMIT")
    made: list[str] = []

    def make(_name: str = "ledger.db") -> str:
        schema = f"zs_test_{os.getpid()}_{next(_numbers)}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        made.append(schema)
        url = database.set(password=None).update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    try:
        yield make
    finally:
        with admin.connect() as conn:
            for schema in made:
                conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()


def test_environment(monkeypatch: pytest.MonkeyPatch, location: Location) -> None:
    monkeypatch.setenv("ZS_DB", str(location))
    monkeypatch.setenv("ZS_OPERATOR", "tester")
    monkeypatch.setenv("ZS_TODAY", "2026-11-23")
    monkeypatch.delenv("ZS_DEBUG", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("ZS_LANG", "en")  # tests of the Chinese default unset or change it


@pytest.fixture(autouse=True)
def ledger_path(
    new_location: Callable[..., Location],
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> Location:
    if ON_POSTGRES and "ledger" in request.fixturenames and "://" not in TEST_DB:
        location: Location = request.getfixturevalue("city_database")
    else:
        location = new_location()
    test_environment(monkeypatch, location)
    return location


@pytest.fixture
def chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    """The default a clerk gets: no ZS_LANG, and a cron-like LANG=C."""
    monkeypatch.delenv("ZS_LANG", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "C")


@pytest.fixture(scope="session")
def city_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small city built once, through the CLI, for the SQLite tests to copy."""
    import sqlite3

    path = tmp_path_factory.mktemp("city") / "ledger.db"
    with pytest.MonkeyPatch.context() as monkeypatch:
        test_environment(monkeypatch, path)
        build_city()
    connection = sqlite3.connect(path)  # everything in the file itself, none in a -wal
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return path


@pytest.fixture(scope="session")
def city_template(postgres_database: str) -> Iterator[str]:
    """On our own server: the small city built once per test process, in a database that each
    test copies (CREATE DATABASE … TEMPLATE: some 60 ms, where building it costs 0.85 s)."""
    from sqlalchemy.engine import make_url

    name = f"zs_city_{os.getpid()}"
    with admin_connection(postgres_database) as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = make_url(postgres_database).set(database=name).render_as_string(hide_password=False)
    with pytest.MonkeyPatch.context() as monkeypatch:
        test_environment(monkeypatch, url)
        build_city()
    try:
        yield name
    finally:
        with admin_connection(postgres_database) as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def city_database(postgres_database: str, city_template: str) -> Iterator[str]:
    """A fresh copy of the city template: a database of the test's own."""
    from sqlalchemy.engine import make_url

    name = f"zs_test_{os.getpid()}_{next(_numbers)}"
    with admin_connection(postgres_database) as conn:
        drop_connections(conn, city_template)  # a template takes none while it is copied
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{city_template}"')
    try:
        yield make_url(postgres_database).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin_connection(postgres_database) as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def ledger(ledger_path: Location, request: pytest.FixtureRequest) -> Location:
    """An initialised ledger with a small city: 全市 → 甲县, 乙县, 经开区, 市商务局."""
    if ON_POSTGRES:
        if "://" in TEST_DB:  # a database of the user's own: a schema, built there
            build_city()
    else:
        shutil.copyfile(request.getfixturevalue("city_file"), ledger_path)
    return ledger_path


@pytest.fixture(scope="session")
def built_ledgers(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[dict[str, Location]]:
    """The ledgers fixtures built once in this test process (``built_once``), by name: a file
    to copy on SQLite, a template database on our own PostgreSQL server."""
    built: dict[str, Location] = {}
    yield built
    if ON_POSTGRES and built:
        with admin_connection(request.getfixturevalue("postgres_database")) as conn:
            for name in built.values():
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["whole", "streamed"])
def reading(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """A sheet read whole (calamine), or a row at a time in chunks of three rows, as a file too
    big to hold is (openpyxl, its merged cells from the sheet's XML)."""
    if request.param == "streamed":
        import zhaoshang_cli.spreadsheets.arrival_import as arrival_import
        import zhaoshang_cli.spreadsheets.book as book_module

        monkeypatch.setattr(book_module, "STREAM_BYTES", 0)
        monkeypatch.setattr(arrival_import, "CHUNK", 3)
    return request.param
