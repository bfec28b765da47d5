"""A Core connection or an ORM session: the light paths (`zs arrive`, an import's checks) run
Core statements on either."""

from typing import Any

from sqlalchemy.engine import Connection

Db = Any  # a sqlalchemy Connection, or a Session (ORM or SQLModel)
# A write transaction's login on a shared ledger (``access.Caller``), in the info of its
# session and connection.
CALLER = "zs_caller"


def connection_of(db: Db) -> Connection:
    """The connection to run a Core statement on; a session's pending objects are flushed
    first, as its own queries would (autoflush)."""
    if isinstance(db, Connection):
        return db
    db.flush()
    return db.connection()
