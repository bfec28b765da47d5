"""Reading the chain back: ``zs check`` recomputes every seal and compares every row with
the snapshot its latest entry sealed; ``zs seal`` prints the head as a 校验码 and ``zs verify``
tells whether the ledger still holds what a document bearing one was made from."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.engine import Connection

from zhaoshang_cli.store.chain import (
    CODE_LENGTH,
    ENCODE,
    GENESIS,
    PROJECT_PARTS,
    ROW_TABLES,
    SETTINGS_TABLE,
    Snapshots,
    audit_select,
    raw_rows,
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


def walk(connection: Connection) -> Walk:
    """Recompute every seal in order, then compare each entity's latest snapshot with the
    ledger as it stands."""
    tables = schema_tables()
    statement = audit_select(
        "LEFT JOIN audit_chain c ON c.audit_id = a.id", seal_columns='c.prev_id, c."row", c.hash'
    )
    findings: list[Finding] = []
    previous, previous_id = GENESIS, None
    latest: dict[tuple[str, int | None], tuple[int | None, int]] = {}
    count = 0
    snapshotted = {*ROW_TABLES, "project", SETTINGS_TABLE}
    encode, sha256 = ENCODE, hashlib.sha256
    for record in raw_rows(connection, statement):
        count += 1
        prev_id, row, digest = record[9:]
        if digest is None:
            findings.append(Finding("unsealed", record[0], record[4], record[5]))
            continue
        if prev_id != previous_id:
            missing = prev_id is not None and (previous_id is None or prev_id > previous_id)
            named = prev_id if missing else previous_id
            findings.append(
                Finding("missing" if missing else "inserted", named, detail=str(record[0]))
            )
        # entry_hash, inlined: this loop runs once per entry of the trail
        fields = [previous, prev_id, *record[:9], row]
        if sha256(encode(fields).encode()).hexdigest() != digest:
            findings.append(Finding("changed", record[0], record[4], record[5]))
        previous, previous_id = digest, record[0]
        if record[4] in snapshotted:
            latest[(record[4], record[5])] = (hash(row) if row is not None else None, record[0])
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
                detail = differences(connection, tables, stored[1], entity, text)
                if detail is not None:
                    findings.append(Finding("row_changed", stored[1], entity, entity_id, detail))
    stored = latest.pop((SETTINGS_TABLE, None), None)
    current = snapshots.settings()
    if stored is not None and stored[0] != hash(current):
        detail = differences(connection, tables, stored[1], SETTINGS_TABLE, current)
        if detail is not None:
            findings.append(Finding("row_changed", stored[1], SETTINGS_TABLE, None, detail))
    for (entity, entity_id), (text_hash, audit_id) in sorted(
        latest.items(), key=lambda item: item[1][1]
    ):
        if text_hash is not None and entity_id is not None:
            findings.append(Finding("row_deleted", audit_id, entity, entity_id))
    return findings


def differences(
    connection: Connection, tables: Mapping[str, Table], audit_id: int, entity: str, current: str
) -> str | None:
    """Which fields differ between the sealed snapshot and the row now (``name: sealed →
    now``); None when every sealed field is as sealed (a column added since)."""
    (sealed_text,) = next(
        raw_rows(connection, f'SELECT "row" FROM audit_chain WHERE audit_id = {int(audit_id)}')
    )
    try:
        changes = changed(tables, entity, json.loads(sealed_text or "null"), json.loads(current))
    except (KeyError, IndexError, TypeError, ValueError):  # a seal edited out of shape
        return "?"
    if not changes:
        return None
    return "; ".join(f"{name}: {old} → {new}" for name, old, new in changes)


def changed(
    tables: Mapping[str, Table], entity: str, sealed: Any, now: Any
) -> list[tuple[str, Any, Any]]:
    columns = {name: [column.name for column in table.c] for name, table in tables.items()}
    if entity == SETTINGS_TABLE:
        old = {row[0]: row[1] for row in sealed}
        new = {row[0]: row[1] for row in now}
        changes = [
            (key, old.get(key), new.get(key))
            for key in sorted({*old, *new})
            if old.get(key) != new.get(key)
        ]
    elif entity == "project":
        changes = list(fields("", columns["project"], sealed[0], now[0]))
        for index, (key, name, _column, _order) in enumerate(PROJECT_PARTS, start=1):
            was = sealed[index] if len(sealed) > index else []
            is_ = now[index] if len(now) > index else []
            if len(was) != len(is_):
                changes.append((key, len(was), len(is_)))
                continue
            for number, (old_row, new_row) in enumerate(zip(was, is_, strict=True), start=1):
                changes += fields(f"{key}.{number}.", columns[name], old_row, new_row)
    else:
        changes = list(fields("", columns[ROW_TABLES[entity]], sealed, now))
    return changes


def fields(
    prefix: str, names: list[str], sealed: list[Any], now: list[Any]
) -> Iterator[tuple[str, Any, Any]]:
    """The sealed fields that differ now, by column name (a column added since is not one)."""
    for name, old, new in zip(names, sealed, now, strict=False):
        if old != new:
            yield (f"{prefix}{name}", old, new)


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
