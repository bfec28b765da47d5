"""The hash chain over the audit trail: no figure can be changed unseen.

Every audit entry is sealed, in the transaction that wrote it, by one row of ``audit_chain``:
the snapshot of the rows the entry concerns as the transaction leaves them (``row``: an
arrival, a project with its credit, stages and dated changes, a target …) and a SHA-256 over
a canonical form of the entry, its snapshot and the previous entry's hash. ``zs check``
walks the chain again (``walk``) and compares every snapshot with the ledger; the hash of the
chain's head, printed on every document as a short 校验码 (``code_of``), lets ``zs verify``
tell later whether the ledger still holds what the document was made from.

Anyone holding the file (or owning the tables) could recompute the whole chain after an
edit: that is why the head leaves the ledger on paper.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.engine import Connection

from zhaoshang_cli.store import tables as core_tables

# The first entry's "previous hash": 64 zeros, as the chain has nothing before it.
GENESIS = "0" * 64
CODE_LENGTH = 12  # hex digits of a 校验码: 48 bits, printed in three groups of four
CHUNK = 500  # ids per IN (...) when reading rows back

# Entities whose entries carry a snapshot: the table of the entity's own row. A project's
# snapshot also holds the rows hanging from it (credit, stages, dated changes), which the
# figures of earlier periods read; contacts are left out (they never leave the ledger).
ROW_TABLES = {
    "unit": "unit",
    "arrival": "arrival",
    "target": "target",
    "exchange_rate": "exchange_rate",
    "activity": "activity",
    "bulletin_run": "bulletin_run",
    "backup": "backup",
    "user": "ledger_user",
}
PROJECT_PARTS = (  # (key in the snapshot, table, column naming the project, order)
    ("units", "project_unit", "project_id", ("unit_id",)),
    ("stages", "stage_event", "project_id", ("id",)),
    ("changes", "project_change", "project_id", ("id",)),
)
SETTINGS_TABLE = "setting"  # config entries have no id: their snapshot is every setting


def schema_tables() -> dict[str, Table]:
    """The ledger's tables as this zs declares them."""
    return {table.name: table for table in core_tables.METADATA.sorted_tables}


def value_text(value: Any) -> Any:
    """A column's value in the canonical form: JSON's own types, dates as ISO text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def row_dict(table: Table, row: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """A row as a dict in its columns' sorted order (what ``json.dumps(sort_keys=True)``
    would give, without sorting each time)."""
    mapping = row._mapping
    return {name: value_text(mapping[name]) for name in sorted(table.c.keys()) if name not in skip}


def canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


@dataclass(frozen=True)
class Entry:
    """An audit row as the chain hashes it."""

    id: int
    at: datetime
    operator: str
    action: str
    entity: str
    entity_id: int | None
    project_id: int | None
    before: str | None
    after: str | None

    @property
    def key(self) -> tuple[str, int | None]:
        return (self.entity, self.entity_id)


def entry_hash(previous: str, previous_id: int | None, entry: Entry, row: str | None) -> str:
    fields = [
        previous,
        previous_id,
        entry.id,
        value_text(entry.at),
        entry.operator,
        entry.action,
        entry.entity,
        entry.entity_id,
        entry.project_id,
        entry.before,
        entry.after,
        row,
    ]
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def entries_of(rows: Iterable[Any]) -> Iterator[Entry]:
    for row in rows:
        yield Entry(
            row.id,
            row.at,
            row.operator,
            row.action,
            row.entity,
            row.entity_id,
            row.project_id,
            row.before,
            row.after,
        )


def head(connection: Connection) -> tuple[int | None, str]:
    """The last sealed entry's id and hash (None and GENESIS on an empty chain)."""
    chain = core_tables.AUDIT_CHAIN
    found = connection.execute(
        select(chain.c.audit_id, chain.c.hash).order_by(chain.c.audit_id.desc()).limit(1)
    ).first()
    return (found[0], found[1]) if found else (None, GENESIS)


def last_audit_id(connection: Connection) -> int:
    """Where this transaction's own entries begin: entries written before it that are not
    sealed were written outside zs, and are left for ``zs check`` to name, not sealed."""
    return connection.execute(select(func.max(core_tables.AUDIT.c.id))).scalar() or 0


def seal(
    connection: Connection, after_id: int | None = None, tables: Mapping[str, Table] | None = None
) -> int:
    """Seal the entries after the chain's head (and after ``after_id``, where the transaction
    began), in id order; returns how many. ``tables``: the tables as the database has them
    (a migration passes what it reflects, which may differ from this zs's declaration)."""
    tables = tables or schema_tables()
    audit = tables["audit"]
    head_id, previous = head(connection)
    start = max(head_id or 0, after_id or 0)
    found = list(
        entries_of(connection.execute(select(audit).where(audit.c.id > start).order_by(audit.c.id)))
    )
    if not found:
        return 0
    snapshots = Snapshots(connection, tables).of(found)
    rows = []
    previous_id = head_id
    for entry in found:
        row = snapshots.get(entry.key)
        digest = entry_hash(previous, previous_id, entry, row)
        rows.append({"audit_id": entry.id, "prev_id": previous_id, "row": row, "hash": digest})
        previous, previous_id = digest, entry.id
    connection.execute(insert(tables["audit_chain"]), rows)
    return len(rows)


class Snapshots:
    """The canonical text of what entries concern, read in a few queries per entity."""

    def __init__(self, connection: Connection, tables: Mapping[str, Table]) -> None:
        self.connection = connection
        self.tables = tables

    def of(self, entries: list[Entry]) -> dict[tuple[str, int | None], str | None]:
        wanted: dict[str, set[int]] = {}
        settings = False
        for entry in entries:
            if entry.entity == SETTINGS_TABLE:
                settings = True
            elif entry.entity_id is not None and (
                entry.entity == "project" or entry.entity in ROW_TABLES
            ):
                wanted.setdefault(entry.entity, set()).add(entry.entity_id)
        out: dict[tuple[str, int | None], str | None] = {}
        for entity, ids in wanted.items():
            texts = self.projects(ids) if entity == "project" else self.rows(entity, ids)
            for entity_id in ids:
                out[(entity, entity_id)] = texts.get(entity_id)
        if settings:
            out[(SETTINGS_TABLE, None)] = self.settings()
        return out

    def rows(self, entity: str, ids: Iterable[int] | None = None) -> dict[int, str]:
        table = self.tables.get(ROW_TABLES[entity])
        if table is None:
            return {}
        return {row.id: canonical(row_dict(table, row)) for row in self.select(table, ids)}

    def projects(self, ids: Iterable[int] | None = None) -> dict[int, str]:
        project = self.tables["project"]
        bundles: dict[int, dict[str, Any]] = {
            row.id: {"row": row_dict(project, row)} for row in self.select(project, ids)
        }
        for key, name, column, order in PROJECT_PARTS:
            table = self.tables.get(name)
            if table is None:
                continue
            for row in self.select(table, ids, column, order):
                bundle = bundles.get(row._mapping[column])
                if bundle is not None:
                    bundle.setdefault(key, []).append(row_dict(table, row, skip=(column,)))
        return {project_id: canonical(bundle) for project_id, bundle in bundles.items()}

    def stream(self, entity: str) -> Iterator[tuple[int, str]]:
        """Every row of an entity with its snapshot text, in id order, a chunk at a time."""
        if entity != "project":
            table = self.tables[ROW_TABLES[entity]]
            for row in self.connection.execute(select(table).order_by(table.c.id)):
                yield row.id, canonical(row_dict(table, row))
            return
        project = self.tables["project"]
        ids = list(self.connection.execute(select(project.c.id).order_by(project.c.id)).scalars())
        for begin in range(0, len(ids), CHUNK):
            yield from sorted(self.projects(ids[begin : begin + CHUNK]).items())

    def settings(self) -> str:
        table = self.tables[SETTINGS_TABLE]
        found = self.connection.execute(select(table).order_by(table.c.key))
        return canonical([row_dict(table, row) for row in found])

    def select(
        self,
        table: Table,
        ids: Iterable[int] | None,
        column: str = "id",
        order: tuple[str, ...] = ("id",),
    ) -> Iterator[Any]:
        """Rows whose ``column`` is among ``ids`` (all rows for None), in ``order``."""
        ordering = [table.c[column], *(table.c[name] for name in order)]
        if ids is None:
            yield from self.connection.execute(select(table).order_by(*ordering))
            return
        chosen = sorted(ids)
        for begin in range(0, len(chosen), CHUNK):
            part = chosen[begin : begin + CHUNK]
            yield from self.connection.execute(
                select(table).where(table.c[column].in_(part)).order_by(*ordering)
            )


# On SQLite the file refuses to change what is append-only (PostgreSQL: by privileges).
APPEND_ONLY = {
    "arrival": "arrivals are append-only: correct an arrival by reversing it (zs reverse)",
    "audit": "the audit trail is append-only",
    "audit_chain": "the audit chain is append-only",
}


def append_only_sql() -> list[str]:
    """The SQLite triggers that refuse UPDATE and DELETE of arrivals and the trail. A batch
    migration that rebuilds one of these tables drops its triggers: it must run these again."""
    return [
        f"CREATE TRIGGER IF NOT EXISTS zs_{table}_no_{verb.lower()} BEFORE {verb} ON {table}"
        f" BEGIN SELECT RAISE(ABORT, '{message}'); END"
        for table, message in APPEND_ONLY.items()
        for verb in ("UPDATE", "DELETE")
    ]


def tables_as_found(connection: Connection) -> dict[str, Table]:
    """This zs's tables with only the columns the database has: a migration seals with the
    declared types (so the snapshots read as ``zs check`` will read them) but may run
    before later migrations add columns."""
    from sqlalchemy import Column, MetaData, inspect  # noqa: PLC0415 (migrations only)

    inspector = inspect(connection)
    present = set(inspector.get_table_names())
    metadata = MetaData()
    found = {}
    for name, table in schema_tables().items():
        if name not in present:
            continue
        columns = {column["name"] for column in inspector.get_columns(name)}
        found[name] = Table(
            name,
            metadata,
            *(
                Column(column.name, column.type, primary_key=column.primary_key)
                for column in table.c
                if column.name in columns
            ),
        )
    return found


def start_chain(connection: Connection, operator: str) -> int:
    """Chain a ledger made before the chain: its earlier entries are sealed as found, and an
    entry says where the chain began (they are vouched for only from then on)."""
    tables = tables_as_found(connection)
    audit = tables["audit"]
    count, last = connection.execute(select(func.count(), func.max(audit.c.id))).one()
    if count:
        from zhaoshang_cli.core import dates  # noqa: PLC0415 (migrations only)

        after = {"sealed_as_found": count, "up_to_entry": last}
        connection.execute(
            insert(audit).values(
                at=dates.utcnow(),
                operator=operator,
                action="ledger.chain",
                entity="ledger",
                entity_id=None,
                project_id=None,
                before=None,
                after=canonical(after),
            )
        )
    return seal(connection, tables=tables)
