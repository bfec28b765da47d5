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
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Table, func, insert, select
from sqlalchemy.engine import Connection

from zhaoshang_cli.store import tables as core_tables

# The first entry's "previous hash": 64 zeros, as the chain has nothing before it.
GENESIS = "0" * 64
CODE_LENGTH = 12  # hex digits of a 校验码: 48 bits, printed in three groups of four
CHUNK = 500  # ids per IN (...) when reading rows back
SEAL_CHUNK = 10_000  # entries sealed per statement

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
    """A column's value in the canonical form, which is how SQLite keeps it: dates as ISO
    text, timestamps as UTC ``YYYY-MM-DD HH:MM:SS.ffffff``, booleans as 0 and 1. Values read
    from SQLite are already so; PostgreSQL's are converted."""
    kind = value.__class__
    if kind is datetime:
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if kind is date:
        return value.isoformat()
    if kind is bool:
        return int(value)
    return value


# One encoder for every canonical text: json.dumps with options builds a new one per call.
ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def canonical(value: Any) -> str:
    return ENCODE(value)


def raw_rows(connection: Connection, statement: str) -> Iterator[tuple[Any, ...]]:
    """Rows as the driver gives them, in canonical form: the chain reads every row of the
    ledger, and SQLAlchemy's result processing would cost more than the hashing."""
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    sqlite = connection.dialect.name == "sqlite"
    try:
        cursor.execute(statement)
        while batch := cursor.fetchmany(10_000):
            if sqlite:
                yield from batch
            else:
                for row in batch:
                    yield tuple(value_text(value) for value in row)
    finally:
        cursor.close()


def quoted(name: str) -> str:
    return f'"{name}"'


class Entry(NamedTuple):
    """An audit row as the chain hashes it (a named tuple: a seal or a walk makes one per
    entry, four times quicker than a frozen dataclass)."""

    id: int
    at: str  # canonical text (``value_text``)
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
    """The seal's hash (``verification.walk`` computes the same, inlined)."""
    fields = [
        previous,
        previous_id,
        entry.id,
        entry.at,
        entry.operator,
        entry.action,
        entry.entity,
        entry.entity_id,
        entry.project_id,
        entry.before,
        entry.after,
        row,
    ]
    return hashlib.sha256(ENCODE(fields).encode()).hexdigest()


AUDIT_COLUMNS = (
    "id",
    "at",
    "operator",
    "action",
    "entity",
    "entity_id",
    "project_id",
    "before",
    "after",
)


def entries_of(rows: Iterable[tuple[Any, ...]]) -> Iterator[Entry]:
    """Entries from raw rows whose first columns are ``AUDIT_COLUMNS``."""
    for row in rows:
        yield Entry(*row[:9])


def audit_select(where: str = "", seal_columns: str = "") -> str:
    """The entries as ``entries_of`` reads them (then ``seal_columns``, if any), in order."""
    columns = ", ".join(f"a.{quoted(name)}" for name in AUDIT_COLUMNS)
    if seal_columns:
        columns += f", {seal_columns}"
    return f"SELECT {columns} FROM audit a {where} ORDER BY a.id"


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
    (a migration passes what it reflects, which may differ from this zs's declaration).
    ``SEAL_CHUNK`` entries at a time: an import of 100,000 arrivals holds one chunk's entries
    and snapshots, not all of them (every chunk is read in the same transaction, after the
    writes, so the snapshots are the same)."""
    tables = tables or schema_tables()
    previous_id, previous = head(connection)
    start = max(previous_id or 0, after_id or 0)
    snapshots = Snapshots(connection, tables)
    sealed = 0
    while True:
        query = audit_select(f"WHERE a.id > {int(start)}") + f" LIMIT {SEAL_CHUNK}"
        found = list(entries_of(raw_rows(connection, query)))
        if not found:
            return sealed
        texts = snapshots.of(found)
        rows = []
        for entry in found:
            row = texts.get(entry.key)
            digest = entry_hash(previous, previous_id, entry, row)
            rows.append((entry.id, previous_id, row, digest))
            previous, previous_id = digest, entry.id
        insert_chain(connection, tables["audit_chain"], rows)
        sealed += len(rows)
        start = found[-1].id


def insert_chain(connection: Connection, chain: Table, rows: list[tuple[Any, ...]]) -> None:
    """The chain rows (audit_id, prev_id, row, hash): on SQLite as plain tuples, one
    ``executemany`` (SQLAlchemy's parameter processing of 100,000 dicts cost more than the
    insert)."""
    if connection.dialect.name == "sqlite":
        sql = 'INSERT INTO audit_chain (audit_id, prev_id, "row", hash) VALUES (?, ?, ?, ?)'
        connection.exec_driver_sql(sql, rows)  # type: ignore[arg-type]
        return
    names = ("audit_id", "prev_id", "row", "hash")
    connection.execute(insert(chain), [dict(zip(names, row, strict=True)) for row in rows])


class Snapshots:
    """The canonical text of what entries concern, read in a few queries per entity. A row's
    snapshot is the list of its values in the columns' declared order (a column added later
    goes last, so an older snapshot is a prefix of the row)."""

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
            chosen = sorted(ids)
            texts: dict[int, str] = {}
            for begin in range(0, len(chosen), CHUNK):
                part = chosen[begin : begin + CHUNK]
                texts.update(
                    self.projects(part) if entity == "project" else self.rows(entity, part)
                )
            for entity_id in ids:
                out[(entity, entity_id)] = texts.get(entity_id)
        if settings:
            out[(SETTINGS_TABLE, None)] = self.settings()
        return out

    def columns(self, name: str) -> list[str]:
        return [column.name for column in self.tables[name].c]

    def select(self, name: str, ids: list[int] | None, column: str = "id") -> str:
        names = ", ".join(quoted(c) for c in self.columns(name))
        where = "" if ids is None else f" WHERE {quoted(column)} IN ({','.join(map(str, ids))})"
        return f"SELECT {names} FROM {quoted(name)}{where}"

    def rows(self, entity: str, ids: list[int] | None) -> dict[int, str]:
        """Snapshots of rows by id (``ids`` None: every row)."""
        name = ROW_TABLES[entity]
        if name not in self.tables:
            return {}
        found = raw_rows(self.connection, self.select(name, ids) + " ORDER BY id")
        return {row[0]: canonical(row) for row in found}

    def projects(self, ids: list[int]) -> dict[int, str]:
        """A project's row, then its credit, stages and dated changes, each in its order."""
        bundles: dict[int, list[Any]] = {
            row[0]: [row] for row in raw_rows(self.connection, self.select("project", ids))
        }
        for index, (_key, name, column, order) in enumerate(PROJECT_PARTS, start=1):
            if name not in self.tables:
                continue
            position = self.columns(name).index(column)
            ordering = ", ".join(quoted(c) for c in (column, *order))
            statement = self.select(name, ids, column) + f" ORDER BY {ordering}"
            for row in raw_rows(self.connection, statement):
                bundle = bundles.get(row[position])
                if bundle is not None:
                    while len(bundle) <= index:
                        bundle.append([])
                    bundle[index].append(row)
        return {project_id: canonical(bundle) for project_id, bundle in bundles.items()}

    def stream(self, entity: str) -> Iterator[tuple[int, str]]:
        """Every row of an entity with its snapshot text, in id order, a chunk at a time."""
        if entity != "project":
            name = ROW_TABLES[entity]
            for row in raw_rows(self.connection, self.select(name, None) + " ORDER BY id"):
                yield row[0], canonical(row)
            return
        ids = [row[0] for row in raw_rows(self.connection, "SELECT id FROM project ORDER BY id")]
        for begin in range(0, len(ids), CHUNK):
            yield from sorted(self.projects(ids[begin : begin + CHUNK]).items())

    def settings(self) -> str:
        found = raw_rows(self.connection, self.select(SETTINGS_TABLE, None) + ' ORDER BY "key"')
        return canonical(list(found))


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
