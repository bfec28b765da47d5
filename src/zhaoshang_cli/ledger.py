"""Opening the ledger: where it is, SQLite settings, schema checks, transactions.

Every command runs in one transaction: writes start with ``BEGIN IMMEDIATE`` (so a
second writer waits on the busy timeout instead of failing midway), reads run in one
deferred transaction so all figures of a report come from one snapshot.
"""

import getpass
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlmodel import Session, create_engine

from zhaoshang_cli.errors import LedgerError

# Kept in step with migrations/versions by a test, so the start-up check needs no alembic.
SCHEMA_REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0005")
SCHEMA_HEAD = SCHEMA_REVISIONS[-1]
BUSY_TIMEOUT_MS = 5000


def default_db_path() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "zs" / "ledger.db"


def resolve_location(db: str | None) -> str:
    """The ledger the user means: --db, else ZS_DB, else the default file."""
    return db or os.environ.get("ZS_DB") or str(default_db_path())


def database_url(location: str) -> str:
    if "://" in location:
        return location
    return f"sqlite:///{Path(location).expanduser().resolve()}"


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


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
    if not is_sqlite(url):
        return create_engine(url)
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


def schema_revision(engine: Engine) -> str | None:
    """The ledger's alembic revision, or None when it has no zs tables at all."""
    with engine.connect().execution_options(zs_begin="DEFERRED") as conn:
        tables = {
            row[0]
            for row in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")
        }
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

    def revision(self) -> str | None:
        """Read through a probe that does not switch to WAL, so a file that turns out not
        to be a zs ledger (or an empty one) is left byte for byte as it was."""
        probe = make_engine(self.url, wal=False)
        try:
            return schema_revision(probe)
        except LedgerError:
            raise LedgerError(f"{self.location} is not a zs ledger.") from None
        except (DatabaseError, OperationalError, sqlite3.DatabaseError) as exc:
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
            raise LedgerError(f"{self.location} is empty; create the ledger with `zs init`.")
        if revision not in SCHEMA_REVISIONS:
            raise LedgerError(
                f"{self.location} has schema revision {revision}, which this zs does not know; "
                "it was made by a newer version."
            )
        if revision != SCHEMA_HEAD:
            raise LedgerError(
                f"{self.location} is at schema revision {revision} and needs upgrading to "
                f"{SCHEMA_HEAD}; run `zs init` (it backs the ledger up first)."
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
        engine = self.engine.execution_options(zs_begin="DEFERRED")
        with Session(engine) as session:  # closing ends the transaction; objects stay loaded
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def sqlite_version() -> str:
    return sqlite3.sqlite_version
