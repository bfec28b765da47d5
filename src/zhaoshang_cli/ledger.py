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
from zhaoshang_cli.text import clean_text

# Kept in step with migrations/versions by a test, so the start-up check needs no alembic.
SCHEMA_REVISIONS: tuple[str, ...] = ("0001", "0002", "0003")
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
        from sqlalchemy.exc import ArgumentError

        try:
            make_url(location)
        except ArgumentError:
            raise LedgerError(f"--db {location!r} is neither a file nor a database URL.") from None
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


def make_engine(
    url: str, *, foreign_keys: bool = True, wal: bool = True, read_only: bool = False
) -> Engine:
    """``wal=False`` leaves the journal mode alone: setting WAL rewrites the file's header.
    ``read_only``: for reading, which then needs no write access (``connect_for_reading``)."""
    if not is_sqlite(url):
        return server_engine(url)
    path = sqlite_path(url)
    if read_only and path is not None:
        engine = create_engine(url, creator=lambda: connect_for_reading(path))
        wal = False
    else:
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


def connect_for_reading(path: Path) -> sqlite3.Connection:
    """A connection that only reads, whatever the permissions. Tried in turn: an ordinary
    one (which, closing last, tidies the -wal and -shm files away); ``mode=ro``, which works
    where SQLite may create or read the WAL index (-shm); and, in a read-only folder without
    one, the file as it stands (``immutable``), unless a -wal file holds commits not yet in
    the ledger file."""
    uri = path.resolve().as_uri()
    options = {"uri": True, "timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
    for mode in ("rw", "ro"):
        connection = sqlite3.connect(f"{uri}?mode={mode}", **options)
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return connection
        except sqlite3.OperationalError as exc:
            connection.close()
            if "readonly" not in str(exc) and "unable to open" not in str(exc):
                raise
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise LedgerError(
            f"{path} has recent changes in {wal.name} that cannot be read from a read-only "
            "folder; run any zs command on it once with write access to merge them."
        )
    return sqlite3.connect(f"{uri}?mode=ro&immutable=1", **options)


def server_engine(url: str) -> Engine:
    """A database server's engine; a missing driver or an unknown kind is one sentence."""
    from sqlalchemy.exc import NoSuchModuleError

    shown = make_url(url).render_as_string(hide_password=True)
    try:
        return create_engine(url)
    except NoSuchModuleError:
        raise LedgerError(
            f"zs cannot open {shown}: give a ledger file, a sqlite:/// URL or a postgresql:// URL."
        ) from None
    except ImportError as exc:
        raise LedgerError(
            f"{shown} needs a database driver that is not installed ({exc.name}); "
            "install 'zhaoshang-cli[postgres]'."
        ) from None


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

    def __init__(self, location: str, *, read_only: bool = False) -> None:
        self.location = location
        self.read_only = read_only
        self.url = database_url(location)
        self.engine = make_engine(self.url, read_only=read_only)

    @classmethod
    def open(cls, db: str | None = None, *, read_only: bool = False) -> "Ledger":
        """Open an existing ledger whose schema is current, or say why not. ``read_only``:
        for commands that only read, which then work without write access."""
        ledger = cls(resolve_location(db), read_only=read_only)
        ledger.check()
        return ledger

    @property
    def path(self) -> Path | None:
        return sqlite_path(self.url) if is_sqlite(self.url) else None

    def revision(self) -> str | None:
        """Read through a probe that does not switch to WAL, so a file that turns out not
        to be a zs ledger (or an empty one) is left byte for byte as it was."""
        probe = make_engine(self.url, wal=False, read_only=self.read_only)
        try:
            return schema_revision(probe)
        except LedgerError as exc:
            if str(exc) != "not-zs":
                raise  # said already, e.g. by connect_for_reading
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
            session.info["operator"] = clean_text(operator, "operator") or default_operator()
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
