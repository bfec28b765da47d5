"""Opening the ledger: where it is, SQLite or PostgreSQL settings, schema checks, transactions.

Every command runs in one transaction. Writers are serialised so that codes, ids and
every "already exists" check see the ledger as it stands: on SQLite a write starts with
``BEGIN IMMEDIATE`` (a second writer waits on the busy timeout instead of failing midway),
on PostgreSQL it takes a transaction-scoped advisory lock. Reads run in one snapshot (a
deferred transaction on SQLite, REPEATABLE READ on PostgreSQL) so all figures of a report
agree, and never wait for a writer.
"""

import getpass
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError
from sqlmodel import Session, create_engine

from zhaoshang_cli.errors import LedgerError

# Kept in step with migrations/versions by a test, so the start-up check needs no alembic.
SCHEMA_REVISIONS: tuple[str, ...] = ("0001", "0002", "0003")
SCHEMA_HEAD = SCHEMA_REVISIONS[-1]
BUSY_TIMEOUT_MS = 5000
POSTGRES_DRIVER = "postgresql+psycopg"


def default_db_path() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "zs" / "ledger.db"


def resolve_location(db: str | None) -> str:
    """The ledger the user means: --db, else ZS_DB, else the default file."""
    return db or os.environ.get("ZS_DB") or str(default_db_path())


def is_url(location: str) -> bool:
    return "://" in location


def database_url(location: str) -> str:
    """A file path becomes an SQLite URL; ``postgresql://`` and ``postgres://`` (as psql and
    most tools write them) use the psycopg driver."""
    if not is_url(location):
        return f"sqlite:///{Path(location).expanduser().resolve()}"
    scheme, rest = location.split("://", 1)
    if scheme in ("postgresql", "postgres"):
        return f"{POSTGRES_DRIVER}://{rest}"
    return location


def shown(location: str) -> str:
    """The location as it may be printed: a URL never shows its password."""
    if not is_url(location):
        return location
    try:
        return make_url(location).render_as_string(hide_password=True)
    except ArgumentError:
        return location.split("://", 1)[0] + "://…"


def backend(url: str) -> str:
    """sqlite or postgresql; anything else is refused in one sentence."""
    try:
        name = make_url(url).get_backend_name()
    except ArgumentError:
        raise LedgerError(f"{shown(url)} is not a database URL zs understands.") from None
    if name not in ("sqlite", "postgresql"):
        raise LedgerError(
            f"zs keeps its ledger in SQLite or PostgreSQL; {name} ({shown(url)}) is not supported."
        )
    return name


def is_sqlite(url: str) -> bool:
    return backend(url) == "sqlite"


def is_postgres(url: str) -> bool:
    return backend(url) == "postgresql"


def sqlite_path(url: str) -> Path | None:
    database = make_url(url).database
    return Path(database) if database and database != ":memory:" else None


def default_operator() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry (containers, cron without USER)
        return "unknown"


def make_engine(url: str, *, foreign_keys: bool = True, wal: bool = True) -> Engine:
    """``wal=False`` leaves the journal mode alone: setting WAL rewrites the file's header."""
    if is_postgres(url):
        from zhaoshang_cli.postgres import make_postgres_engine

        return make_postgres_engine(url)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        mode = connection.get_execution_options().get("zs_begin", "IMMEDIATE")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def read_options(backend_name: str) -> dict[str, object]:
    """One snapshot for every query of a command, without taking the write lock."""
    if backend_name == "postgresql":
        return {
            "zs_begin": "DEFERRED",
            "isolation_level": "REPEATABLE READ",
            "postgresql_readonly": True,
        }
    return {"zs_begin": "DEFERRED"}


def schema_revision(engine: Engine) -> str | None:
    """The ledger's alembic revision, or None when it has no zs tables at all."""
    with engine.connect().execution_options(**read_options(engine.dialect.name)) as conn:
        tables = set(inspect(conn).get_table_names())
        if "alembic_version" not in tables:
            if tables:
                raise LedgerError("not-zs")
            return None
        row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return row[0] if row else None


class Ledger:
    """A zs ledger at a location (file path or SQLAlchemy URL)."""

    def __init__(self, location: str) -> None:
        self.location = location
        self.url = database_url(location)
        self.engine = make_engine(self.url)

    @classmethod
    def open(cls, db: str | None = None) -> "Ledger":
        """Open an existing ledger whose schema is current, or say why not."""
        ledger = cls(resolve_location(db))
        ledger.check()
        return ledger

    @property
    def path(self) -> Path | None:
        return sqlite_path(self.url) if is_sqlite(self.url) else None

    @property
    def shown(self) -> str:
        return shown(self.location)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def server_version(self) -> str:
        """SQLite's library version, or the PostgreSQL server's."""
        if self.backend == "sqlite":
            return sqlite_version()
        with self.engine.connect().execution_options(**read_options(self.backend)) as conn:
            return str(conn.exec_driver_sql("SHOW server_version").scalar())

    def revision(self) -> str | None:
        """Read through a probe that does not switch to WAL, so a file that turns out not
        to be a zs ledger (or an empty one) is left byte for byte as it was."""
        probe = make_engine(self.url, wal=False)
        try:
            return schema_revision(probe)
        except LedgerError:
            raise LedgerError(f"{shown(self.location)} is not a zs ledger.") from None
        except OperationalError as exc:
            if probe.dialect.name == "postgresql":
                from zhaoshang_cli.postgres import connection_problem

                raise connection_problem(shown(self.location), exc) from None
            if "not a database" in str(exc) or "file is encrypted" in str(exc):
                raise LedgerError(f"{self.location} is not a zs ledger.") from None
            raise
        except (DatabaseError, sqlite3.DatabaseError) as exc:
            if "not a database" in str(exc) or "file is encrypted" in str(exc):
                raise LedgerError(f"{self.location} is not a zs ledger.") from None
            raise
        finally:
            probe.dispose()

    def check(self) -> None:
        path = self.path
        if path is not None and not path.exists():
            raise LedgerError(f"There is no ledger at {path}; create one with `zs init`.")
        revision = self.revision()
        if revision is None:
            raise LedgerError(f"{shown(self.location)} is empty; create the ledger with `zs init`.")
        if revision not in SCHEMA_REVISIONS:
            raise LedgerError(
                f"{shown(self.location)} has schema revision {revision}, which this zs does not know; "
                "it was made by a newer version."
            )
        if revision != SCHEMA_HEAD:
            how = "it backs the ledger up first" if path else "in one transaction"
            raise LedgerError(
                f"{shown(self.location)} is at schema revision {revision} and needs upgrading to "
                f"{SCHEMA_HEAD}; run `zs init` ({how})."
            )

    @contextmanager
    def write(self, operator: str | None = None) -> Iterator[Session]:
        """One write transaction: commits whole, or rolls back and changes nothing."""
        with Session(self.engine, expire_on_commit=False) as session:
            session.info["operator"] = operator or default_operator()
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def read(self) -> Iterator[Session]:
        """One read snapshot (a deferred transaction): never takes the write lock."""
        engine = self.engine.execution_options(**read_options(self.engine.dialect.name))
        with Session(engine) as session:  # closing ends the transaction; objects stay loaded
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def sqlite_version() -> str:
    return sqlite3.sqlite_version
