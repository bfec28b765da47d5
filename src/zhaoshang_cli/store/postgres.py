"""PostgreSQL for a shared (province-wide) ledger: the engine's settings, the writers' lock,
and the sequences behind the ids. Imported only for a PostgreSQL URL."""

from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from zhaoshang_cli.core.errors import LedgerError
from zhaoshang_cli.core.i18n import _
from zhaoshang_cli.store.db import CALLER
from zhaoshang_cli.store.secrets import redact

# Advisory locks are keyed by (kind, ledger): any fixed 32-bit number for the kind, and the
# ledger's schema, since several ledgers may share one database (a schema each).
WRITE_LOCK = 0x7A73_7772  # "zswr": the ledger's writers, one at a time
BULLETIN_LOCK = 0x7A73_626C  # "zsbl": one bulletin run at a time
# How long a writer waits for another (a shared ledger has more writers than a city's file).
LOCK_WAIT_SECONDS = 60


def lock_keys(kind: int) -> str:
    """The arguments of pg_advisory_lock and its kin for this ledger."""
    return f"{kind}, hashtext(current_schema())"


POSTGRES_INSTALL = "pip install 'zhaoshang-cli[postgres]'"


def make_postgres_engine(url: str, *, read_only: bool = False) -> Engine:
    """Writers take one transaction-scoped advisory lock, as BEGIN IMMEDIATE does on SQLite;
    it is released by the commit or rollback, whatever happens to the client. ``read_only``:
    every transaction is READ ONLY, so the server itself refuses a write (the dashboard's
    guarantee, whichever login it runs as)."""
    try:
        engine = create_engine(url)
        from psycopg.types.datetime import TimestamptzLoader  # noqa: PLC0415 (the optional driver)
    except ImportError:
        raise LedgerError(
            _("A PostgreSQL ledger needs the psycopg driver: {install}.").format(
                install=POSTGRES_INSTALL
            )
        ) from None

    class NaiveUtcLoader(TimestamptzLoader):
        """Timestamps come back as naive UTC, as SQLite gives them, so both print alike."""

        def load(self, data):  # type: ignore[no-untyped-def]
            return super().load(data).replace(tzinfo=None)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record: object) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.adapters.register_loader("timestamptz", NaiveUtcLoader)
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")
        dbapi_connection.autocommit = autocommit

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        if read_only:  # first, before any statement of the transaction
            connection.exec_driver_sql("SET TRANSACTION READ ONLY")
        if connection.get_execution_options().get("zs_begin", "IMMEDIATE") == "IMMEDIATE":
            connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_WAIT_SECONDS}s'")
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({lock_keys(WRITE_LOCK)})")

    return engine


def connection_problem(shown: str, exc: OperationalError) -> LedgerError:
    """A PostgreSQL server that cannot be reached, or a database that is not there. The
    driver's words may quote parts of the connection string: no password gets through."""
    lines = [line.strip() for line in redact(str(exc.orig)).splitlines() if line.strip()]
    reason = lines[0].rsplit("FATAL:", 1)[-1].strip().rstrip(".") if lines else "no answer"
    if "does not exist" in reason:
        return LedgerError(
            _(
                "Cannot open {shown}: {reason}; create the database (createdb), then run `zs init`."
            ).format(shown=shown, reason=reason)
        )
    return LedgerError(_("Cannot open {shown}: {reason}.").format(shown=shown, reason=reason))


def restart_ids(session: Any) -> None:
    """On PostgreSQL, each table's id sequence goes on from its largest id (1 when empty).
    Sequences ignore rollbacks, so a dry run or a refused import would leave an empty ledger
    numbering from 9; SQLite already numbers from the largest id. Call it under the write
    lock (inside ``Ledger.write``), where no other writer can take an id meanwhile."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return
    caller = session.info.get(CALLER)
    if caller is not None and caller.restricted:
        return  # a user sees only some rows, so MAX(id) could go back: gaps are harmless
    from sqlmodel import SQLModel  # noqa: PLC0415 (the ORM: not for `zs arrive`)

    for table in SQLModel.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key:
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'),"
                f' COALESCE((SELECT MAX(id) FROM "{table.name}"), 0) + 1, false)'
            )
