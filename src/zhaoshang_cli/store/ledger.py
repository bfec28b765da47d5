"""Opening the ledger: where it is, SQLite or PostgreSQL settings, schema checks, transactions.

Every command runs in one transaction. Writers are serialised so that codes, ids and
every "already exists" check see the ledger as it stands: on SQLite a write starts with
``BEGIN IMMEDIATE`` (a second writer waits on the busy timeout instead of failing midway),
on PostgreSQL it takes a transaction-scoped advisory lock. Reads run in one snapshot (a
deferred transaction on SQLite, REPEATABLE READ on PostgreSQL) so all figures of a report
agree, and never wait for a writer. A damaged SQLite file is refused in one sentence
wherever SQLite notices it, and a cut-short one before it is used.
"""

import getpass
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, DBAPIError, OperationalError

from zhaoshang_cli.core.errors import LedgerBusy, LedgerDamaged, LedgerError
from zhaoshang_cli.core.i18n import N_, _
from zhaoshang_cli.core.text import clean_text
from zhaoshang_cli.store.chain import last_audit_id, seal
from zhaoshang_cli.store.db import CALLER
from zhaoshang_cli.store.secrets import (
    POSTGRES_DRIVER,
    dsn_url,
    is_dsn,
    remember,
    shown,
    unknown_keys,
)

if TYPE_CHECKING:  # the ORM's session: loaded by the commands that use it, not by `zs arrive`
    from sqlmodel import Session

# Kept in step with migrations/versions by a test, so the start-up check needs no alembic.
SCHEMA_REVISIONS: tuple[str, ...] = (
    "0001",
    "0002",
    "0003",
    "0004",
    "0005",
    "0006",
    "0007",
    "0008",
    "0009",
    "0010",
)
SCHEMA_HEAD = SCHEMA_REVISIONS[-1]
# A writer waits this long for another (an import's bulk insert, a clerk's arrival) ...
BUSY_TIMEOUT_MS = 30_000
# ... and is told it is waiting once the lock has not come within this.
WAIT_NOTICE_MS = 300
# SQLite's page cache per connection, allocated only as used. With the default 2 MB an import
# of 100,000 arrivals, inserted into four indexes out of their order, spills and re-reads
# pages over and over: 32 MB takes a tenth off its CPU time.
CACHE_KIB = 32_768
SQLITE_MAGIC = b"SQLite format 3\x00"
# How SQLite words a damaged file: a bad page, a bad header.
DAMAGE_MARKS = ("malformed", "not a database", "corrupt")

Waiting = Callable[[], None]
OPERATOR_ENV = "ZS_OPERATOR"


def default_db_path() -> Path:
    """$XDG_DATA_HOME/zs/ledger.db, i.e. ~/.local/share/zs/ledger.db, on Linux as always, and
    wherever a ledger already is there; else in the platform's folder for a user's data:
    %LOCALAPPDATA%\\zs on Windows, ~/Library/Application Support/zs on macOS."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    xdg = Path(base) / "zs" / "ledger.db"
    if sys.platform.startswith("linux") or xdg.exists():
        return xdg
    import platformdirs  # noqa: PLC0415 (only where no ledger is named)

    return platformdirs.user_data_path("zs", appauthor=False, roaming=False) / "ledger.db"


def resolve_location(db: str | None) -> str:
    """The ledger the user means: --db, else ZS_DB, else the default file."""
    return db or os.environ.get("ZS_DB") or str(default_db_path())


def is_url(location: str) -> bool:
    """A database (a URL, or a libpq key/value DSN), not a file."""
    return "://" in location or is_dsn(location)


def database_url(location: str) -> str:
    """A file path becomes an SQLite URL; ``postgresql://`` and ``postgres://`` (as psql and
    most tools write them) and a libpq DSN (``host=… dbname=… user=…``) use the psycopg
    driver. The location's passwords are remembered, so that no message prints them."""
    remember(location)
    if is_dsn(location):
        unknown = unknown_keys(location)
        if unknown:
            raise LedgerError(
                _(
                    "The connection string has {keys}, which libpq does not know; "
                    "check the spelling."
                ).format(keys=", ".join(unknown))
            )
        return dsn_url(location)
    if not is_url(location):
        return f"sqlite:///{Path(location).expanduser().resolve()}"
    try:
        parsed = make_url(location)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise LedgerError(
            _("--db {location!r} is neither a file nor a database URL.").format(
                location=shown(location)
            )
        ) from None
    if "@" in (parsed.host or ""):  # the rest of the password would be taken for the host
        raise LedgerError(
            _("The password in {location} holds an '@'; write it as %40 in a URL.").format(
                location=shown(location)
            )
        )
    scheme, rest = location.split("://", 1)
    if scheme in ("postgresql", "postgres"):
        return f"{POSTGRES_DRIVER}://{rest}"
    return location


def backend(url: str) -> str:
    """sqlite or postgresql; anything else is refused in one sentence."""
    try:
        name = make_url(url).get_backend_name()
    except (ArgumentError, ValueError):
        raise LedgerError(
            _("--db {location!r} is neither a file nor a database URL.").format(location=shown(url))
        ) from None
    if name not in ("sqlite", "postgresql"):
        raise LedgerError(
            _(
                "zs keeps its ledger in SQLite or PostgreSQL; {name} ({shown}) is not supported."
            ).format(name=name, shown=shown(url))
        )
    return name


def is_sqlite(url: str) -> bool:
    return backend(url) == "sqlite"


def is_postgres(url: str) -> bool:
    return backend(url) == "postgresql"


def sqlite_path(url: str) -> Path | None:
    database = make_url(url).database
    return Path(database) if database and database != ":memory:" else None


def operator_name(operator: str | None) -> str:
    """Who a write to a ledger file is recorded as: the one given (``--operator``), else
    ``ZS_OPERATOR``, checked as text, else the OS login. A PostgreSQL ledger records its
    database login instead (``Ledger.writer``)."""
    given = operator or os.environ.get(OPERATOR_ENV) or None
    return clean_text(given, N_("operator")) or default_operator()


def default_operator() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry (containers, cron without USER)
        return "unknown"


def make_engine(
    url: str,
    *,
    foreign_keys: bool = True,
    wal: bool = True,
    read_only: bool = False,
    on_wait: Waiting | None = None,
) -> Engine:
    """``wal=False`` leaves the journal mode alone: setting WAL rewrites the file's header.
    ``read_only``: for reading, which then needs no write access (``connect_for_reading``).
    ``on_wait`` is called once when a write transaction has to wait for another writer."""
    if is_postgres(url):
        from zhaoshang_cli.store.postgres import make_postgres_engine  # noqa: PLC0415 (psycopg: PostgreSQL only)

        return make_postgres_engine(url, read_only=read_only)
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
        cursor.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        mode = connection.get_execution_options().get("zs_begin", "IMMEDIATE")
        if mode == "IMMEDIATE":
            begin_immediate(connection.connection.driver_connection, on_wait)
        else:
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
            _(
                "{path} has recent changes in {wal} that cannot be read from a read-only "
                "folder; run any zs command on it once with write access to merge them."
            ).format(path=path, wal=wal.name)
        )
    return sqlite3.connect(f"{uri}?mode=ro&immutable=1", **options)


def begin_immediate(raw: sqlite3.Connection, on_wait: Waiting | None) -> None:
    """Take the write lock: a short try first, so a long wait can be announced, then the
    rest of the busy timeout. Running out of it is one sentence, not a half-done command."""
    tries = (min(WAIT_NOTICE_MS, BUSY_TIMEOUT_MS), BUSY_TIMEOUT_MS)
    try:
        for attempt, timeout in enumerate(tries):
            raw.execute(f"PRAGMA busy_timeout={timeout}")
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if not is_busy(exc):
                    raise
            if attempt == 0 and on_wait is not None:
                on_wait()
        seconds = max(BUSY_TIMEOUT_MS // 1000, 1)
        raise LedgerBusy(
            _("The ledger is busy with another writer (waited {seconds} s); try again.").format(
                seconds=seconds
            )
        )
    finally:
        raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def is_busy(exc: BaseException) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


def is_damage(exc: BaseException) -> bool:
    """Whether an error from SQLite means the file itself is damaged."""
    return any(mark in str(exc) for mark in DAMAGE_MARKS)


def cut_short(path: Path) -> bool:
    """The header promises more pages than the file holds (a kill during a copy, a full
    disk, a bad transfer), or the file is a torn SQLite header: damaged, before any query."""
    try:
        with path.open("rb") as file:
            header = file.read(100)
        size = path.stat().st_size
    except OSError:
        return False
    if not header.startswith(SQLITE_MAGIC):
        return False
    if len(header) < 100:
        return True
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65_536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return True  # not a power of two from 512: the header itself is damaged
    pages = int.from_bytes(header[28:32], "big")
    count_is_valid = header[92:96] == header[24:28]  # else SQLite itself ignores the count
    return size % page_size != 0 or (count_is_valid and size < page_size * pages)


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
        # One cheap look for the version table first: the inspector's catalogue queries cost
        # more than the command they guard, on every command.
        if engine.dialect.name == "sqlite":
            present = conn.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).first()
        else:
            present = conn.exec_driver_sql("SELECT to_regclass('alembic_version')").scalar()
        if present is None:
            if inspect(conn).get_table_names():
                raise LedgerError("not-zs")
            return None
        row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return row[0] if row else None


class Ledger:
    """A zs ledger at a location (file path or SQLAlchemy URL)."""

    def __init__(
        self, location: str, *, read_only: bool = False, on_wait: Waiting | None = None
    ) -> None:
        self.location = location
        self.read_only = read_only
        self.url = database_url(location)
        self.engine = make_engine(self.url, read_only=read_only, on_wait=on_wait)

    @classmethod
    def open(
        cls, db: str | None = None, *, read_only: bool = False, on_wait: Waiting | None = None
    ) -> "Ledger":
        """Open an existing ledger whose schema is current, or say why not. ``read_only``:
        for commands that only read, which then work without write access."""
        ledger = cls(resolve_location(db), read_only=read_only, on_wait=on_wait)
        ledger.check()
        return ledger

    def damaged(self) -> LedgerDamaged:
        return LedgerDamaged(
            _(
                "The ledger at {location} is damaged; run `zs check` and restore it from a backup."
            ).format(location=self.shown)
        )

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
        sqlite = is_sqlite(self.url)  # a server has no file to leave as it was: no probe
        probe = (
            make_engine(self.url, wal=False, read_only=self.read_only) if sqlite else self.engine
        )
        try:
            return schema_revision(probe)
        except LedgerError as exc:
            if str(exc) != "not-zs":
                raise  # said already, e.g. by connect_for_reading
            raise LedgerError(
                _("{location} is not a zs ledger.").format(location=self.shown)
            ) from None
        except (DatabaseError, OperationalError, sqlite3.DatabaseError) as exc:
            if probe.dialect.name == "postgresql" and isinstance(exc, OperationalError):
                from zhaoshang_cli.store.postgres import connection_problem  # noqa: PLC0415 (PostgreSQL only)

                raise connection_problem(self.shown, exc) from None
            if self.has_sqlite_header() and is_damage(exc):
                raise self.damaged() from None
            if "not a database" in str(exc) or "file is encrypted" in str(exc):
                raise LedgerError(
                    _("{location} is not a zs ledger.").format(location=self.shown)
                ) from None
            raise
        finally:
            if probe is not self.engine:
                probe.dispose()

    def has_sqlite_header(self) -> bool:
        path = self.path
        if path is None:
            return False
        try:
            with path.open("rb") as file:
                return file.read(16) == SQLITE_MAGIC
        except OSError:
            return False

    def check(self) -> None:
        path = self.path
        if path is not None and not path.exists():
            raise LedgerError(
                _("There is no ledger at {path}; create one with `zs init`.").format(path=path)
            )
        if path is not None and cut_short(path):
            time.sleep(0.05)  # a checkpoint may be growing the file this very moment
            if cut_short(path):
                raise self.damaged()
        revision = self.revision()
        if revision is None:
            raise LedgerError(
                _("{location} is empty; create the ledger with `zs init`.").format(
                    location=self.shown
                )
            )
        if revision not in SCHEMA_REVISIONS:
            raise LedgerError(
                _(
                    "{location} has schema revision {revision}, which this zs does not know; "
                    "it was made by a newer version."
                ).format(location=self.shown, revision=revision)
            )
        if revision != SCHEMA_HEAD:
            how = _("it backs the ledger up first") if path else _("in one transaction")
            raise LedgerError(
                _(
                    "{location} is at schema revision {revision} and needs upgrading to "
                    "{head}; run `zs init` ({how})."
                ).format(location=self.shown, revision=revision, head=SCHEMA_HEAD, how=how)
            )

    @contextmanager
    def write(self, operator: str | None = None) -> Iterator["Session"]:
        """One write transaction: commits whole, or rolls back and changes nothing."""
        from sqlmodel import Session  # noqa: PLC0415 (the ORM: not for `zs arrive`)

        with (
            self.refusing_damage(),
            self.refusing_access() as held,
            Session(self.engine, expire_on_commit=False) as session,
        ):
            connection = session.connection()
            info = connection.info  # the pooled connection's: emptied again below
            try:
                session.info["operator"], caller = self.writer(connection, operator)
                if caller is not None:
                    session.info[CALLER] = held[CALLER] = info[CALLER] = caller
                begun = last_audit_id(connection)
                yield session
                session.flush()
                finish(session.connection(), begun)
                session.commit()
            except BaseException:
                session.rollback()
                raise
            finally:
                info.pop(CALLER, None)

    @contextmanager
    def transaction(self, operator: str | None = None) -> Iterator[Connection]:
        """``write`` on a Core connection, for a command written in Core (`zs arrive`): the
        same lock, the same all-or-nothing, the operator in the connection's ``info``."""
        with (
            self.refusing_damage(),
            self.refusing_access() as held,
            self.engine.begin() as connection,
        ):
            try:
                connection.info["operator"], caller = self.writer(connection, operator)
                if caller is not None:
                    held[CALLER] = connection.info[CALLER] = caller
                begun = last_audit_id(connection)
                yield connection
                finish(connection, begun)
            finally:
                connection.info.pop("operator", None)
                connection.info.pop(CALLER, None)

    def writer(self, connection: Connection, operator: str | None) -> tuple[str, Any]:
        """Who a write is recorded as, and on PostgreSQL the login's ``access.Caller``: there
        every change is the database login's (``session_user``), which ``--operator`` may not
        replace; on SQLite ``operator_name``."""
        if self.backend != "postgresql":
            return operator_name(operator), None
        from zhaoshang_cli.store.access import caller_of, operator_refused  # noqa: PLC0415 (PostgreSQL only)

        caller = caller_of(connection)
        if operator is not None:
            raise operator_refused(caller)
        return caller.name, caller

    @contextmanager
    def refusing_access(self) -> Iterator[dict[str, Any]]:
        """The database's refusal of a write on a shared ledger (a grant it lacks, a row out
        of the login's scope) becomes one sentence naming what it would have touched."""
        held: dict[str, Any] = {}
        try:
            yield held
        except DBAPIError as exc:
            if self.backend == "postgresql":
                from zhaoshang_cli.store.access import refused  # noqa: PLC0415 (PostgreSQL only)

                sentence = refused(exc, held.get(CALLER))
                if sentence is not None:
                    raise sentence from None
            raise

    @contextmanager
    def read(self) -> Iterator["Session"]:
        """One read snapshot (a deferred transaction): never takes the write lock."""
        from sqlmodel import Session  # noqa: PLC0415 (the ORM: not for `zs arrive`)

        engine = self.engine.execution_options(**read_options(self.engine.dialect.name))
        # Closing the session ends the transaction; the objects read stay loaded.
        with self.refusing_damage(), Session(engine) as session:
            yield session

    @contextmanager
    def snapshot(self) -> Iterator[Connection]:
        """``read`` on a Core connection, for a reading command written in Core (the report):
        the same snapshot, without loading the ORM. A command runs each statement once, so
        SQLAlchemy's statement cache would only cost it the cache keys."""
        options = read_options(self.engine.dialect.name)
        engine = self.engine.execution_options(**options, compiled_cache=None)
        with self.refusing_damage(), engine.connect() as connection, connection.begin():
            yield connection

    @contextmanager
    def refusing_damage(self) -> Iterator[None]:
        """SQLite notices a damaged page only when it reads it: say so in one sentence."""
        try:
            yield
        except (DatabaseError, sqlite3.DatabaseError) as exc:
            if is_damage(exc):
                raise self.damaged() from None
            raise

    def dispose(self) -> None:
        self.engine.dispose()


def finish(connection: Connection, begun: int) -> None:
    """What every write does last, inside its transaction: on a shared ledger, the entries it
    added to the audit trail (those after ``begun``, the last entry before it) are held to the
    login's scope (``access.check``: one out of scope refuses it all); then they are sealed
    into the hash chain."""
    if connection.dialect.name == "postgresql":
        from zhaoshang_cli.store.access import check  # noqa: PLC0415 (PostgreSQL only)

        check(connection, begun)
    seal(connection, after_id=begun)


def sqlite_version() -> str:
    return sqlite3.sqlite_version
