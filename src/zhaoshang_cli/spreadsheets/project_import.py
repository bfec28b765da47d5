"""Projects from a sheet (zs import projects): each row added or matched to the project it is (add_project's duplicate rules), its stages moved through move_stage in date order; new projects written in bulk."""

import re
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from zhaoshang_cli.arrivals.bulk import insert_projects
from zhaoshang_cli.core import dates
from zhaoshang_cli.core.errors import ZsError
from zhaoshang_cli.core.i18n import _
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
from zhaoshang_cli.spreadsheets.columns import STAGE
from zhaoshang_cli.spreadsheets.figures import Period, project_figures
from zhaoshang_cli.spreadsheets.outcome import Outcome
from zhaoshang_cli.spreadsheets.provenance import keep, replay
from zhaoshang_cli.spreadsheets.reading import Row, Table
from zhaoshang_cli.spreadsheets.refresh import (
    Change,
    Matcher,
    PlanRow,
    apply_changes,
    differences,
    plan_changes,
    read_status,
)
from zhaoshang_cli.store.models import Project, StageEvent
from zhaoshang_cli.units.tree import find_unit, units_cached

Move = tuple[str, date, bool, str | None]  # stage, date, correction, reason

DATED_STAGES = tuple(STAGE_DATE_FIELD)  # signed, started, completed, producing, terminated


def import_projects(
    session: Session,
    table: Table,
    out: Outcome,
    *,
    history: dict[str, list[dict[str, Any]]] | None = None,
    contacts: dict[str, str] | None = None,
    amount_change: str = "correction",
    increase_on: date | None = None,
    period: Period | None = None,
) -> None:
    """New projects are added; a project already in the ledger (by code, else by investor and
    name) gets what the row changes (``refresh``); 累计/本月 figures give the month's arrivals
    (``figures``, dated in ``period`` unless the row has a 上报月份). ``history`` (from an export's 阶段记录)
    replays every stage move; without it the dated stages are walked."""

    matcher = Matcher(session, by_key=history is None and not replay(session))
    seen: dict[Any, Row] = {}
    good = table.good_rows()
    session.info[MATCHED] = matcher.use_keys
    session.info[NEW_PROJECTS] = []
    try:
        with units_cached(session):
            for row in progress(good, len(good), _("Importing projects")):
                import_project_row(session, table, out, row, matcher, seen, history, contacts,
                                   amount_change, increase_on)  # fmt: skip
            write_new_projects(session)
            project_figures(session, table, out, period)
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
    seen: dict[Any, Row],
    history: dict[str, list[dict[str, Any]]] | None,
    contacts: dict[str, str] | None,
    amount_change: str,
    increase_on: date | None,
) -> None:
    """One row of a projects sheet: a new project, or what changed in one already entered."""

    values = row.values
    code, name = values["code"], values["name"]
    voids = read_status(table, row, dates.today()) == "void"
    if code and ("code", code) in seen:  # the code of an earlier row of this file
        project_or_not = matcher.by_code.get(code)
    else:
        project_or_not = matcher.find(table, row, voids)
    if project_or_not is False or twin_of(table, out, row, project_or_not, seen):
        return
    if code:
        seen["code", code] = row
    if project_or_not is not None and not isinstance(project_or_not, Project):
        return  # a project added earlier in this import, from a row that now differs
    existing = project_or_not
    if existing is not None:
        refresh_project(session, table, out, row, matcher, seen, existing, voids,
                        amount_change, increase_on)  # fmt: skip
        return
    if voids:  # voided already (unchanged), or never entered and void: nothing to add
        voided = matcher.void_twin(row)
        status = "unchanged" if voided is not None else "skipped"
        out.plan.append(PlanRow(row.number, status, voided.code if voided else code or "", name))
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
    usd = values["contract_usd"]
    try:
        project = (new_project if in_bulk else add_project)(
            session,
            name=name,
            units=units,
            code=code,
            stage=stage,
            signed_on=signed_on,
            contract_fen=values["contract"] if usd is None else usd,
            contract_currency=None if usd is None else "USD",  # 合同金额/万美元
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
    matcher.add(project, values["units"])
    seen["id", project.id] = row
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


def twin_of(table: Table, out: Outcome, row: Row, project: Any, seen: dict[Any, Row]) -> bool:
    """Whether the row is a project an earlier row of this file already stands for (the same
    code, or the project found): the same values → a duplicate, counted once and said so;
    other values → one problem naming both rows."""
    values = row.values
    code, name = values["code"], values["name"]
    first = seen.get(("code", code)) if code else None
    key = "code"
    if first is None and project is not None:
        first, key = seen.get(("id", project.id)), "name"
    if first is None:
        return False
    differing = differences(table, first, row)
    if not differing:
        shown = project.code if project is not None else code
        out.plan.append(PlanRow(row.number, "duplicate", shown or "", name, twin=first.number))
        return True
    if key == "code":
        message = _("duplicate code {value!r} (also row {row})").format(
            value=code, row=first.number
        )
    elif not values["investor"] and not first.values["investor"]:
        message = _("duplicate name {value!r} (also row {row}); give each a project code").format(
            value=name, row=first.number
        )
    else:
        message = _("the same project as row {row}, but {columns} differ; keep one of them").format(
            row=first.number, columns=_(", ").join(differing)
        )
    table.problem(row, key, message)
    return True


def refresh_project(
    session: Session,
    table: Table,
    out: Outcome,
    row: Row,
    matcher: Matcher,
    seen: dict[Any, Row],
    existing: Project,
    voids: bool,
    amount_change: str,
    increase_on: date | None,
) -> None:
    """A row of a project already in the ledger: what it changes, applied through the same
    audited operations as by hand (``refresh``), or unchanged."""
    values = row.values
    if voids and existing.voided_at is not None:
        changes: list[Change] | None = []  # voided already: the sheet agrees
    else:
        credit = matcher.credit[existing.id]
        changes = plan_changes(session, table, row, existing, amount_change, credit)
        if changes is not None and voids:
            changes.append(Change("voided_at", None, values["void_reason"], "void"))
    if changes is None:
        return
    seen["id", existing.id] = row
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
