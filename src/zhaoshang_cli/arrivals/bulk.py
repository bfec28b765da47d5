"""Writing arrivals by the hundred thousand (an import) while clerks wait for the write lock.

Whatever can be worked out before the lock is taken already is (the checks, the columns:
``Prepared``). Under the lock the ids and the entry time are given and the audit entries'
text is put together a chunk at a time (kept for every row beforehand, the texts of 100,000
arrivals took 60 MB), and on SQLite the rows go in as plain tuples, two ``executemany`` calls in all: about twice
as fast as ``insert()`` with 100,000 parameter dicts, which converts every date again. On
PostgreSQL the database's sequence gives the ids (``INSERT … RETURNING``), so a later single
insert never collides with them.
"""

from datetime import date, datetime
from json.encoder import encode_basestring as encode_text  # json.dumps(ensure_ascii=False)
from typing import Any

from sqlalchemy import func, insert, select
from sqlmodel import Session

from zhaoshang_cli.arrivals.recording import Prepared
from zhaoshang_cli.core import dates
from zhaoshang_cli.projects.register import NewProject
from zhaoshang_cli.store import audit
from zhaoshang_cli.store.models import Arrival, Project
from zhaoshang_cli.store.tables import ARRIVAL, PROJECT, PROJECT_CONTACT, PROJECT_UNIT, STAGE_EVENT

ARRIVAL_COLUMNS = (
    "id",
    "project_id",
    "arrived_on",
    "currency",
    "amount_minor",
    "rate_micro",
    "cny_fen",
    "usd_cents",
    "source",
    "ref",
    "note",
    "reverses_id",
    "warnings",
    "operator",
    "entered_at",
)
AUDITED_KEYS = frozenset(ARRIVAL_COLUMNS[1:])  # an arrival's values; entered_at not audited
AUDITED_ORDER = sorted(AUDITED_KEYS - {"entered_at"})
CHUNK = 10_000  # rows written per statement
AUDIT_COLUMNS = ("at", "operator", "action", "entity", "entity_id", "project_id", "after")


def insert_sql(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def audit_text(values: dict[str, Any]) -> str | None:
    """The audit entry's ``after`` for an arrival, as ``record_arrival`` writes it: the same
    text as ``audit.entry_text``, put together here from the known columns (a tenth of the
    time json.dumps takes, once per row of an import). Anything unexpected goes the long way."""
    if values.keys() != AUDITED_KEYS or type(values["arrived_on"]) is not date:
        return audit.entry_text(
            {key: value for key, value in values.items() if key != "entered_at"}
        )
    parts = []
    for key in AUDITED_ORDER:
        value = values[key]
        if value is None:
            text = "null"
        elif type(value) is str:
            text = encode_text(value)
        elif type(value) is int:
            text = str(value)
        elif type(value) is date:
            text = f'"{value.isoformat()}"'
        else:
            return audit.entry_text(
                {key: value for key, value in values.items() if key != "entered_at"}
            )
        parts.append(f'"{key}": {text}')
    return "{" + ", ".join(parts) + "}"


def sqlite_time(value: datetime) -> str:
    """A timestamp as SQLAlchemy's SQLite DateTime stores it (UTC, no offset)."""
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


def insert_arrivals(session: Session, arrivals: list[Prepared]) -> list[int]:
    """Write prepared arrivals and their audit rows (as record_arrival writes them). Ids are
    assigned here, under the write lock, so each audit row names its arrival; they are
    returned in order."""
    if not arrivals:
        return []
    session.flush()
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return insert_returning(session, arrivals)
    first_id = (connection.execute(select(func.max(Arrival.id))).scalar() or 0) + 1
    ids = list(range(first_id, first_id + len(arrivals)))
    times: dict[datetime, str] = {}

    def at(moment: datetime) -> str:
        if moment not in times:
            times[moment] = sqlite_time(moment)
        return times[moment]

    replaying = bool(session.info.get("replay"))
    now, operator = at(dates.utcnow()), session.info.get("operator", "unknown")
    days: dict[date, str] = {}
    arrival_sql, audit_sql = (
        insert_sql("arrival", ARRIVAL_COLUMNS),
        insert_sql("audit", AUDIT_COLUMNS),
    )
    # In chunks: the rows as tuples are built a chunk at a time (memory), in the same order.
    for begin in range(0, len(arrivals), CHUNK):
        chunk = arrivals[begin : begin + CHUNK]
        rows = []
        for arrival_id, prepared in zip(ids[begin : begin + CHUNK], chunk, strict=True):
            values = prepared.values
            on = values["arrived_on"]
            if on not in days:
                days[on] = on.isoformat()
            rows.append(
                (
                    arrival_id,
                    values["project_id"],
                    days[on],
                    *(values[key] for key in ARRIVAL_COLUMNS[3:-1]),
                    at(values["entered_at"]),
                )
            )
        connection.exec_driver_sql(arrival_sql, rows)  # type: ignore[arg-type]
        if replaying:
            continue
        entries = [
            (
                now,
                operator,
                "arrival.record",
                "arrival",
                arrival_id,
                prepared.values["project_id"],
                audit_text(prepared.values),
            )
            for arrival_id, prepared in zip(ids[begin : begin + CHUNK], chunk, strict=True)
        ]
        connection.exec_driver_sql(audit_sql, entries)  # type: ignore[arg-type]
    return ids


def insert_returning(session: Session, arrivals: list[Prepared]) -> list[int]:
    table = ARRIVAL
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)  # type: ignore[attr-defined]
    rows = [prepared.values for prepared in arrivals]
    ids = list(session.connection().execute(statement, rows).scalars())
    entries = [
        audit.entry(
            session,
            "arrival.record",
            "arrival",
            arrival_id,
            after={key: value for key, value in prepared.values.items() if key != "entered_at"},
            project_id=prepared.values["project_id"],
        )
        for arrival_id, prepared in zip(ids, arrivals, strict=True)
    ]
    audit.record_many(session, entries)
    return ids


def insert_projects(session: "Session", projects: list["NewProject"]) -> list[int]:
    """Write checked projects (``projects.new_project``) as ``add_project`` writes them: the
    project, its credit, contact, first stage event and ``project.add`` audit entry, each
    table in one statement, in order. Ids come from the database (``RETURNING``)."""

    if not projects:
        return []
    session.flush()
    connection = session.connection()
    table = PROJECT
    if connection.dialect.name == "sqlite":
        # Under the write lock the next ids are known; RETURNING in file order would cost
        # SQLite one statement per row.
        first_id = (connection.execute(select(func.max(Project.id))).scalar() or 0) + 1
        ids = list(range(first_id, first_id + len(projects)))
        rows = [
            {"id": project_id, **new.values} for project_id, new in zip(ids, projects, strict=True)
        ]
        connection.execute(insert(table), rows)  # type: ignore[arg-type]
    else:
        statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)  # type: ignore[attr-defined]
        ids = list(connection.execute(statement, [new.values for new in projects]).scalars())
    credit = [
        {"project_id": project_id, "unit_id": unit.id, "share_bp": share}
        for project_id, new in zip(ids, projects, strict=True)
        for unit, share in new.credit
    ]
    connection.execute(insert(PROJECT_UNIT), credit)  # type: ignore[arg-type]
    contacts = [
        {"project_id": project_id, "contact": new.contact}
        for project_id, new in zip(ids, projects, strict=True)
        if new.contact
    ]
    if contacts:
        connection.execute(insert(PROJECT_CONTACT), contacts)  # type: ignore[arg-type]
    operator, now = session.info.get("operator", "unknown"), dates.utcnow()
    events = [
        {
            "project_id": project_id,
            "stage": new.stage,
            "previous_stage": None,
            "on_date": new.event_date,
            "correction": False,
            "reason": None,
            "operator": operator,
            "entered_at": now,
        }
        for project_id, new in zip(ids, projects, strict=True)
    ]
    connection.execute(insert(STAGE_EVENT), events)  # type: ignore[arg-type]
    entries = [
        audit.entry(
            session,
            "project.add",
            "project",
            project_id,
            after=new.audit_after(new.values),
            project_id=project_id,
        )
        for project_id, new in zip(ids, projects, strict=True)
    ]
    audit.record_many(session, entries)
    return ids
