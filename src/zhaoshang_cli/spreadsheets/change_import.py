"""The 项目变更 sheet of an export read back: every change of every project as it was entered,
so a ledger read back shows each project as it stood on any period's end, exactly as the
original did (``report.state``)."""

import re
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, insert
from sqlmodel import Session

from zhaoshang_cli.core import dates
from zhaoshang_cli.core.errors import ZsError
from zhaoshang_cli.core.money import parse_amount
from zhaoshang_cli.projects.changes import DATE_FIELDS, NUMBER_FIELDS, PRIVATE_FIELDS
from zhaoshang_cli.projects.credit import even_shares, split_spec
from zhaoshang_cli.spreadsheets.cells import parse_bool, text_of
from zhaoshang_cli.spreadsheets.provenance import kept_time
from zhaoshang_cli.spreadsheets.reading import Row, Table
from zhaoshang_cli.store.postgres import restart_ids
from zhaoshang_cli.store.tables import CREDIT_BEFORE, PROJECT_CHANGE
from zhaoshang_cli.units.tree import find_unit


def typed_cell(field: str, value: Any) -> dict[str, Any]:
    """A cell of 原值/新值 back in the column of its type (``ProjectChange``)."""
    if value is None or value == "" or field in PRIVATE_FIELDS:
        return {}
    if field in DATE_FIELDS:
        day = value if isinstance(value, date) else dates.parse_date(text_of(value))
        return {"date": day.date() if isinstance(day, datetime) else day}
    if field == "industrial":
        return {"number": int(parse_bool(field, value))}  # type: ignore[arg-type]
    if field in NUMBER_FIELDS:
        return {"number": parse_amount(text_of(value))}
    return {"text": value if isinstance(value, str) else text_of(value)}


def credit_cell(session: Session, text: str) -> list[tuple[int, int]]:
    """甲县=70%、经开区=30% (or 甲县、经开区, even) as (unit id, basis points)."""
    specs = [split_spec(part) for part in re.split(r"[、,，;；\n]+", text) if part.strip()]
    units = [find_unit(session, name).id for name, _share in specs]
    shares = [share for _name, share in specs]
    if None in shares:
        shares = even_shares(len(specs))  # type: ignore[assignment]
    return list(zip(units, shares, strict=True))  # type: ignore[arg-type]


def replace_changes(session: Session, table: Table | None, codes: dict[str, int]) -> int:
    """The export's changes in place of those the replayed stage moves wrote (entered now,
    they would hide the stages from a report reproduced as of an earlier day). An export
    without the sheet (an older zs) leaves no changes: each project as it stands."""
    session.flush()
    connection = session.connection()
    connection.execute(delete(CREDIT_BEFORE))
    connection.execute(delete(PROJECT_CHANGE))
    if table is None or not table.readable:
        return 0
    changes, credits = [], []
    for row in table.good_rows():
        change = change_row(session, table, row, codes)
        if change is None:
            continue
        changes.append(change)
        if row.values["credit_before"]:
            try:
                held = credit_cell(session, row.values["credit_before"])
            except ZsError as exc:
                table.problem(row, "credit_before", str(exc))
                continue
            credits += [
                {"change_id": change["id"], "unit_id": unit, "share_bp": share}
                for unit, share in held
            ]
    if changes:
        connection.execute(insert(PROJECT_CHANGE), changes)
    if credits:
        connection.execute(insert(CREDIT_BEFORE), credits)
    restart_ids(session)
    return len(changes)


def change_row(
    session: Session, table: Table, row: Row, codes: dict[str, int]
) -> dict[str, Any] | None:
    values = row.values
    project_id = codes.get(values["project"])
    if project_id is None:
        table.problem(row, "project", f"there is no project with code {values['project']!r}")
        return None
    field = values["field"]
    try:
        old, new = typed_cell(field, values["old"]), typed_cell(field, values["new"])
    except ZsError as exc:
        table.problem(row, "old", str(exc))
        return None
    return {
        "id": values["id"],
        "project_id": project_id,
        "field": field,
        "kind": values["kind"],
        "old_text": old.get("text"),
        "new_text": new.get("text"),
        "old_number": old.get("number"),
        "new_number": new.get("number"),
        "old_date": old.get("date"),
        "new_date": new.get("date"),
        "effective_on": values["effective_on"],
        "reason": values["reason"],
        "operator": values["operator"] or session.info.get("operator", "unknown"),
        "entered_at": kept_time(values["entered_at"]) or dates.utcnow(),
    }
