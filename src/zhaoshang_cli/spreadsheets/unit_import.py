"""Units from a sheet (zs import units): added through add_unit, parents before children whatever the rows' order."""

from collections import Counter

from sqlmodel import Session, col, select

from zhaoshang_cli.core.errors import ZsError
from zhaoshang_cli.core.i18n import _
from zhaoshang_cli.spreadsheets.columns import UNIT_KIND
from zhaoshang_cli.spreadsheets.outcome import Outcome
from zhaoshang_cli.spreadsheets.provenance import keep
from zhaoshang_cli.spreadsheets.reading import Row, Table
from zhaoshang_cli.store.models import Unit
from zhaoshang_cli.units.tree import add_unit, find_unit


def import_units(session: Session, table: Table, out: Outcome) -> None:
    """Through ``add_unit``, so the tree's rules hold. A row whose parent comes further down
    the sheet (a hand-made list, or an export after `zs unit move`) waits until it is added."""
    seen: dict[tuple[str | None, str], int] = {}
    pending = []
    for row in table.good_rows():
        name, parent = row.values["name"], row.values["parent"]
        if (parent, name) in seen:
            table.problem(
                row,
                "name",
                _("the unit {name!r} twice (also row {row})").format(
                    name=name, row=seen[parent, name]
                ),
            )
            continue
        seen[parent, name] = row.number
        pending.append(row)
    unplaced = Counter(row.values["name"] for row in pending)  # rows not yet applied
    while pending:
        waiting = []
        for row in pending:
            if _parent_comes_later(session, row, unplaced):
                waiting.append(row)
                continue
            _import_unit(session, table, out, row)
            unplaced[row.values["name"]] -= 1
        if len(waiting) == len(pending):  # a loop, or parents that failed: report them all
            for row in waiting:
                _import_unit(session, table, out, row)
            break
        pending = waiting


def _parent_comes_later(session: Session, row: Row, unplaced: Counter[str]) -> bool:
    """The parent is not in the ledger yet, and a row still to be applied bears its name."""
    parent = row.values["parent"]
    if not parent:
        return False
    last = parent.strip().split("/")[-1].strip()
    if unplaced[last] - (row.values["name"] == last) <= 0:
        return False
    try:
        find_unit(session, parent)
    except ZsError:
        return True
    return False


def _import_unit(session: Session, table: Table, out: Outcome, row: Row) -> None:
    name, kind, parent = row.values["name"], row.values["kind"], row.values["parent"]
    try:
        parent_unit = find_unit(session, parent) if parent else None
    except ZsError as exc:
        table.problem(row, "parent", str(exc))
        return
    query = select(Unit).where(Unit.name == name)
    query = query.where(
        Unit.parent_id == parent_unit.id if parent_unit else col(Unit.parent_id).is_(None)
    )
    existing = session.exec(query).first()
    if existing is not None and existing.kind != kind:
        label = UNIT_KIND.shown(existing.kind)
        table.problem(
            row,
            "kind",
            _("{name} is already in the ledger as a {kind}").format(name=name, kind=label),
        )
    elif existing is not None:
        out.skipped.append(_("row {row}: unit {name}").format(row=row.number, name=name))
    elif unit := table.attempt(
        row, None, add_unit, session, name, kind, parent, row.values["rank"]
    ):
        keep(session, row.values, unit, created_at="created_at")
        where = _(" under {parent}").format(parent=parent) if parent else ""
        out.added.append(
            _("row {row}: {kind} {name}{where}").format(
                row=row.number, kind=UNIT_KIND.shown(kind), name=name, where=where
            )
        )
