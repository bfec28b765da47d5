"""A project's life after it was added: edits (corrections, or changes from a date such as
更换业主 or a new credit), increases of its contract (增资), voids (作废), and the log of every
change that lets a report show a project as it stood on its period's end (``report.state``).

Each changed value is one ``ProjectChange`` row with old → new; each command is one audit
entry. A field's changes stand on one timeline in entry order: a change from a date may not
come before the latest one of that field, and a correction (no date) puts right the value
in force since that latest one.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from zhaoshang_cli.core import dates
from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.i18n import _
from zhaoshang_cli.core.money import convert
from zhaoshang_cli.core.text import NOTE_MAX, clean_text, duplicate_key
from zhaoshang_cli.projects.credit import credit_text
from zhaoshang_cli.projects.lookup import find_project
from zhaoshang_cli.rates.lookup import rate_for
from zhaoshang_cli.store import access, audit
from zhaoshang_cli.store.models import CreditBefore, Project, ProjectChange, ProjectUnit, Unit
from zhaoshang_cli.store.tables import PROJECT_UNIT
from zhaoshang_cli.store.trail import FIELDS

TEXT_FIELDS = frozenset(
    {
        "name",
        "investor",
        "origin",
        "industry",
        "occasion",
        "leader",
        "recruiter",
        "informant",
        "contract_currency",
        "stage",
        "termination_reason",
        "contact",
        "credit",
        "note",
    }
)
NUMBER_FIELDS = frozenset({"contract_fen", "contract_minor", "total_investment_fen", "industrial"})
DATE_FIELDS = frozenset(
    {"signed_on", "started_on", "completed_on", "producing_on", "terminated_on"}
)
PRIVATE_FIELDS = frozenset({"contact"})  # the change is kept, never the value


@dataclass
class Value:
    """A field's value in the column of its type."""

    text: str | None = None
    number: int | None = None
    day: date | None = None


def typed(field: str, value: Any) -> Value:
    if value is None or field in PRIVATE_FIELDS:
        return Value()
    if field in DATE_FIELDS:
        return Value(day=value)
    if field in NUMBER_FIELDS:
        return Value(number=int(value))
    return Value(text=str(value))


def latest_effective(session: Session, project_id: int, field: str) -> date | None:
    """The date from which the field's value stands (None: from the start)."""
    return session.exec(
        select(func.max(ProjectChange.effective_on)).where(
            ProjectChange.project_id == project_id, ProjectChange.field == field
        )
    ).one()


def effective_for(
    session: Session, project: Project, field: str, effective_on: date | None
) -> date | None:
    """A correction puts right the value in force since the field's latest dated change; a
    change from a date may not come before it (the timeline is kept in entry order)."""
    signed = project.signed_on
    if effective_on is not None and signed is not None and effective_on < signed:
        raise Invalid(
            _(
                "Project {code} was signed on {signed}; a change from {date} would come before "
                "it. Give a date on or after the signing, or leave out --date to correct the "
                "value in force."
            ).format(code=project.code, signed=signed, date=effective_on)
        )
    latest = latest_effective(session, project.id, field)  # type: ignore[arg-type]
    if effective_on is None or latest is None:
        return effective_on if effective_on is not None else latest
    if effective_on < latest:
        raise Invalid(
            _(
                "Project {code}'s {field} last changed on {latest}; a change from an earlier "
                "day ({date}) cannot come after it. Correct the value in force instead (leave "
                "out --date)."
            ).format(
                code=project.code, field=_(field_label(field)), latest=latest, date=effective_on
            )
        )
    return effective_on


def field_label(field: str) -> str:
    """The msgid naming a field (contract_fen → "contract amount"), as the trail names it."""

    return FIELDS.get(field.removesuffix("_fen") + "_wan", FIELDS.get(field, field))


def record_change(
    session: Session,
    project: Project,
    field: str,
    old: Any,
    new: Any,
    *,
    kind: str,
    effective_on: date | None = None,
    reason: str | None = None,
) -> ProjectChange:
    before, after = typed(field, old), typed(field, new)
    change = ProjectChange(
        project_id=project.id,  # type: ignore[arg-type]
        field=field,
        kind=kind,
        old_text=before.text,
        new_text=after.text,
        old_number=before.number,
        new_number=after.number,
        old_date=before.day,
        new_date=after.day,
        effective_on=effective_on,
        reason=reason,
        operator=session.info.get("operator", "unknown"),
        entered_at=dates.utcnow(),
    )
    session.add(change)
    return change


def check_not_void(project: Project) -> None:
    if project.voided_at is not None:
        raise Invalid(
            _("Project {code} was voided ({reason}); it cannot change.").format(
                code=project.code, reason=project.void_reason
            )
        )


def find_duplicate(
    session: Session, investor: str | None, name: str, *, other_than: int | None = None
) -> Project | None:
    """A project that is not void with the same investor and name, once normalised."""
    query = select(Project).where(
        Project.duplicate_key == duplicate_key(investor, name), col(Project.voided_at).is_(None)
    )
    if other_than is not None:
        query = query.where(Project.id != other_than)
    return session.exec(query.order_by(col(Project.id))).first()


def check_duplicate(
    session: Session,
    investor: str | None,
    name: str,
    *,
    duplicate_ok: bool,
    reason: str | None,
    other_than: int | None = None,
) -> Project | None:
    """不重复统计: the same investor and name are refused, naming the project already entered,
    unless --duplicate-ok with a --reason says why it is another project."""
    if duplicate_ok and not reason:
        raise Invalid(_("--duplicate-ok needs a --reason: why is this another project?"))
    existing = find_duplicate(session, investor, name, other_than=other_than)
    hidden = (
        None
        if existing is not None
        else access.hidden_duplicate(session, duplicate_key(investor, name))
    )
    if hidden is not None and not duplicate_ok:  # another unit's, which the login cannot see
        code, twin_name, twin_investor = hidden
        raise Invalid(
            _(
                "Project {code} ({name}, {investor}) is already in the ledger with this investor "
                "and name; a project is counted once. If this is another project, add "
                "--duplicate-ok and a --reason."
            ).format(code=code, name=twin_name, investor=twin_investor or "—")
        )
    if existing is not None and not duplicate_ok:
        raise Invalid(
            _(
                "Project {code} ({name}, {investor}) is already in the ledger with this investor "
                "and name; a project is counted once. If this is another project, add "
                "--duplicate-ok and a --reason."
            ).format(code=existing.code, name=existing.name, investor=existing.investor or "—")
        )
    return existing


def set_credit(
    session: Session,
    project: Project,
    credit: list[tuple[Unit, int]],
    *,
    effective_on: date | None,
    reason: str | None,
) -> tuple[list[tuple[str, int]], list[tuple[str, int]]] | None:
    """A new credit for the project: the old one is kept (``CreditBefore``) so reports of
    earlier periods still credit it. None when nothing changes."""
    current = session.exec(
        select(ProjectUnit.unit_id, ProjectUnit.share_bp, Unit.name)
        .join(Unit, col(Unit.id) == col(ProjectUnit.unit_id))
        .where(ProjectUnit.project_id == project.id)
        .order_by(col(ProjectUnit.unit_id))
    ).all()
    wanted = sorted((unit.id, share, unit.name) for unit, share in credit)
    if sorted(current) == wanted:
        return None
    old = [(name, share) for _id, share, name in current]
    new = [(unit.name, share) for unit, share in credit]
    effective = effective_for(session, project, "credit", effective_on)
    change = record_change(
        session,
        project,
        "credit",
        credit_words(old),
        credit_words(new),
        kind="edit",
        effective_on=effective,
        reason=reason,
    )
    session.flush()
    for unit_id, share, _name in current:
        session.add(CreditBefore(change_id=change.id, unit_id=unit_id, share_bp=share))  # type: ignore[arg-type]
    session.connection().execute(
        delete(PROJECT_UNIT).where(PROJECT_UNIT.c.project_id == project.id)
    )
    for unit, share in credit:
        session.add(ProjectUnit(project_id=project.id, unit_id=unit.id, share_bp=share))  # type: ignore[arg-type]
    session.flush()
    return old, new


def credit_words(credit: list[tuple[str, int]]) -> str:
    return credit_text(credit)


def increase_contract(
    session: Session, code: str, amount_fen: int, on: date, *, reason: str | None = None
) -> tuple[Project, int]:
    """增资: an agreement adding capital to a signed project. Its contract amount grows from
    the day signed (so the tier it stands in, 升格, follows), and the increase counts in the
    contract amount of that day's period; the project is still one project. Returns the
    project and its contract amount before."""

    project = find_project(session, code)
    check_not_void(project)
    reason = clean_text(reason, "reason", limit=NOTE_MAX, lines=True)
    if project.signed_on is None:
        raise Invalid(
            _("Project {code} is not signed; an increase (增资) adds to a signed contract.").format(
                code=project.code
            )
        )
    if project.stage == "terminated":
        raise Invalid(
            _("Project {code} is terminated; it takes no increase.").format(code=project.code)
        )
    if project.contract_fen is None:
        raise Invalid(
            _(
                "Project {code} has no contract amount to add to; set it first with "
                "`zs project edit {code} --amount …`."
            ).format(code=project.code)
        )
    if project.contract_currency not in (None, "CNY"):
        raise Invalid(
            _(
                "Project {code}'s contract is in {currency}; change its amount with "
                "`zs project edit {code} --amount … --currency {currency} --date …`."
            ).format(code=project.code, currency=project.contract_currency)
        )
    if on < project.signed_on:
        raise Invalid(
            _("The increase date {date} is before project {code}'s signing date {signed}.").format(
                date=on, code=project.code, signed=project.signed_on
            )
        )
    effective = effective_for(session, project, "contract_fen", on)
    before = project.contract_fen
    record_change(
        session,
        project,
        "contract_fen",
        before,
        before + amount_fen,
        kind="increase",
        effective_on=effective,
        reason=reason,
    )
    project.contract_fen = before + amount_fen
    session.add(project)
    session.flush()
    audit.record(
        session,
        "project.increase",
        "project",
        project.id,
        before={"contract_fen": before},
        after={
            "contract_fen": project.contract_fen,
            "increase_fen": amount_fen,
            "on_date": on,
            "reason": reason,
        },
        project_id=project.id,
    )
    return project, before


def void_project(session: Session, code: str, reason: str) -> Project:
    """作废: a project entered by mistake leaves every figure of every period, like a reversed
    arrival; it stays in the ledger and the trail. (A real project that stopped is 终止.)"""

    project = find_project(session, code)
    reason = clean_text(reason, "reason", limit=NOTE_MAX, lines=True)  # type: ignore[assignment]
    if not reason:
        raise Invalid(_("Voiding a project needs a --reason."))
    check_not_void(project)
    project.voided_at = dates.utcnow()
    project.void_reason = reason
    session.add(project)
    session.flush()
    audit.record(
        session,
        "project.void",
        "project",
        project.id,
        after={"void_reason": reason},
        project_id=project.id,
    )
    return project


def project_changes(session: Session, project_id: int) -> list[dict[str, Any]]:
    """Every change of the project, oldest first, with the credit it replaced."""
    changes = session.exec(
        select(ProjectChange)
        .where(ProjectChange.project_id == project_id)
        .order_by(col(ProjectChange.id))
    ).all()
    rows = []
    for change in changes:
        row = change.model_dump()
        row["old"] = (
            change.old_text
            if change.old_text is not None
            else (change.old_number if change.old_number is not None else change.old_date)
        )
        row["new"] = (
            change.new_text
            if change.new_text is not None
            else (change.new_number if change.new_number is not None else change.new_date)
        )
        rows.append(row)
    return rows


def contract_values(session: Session, amount_minor: int, currency: str, on: date) -> dict[str, Any]:
    """The contract in CNY 分, and for a foreign currency (合同外资 in USD) its own amount,
    converted at the rate of ``on``'s month (the signing month, or this month before)."""
    if currency == "CNY":
        return {"contract_fen": amount_minor, "contract_currency": None, "contract_minor": None}

    rate = rate_for(session, currency, on)
    return {
        "contract_fen": convert(amount_minor, rate),
        "contract_currency": currency,
        "contract_minor": amount_minor,
    }
