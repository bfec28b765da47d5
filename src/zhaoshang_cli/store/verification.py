"""Reading the chain back: ``zs check`` recomputes every seal and compares every row with
the snapshot its latest entry sealed; ``zs seal`` prints the head as a 校验码 and ``zs verify``
tells whether the ledger still holds what a document bearing one was made from."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.engine import Connection

from zhaoshang_cli.store.chain import (
    CODE_LENGTH,
    GENESIS,
    ROW_TABLES,
    SETTINGS_TABLE,
    Snapshots,
    entries_of,
    entry_hash,
    schema_tables,
)
from zhaoshang_cli.store.queries import entered_by


def code_of(digest: str) -> str:
    """The 校验码 printed on a document: the head's first hex digits, in groups of four."""
    short = digest[:CODE_LENGTH].upper()
    return "-".join(short[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normal_code(code: str) -> str:
    """A 校验码 as typed back (any case, with or without hyphens or spaces)."""
    return "".join(ch for ch in code if ch not in "- ").lower()


@dataclass
class Finding:
    """One broken link: which entry (or row), and what is wrong with it."""

    kind: str  # changed, missing, inserted, unsealed, row_changed, row_unaudited, row_deleted
    audit_id: int | None = None
    entity: str | None = None
    entity_id: int | None = None
    detail: str = ""


@dataclass
class Walk:
    """What walking the chain found: its findings, its head, and every entry's position."""

    findings: list[Finding]
    head_id: int | None
    head_hash: str
    entries: int


def walk(connection: Connection, until: int | None = None, rows: bool = True) -> Walk:
    """Recompute every seal in order (up to entry ``until``) and, with ``rows``, compare each
    entity's latest snapshot with the ledger as it stands."""
    tables = schema_tables()
    audit, chain = tables["audit"], tables["audit_chain"]
    query = (
        select(audit, chain.c.prev_id, chain.c.row, chain.c.hash)
        .outerjoin(chain, chain.c.audit_id == audit.c.id)
        .order_by(audit.c.id)
    )
    if until is not None:
        query = query.where(audit.c.id <= until)
    findings: list[Finding] = []
    previous, previous_id = GENESIS, None
    latest: dict[tuple[str, int | None], tuple[int | None, int]] = {}
    count = 0
    snapshotted = {*ROW_TABLES, "project", SETTINGS_TABLE}
    for record in connection.execute(query):
        entry = next(entries_of([record]))
        count += 1
        if record.hash is None:
            findings.append(Finding("unsealed", entry.id, entry.entity, entry.entity_id))
            continue
        if record.prev_id != previous_id:
            kind = (
                "missing"
                if record.prev_id is not None
                and (previous_id is None or record.prev_id > previous_id)
                else "inserted"
            )
            named = record.prev_id if kind == "missing" else previous_id
            findings.append(Finding(kind, named, detail=str(entry.id)))
        if entry_hash(previous, record.prev_id, entry, record.row) != record.hash:
            findings.append(Finding("changed", entry.id, entry.entity, entry.entity_id))
        previous, previous_id = record.hash, entry.id
        if entry.entity in snapshotted:
            text = record.row
            latest[entry.key] = (hash(text) if text is not None else None, entry.id)
    if rows:
        findings += row_findings(connection, tables, latest)
    return Walk(findings, previous_id, previous, count)


def row_findings(
    connection: Connection,
    tables: Mapping[str, Table],
    latest: dict[tuple[str, int | None], tuple[int | None, int]],
) -> list[Finding]:
    """Every row against the snapshot of its latest entry: changed, never audited, deleted."""
    snapshots = Snapshots(connection, tables)
    findings: list[Finding] = []
    for entity in ("project", *ROW_TABLES):
        if entity != "project" and ROW_TABLES[entity] not in tables:
            continue
        for entity_id, text in snapshots.stream(entity):
            stored = latest.pop((entity, entity_id), None)
            if stored is None or stored[0] is None:
                findings.append(Finding("row_unaudited", None, entity, entity_id))
            elif stored[0] != hash(text):
                detail = differences(connection, tables, stored[1], text)
                if detail is not None:
                    findings.append(Finding("row_changed", stored[1], entity, entity_id, detail))
    stored = latest.pop((SETTINGS_TABLE, None), None)
    current = snapshots.settings()
    if stored is not None and stored[0] != hash(current):
        detail = differences(connection, tables, stored[1], current)
        if detail is not None:
            findings.append(Finding("row_changed", stored[1], SETTINGS_TABLE, None, detail))
    for (entity, entity_id), (text_hash, audit_id) in sorted(
        latest.items(), key=lambda item: item[1][1]
    ):
        if text_hash is not None and entity_id is not None:
            findings.append(Finding("row_deleted", audit_id, entity, entity_id))
    return findings


def differences(
    connection: Connection, tables: Mapping[str, Table], audit_id: int, current: str
) -> str | None:
    """Which fields differ between the sealed snapshot and the row now (``name: sealed →
    now``); None when every sealed field is as sealed (a column added since)."""
    chain = tables["audit_chain"]
    sealed_text = connection.execute(
        select(chain.c.row).where(chain.c.audit_id == audit_id)
    ).scalar()
    sealed, now = json.loads(sealed_text or "null"), json.loads(current)
    changes = list(changed_fields(sealed, now))
    if not changes:
        return None
    return "; ".join(f"{name}: {old} → {new}" for name, old, new in changes)


def changed_fields(sealed: Any, now: Any, prefix: str = "") -> Iterator[tuple[str, Any, Any]]:
    if isinstance(sealed, dict) and isinstance(now, dict):
        for key, value in sealed.items():
            name = f"{prefix}{key}" if prefix != "row." else key
            yield from changed_fields(value, now.get(key), f"{name}.")
        return
    if isinstance(sealed, list) and isinstance(now, list) and len(sealed) == len(now):
        for index, (old, new) in enumerate(zip(sealed, now, strict=True)):
            yield from changed_fields(old, new, f"{prefix}{index + 1}.")
        return
    if sealed != now:
        yield (prefix.rstrip(".") or "row", sealed, now)


@dataclass(frozen=True)
class Seal:
    """The chain's head at a moment: what a document made then prints."""

    code: str
    audit_id: int | None
    at: datetime | None
    entries: int


def seal_at(connection: Connection, as_of: date | None = None) -> Seal:
    """The 校验码 of the ledger as it stands (or as it stood at the end of ``as_of``)."""
    tables = schema_tables()
    audit, chain = tables["audit"], tables["audit_chain"]
    query = (
        select(chain.c.audit_id, chain.c.hash, audit.c.at)
        .join(audit, audit.c.id == chain.c.audit_id)
        .where(entered_by(audit.c.at, as_of))
        .order_by(chain.c.audit_id.desc())
        .limit(1)
    )
    found = connection.execute(query).first()
    count = connection.execute(
        select(func.count())
        .select_from(chain)
        .where(chain.c.audit_id <= (found[0] if found else 0))
    ).scalar()
    if found is None:
        return Seal(code_of(GENESIS), None, None, 0)
    return Seal(code_of(found[1]), found[0], found[2], count or 0)


@dataclass
class Verdict:
    """What ``zs verify`` found: the entry the code names (None: no such code), how many
    entries came after it, and what is broken up to it."""

    seal: Seal | None
    since: int
    findings: list[Finding]
    as_of_seal: Seal | None = None

    @property
    def holds(self) -> bool:
        return (
            self.seal is not None
            and not self.findings
            and (self.as_of_seal is None or self.as_of_seal.code == self.seal.code)
        )


def verify(connection: Connection, code: str, as_of: date | None = None) -> Verdict:
    """Whether the ledger still holds what a document with this 校验码 was made from: the
    code names a sealed entry (the head when the document was made; with ``as_of``, the
    head at the end of that day), and nothing up to that entry was changed since."""
    wanted = normal_code(code)
    tables = schema_tables()
    audit, chain = tables["audit"], tables["audit_chain"]
    found = connection.execute(
        select(chain.c.audit_id, chain.c.hash, audit.c.at)
        .join(audit, audit.c.id == chain.c.audit_id)
        .where(chain.c.hash.like(f"{wanted}%"))
        .order_by(chain.c.audit_id)
    ).first()
    as_of_seal = seal_at(connection, as_of) if as_of is not None else None
    if found is None:
        return Verdict(None, 0, [], as_of_seal)
    position = connection.execute(
        select(func.count()).select_from(chain).where(chain.c.audit_id <= found[0])
    ).scalar()
    seal = Seal(code_of(found[1]), found[0], found[2], position or 0)
    checked = walk(connection)
    findings = [
        finding
        for finding in checked.findings
        if finding.audit_id is not None and finding.audit_id <= found[0]
    ]
    return Verdict(seal, checked.entries - seal.entries, findings, as_of_seal)


def is_code(code: str) -> bool:
    wanted = normal_code(code)
    return len(wanted) == CODE_LENGTH and all(ch in "0123456789abcdef" for ch in wanted)
