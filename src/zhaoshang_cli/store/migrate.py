"""Creating and upgrading the ledger schema with Alembic (imported only here: it is slow)."""

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import URL, make_url

from zhaoshang_cli.core.errors import LedgerError
from zhaoshang_cli.core.i18n import _
from zhaoshang_cli.store.backup import default_name, record_backup, take_backup
from zhaoshang_cli.store.ledger import (
    SCHEMA_HEAD,
    Ledger,
    cut_short,
    database_url,
    is_damage,
    make_engine,
    shown,
)
from zhaoshang_cli.store.models import SQLModel
from zhaoshang_cli.store.secrets import SECRET_KEYS

MIGRATIONS = Path(__file__).parents[1] / "migrations"  # in a checkout, a link to migrations/


def migrations_dir() -> Path:
    if not (MIGRATIONS / "env.py").exists():
        raise LedgerError(_("The zs migrations are missing from this installation; reinstall zs."))
    return MIGRATIONS


def alembic_config():  # type: ignore[no-untyped-def]
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    return config


def script_revisions() -> list[str]:
    """Every revision in order from the first, as Alembic sees the scripts."""

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


def quick_check(path: Path) -> bool:
    """Whether SQLite's quick_check passes: every page readable, every record well formed."""
    connection = sqlite3.connect(path)
    try:
        return connection.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            return False
        raise
    finally:
        connection.close()


def pg_dump_command(url: str) -> str:
    """How to back up a PostgreSQL ledger: pg_dump takes libpq's URL, without the driver;
    the password stays out, from the userinfo and the query (pg_dump asks, or reads
    ~/.pgpass or PGPASSWORD)."""

    given = make_url(database_url(url))
    plain = URL.create(  # (URL.set(password=None) would leave the password as it is)
        "postgresql",
        username=given.username,
        host=given.host,
        port=given.port,
        database=given.database,
        query={key: value for key, value in given.query.items() if key not in SECRET_KEYS},
    )
    target = f"zs-{plain.database or 'ledger'}.dump"
    return f"pg_dump --format=custom --file={target} '{plain.render_as_string()}'"


def upgrade_on(connection, revision: str = "head") -> None:  # type: ignore[no-untyped-def]
    """Run the migrations inside the connection's transaction; the caller commits."""

    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def drop_ledger_tables(connection) -> None:  # type: ignore[no-untyped-def]
    """Every zs table and the schema's version: only for rebuilding a demo ledger."""

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
            if engine.dialect.name == "postgresql" and revision == "head":
                secure_if_owner(connection)
            connection.commit()
            if engine.dialect.name != "sqlite":
                return  # PostgreSQL checks every reference as it is written
            problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise LedgerError(
                    _("The upgrade left {count} broken references.").format(count=len(problems))
                )
    finally:
        engine.dispose()


def secure_if_owner(connection) -> None:  # type: ignore[no-untyped-def]
    """A shared ledger's grants, row-level security and policies (``access.secure``), put in
    place by its owner; anyone else's `zs init` leaves them as they are."""
    from zhaoshang_cli.store.access import caller_of, secure  # noqa: PLC0415 (PostgreSQL only)

    if caller_of(connection).unrestricted:
        secure(connection)


def init_ledger(location: str, operator: str | None = None) -> InitResult:
    """Create the ledger, or upgrade an existing one after a checked backup; a damaged
    ledger is neither upgraded nor called up to date."""
    ledger = Ledger(location)
    backend = ledger.backend
    path = ledger.path
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    if backend == "postgresql" and operator is not None:
        from zhaoshang_cli.store.access import caller_of, operator_refused  # noqa: PLC0415 (PostgreSQL only)

        with ledger.engine.connect() as connection:
            raise operator_refused(caller_of(connection))
    before = ledger.revision() if path is None or path.exists() else None
    backup = None
    if before is not None and path is not None and (cut_short(path) or not quick_check(path)):
        ledger.dispose()
        raise ledger.damaged()
    if before == SCHEMA_HEAD:
        if backend == "postgresql":  # this zs's access rules, in place of an older one's
            with ledger.engine.begin() as connection:
                secure_if_owner(connection)
        ledger.dispose()
        return InitResult(location, before, SCHEMA_HEAD, None, backend)
    if before is not None and before not in script_revisions():
        raise LedgerError(
            _(
                "{location} has schema revision {revision}, which this zs does not know; "
                "it was made by a newer version."
            ).format(location=shown(location), revision=before)
        )
    taken = None
    if before is not None and path is not None:
        taken = take_backup(path, default_name(path, before))
        backup = taken.path
    ledger.dispose()
    upgrade(ledger)
    if taken is not None:
        with ledger.write(operator) as session:
            record_backup(session, taken, "upgrade")
        ledger.dispose()
    return InitResult(location, before, SCHEMA_HEAD, backup, backend)
