"""The ledger file itself: init, info, schema checks, migrations, foreign files, transactions."""

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import select

from helpers import ON_POSTGRES, Location, engine_for, fails, snapshot, sql, zs
from zhaoshang_cli.store import migrate, models
from zhaoshang_cli.store.ledger import (
    BUSY_TIMEOUT_MS,
    CACHE_KIB,
    SCHEMA_HEAD,
    SCHEMA_REVISIONS,
    Ledger,
    shown,
)
from zhaoshang_cli.units.tree import add_unit

TABLES_AT_0001 = {
    "alembic_version",
    "unit",
    "project",
    "project_contact",
    "project_unit",
    "stage_event",
    "exchange_rate",
    "arrival",
    "audit",
}


def tables(path: Location) -> set[str]:
    return set(snapshot(path))


def revision_of(path: Path) -> str:
    ((revision,),) = sql(path, "SELECT version_num FROM alembic_version")
    return revision


@pytest.mark.sqlite_only
def test_init_creates_a_ledger_where_there_is_no_file(ledger_path: Path) -> None:
    nested = ledger_path.parent / "new" / "dir" / "ledger.db"
    out = zs("init", "--db", str(nested)).stdout
    assert f"Created a new ledger at {nested} (schema {SCHEMA_HEAD})" in out
    assert tables(nested) == TABLES_AT_0001 | {
        "target",
        "activity",
        "bulletin_run",
        "backup",
        "setting",
        "project_change",
        "credit_before",
        "audit_chain",
        "ledger_user",
    }
    assert revision_of(nested) == SCHEMA_HEAD


@pytest.mark.sqlite_only
def test_init_on_an_empty_file(ledger_path: Path) -> None:
    ledger_path.touch()
    assert "Created a new ledger" in zs("init").stdout
    assert revision_of(ledger_path) == SCHEMA_HEAD
    zs("unit", "add", "全市", "--kind", "city")


def test_init_twice_says_up_to_date_and_keeps_data(ledger: Path) -> None:
    before = snapshot(ledger)
    out = zs("init").stdout
    assert f"is up to date (schema {SCHEMA_HEAD})" in out
    assert snapshot(ledger) == before
    if isinstance(ledger, Path):
        assert not list(ledger.parent.glob("*.bak"))


def test_info_reports_location_version_schema_and_counts(ledger: Location) -> None:
    out = zs("info").stdout
    assert f"ledger:   {shown(str(ledger))}" in out
    if ON_POSTGRES:
        assert "postgresql: " in out and "sqlite:" not in out
    else:
        assert f"sqlite:   {sqlite3.sqlite_version}" in out
    assert f"schema:   {SCHEMA_HEAD}" in out
    assert "units:    5" in out
    assert "projects: 0" in out
    assert "arrivals: 0" in out
    assert "audits:   5" in out  # one audit entry per unit added


@pytest.mark.sqlite_only
def test_missing_ledger_is_refused_and_no_file_is_created(ledger_path: Path) -> None:
    for command in (("info",), ("unit", "list"), ("unit", "add", "全市", "--kind", "city")):
        err = fails(*command).stderr
        assert "There is no ledger" in err and "zs init" in err
    assert list(ledger_path.parent.iterdir()) == []


@pytest.mark.sqlite_only
def test_empty_file_is_refused_and_left_empty(ledger_path: Path) -> None:
    ledger_path.touch()
    err = fails("project", "list").stderr
    assert "is empty" in err and "zs init" in err
    fails("info")
    assert ledger_path.read_bytes() == b""
    assert sorted(p.name for p in ledger_path.parent.iterdir()) == ["ledger.db"]


@pytest.mark.sqlite_only
def test_a_text_file_is_not_a_ledger(ledger_path: Path) -> None:
    ledger_path.write_text("买菜清单\n白菜 3 斤\n", encoding="utf-8")
    for command in (("info",), ("unit", "list"), ("init",)):
        assert "is not a zs ledger" in fails(*command).stderr
    assert ledger_path.read_text(encoding="utf-8") == "买菜清单\n白菜 3 斤\n"


@pytest.mark.sqlite_only
def test_a_foreign_sqlite_file_is_not_a_ledger_and_is_left_as_it_was(ledger_path: Path) -> None:
    sql(ledger_path, "CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT)")
    sql(ledger_path, "INSERT INTO customer (name) VALUES ('王五')")
    raw = ledger_path.read_bytes()
    for command in (("info",), ("arrival", "list"), ("init",)):
        assert "is not a zs ledger" in fails(*command).stderr
    assert snapshot(ledger_path) == {"customer": [(1, "王五")]}
    # Not even the journal mode may change: zs must not convert someone else's file to WAL.
    assert ledger_path.read_bytes() == raw


def test_a_ledger_from_a_newer_zs_is_refused(ledger: Path) -> None:
    sql(ledger, "UPDATE alembic_version SET version_num = '0099'")
    before = snapshot(ledger)
    assert "newer version" in fails("unit", "list").stderr
    assert "newer version" in fails("init").stderr
    assert snapshot(ledger) == before


def test_schema_revisions_follow_the_alembic_scripts() -> None:
    assert list(SCHEMA_REVISIONS) == migrate.script_revisions()
    assert migrate.script_revisions()[-1] == SCHEMA_HEAD


def test_migrations_build_exactly_the_models(ledger: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = engine_for(ledger)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, models.SQLModel.metadata) == []
    finally:
        engine.dispose()


def build_previous_revision(path: Location) -> None:
    """A populated ledger at 0001, written the way an old zs would have left it."""
    migrate.upgrade(Ledger(str(path)), "0001")
    for statement in (
        "INSERT INTO unit (name, kind, created_at) VALUES ('全市', 'city', '2026-01-05 08:00:00')",
        "INSERT INTO unit (name, kind, parent_id, created_at)"
        " VALUES ('甲县', 'county', 1, '2026-01-05 08:01:00')",
        "INSERT INTO project (code, name, industrial, contract_fen, stage, signed_on, created_at)"
        " VALUES ('2026-0001', '新材料项目', TRUE, 2500000000, 'signed', '2026-03-18',"
        " '2026-03-18 09:00:00')",
        "INSERT INTO project_unit VALUES (1, 2, 10000)",
        "INSERT INTO arrival (project_id, arrived_on, currency, amount_minor, cny_fen,"
        " source, operator, entered_at) VALUES (1, '2026-04-10', 'CNY', 470000000, 470000000,"
        " 'domestic', 'old', '2026-04-10 10:00:00')",
    ):
        sql(path, statement)


def test_out_of_date_ledger_is_refused_with_a_pointer_to_init(ledger_path: Path) -> None:
    build_previous_revision(ledger_path)
    before = snapshot(ledger_path)
    for command in (("unit", "list"), ("arrive", "2026-0001", "1万", "--date", "2026-05-01")):
        err = fails(*command).stderr
        assert "revision 0001" in err and f"upgrading to {SCHEMA_HEAD}" in err
        assert "`zs init`" in err
    assert snapshot(ledger_path) == before


def test_init_upgrades_a_populated_ledger_and_keeps_a_checked_backup(ledger_path: Path) -> None:
    build_previous_revision(ledger_path)
    before = snapshot(ledger_path)
    out = zs("init").stdout
    assert f"from schema 0001 to {SCHEMA_HEAD}" in out
    assert revision_of(ledger_path) == SCHEMA_HEAD
    assert "target" in tables(ledger_path)
    after = snapshot(ledger_path)
    for table, rows in before.items():
        if table not in ("alembic_version", "audit"):  # new columns come after the old ones
            assert [row[: len(rows[0])] for row in after[table]] == rows, table
    # 0006: the project's duplicate key is filled in, nothing voided, no changes yet.
    assert after["project"][0][len(before["project"][0]) :] == (
        None,
        None,
        "|新材料",
        None,
        None,
        None,
    )
    assert after["project_change"] == [] and after["credit_before"] == []
    if ON_POSTGRES:  # one transaction; pg_dump makes the copies
        assert "in one transaction; back it up with: pg_dump --format=custom" in out
    else:
        (backup,) = ledger_path.parent.glob("ledger.db.0001.*.bak")
        assert f"backup at {backup}" in out
        # The backup is remembered, and that write is audited like any other.
        ((path, reason, revision),) = sql(ledger_path, "SELECT path, reason, revision FROM backup")
        assert (path, reason, revision) == (str(backup), "upgrade", "0001")
        assert [row[3] for row in after["audit"]] == ["ledger.backup"]
        assert "backup:   " in zs("info").stdout and str(backup) in zs("info").stdout
        assert sql(backup, "PRAGMA integrity_check") == [("ok",)]
        assert revision_of(backup) == "0001"
        assert snapshot(backup)["arrival"] == before["arrival"]
    # The upgraded ledger works: old data is listed and new data goes in.
    rows = zs("project", "list", "--format", "json").stdout
    assert '"arrived_wan": 470' in rows
    zs("arrive", "2026-0001", "30万", "--date", "2026-05-01")
    assert '"arrived_wan": 500' in zs("project", "list", "--format", "json").stdout


@pytest.mark.sqlite_only
def test_engine_turns_on_wal_foreign_keys_busy_timeout_and_its_page_cache(ledger: Path) -> None:
    opened = Ledger.open()
    try:
        with opened.read() as session:
            conn = session.connection()
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == BUSY_TIMEOUT_MS
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -CACHE_KIB  # KiB
        with opened.transaction("clerk") as connection:  # zs arrive's Core transaction too
            assert connection.exec_driver_sql("PRAGMA cache_size").scalar() == -CACHE_KIB
            assert connection.info["operator"] == "clerk"
    finally:
        opened.dispose()


def test_foreign_keys_are_enforced(ledger: Path) -> None:
    opened = Ledger.open()
    try:
        with pytest.raises(sa.exc.IntegrityError), opened.write() as session:
            session.connection().exec_driver_sql(
                "INSERT INTO project_unit (project_id, unit_id, share_bp) VALUES (999, 999, 1)"
            )
    finally:
        opened.dispose()


def test_a_write_that_fails_midway_leaves_nothing(ledger: Path) -> None:
    before = snapshot(ledger)
    opened = Ledger.open()
    try:
        with pytest.raises(RuntimeError), opened.write() as session:
            add_unit(session, "丙县", "county", "全市")  # flushed: the row and its audit exist
            assert session.exec(select(models.Unit).where(models.Unit.name == "丙县")).one()
            raise RuntimeError("something went wrong after the first write")
    finally:
        opened.dispose()
    assert snapshot(ledger) == before


@pytest.mark.sqlite_only
def test_write_transactions_take_the_write_lock_at_once(ledger: Path) -> None:
    """BEGIN IMMEDIATE: a second writer waits (or gets 'locked'), it never fails midway."""
    opened = Ledger.open()
    other = sqlite3.connect(ledger, timeout=0)
    try:
        with opened.write() as session:
            session.connection()  # the transaction has begun, nothing read or written yet
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()
        opened.dispose()


@pytest.mark.sqlite_only
def test_a_locked_ledger_is_reported_in_one_sentence(
    ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("zhaoshang_cli.store.ledger.BUSY_TIMEOUT_MS", 50)
    before = snapshot(ledger)
    other = sqlite3.connect(ledger, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        err = fails("unit", "add", "丙县", "--kind", "county", "--parent", "全市").stderr
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert "busy with another writer" in err
    assert snapshot(ledger) == before
