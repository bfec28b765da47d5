"""The audit trail: every write records what changed, before and after, when and by whom."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert
from sqlalchemy.engine import Connection

from zhaoshang_cli.core import dates
from zhaoshang_cli.core.money import format_rate, to_unit
from zhaoshang_cli.store.tables import AUDIT

if TYPE_CHECKING:
    from sqlmodel import Session

PRIVATE = "«private»"
PRIVATE_FIELDS = frozenset({"contact"})


def _default(value: Any) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def _dump(values: dict[str, Any] | None) -> str | None:
    if values is None:
        return None
    redacted = {k: (PRIVATE if k in PRIVATE_FIELDS and v else v) for k, v in values.items()}
    return json.dumps(redacted, ensure_ascii=False, default=_default, sort_keys=True)


def entry_text(values: dict[str, Any] | None) -> str | None:
    """A ``before``/``after`` as the trail stores it: JSON, contacts «private»."""
    return _dump(values)


def entry(
    session: Session | Connection,
    action: str,
    entity: str,
    entity_id: int | None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    project_id: int | None = None,
) -> dict[str, Any]:
    """One audit row's columns. Contacts are written as «private»: the trail is shown and
    exported, contacts are not."""
    return {
        "at": dates.utcnow(),
        "operator": session.info.get("operator", "unknown"),
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "project_id": project_id,
        "before": _dump(before),
        "after": _dump(after),
    }


def record(
    db: Session | Connection,
    action: str,
    entity: str,
    entity_id: int | None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    project_id: int | None = None,
) -> None:
    """On a session the entry is added with the session's other writes; on a Core connection
    (``recording``: `zs arrive` loads no ORM) it is inserted at once."""
    if db.info.get("replay"):
        return  # a ledger read back: its trail comes from the file (spreadsheets.provenance)
    values = entry(db, action, entity, entity_id, before=before, after=after, project_id=project_id)
    if isinstance(db, Connection):
        db.execute(insert(AUDIT).values(values))
        return
    from zhaoshang_cli.store.models import AuditEntry  # noqa: PLC0415 (the ORM: not for `zs arrive`)

    db.add(AuditEntry(**values))


def record_many(session: Session, entries: list[dict[str, Any]]) -> None:
    """Rows made by ``entry``, in one bulk insert (an import of 100,000 arrivals)."""
    if entries and not session.info.get("replay"):
        session.connection().execute(insert(AUDIT), entries)


# A target's amounts are in its metric's minor unit: money (分, US cents) only for these.
MONEY_METRICS = frozenset({"funds", "fdi"})
TARGET_AMOUNTS = ("amount", "parent_amount", "total")


def plain(values: dict[str, Any] | None, metric: str | None = None) -> dict[str, Any] | None:
    """Stored values as scripts and people read them: money in 万 (``cny_fen`` →
    ``cny_wan``, a target's ``amount`` → ``amount_wan``), rates as text, as in the lists."""
    if values is None:
        return None
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value is not None and key == "amount_minor":
            key, value = "amount_original_wan", to_unit(value)
        elif value is not None and key == "contract_minor":
            key, value = "contract_original_wan", to_unit(value)
        elif value is not None and key == "rate_micro":
            key, value = "rate", format_rate(value)
        elif value is not None and key.endswith(("_fen", "_cents")):
            key, value = key.rsplit("_", 1)[0] + "_wan", to_unit(value)
        elif key in TARGET_AMOUNTS and metric in MONEY_METRICS and isinstance(value, int):
            key, value = f"{key}_wan", to_unit(value)
        out[key] = value
    return out
