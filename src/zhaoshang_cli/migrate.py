"""Creating and upgrading the ledger schema with Alembic (imported only here: it is slow)."""

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from zhaoshang_cli import dates
from zhaoshang_cli.errors import LedgerError
from zhaoshang_cli.ledger import SCHEMA_HEAD, Ledger, make_engine, shown


def migrations_dir() -> Path:
    """Beside the package in a wheel; at the top of the source tree in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "migrations", here.parents[1] / "migrations"):
        if (candidate / "env.py").exists():
            return candidate
    raise LedgerError("The zs migrations are missing from this installation; reinstall zs.")


def alembic_config():  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    return config


def script_revisions() -> list[str]:
    """Every revision in order from the first, as Alembic sees the scripts."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


@dataclass
class InitResult:
    location: str
    before: str | None
    after: str
    backup: Path | None
    backend: str = "sqlite"

    @property
    def shown(self) -> str:
        return shown(self.location)


def backup_sqlite(path: Path, target: Path) -> None:
    """A consistent copy of a live WAL ledger (never ``cp``), checked before it is trusted."""
    source = sqlite3.connect(path)
    try:
        source.execute("VACUUM INTO ?", (str(target),))
    finally:
        source.close()
    copy = sqlite3.connect(target)
    try:
        (result,) = copy.execute("PRAGMA integrity_check").fetchone()
    finally:
        copy.close()
    if result != "ok":
        raise LedgerError(f"The backup {target} failed its integrity check: {result}.")


def pg_dump_command(url: str) -> str:
    """How to back up a PostgreSQL ledger: pg_dump takes libpq's URL, without the driver;
    the password stays out (pg_dump asks, or reads ~/.pgpass or PGPASSWORD)."""
    from sqlalchemy.engine import make_url

    plain = make_url(url).set(drivername="postgresql", password=None)
    target = f"zs-{plain.database or 'ledger'}.dump"
    return f"pg_dump --format=custom --file={target} '{plain.render_as_string()}'"


def upgrade_on(connection, revision: str = "head") -> None:  # type: ignore[no-untyped-def]
    """Run the migrations inside the connection's transaction; the caller commits."""
    from alembic import command

    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def drop_ledger_tables(connection) -> None:  # type: ignore[no-untyped-def]
    """Every zs table and the schema's version: only for rebuilding a demo ledger."""
    from sqlalchemy import inspect

    from zhaoshang_cli.models import SQLModel

    SQLModel.metadata.drop_all(connection)
    if inspect(connection).has_table("alembic_version"):
        connection.exec_driver_sql("DROP TABLE alembic_version")


def upgrade(ledger: Ledger, revision: str = "head") -> None:
    """One transaction on PostgreSQL (its DDL is transactional), so a failed upgrade leaves
    the ledger as it was; on SQLite the backup taken first covers that."""
    # Foreign keys off for batch migrations: the PRAGMA is ignored inside a transaction.
    engine = make_engine(ledger.url, foreign_keys=False)
    try:
        with engine.connect() as connection:
            upgrade_on(connection, revision)
            connection.commit()
            if engine.dialect.name != "sqlite":
                return  # PostgreSQL checks every reference as it is written
            problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise LedgerError(f"The upgrade left {len(problems)} broken references.")
    finally:
        engine.dispose()


def init_ledger(location: str) -> InitResult:
    """Create the ledger, or upgrade an existing one after backing it up."""
    ledger = Ledger(location)
    backend = ledger.backend
    path = ledger.path
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    before = ledger.revision() if path is None or path.exists() else None
    backup = None
    if before == SCHEMA_HEAD:
        ledger.dispose()
        return InitResult(location, before, SCHEMA_HEAD, None, backend)
    if before is not None and before not in script_revisions():
        raise LedgerError(
            f"{shown(location)} has schema revision {before}, which this zs does not know; "
            "it was made by a newer version."
        )
    if before is not None and path is not None:
        stamp = dates.utcnow().strftime("%Y%m%dT%H%M%S")
        backup = path.with_name(f"{path.name}.{before}.{stamp}.bak")
        backup_sqlite(path, backup)
    ledger.dispose()
    upgrade(ledger)
    return InitResult(location, before, SCHEMA_HEAD, backup, backend)
