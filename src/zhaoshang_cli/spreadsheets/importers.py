"""Applying checked rows through the domain operations, kind by kind.

Each importer walks its table in order and calls what the CLI commands call (add_unit,
add_project and move_stage, add_target, set_rate), so the checks and the audit trail are the
same. A refusal becomes a problem at its row and the walk goes on, so one run reports
everything; rows already in the ledger are skipped and listed. Arrivals, which come by the
hundred thousand, have their own module (``arrival_import``).
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from zhaoshang_cli.arrivals.bulk import insert_projects
from zhaoshang_cli.core.errors import ZsError
from zhaoshang_cli.core.glossary import LEVEL, METRIC
from zhaoshang_cli.core.i18n import _
from zhaoshang_cli.core.money import format_rate
from zhaoshang_cli.core.text import duplicate_key
from zhaoshang_cli.output.progress import rows as progress
from zhaoshang_cli.projects.credit import split_spec
from zhaoshang_cli.projects.register import (
    MATCHED,
    STAGE_DATE_FIELD,
    STAGE_ORDER,
    NewProject,
    add_project,
    move_stage,
    new_project,
    took_code,
)
from zhaoshang_cli.rates.lookup import check_currency
from zhaoshang_cli.rates.setting import set_rate
from zhaoshang_cli.spreadsheets.cells import text_of
from zhaoshang_cli.spreadsheets.columns import STAGE, UNIT_KIND, Kind
from zhaoshang_cli.spreadsheets.provenance import keep, replay
from zhaoshang_cli.spreadsheets.reading import Row, Table
from zhaoshang_cli.spreadsheets.refresh import Matcher, PlanRow, apply_changes, plan_changes
from zhaoshang_cli.store.models import Activity, ExchangeRate, Project, StageEvent, Target, Unit
from zhaoshang_cli.targets.setting import add_target, check_year, parse_target_amount
from zhaoshang_cli.units.activities import add_activity
from zhaoshang_cli.units.tree import add_unit, find_unit, units_cached


@dataclass
class Outcome:
    """What one sheet added (or would add) and skipped, row by row."""

    kind: Kind
    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    plan: list[Any] = field(default_factory=list)  # projects: a ``refresh.PlanRow`` per row


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


DATED_STAGES = tuple(STAGE_DATE_FIELD)  # signed, started, completed, producing, terminated
Move = tuple[str, date, bool, str | None]  # stage, date, correction, reason


def import_projects(
    session: Session,
    table: Table,
    out: Outcome,
    *,
    history: dict[str, list[dict[str, Any]]] | None = None,
    contacts: dict[str, str] | None = None,
    amount_change: str = "correction",
    increase_on: date | None = None,
) -> None:
    """New projects are added; a project already in the ledger (by code, else by investor and
    name) gets what the row changes (``refresh``). ``history`` (from an export's 阶段记录)
    replays every stage move; without it the dated stages are walked."""

    matcher = Matcher(session, by_key=history is None and not replay(session))
    seen: dict[Any, int] = {}
    good = table.good_rows()
    session.info[MATCHED] = matcher.use_keys
    session.info[NEW_PROJECTS] = []
    try:
        with units_cached(session):
            for row in progress(good, len(good), _("Importing projects")):
                import_project_row(session, table, out, row, matcher, seen, history, contacts,
                                   amount_change, increase_on)  # fmt: skip
            write_new_projects(session)
    finally:
        session.info.pop(NEW_PROJECTS, None)
        session.info.pop(MATCHED, None)


NEW_PROJECTS = "new_projects"  # session.info: projects checked, to be written in bulk


class PendingProject:
    """A project of this import not written yet, as the matcher and the outcome see it. Its
    ``id`` only tells it apart: any later row that matches it is a duplicate of its row."""

    __slots__ = ("code", "id", "investor", "name", "stage", "voided_at")

    def __init__(self, values: dict[str, Any], row: int) -> None:
        self.id: Any = ("new", row)
        self.code, self.name, self.investor = values["code"], values["name"], values["investor"]
        self.stage, self.voided_at = values["stage"], None


def write_new_projects(session: Session) -> None:
    """The projects checked so far, written in one go (before any other write, so the ledger
    holds its rows, ids and audit entries in file order as one by one)."""

    pending = session.info.get(NEW_PROJECTS)
    if pending:
        insert_projects(session, pending)
        pending.clear()


def import_project_row(
    session: Session,
    table: Table,
    out: Outcome,
    row: Row,
    matcher: Any,
    seen: dict[Any, int],
    history: dict[str, list[dict[str, Any]]] | None,
    contacts: dict[str, str] | None,
    amount_change: str,
    increase_on: date | None,
) -> None:
    """One row of a projects sheet: a new project, or what changed in one already entered."""

    values = row.values
    code, name = values["code"], values["name"]
    if ("code", code) in seen:
        message = _("duplicate code {value!r} (also row {row})")
        table.problem(row, "code", message.format(value=code, row=seen["code", code]))
        return
    project_or_not = matcher.find(table, row)
    if project_or_not is False:
        return
    existing = project_or_not if isinstance(project_or_not, Project) else None
    if existing is not None and ("id", existing.id) in seen:
        message = (
            _("duplicate name {value!r} (also row {row}); give each a project code")
            if duplicate_key(None, name) == duplicate_key(None, existing.name)
            and not existing.investor
            else _("the same project as row {row} (same investor and name)")
        )
        row_before = seen["id", existing.id]
        table.problem(row, "name", message.format(value=name, row=row_before))
        return
    if code:
        seen["code", code] = row.number
    if existing is not None:
        credit = matcher.credit[existing.id]
        changes = plan_changes(session, table, row, existing, amount_change, credit)
        if changes is None:
            return
        seen["id", existing.id] = row.number
        line = PlanRow(row.number, "changed" if changes else "unchanged", existing.code,
                       existing.name, changes)  # fmt: skip
        if changes:
            write_new_projects(session)
            units = [u for u in re.split(r"[、,，;；\n]+", values["units"]) if u.strip()]
            reason = _("from {file}, row {row}").format(file=table.file, row=row.number)
            try:
                apply_changes(
                    session,
                    existing,
                    changes,
                    units=units,
                    reason=reason,
                    increase_on=increase_on,
                    termination_reason=values["termination_reason"],
                )
            except ZsError as exc:
                table.problem(row, None, str(exc))
                return
            out.changed.append(
                _("row {row}: project {project}").format(row=row.number, project=existing.code)
            )
        else:
            out.skipped.append(
                _("row {row}: project {project}").format(row=row.number, project=existing.code)
            )
        out.plan.append(line)
        return
    units = [part for part in re.split(r"[、,，;；\n]+", values["units"]) if part.strip()]
    named = [table.attempt(row, "units", split_spec, unit) for unit in units]
    if not all(named) or not all(
        table.attempt(row, "units", find_unit, session, unit) for unit, _share in named
    ):
        return
    events = (history or {}).get(code or "")
    plan = replay_plan(events) if events else walk_plan(table, row)
    if plan is None:
        return
    stage, signed_on, moves = plan
    first_day = events[0]["on_date"] if events and signed_on is None else None
    in_bulk = not events and not moves and not replay(session) and NEW_PROJECTS in session.info
    if not in_bulk:
        write_new_projects(session)
    try:
        project = (new_project if in_bulk else add_project)(
            session,
            name=name,
            units=units,
            code=code,
            stage=stage,
            signed_on=signed_on,
            contract_fen=values["contract"],
            total_investment_fen=values["total_investment"],
            investor=values["investor"],
            origin=values["origin"],
            industry=values["industry"],
            industrial=bool(values["industrial"]),
            occasion=values["occasion"],
            leader=values["leader"],
            recruiter=values["recruiter"],
            informant=values["informant"],
            contact=values["contact"] or (contacts or {}).get(code or ""),
            note=values["note"],
            entered_on=first_day,  # a lead keeps the day it came in
            **({"code_checked": True} if in_bulk else {}),
        )
        if isinstance(project, NewProject):  # written with the others (write_new_projects)
            took_code(session, project.values["code"], prime=True)
            session.info[NEW_PROJECTS].append(project)
            project = PendingProject(project.values, row.number)  # type: ignore[assignment]
        for move, on, correct, reason in moves:
            move_stage(session, project.code, move, on, correct=correct, reason=reason)
    except ZsError as exc:
        table.problem(row, None, str(exc))
        return
    if events and not matches_row(project, values):
        table.problem(row, "stage", _("the stage history ends elsewhere than this row"))
        return
    keep(session, values, project, created_at="created_at", voided_at="voided_at")
    if replay(session):  # as the export had them: a USD contract, a void
        project.contract_currency = values.get("contract_currency")
        project.contract_minor = values.get("contract_original")
        project.void_reason = values.get("void_reason")
    if events and replay(session):
        kept_events = session.exec(
            select(StageEvent)
            .where(StageEvent.project_id == project.id)
            .order_by(col(StageEvent.id))
        ).all()
        for event, recorded in zip(kept_events, events, strict=True):
            keep(session, recorded, event, operator="operator", entered_at="entered_at")
    matcher.add(project)
    seen["id", project.id] = row.number
    out.plan.append(PlanRow(row.number, "new", project.code, name, stage=project.stage))
    out.added.append(
        _("row {row}: project {code} {name} ({stage})").format(
            row=row.number, code=project.code, name=name, stage=STAGE.shown(project.stage)
        )
    )


def walk_plan(table: Table, row: Row) -> tuple[str, date | None, list[Move]] | None:
    """From a row's stage and dates: add at lead/negotiating/signed, then move through each
    dated stage in order. The final stage needs its date; dates beyond it are a mistake."""
    values = row.values
    dated = {stage: values[STAGE_DATE_FIELD[stage]] for stage in DATED_STAGES}
    latest = next((s for s in reversed(DATED_STAGES) if dated[s]), "lead")
    final = values["stage"] or latest
    ok = True
    if final == "terminated" and not values["termination_reason"]:
        table.problem(row, "termination_reason", _("a terminated project needs its reason"))
        ok = False
    needed = {final} & set(DATED_STAGES)
    if final in STAGE_ORDER[STAGE_ORDER.index("signed") :]:
        needed.add("signed")
    for stage in sorted(needed, key=DATED_STAGES.index):
        if not dated[stage]:
            field_name = STAGE_DATE_FIELD[stage]
            reason = _("a project at stage {stage} needs {column}").format(
                stage=STAGE.shown(final), column=table.column_name(field_name)
            )
            table.problem(row, field_name, reason)
            ok = False
    if final != "terminated":
        for stage in DATED_STAGES:
            beyond = stage == "terminated" or STAGE_ORDER.index(stage) > STAGE_ORDER.index(final)
            if dated[stage] and beyond:
                reason = _("a date is given but the stage is {stage}").format(
                    stage=STAGE.shown(final)
                )
                table.problem(row, STAGE_DATE_FIELD[stage], reason)
                ok = False
    if not ok:
        return None
    start = "signed" if dated["signed"] else (final if final == "negotiating" else "lead")
    moves: list[Move] = [
        (stage, dated[stage], False, None)
        for stage in ("started", "completed", "producing")
        if dated[stage]
    ]
    if final == "terminated":
        moves.append(("terminated", dated["terminated"], False, values["termination_reason"]))
    return start, dated["signed"], moves


def replay_plan(events: list[dict[str, Any]]) -> tuple[str, date | None, list[Move]]:
    """An export's stage history, move by move: the first event is how the project was added."""
    first, *later = events
    signed = STAGE_ORDER.index(first["stage"]) >= STAGE_ORDER.index("signed")
    moves = [(e["stage"], e["on_date"], bool(e["correction"]), e["reason"]) for e in later]
    return first["stage"], first["on_date"] if signed else None, moves


def matches_row(project: Project, values: dict[str, Any]) -> bool:
    wanted = {field: values[field] for field in STAGE_DATE_FIELD.values()}
    wanted["stage"], wanted["termination_reason"] = values["stage"], values["termination_reason"]
    return all(getattr(project, key) == value for key, value in wanted.items())


def import_targets(session: Session, table: Table, out: Outcome) -> None:
    """A row equal to a target already set (same unit, year, metric, level, date, amount) is
    skipped; any other row adds to the history, as `zs target set` would."""
    query = select(
        Target.unit_id,
        Target.year,
        Target.metric,
        Target.level,
        Target.effective_from,
        Target.amount,
    )
    existing = {tuple(target) for target in session.exec(query)}
    units: dict[str, Unit | str] = {}  # a unit, or why the name finds none
    seen: dict[tuple[Any, ...], int] = {}
    for row in table.good_rows():
        values = row.values
        name, year, metric = values["unit"], values["year"], values["metric"]
        if table.attempt(row, "year", check_year, year) is None:
            continue
        if name not in units:
            try:
                units[name] = find_unit(session, name)
            except ZsError as exc:
                units[name] = str(exc)
        unit = units[name]
        if isinstance(unit, str):
            table.problem(row, "unit", unit)
        amount = table.attempt(
            row, "amount", parse_target_amount, text_of(values["amount"]), metric
        )
        if isinstance(unit, str) or not amount:
            continue
        level = values["level"] or "must"
        effective_from = values["effective_from"] or date(year, 1, 1)
        key = (unit.id, year, metric, level, effective_from)
        if key in seen:
            table.problem(
                row,
                "amount",
                _("a second target in force from the same day as row {row}").format(row=seen[key]),
            )
            continue
        seen[key] = row.number
        if (*key, amount) in existing:
            out.skipped.append(target_line(row, name, year, metric, level))
            continue
        target = table.attempt(
            row,
            None,
            add_target,
            session,
            unit,
            year,
            metric,
            amount,
            level=level,
            effective_from=effective_from,
            basis=values["basis"] or "set",
            reason=values["reason"],
        )
        if target:
            keep(session, values, target, operator="operator", set_at="set_at")
            out.added.append(target_line(row, name, year, metric, level))


def target_line(row: Row, name: str, year: int, metric: str, level: str) -> str:
    return _("row {row}: target {unit} {year} {metric} {level}").format(
        row=row.number, unit=name, year=year, metric=METRIC.shown(metric), level=LEVEL.shown(level)
    )


def import_rates(session: Session, table: Table, out: Outcome) -> None:
    existing = {(r.currency, r.month): r.rate_micro for r in session.exec(select(ExchangeRate))}
    seen: dict[tuple[str, str], int] = {}
    for row in table.good_rows():
        currency = table.attempt(row, "currency", check_currency, row.values["currency"])
        if not currency:
            continue
        month, rate = row.values["month"], row.values["rate"]
        key = (currency, month)
        if key in seen:
            table.problem(
                row,
                "month",
                _("a second {currency} rate for {month} (row {row})").format(
                    currency=currency, month=month, row=seen[key]
                ),
            )
            continue
        seen[key] = row.number
        if existing.get(key) == rate:
            out.skipped.append(
                _("row {row}: {currency} {month}").format(
                    row=row.number, currency=currency, month=month
                )
            )
        elif key in existing:
            reason = _(
                "the ledger has {rate} for {currency} {month}; change it with `zs rate set`"
            ).format(rate=format_rate(existing[key]), currency=currency, month=month)
            table.problem(row, "rate", reason)
        elif saved := table.attempt(row, None, set_rate, session, currency, month, rate):
            keep(session, row.values, saved, operator="operator", set_at="set_at")
            out.added.append(
                _("row {row}: {currency} {month} {rate}").format(
                    row=row.number, currency=currency, month=month, rate=format_rate(rate)
                )
            )


def import_activities(session: Session, table: Table, out: Outcome) -> None:
    """A row equal to a record already kept (unit, day, days, visits, leader, note) is
    skipped; the rest go through `zs activity add`'s own checks."""
    existing = {
        (a.unit_id, a.on_date, a.trip_days, a.visits, a.leader, a.note)
        for a in session.exec(select(Activity))
    }
    for row in table.good_rows():
        values = row.values
        unit = table.attempt(row, "unit", find_unit, session, values["unit"])
        if not unit:
            continue
        days, visits = values["trip_days"] or 0, values["visits"] or 0
        key = (unit.id, values["on_date"], days, visits, values["leader"], values["note"])
        label = _("row {row}: {unit} {date}").format(
            row=row.number, unit=values["unit"], date=values["on_date"]
        )
        if key in existing:
            out.skipped.append(label)
            continue
        existing.add(key)
        activity = table.attempt(
            row,
            None,
            add_activity,
            session,
            values["unit"],
            values["on_date"],
            trip_days=days,
            visits=visits,
            leader=values["leader"],
            note=values["note"],
        )
        if activity:
            keep(session, values, activity, operator="operator", entered_at="entered_at")
            out.added.append(label)
