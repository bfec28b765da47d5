"""PostgreSQL for a shared (province-wide) ledger: the engine's settings, the writers' lock,
and the sequences behind the ids. Imported only for a PostgreSQL URL."""

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, create_engine

from zhaoshang_cli.errors import LedgerError

# One advisory lock key for the ledger's writers (any fixed 64-bit number), and how long a
# writer waits for another (a shared ledger has more writers than a city's file).
WRITE_LOCK_KEY = 0x7A73_6C65_6467_6572  # "zsledger"
LOCK_WAIT_SECONDS = 60
POSTGRES_INSTALL = "pip install 'zhaoshang-cli[postgres]'"


def make_postgres_engine(url: str) -> Engine:
    """Writers take one transaction-scoped advisory lock, as BEGIN IMMEDIATE does on SQLite;
    it is released by the commit or rollback, whatever happens to the client."""
    try:
        engine = create_engine(url)
        from psycopg.types.datetime import TimestamptzLoader
    except ImportError:
        raise LedgerError(
            f"A PostgreSQL ledger needs the psycopg driver: {POSTGRES_INSTALL}."
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
        if connection.get_execution_options().get("zs_begin", "IMMEDIATE") == "IMMEDIATE":
            connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_WAIT_SECONDS}s'")
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")

    return engine


def connection_problem(shown: str, exc: OperationalError) -> LedgerError:
    """A PostgreSQL server that cannot be reached, or a database that is not there."""
    lines = [line.strip() for line in str(exc.orig).splitlines() if line.strip()]
    reason = lines[0].rsplit("FATAL:", 1)[-1].strip().rstrip(".") if lines else "no answer"
    if "does not exist" in reason:
        return LedgerError(
            f"Cannot open {shown}: {reason}; create the database (createdb), then run `zs init`."
        )
    return LedgerError(f"Cannot open {shown}: {reason}.")


def restart_ids(session: Session) -> None:
    """On PostgreSQL, each table's id sequence goes on from its largest id (1 when empty).
    Sequences ignore rollbacks, so a dry run or a refused import would leave an empty ledger
    numbering from 9; SQLite already numbers from the largest id. Call it under the write
    lock (inside ``Ledger.write``), where no other writer can take an id meanwhile."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return
    from sqlmodel import SQLModel

    for table in SQLModel.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key:
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'),"
                f' COALESCE((SELECT MAX(id) FROM "{table.name}"), 0) + 1, false)'
            )
