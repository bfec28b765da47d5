"""PostgreSQL as a first-class backend: the same figures as SQLite, URLs that never show a
password, one-sentence refusals, and locks that hold across machines."""

import importlib.util
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from helpers import fails, snapshot, sql, zs

postgres_only = pytest.mark.postgres_only
# Where the driver is not installed (zs without its [postgres] extra), what needs it is skipped;
# what zs says without it is tested all the same.
needs_driver = pytest.mark.skipif(
    importlib.util.find_spec("psycopg") is None, reason="the psycopg driver is not installed"
)


def test_without_the_driver_a_postgresql_url_is_refused_in_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if psycopg were not installed
    err = fails("init", "--db", "postgresql://clerk:s3cret@db.example/zs").stderr
    assert "pip install 'zhaoshang-cli[postgres]'" in err
    assert "s3cret" not in err


def test_other_databases_are_refused_in_one_line() -> None:
    err = fails("unit", "list", "--db", "mysql://clerk:s3cret@db.example/zs").stderr
    assert "SQLite or PostgreSQL" in err and "s3cret" not in err


def test_postgresql_urls_use_the_psycopg_driver() -> None:
    from zhaoshang_cli.store.ledger import database_url, shown

    for scheme in ("postgres", "postgresql", "postgresql+psycopg"):
        url = database_url(f"{scheme}://clerk:s3cret@db.example:5433/zs")
        assert url == "postgresql+psycopg://clerk:s3cret@db.example:5433/zs"
        assert shown(url) == "postgresql+psycopg://clerk:***@db.example:5433/zs"


@needs_driver
def test_an_unreachable_server_is_one_sentence() -> None:
    url = "postgresql://clerk:s3cret@/zs?host=/nonexistent-zs-socket-dir"
    err = fails("unit", "list", "--db", url).stderr
    assert "zs: Cannot open postgresql://clerk:***@/zs" in err
    assert "No such file or directory" in err and "s3cret" not in err


@contextmanager
def other_session(location: str) -> Iterator:  # type: ignore[type-arg]
    """Another client of the same database, as on another machine."""
    from sqlalchemy import create_engine

    from zhaoshang_cli.store.ledger import database_url

    engine = create_engine(database_url(location))
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def with_password(location: str, password: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(location).set(password=password).render_as_string(hide_password=False)


@postgres_only
def test_a_password_is_never_printed(ledger_path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = with_password(ledger_path, "s3cret")  # the test server trusts local clients
    monkeypatch.setenv("ZS_DB", secret)
    err = fails("unit", "list").stderr
    assert "is empty; create the ledger with `zs init`" in err
    out = zs("init").stdout + zs("info").stdout + zs("init").stdout
    assert "Created a new ledger at postgresql+psycopg://postgres:***@" in out
    assert "postgresql: 1" in out  # the server's version
    assert "backup:   pg_dump --format=custom" in out
    assert "s3cret" not in out + err


@postgres_only
def test_a_missing_database_is_one_sentence(ledger_path: str) -> None:
    from sqlalchemy.engine import make_url

    missing = make_url(ledger_path).set(database="zs_no_such_database")
    err = fails("unit", "list", "--db", missing.render_as_string(hide_password=False)).stderr
    assert 'database "zs_no_such_database" does not exist' in err
    assert "createdb" in err


@postgres_only
def test_a_database_of_something_else_is_not_a_ledger(ledger_path: str) -> None:
    sql(ledger_path, "CREATE TABLE customer (id SERIAL PRIMARY KEY, name TEXT)")
    sql(ledger_path, "INSERT INTO customer (name) VALUES ('王五')")
    assert "is not a zs ledger" in fails("init").stderr
    assert "is not a zs ledger" in fails("demo", "--db", ledger_path).stderr
    assert snapshot(ledger_path) == {"customer": [(1, "王五")]}


@postgres_only
def test_a_writer_waits_for_another_and_gives_up_in_one_sentence(
    ledger: str, monkeypatch: pytest.MonkeyPatch, new_location
) -> None:
    from zhaoshang_cli.store.postgres import WRITE_LOCK, lock_keys

    monkeypatch.setattr("zhaoshang_cli.store.postgres.LOCK_WAIT_SECONDS", 1)
    before = snapshot(ledger)
    with other_session(ledger) as other:
        other.exec_driver_sql(f"SELECT pg_advisory_xact_lock({lock_keys(WRITE_LOCK)})")
        err = fails("unit", "add", "丙县", "--kind", "county", "--parent", "全市").stderr
        assert "busy with another writer" in err
        assert "甲县" in zs("unit", "list").stdout  # readers never wait
        zs("init", "--db", new_location())  # nor another ledger (schema) in the database
        other.rollback()
    assert snapshot(ledger) == before
    zs("unit", "add", "丙县", "--kind", "county", "--parent", "全市")


@postgres_only
def test_one_bulletin_run_per_shared_ledger(ledger: str, tmp_path: Path) -> None:
    from zhaoshang_cli.store.postgres import BULLETIN_LOCK, lock_keys

    out = tmp_path / "on-another-machine"
    out.mkdir()
    with other_session(ledger) as other:
        other.exec_driver_sql(f"SELECT pg_advisory_lock({lock_keys(BULLETIN_LOCK)})")
        err = fails("bulletin", "--week", "2026-W16", "--out", out, "--wait", "0.3").stderr
        assert "Another zs bulletin is running on postgresql+psycopg://" in err
        other.exec_driver_sql(f"SELECT pg_advisory_unlock({lock_keys(BULLETIN_LOCK)})")
    assert not list(out.glob("2026-*"))
    zs("bulletin", "--week", "2026-W16", "--out", out)
    assert sorted(p.name for p in out.glob("2026-*")) == [
        "2026-W16-bulletin.docx",
        "2026-W16-bulletin.md",
        "2026-W16-bulletin.xlsx",
    ]


REPORTS = [
    ("--month", "10"),
    ("--month", "4", "--metric", "fdi"),
    ("--month", "10", "--metric", "projects"),
    ("--month", "10", "--metric", "major"),
    ("--month", "10", "--unit", "甲县"),
    ("--month", "6", "--as-of", "2026-11-01", "--occasion", "投洽会"),
]
LISTINGS = [
    ("project", "list", "--unit", "甲县", "--year", "2026"),
    ("target", "list", "--year", "2026"),
    ("unit", "list"),
    ("rate", "list"),
]


def outputs(location: str) -> dict[str, object]:
    found = {}
    for args in REPORTS:
        found[" ".join(args)] = json.loads(
            zs("report", "--db", location, "--format", "json", *args).stdout
        )
    for args in LISTINGS:
        found[" ".join(args)] = json.loads(zs(*args, "--db", location, "--format", "json").stdout)
    return found


@postgres_only
def test_the_demo_gives_the_same_figures_on_both_backends(
    chinese: None, ledger_path: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    demo_file = str(tmp_path / "demo.db")
    zs("demo", "--db", demo_file)
    out = zs("demo", "--db", ledger_path).stdout  # writes into that database, not a file
    assert "2026年1-10月全市招商引资完成情况通报" in out
    assert not any(p.name.startswith("postgres") for p in tmp_path.iterdir())  # no stray file
    on_sqlite, on_postgres = outputs(demo_file), outputs(ledger_path)
    for key, value in on_sqlite.items():
        assert on_postgres[key] == value, key
    zs("demo", "--db", ledger_path)  # a demo may be rebuilt, with the same figures
    assert outputs(ledger_path) == on_sqlite


@postgres_only
def test_the_demo_never_replaces_a_real_ledger(ledger: str) -> None:
    before = snapshot(ledger)
    assert "holds a ledger that is not a demo" in fails("demo", "--db", ledger).stderr
    assert snapshot(ledger) == before
