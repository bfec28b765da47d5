"""Projects (项目): adding them, moving them through stages, listing and showing them."""

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from zhaoshang_cli.core import dates
from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.glossary import STAGE
from zhaoshang_cli.core.i18n import N_, _
from zhaoshang_cli.core.text import CODE_MAX, NOTE_MAX, TITLE_MAX, clean_text, duplicate_key
from zhaoshang_cli.projects.changes import (
    check_duplicate,
    check_not_void,
    contract_values,
    effective_for,
    project_changes,
    record_change,
)
from zhaoshang_cli.projects.credit import credit_from, credit_text, even_shares
from zhaoshang_cli.projects.lookup import check_origin, check_stage, find_project
from zhaoshang_cli.projects.names import credited_labels
from zhaoshang_cli.store import access, audit
from zhaoshang_cli.store.models import (
    Arrival,
    Project,
    ProjectContact,
    ProjectUnit,
    StageEvent,
    Unit,
)
from zhaoshang_cli.units.tree import descendant_ids, find_unit

# The forward path; ``terminated`` can end any stage.
STAGE_ORDER = ("lead", "negotiating", "signed", "started", "completed", "producing")
STAGE_DATE_FIELD = {
    "signed": "signed_on",
    "started": "started_on",
    "completed": "completed_on",
    "producing": "producing_on",
    "terminated": "terminated_on",
}
_CODE = re.compile(r"^(\d{4})-(\d{4,})$")
MATCHED = "duplicates_matched"  # session.info: the caller has matched investor and name itself
NOT_AUDITED_ON_ADD = {
    "id",
    "created_at",
    "duplicate_key",
    "voided_at",
    "void_reason",
    "contract_currency",
    "contract_minor",
}


def next_code(session: Session, year: int) -> str:
    """YEAR-NNNN, one past the year's highest. The codes are read once per session (an
    import adds thousands; each code it takes or is given is counted by ``took_code``)."""
    numbers = session.info.setdefault("last_code", {})
    if year not in numbers and access.restricted(session):  # past the rows it may not see
        numbers[year] = access.last_code(session, year)
    if year not in numbers:
        codes = session.exec(select(Project.code).where(col(Project.code).like(f"{year}-%")))
        numbers[year] = max((int(m[2]) for code in codes if (m := _CODE.match(code))), default=0)
    return f"{year}-{numbers[year] + 1:04d}"


def took_code(session: Session, code: str, *, prime: bool = False) -> None:
    """``prime``: the code is not in the database yet (an import writes its projects in
    bulk), so its year's codes are read now, before the ledger could miss it."""
    numbers = session.info.get("last_code", {})
    if prime and (match := _CODE.match(code)) and int(match[1]) not in numbers:
        next_code(session, int(match[1]))
        numbers = session.info["last_code"]
    if (match := _CODE.match(code)) and int(match[1]) in numbers:
        numbers[int(match[1])] = max(numbers[int(match[1])], int(match[2]))


def add_project(session: Session, **arguments: Any) -> Project:
    """A project added (``new_project``'s arguments), its credit, contact, first stage event
    and audit entry written."""
    new = new_project(session, **arguments)
    project = Project(**new.values)
    session.add(project)
    session.flush()
    took_code(session, project.code)
    for unit, share in new.credit:
        session.add(ProjectUnit(project_id=project.id, unit_id=unit.id, share_bp=share))
    if new.contact:
        session.add(ProjectContact(project_id=project.id, contact=new.contact))
    session.add(
        StageEvent(
            project_id=project.id,
            stage=new.stage,
            on_date=new.event_date,
            operator=session.info.get("operator", "unknown"),
            entered_at=dates.utcnow(),
        )
    )
    after = new.audit_after(project.model_dump())
    audit.record(session, "project.add", "project", project.id, after=after, project_id=project.id)
    return project


@dataclass
class NewProject:
    """A project checked and not yet written: its columns, credit, contact, first stage."""

    values: dict[str, Any]
    credit: list[tuple[Unit, int]]
    contact: str | None
    stage: str
    event_date: date
    twin: Project | None = None
    reason: str | None = None

    def audit_after(self, columns: dict[str, Any]) -> dict[str, Any]:
        """The ``project.add`` entry's ``after``, from the project's columns."""

        left_out = NOT_AUDITED_ON_ADD | ({"note"} if columns.get("note") is None else set())
        after = {key: value for key, value in columns.items() if key not in left_out}
        if columns.get("contract_currency") is not None:
            after |= {"contract_currency": columns["contract_currency"]}
            after |= {"contract_minor": columns["contract_minor"]}
        credit = self.credit
        after["units"] = [unit.name for unit, _share in credit]
        if [share for _unit, share in credit] != even_shares(len(credit)):
            after["units"] = credit_text([(unit.name, share) for unit, share in credit])
        after["contact"] = self.contact
        if self.twin is not None:
            after |= {"duplicate_of": self.twin.code, "reason": self.reason}
        return after


def new_project(
    session: Session,
    *,
    name: str,
    units: list[str],
    contract_fen: int | None = None,
    investor: str | None = None,
    origin: str | None = None,
    industry: str | None = None,
    industrial: bool = False,
    signed_on: date | None = None,
    stage: str | None = None,
    code: str | None = None,
    total_investment_fen: int | None = None,
    occasion: str | None = None,
    leader: str | None = None,
    recruiter: str | None = None,
    informant: str | None = None,
    contact: str | None = None,
    note: str | None = None,
    contract_currency: str | None = None,
    duplicate_ok: bool = False,
    reason: str | None = None,
    entered_on: date | None = None,
    code_checked: bool = False,
) -> "NewProject":
    """Units share credit evenly (共同引进) unless shares are stated (``甲县=70%``). A second
    project with the same investor and name is refused (不重复统计) unless ``duplicate_ok``
    with a reason; ``contract_fen`` is then in ``contract_currency`` (USD: 合同外资).
    ``entered_on``: the day a lead (线索) or negotiation came in, if not today.

    Only the checks and the values: nothing is written (``add_project`` writes one,
    ``bulk.insert_projects`` many). ``code_checked``: the caller knows the code is free (an
    import has every project's code at hand)."""

    if not name.strip():
        raise Invalid(_("A project needs a --name."))
    name = clean_text(name, N_("project name"), limit=TITLE_MAX, required=True)  # type: ignore[assignment]
    investor = clean_text(investor, N_("investor"), limit=TITLE_MAX)
    industry = clean_text(industry, N_("industry"))
    occasion = clean_text(occasion, N_("occasion"))
    leader = clean_text(leader, N_("leader"))
    recruiter = clean_text(recruiter, N_("recruiter"))
    informant = clean_text(informant, N_("informant"))
    contact = clean_text(contact, N_("contact"), limit=NOTE_MAX, lines=True)
    note = clean_text(note, N_("note"), limit=NOTE_MAX, lines=True)
    reason = clean_text(reason, N_("reason"), limit=NOTE_MAX, lines=True)
    credit = credit_from(session, units)
    stage = check_stage(stage if stage is not None else ("signed" if signed_on else "lead"))
    if stage == "terminated":
        raise Invalid(_("A new project cannot start as terminated."))
    if STAGE_ORDER.index(stage) >= STAGE_ORDER.index("signed") and signed_on is None:
        raise Invalid(
            _("A project at stage {stage} needs its --signed date.").format(
                stage=STAGE.shown(stage)
            )
        )
    if stage in ("lead", "negotiating") and signed_on is not None:
        raise Invalid(
            _("A project with a signing date cannot be at stage {stage}.").format(
                stage=STAGE.shown(stage)
            )
        )
    if entered_on is not None and signed_on is not None:
        raise Invalid(_("A signed project is dated by --signed; leave out --date."))
    if code is not None:
        code = clean_text(code, N_("project code"), limit=CODE_MAX, required=True)
        taken = not code_checked and session.exec(select(Project.id).where(Project.code == code))
        if taken and taken.first():
            raise Invalid(_("A project with code {code!r} already exists.").format(code=code))
    else:
        code = next_code(session, (signed_on or entered_on or dates.today()).year)
    event_date = signed_on or entered_on or dates.today()
    twin = None
    # A ledger read back keeps the duplicates it had; an import has matched every row against
    # the ledger's projects already (a match is a refresh, never an add).
    if not session.info.get("replay") and not session.info.get(MATCHED):
        twin = check_duplicate(session, investor, name, duplicate_ok=duplicate_ok, reason=reason)
    contract: dict = {"contract_fen": contract_fen}
    if contract_fen is not None and contract_currency not in (None, "CNY"):
        on = signed_on or dates.today()
        contract = contract_values(session, contract_fen, contract_currency, on)  # type: ignore[arg-type]
    values: dict[str, Any] = dict(
        code=code,
        name=name,
        investor=investor,
        origin=check_origin(origin),
        industry=industry,
        industrial=industrial,
        total_investment_fen=total_investment_fen,
        stage=stage,
        signed_on=signed_on,
        started_on=event_date if stage in ("started", "completed", "producing") else None,
        completed_on=event_date if stage in ("completed", "producing") else None,
        producing_on=event_date if stage == "producing" else None,
        occasion=occasion,
        leader=leader,
        recruiter=recruiter,
        informant=informant,
        note=note,
        created_at=dates.utcnow(),
        duplicate_key=duplicate_key(investor, name),
        terminated_on=None,
        termination_reason=None,
        contract_currency=None,
        contract_minor=None,
        voided_at=None,
        void_reason=None,
    )
    values |= contract
    return NewProject(values, credit, contact, stage, event_date, twin, reason)


def move_stage(
    session: Session,
    code: str,
    stage: str,
    on_date: date,
    *,
    correct: bool = False,
    reason: str | None = None,
    contract_fen: int | None = None,
) -> Project:
    """Forward moves are plain; a move backwards (or out of 终止) must be a --correct. A
    move to signed may give the contract amount signed (a correction of the record). Every
    value the move changes is logged (``ProjectChange``), so a report reproduced as of an
    earlier day sees the stages as they were entered by then."""
    project = find_project(session, code)
    check_not_void(project)
    stage = check_stage(stage)
    reason = clean_text(reason, N_("reason"), limit=NOTE_MAX, lines=True)
    current = project.stage
    if stage == "terminated" and not reason:
        raise Invalid(_("Terminating a project needs a --reason."))
    if stage == current and not correct:
        raise Invalid(
            _("Project {code} is already at stage {stage}.").format(
                code=project.code, stage=STAGE.shown(stage)
            )
        )
    backwards = current == "terminated" or (
        stage != "terminated" and STAGE_ORDER.index(stage) < STAGE_ORDER.index(current)
    )
    if backwards and not correct:
        raise Invalid(
            _(
                "Project {code} is at stage {current}; moving it back to {stage} "
                "is a correction: add --correct and a --reason."
            ).format(code=project.code, current=STAGE.shown(current), stage=STAGE.shown(stage))
        )
    if stage in ("started", "completed", "producing") and project.signed_on is None:
        raise Invalid(
            _("Project {code} has no signing date; move it to signed first.").format(
                code=project.code
            )
        )
    check_stage_order(project, stage, on_date)
    if contract_fen is not None and stage != "signed":
        raise Invalid(_("--amount goes with a move to signed: the amount signed."))
    logged = ("stage", *STAGE_DATE_FIELD.values(), "termination_reason")
    was = {key: getattr(project, key) for key in logged}
    before = project.model_dump(include={"stage", *STAGE_DATE_FIELD.values()})
    if backwards or (stage == current and correct):
        keep = STAGE_ORDER[: STAGE_ORDER.index(stage) + 1] if stage != "terminated" else STAGE_ORDER
        for later, field in STAGE_DATE_FIELD.items():
            if later not in keep:
                setattr(project, field, None)
        if stage != "terminated":
            project.termination_reason = None
    project.stage = stage
    if stage in STAGE_DATE_FIELD:
        setattr(project, STAGE_DATE_FIELD[stage], on_date)
    if stage == "terminated":
        project.termination_reason = reason
    for key in logged:
        if getattr(project, key) != was[key]:
            record_change(session, project, key, was[key], getattr(project, key), kind="stage")
    if contract_fen is not None and contract_fen != project.contract_fen:
        when = effective_for(session, project, "contract_fen", None)
        record_change(
            session, project, "contract_fen", project.contract_fen, contract_fen,
            kind="edit", effective_on=when, reason=reason,
        )  # fmt: skip
        before["contract_fen"] = project.contract_fen
        project.contract_fen = contract_fen
        project.contract_currency = project.contract_minor = None
    session.add(project)
    session.add(
        StageEvent(
            project_id=project.id,  # type: ignore[arg-type]
            stage=stage,
            previous_stage=current,
            on_date=on_date,
            correction=correct,
            reason=reason,
            operator=session.info.get("operator", "unknown"),
            entered_at=dates.utcnow(),
        )
    )
    after = project.model_dump(include={"stage", *STAGE_DATE_FIELD.values()})
    after.update(correction=correct, reason=reason)
    if "contract_fen" in before:
        after["contract_fen"] = project.contract_fen
    action = "project.stage.correct" if correct else "project.stage"
    audit.record(
        session, action, "project", project.id, before=before, after=after, project_id=project.id
    )
    return project


def check_stage_order(project: Project, stage: str, on_date: date) -> None:
    """A stage cannot come before the stages the project has already passed: started on or
    after signed, completed after started, and terminated after all of them."""
    if stage not in STAGE_DATE_FIELD or stage == "signed":
        return
    before = STAGE_ORDER[1:] if stage == "terminated" else STAGE_ORDER[: STAGE_ORDER.index(stage)]
    for earlier in (s for s in before if s in STAGE_DATE_FIELD):
        earlier_date = getattr(project, STAGE_DATE_FIELD[earlier])
        if earlier_date is not None and on_date < earlier_date:
            raise Invalid(
                _(
                    "The {stage} date {date} is before project {code}'s {earlier} date {earlier_date}."
                ).format(
                    stage=STAGE.shown(stage),
                    date=on_date,
                    code=project.code,
                    earlier=STAGE.shown(earlier),
                    earlier_date=earlier_date,
                )
            )


def credited_units(session: Session, project_id: int) -> list[tuple[str, int]]:
    query = (
        select(Unit.name, ProjectUnit.share_bp)
        .join(ProjectUnit, col(ProjectUnit.unit_id) == col(Unit.id))
        .where(ProjectUnit.project_id == project_id)
        .order_by(col(Unit.id))
    )
    return [(name, share) for name, share in session.exec(query)]


def list_projects(
    session: Session,
    *,
    unit: str | None = None,
    stage: str | None = None,
    year: int | None = None,
    voided: bool = False,
) -> list[dict]:
    """Projects in the ledger today; voided ones (作废) only with ``voided``."""
    arrived = (
        select(Arrival.project_id, func.sum(Arrival.cny_fen).label("fen"))
        .group_by(col(Arrival.project_id))
        .subquery()
    )
    query = (
        select(Project, func.coalesce(arrived.c.fen, 0))
        .outerjoin(arrived, arrived.c.project_id == col(Project.id))
        .order_by(col(Project.code))
    )
    if not voided:
        query = query.where(col(Project.voided_at).is_(None))
    if stage is not None:
        query = query.where(Project.stage == check_stage(stage))
    if year is not None:
        dates.check_year(year)
        query = query.where(
            col(Project.signed_on) >= date(year, 1, 1), col(Project.signed_on) <= date(year, 12, 31)
        )
    if unit is not None:
        ids = descendant_ids(session, find_unit(session, unit))
        credited = select(ProjectUnit.project_id).where(col(ProjectUnit.unit_id).in_(ids))
        query = query.where(col(Project.id).in_(credited))
    found = list(session.exec(query))

    names = credited_labels(session, [project.id for project, _ in found])  # type: ignore[misc]
    return [
        {
            "id": project.id,
            "code": project.code,
            "name": project.name,
            "units": names[project.id],
            "industry": project.industry,
            "industrial": project.industrial,
            "stage": project.stage,
            "signed_on": project.signed_on,
            "contract_fen": project.contract_fen,
            "arrived_fen": int(arrived_fen),
            "voided": project.voided_at is not None,
        }
        for project, arrived_fen in found
        if project.id in names
    ]


def project_detail(session: Session, code: str, *, with_contacts: bool = False) -> dict:
    project = find_project(session, code)
    events = session.exec(
        select(StageEvent).where(StageEvent.project_id == project.id).order_by(col(StageEvent.id))
    )
    arrivals = session.exec(
        select(Arrival).where(Arrival.project_id == project.id).order_by(col(Arrival.id))
    )
    arrival_rows = [a.model_dump() for a in arrivals]
    detail = project.model_dump()
    detail["units"] = credited_units(session, project.id)  # type: ignore[arg-type]
    detail["stages"] = [event.model_dump() for event in events]
    detail["arrivals"] = arrival_rows
    detail["arrived_fen"] = sum(row["cny_fen"] for row in arrival_rows)
    detail["changes"] = project_changes(session, project.id)  # type: ignore[arg-type]
    if with_contacts:
        contact = session.get(ProjectContact, project.id)
        detail["contact"] = contact.contact if contact else None
    return detail
