"""zs project edit: correcting a project's fields, or changing them from a date (更换业主, a new
credit). A correction changes the record; it never adds or removes a project from a count."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session

from zhaoshang_cli.core import dates
from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.i18n import _
from zhaoshang_cli.core.text import NOTE_MAX, TITLE_MAX, clean_text, duplicate_key
from zhaoshang_cli.projects.changes import (
    check_duplicate,
    check_not_void,
    contract_values,
    effective_for,
    record_change,
    set_credit,
)
from zhaoshang_cli.projects.credit import credit_from, credit_text
from zhaoshang_cli.projects.lookup import check_origin, find_project
from zhaoshang_cli.store import audit
from zhaoshang_cli.store.models import Project, ProjectContact

# What `zs project edit` may change, and how each is checked: text with its limit, or a flag.
TEXT_LIMITS = {
    "name": TITLE_MAX,
    "investor": TITLE_MAX,
    "industry": None,
    "occasion": None,
    "leader": None,
    "recruiter": None,
    "informant": None,
}
LABELS = {"name": "project name"}  # how clean_text names a field in its errors


@dataclass
class Edited:
    project: Project
    changed: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # field → (old, new)
    duplicate_of: str | None = None

    @property
    def new_owner(self) -> bool:
        return "investor" in self.changed


def cleaned(values: dict[str, Any]) -> dict[str, Any]:
    """Each given field checked; an empty text clears the field (but a name is needed)."""

    out: dict[str, Any] = {}
    for key, value in values.items():
        if key in TEXT_LIMITS:
            limit = TEXT_LIMITS[key]
            what = LABELS.get(key, key)
            text = clean_text(value, what, **({"limit": limit} if limit else {}))
            if key == "name" and text is None:
                raise Invalid(_("A project needs a --name."))
            out[key] = text
        elif key == "origin":
            out[key] = check_origin(value) if value not in (None, "") else None
        elif key == "note":
            out[key] = clean_text(value, "note", limit=NOTE_MAX, lines=True)
        elif key == "industrial":
            out[key] = bool(value)
        elif key == "total_investment_fen":
            out[key] = value
        else:
            raise Invalid(_("{field} cannot be edited.").format(field=key))
    return out


def edit_project(
    session: Session,
    code: str,
    *,
    values: dict[str, Any] | None = None,
    amount_minor: int | None = None,
    currency: str | None = None,
    units: list[str] | None = None,
    contact: str | None = None,
    effective_on: date | None = None,
    reason: str | None = None,
    duplicate_ok: bool = False,
) -> Edited:
    """Every field given that differs is one change (old → new, the date it took effect, the
    reason); the command is one audit entry: 修改项目, or 更换业主 when the investor changes."""

    project = find_project(session, code)
    check_not_void(project)
    reason = clean_text(reason, "reason", limit=NOTE_MAX, lines=True)
    wanted = cleaned(values or {})
    if currency is not None and amount_minor is None:
        raise Invalid(_("--currency goes with --amount: give the contract amount in it."))
    if amount_minor is not None:
        on = project.signed_on or dates.today()
        wanted |= contract_values(session, amount_minor, currency or "CNY", on)
    changed = {
        key: (getattr(project, key), value)
        for key, value in wanted.items()
        if getattr(project, key) != value
    }
    edited = Edited(project, changed)
    new_credit = credit_from(session, units) if units else None
    if contact is not None:
        contact = clean_text(contact, "contact", limit=NOTE_MAX, lines=True) or ""
    if "name" in changed or "investor" in changed:
        existing = check_duplicate(
            session,
            wanted.get("investor", project.investor),
            wanted.get("name", project.name),
            duplicate_ok=duplicate_ok,
            reason=reason,
            other_than=project.id,
        )
        edited.duplicate_of = existing.code if existing else None
    for key, (old, new) in changed.items():
        when = effective_for(session, project, key, effective_on)
        record_change(
            session, project, key, old, new, kind="edit", effective_on=when, reason=reason
        )
        setattr(project, key, new)
    if new_credit is not None:
        credit = set_credit(session, project, new_credit, effective_on=effective_on, reason=reason)
        if credit is not None:
            edited.changed["units"] = credit
    if contact is not None:
        held = session.get(ProjectContact, project.id)
        if (held.contact if held else "") != contact:
            edited.changed["contact"] = (held.contact if held else None, contact or None)
            record_change(session, project, "contact", None, None, kind="edit", reason=reason)
            if held is not None and not contact:
                session.delete(held)
            elif held is not None:
                held.contact = contact
                session.add(held)
            else:
                session.add(ProjectContact(project_id=project.id, contact=contact))  # type: ignore[arg-type]
    if not edited.changed:
        raise Invalid(
            _("Nothing to change: project {code} already has these values.").format(
                code=project.code
            )
        )
    project.duplicate_key = duplicate_key(project.investor, project.name)
    session.add(project)
    session.flush()
    before = {key: _plain(old) for key, (old, _new) in edited.changed.items()}
    after = {key: _plain(new) for key, (_old, new) in edited.changed.items()}
    after |= {"effective_on": effective_on, "reason": reason}
    if edited.duplicate_of:
        after["duplicate_of"] = edited.duplicate_of
    action = "project.owner" if edited.new_owner else "project.edit"
    audit.record(
        session, action, "project", project.id, before=before, after=after, project_id=project.id
    )
    return edited


def _plain(value: Any) -> Any:
    """Credit as the trail writes it: 甲县=70%、经开区=30%."""
    if isinstance(value, list):
        return credit_text(value)
    return value
