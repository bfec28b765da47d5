"""Capital arrivals (资金到位): reversing (never editing) and listing. Recording
one, and the checks every arrival passes, are in ``recording``."""

from datetime import date, datetime

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from zhaoshang_cli.core import dates
from zhaoshang_cli.core.errors import Invalid, NotFound
from zhaoshang_cli.core.i18n import N_, _
from zhaoshang_cli.core.text import NOTE_MAX, clean_text
from zhaoshang_cli.projects.lookup import find_project
from zhaoshang_cli.store import access, audit
from zhaoshang_cli.store.models import Arrival, Project, ProjectUnit
from zhaoshang_cli.units.tree import descendant_ids, find_unit


def reverse_arrival(
    session: Session,
    arrival_id: int,
    reason: str,
    *,
    operator: str | None = None,
    entered_at: datetime | None = None,
) -> Arrival:
    """A linked entry with the negated amounts on the original's date: the original stays,
    and every report, of any period, nets the two out. ``operator``/``entered_at``: as a
    ledger read back recorded them (arrivals are written once, never touched up after)."""
    if not reason or not reason.strip():
        raise Invalid(_("A reversal needs a --reason."))
    reason = clean_text(reason, N_("reason"), limit=NOTE_MAX, lines=True, required=True)  # type: ignore[assignment]
    original = session.get(Arrival, arrival_id) if 0 < arrival_id < 2**63 else None
    if original is None:
        hidden = access.hidden_arrival_refusal(session, arrival_id) if arrival_id > 0 else None
        if hidden is not None:  # another unit's, on a shared ledger
            raise hidden
        raise NotFound(
            _("There is no arrival with id {id}; see `zs arrival list`.").format(id=arrival_id)
        )
    if original.reverses_id is not None:
        raise Invalid(
            _(
                "Arrival {id} is itself a reversal (of {original}); "
                "a reversal cannot be reversed. Record the arrival again instead."
            ).format(id=arrival_id, original=original.reverses_id)
        )
    existing = session.exec(select(Arrival.id).where(Arrival.reverses_id == arrival_id)).first()
    if existing is not None:
        raise Invalid(
            _("Arrival {id} was already reversed by arrival {reversal}.").format(
                id=arrival_id, reversal=existing
            )
        )
    reversal = Arrival(
        project_id=original.project_id,
        arrived_on=original.arrived_on,
        currency=original.currency,
        amount_minor=-original.amount_minor,
        rate_micro=original.rate_micro,
        cny_fen=-original.cny_fen,
        usd_cents=None if original.usd_cents is None else -original.usd_cents,
        source=original.source,
        ref=original.ref,
        note=reason.strip(),
        reverses_id=original.id,
        operator=operator or session.info.get("operator", "unknown"),
        entered_at=entered_at or dates.utcnow(),
    )
    session.add(reversal)
    session.flush()
    audit.record(
        session,
        "arrival.reverse",
        "arrival",
        reversal.id,
        before={"arrival": original.id, "cny_fen": original.cny_fen},
        after={"reverses": original.id, "cny_fen": reversal.cny_fen, "reason": reason.strip()},
        project_id=original.project_id,
    )
    return reversal


def list_arrivals(
    session: Session,
    *,
    project: str | None = None,
    unit: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[dict]:
    reversal = aliased(Arrival)
    query = (
        select(Arrival, Project.code, Project.name, reversal.id)
        .join(Project, col(Project.id) == col(Arrival.project_id))
        .outerjoin(reversal, col(reversal.reverses_id) == col(Arrival.id))
        .order_by(col(Arrival.arrived_on), col(Arrival.id))
    )
    if project is not None:
        query = query.where(Arrival.project_id == find_project(session, project).id)
    if unit is not None:
        ids = descendant_ids(session, find_unit(session, unit))
        credited = select(ProjectUnit.project_id).where(col(ProjectUnit.unit_id).in_(ids))
        query = query.where(col(Arrival.project_id).in_(credited))
    if date_from:
        query = query.where(Arrival.arrived_on >= date_from)
    if date_to:
        query = query.where(Arrival.arrived_on <= date_to)
    return [
        {
            "id": arrival.id,
            "date": arrival.arrived_on,
            "project": code,
            "project_name": name,
            "currency": arrival.currency,
            "amount_minor": arrival.amount_minor,
            "cny_fen": arrival.cny_fen,
            "source": arrival.source,
            "ref": arrival.ref,
            "note": arrival.note,
            "reverses": arrival.reverses_id,
            "reversed_by": reversed_by,
            "warnings": arrival.warnings,
            "operator": arrival.operator,
            "entered_at": arrival.entered_at,
        }
        for arrival, code, name, reversed_by in session.exec(query)
    ]
