"""Who entered each row and when, kept across `zs export` → `zs import ledger`.

A ledger read back is a copy of the old one, not a new set of entries: every row keeps the
operator and entry time the export recorded (so ``report --as-of`` an earlier day gives the
same figures), and the audit trail is carried over as it was, plus one entry for the import
itself. While rows are replayed (``session.info["replay"]``) the domain operations write no
audit entries of their own: the trail read from the file already describes those writes.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, select

from zhaoshang_cli.spreadsheets.reading import Table
from zhaoshang_cli.store.models import Arrival
from zhaoshang_cli.store.tables import AUDIT


@contextmanager
def replaying(session: Session) -> Iterator[None]:
    session.info["replay"] = True
    try:
        yield
    finally:
        session.info["replay"] = False


def replay(session: Session) -> bool:
    return bool(session.info.get("replay"))


def kept_time(value: Any) -> datetime | None:
    """An entry time as an export writes it (2026-04-10 08:00:00, in UTC), or None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError:
            return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def keep(session: Session, values: dict[str, Any], row: Any, **columns: str) -> None:
    """While replaying: set ``row``'s attributes to the file's values (``attribute=column``);
    times are parsed, and a blank cell leaves what the operation set."""
    if not replay(session):
        return
    for attribute, key in columns.items():
        value = values.get(key)
        if attribute != "operator":
            value = kept_time(value)
        if value:
            setattr(row, attribute, value)
    session.add(row)


def replay_audit(session: Session, table: Table | None, codes: dict[str, int]) -> int:
    """The export's audit trail, row for row with its ids; returns how many rows."""
    if table is None or not table.readable:
        return 0
    rows = []
    for row in table.good_rows():
        values = row.values
        rows.append(
            {
                "id": values["id"],
                "at": kept_time(values["at"]),
                "operator": values["operator"] or "unknown",
                "action": values["action"],
                "entity": values["entity"],
                "entity_id": values["entity_id"],
                "project_id": codes.get(values["project"]) if values["project"] else None,
                "before": values["before"] or None,
                "after": values["after"] or None,
            }
        )
    if "project" not in table.headers:  # an export from before the trail named projects
        link_old_trail(session, rows)
    if rows:
        session.connection().execute(insert(AUDIT), rows)  # type: ignore[arg-type]
    return len(rows)


def link_old_trail(session: Session, rows: list[dict[str, Any]]) -> None:
    """Projects for entries of an older export: a project's own, and its arrivals'. Set
    before the entries are written: the trail, once written, is never changed."""
    arrival_ids = [row["entity_id"] for row in rows if row["entity"] == "arrival"]
    projects = dict(
        session.exec(
            select(Arrival.id, Arrival.project_id).where(col(Arrival.id).in_(arrival_ids))
        ).all()
    )
    for row in rows:
        if row["project_id"] is not None:
            continue
        if row["entity"] == "project":
            row["project_id"] = row["entity_id"]
        elif row["entity"] == "arrival":
            row["project_id"] = projects.get(row["entity_id"])
