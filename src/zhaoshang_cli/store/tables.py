"""The few tables `zs arrive` writes, as plain SQLAlchemy Core clauses.

The ledger's schema is ``models`` (SQLModel) and its migrations. Building those classes
imports pydantic and costs more than the rest of a clerk's `zs arrive`; the command run most
often reads and writes through these clauses instead: the same tables, only the columns it
touches, with the same types, so values are bound and read exactly as through the models.
``tests/test_tables.py`` holds every column here to its model's.
"""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, DateTime, Integer, String, column, table
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """The models' timestamps (SQLModel's ``UTCDateTime``, which cannot be imported without
    pydantic): written in UTC, read back as UTC."""

    impl = DateTime
    cache_ok = True

    def __init__(self) -> None:
        super().__init__(timezone=True)

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError("a timestamp needs its time zone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.utcoffset() is None else value.astimezone(UTC)


PROJECT = table(
    "project",
    column("id", Integer),
    column("code", String),
    column("stage", String),
    column("signed_on", Date),
    column("contract_fen", BigInteger),
    column("voided_at", UtcDateTime),
)

ARRIVAL = table(
    "arrival",
    column("id", Integer),
    column("project_id", Integer),
    column("arrived_on", Date),
    column("currency", String),
    column("amount_minor", BigInteger),
    column("rate_micro", Integer),
    column("cny_fen", BigInteger),
    column("usd_cents", BigInteger),
    column("source", String),
    column("ref", String),
    column("note", String),
    column("reverses_id", Integer),
    column("warnings", String),
    column("operator", String),
    column("entered_at", UtcDateTime),
)

EXCHANGE_RATE = table(
    "exchange_rate",
    column("currency", String),
    column("month", String),
    column("rate_micro", Integer),
)

AUDIT = table(
    "audit",
    column("id", Integer),
    column("at", UtcDateTime),
    column("operator", String),
    column("action", String),
    column("entity", String),
    column("entity_id", Integer),
    column("project_id", Integer),
    column("before", String),
    column("after", String),
)
