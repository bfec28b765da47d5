"""The hash chain over the audit trail (filled in below)."""

from sqlalchemy.engine import Connection


def seal(connection: Connection) -> None:
    """Seal the audit entries this transaction added."""
