"""Effort records (招商工作量): trip days and company visits, per unit (and leader)."""

from datetime import date

from sqlalchemy import func
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from zhaoshang_cli.core import dates
from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.i18n import N_, _
from zhaoshang_cli.core.text import NOTE_MAX, clean_text
from zhaoshang_cli.store import audit
from zhaoshang_cli.store.models import Activity, Unit
from zhaoshang_cli.store.tables import ACTIVITY
from zhaoshang_cli.units.tree import descendant_ids, find_unit, subtree

MAX_FIGURE = 10_000  # trip days or visits in one record: a delegation's year is a few hundred


def add_activity(
    session: Session,
    unit: str,
    on: date,
    *,
    trip_days: int = 0,
    visits: int = 0,
    leader: str | None = None,
    note: str | None = None,
) -> Activity:
    leader = clean_text(leader, N_("leader"))
    note = clean_text(note, N_("note"), limit=NOTE_MAX, lines=True)
    if trip_days < 0 or visits < 0:
        raise Invalid(_("Trip days and visits cannot be negative."))
    if trip_days > MAX_FIGURE or visits > MAX_FIGURE:
        raise Invalid(
            _("Trip days and visits are at most {max} in one record.").format(max=f"{MAX_FIGURE:,}")
        )
    if trip_days == 0 and visits == 0:
        raise Invalid(_("An activity needs --trip-days or --visits (or both)."))
    if on > dates.today():
        raise Invalid(_("The activity date {date} is in the future.").format(date=on))
    found = find_unit(session, unit)
    activity = Activity(
        unit_id=found.id,  # type: ignore[arg-type]
        on_date=on,
        trip_days=trip_days,
        visits=visits,
        leader=leader,
        note=note,
        operator=session.info.get("operator", "unknown"),
        entered_at=dates.utcnow(),
    )
    session.add(activity)
    session.flush()
    after = activity.model_dump(exclude={"id", "entered_at", "operator"})
    after["unit"] = found.name
    audit.record(session, "activity.add", "activity", activity.id, after=after)
    return activity


def list_activities(
    session: Session, start: date | None = None, end: date | None = None, unit: str | None = None
) -> list[dict]:
    query = (
        select(Activity, Unit.name)
        .join(Unit, col(Unit.id) == col(Activity.unit_id))
        .order_by(col(Activity.on_date), col(Activity.id))
    )
    if start:
        query = query.where(Activity.on_date >= start)
    if end:
        query = query.where(Activity.on_date <= end)
    if unit is not None:
        query = query.where(
            col(Activity.unit_id).in_(descendant_ids(session, find_unit(session, unit)))
        )
    return [
        {
            "id": activity.id,
            "date": activity.on_date,
            "unit": name,
            "leader": activity.leader,
            "trip_days": activity.trip_days,
            "visits": activity.visits,
            "note": activity.note,
            "operator": activity.operator,
        }
        for activity, name in session.exec(query)
    ]


def effort_by_unit(
    session: Session, root_ids: list[int], start: date, end: date
) -> dict[int, tuple[int, int]]:
    """{root: (trip days, visits)} over each root's subtree, summed in SQL."""

    tree = subtree(root_ids)
    activity = ACTIVITY
    query = (
        core_select(tree.c.root, func.sum(activity.c.trip_days), func.sum(activity.c.visits))
        .select_from(activity.join(tree, tree.c.id == activity.c.unit_id))
        .where(activity.c.on_date >= start, activity.c.on_date <= end)
        .group_by(tree.c.root)
    )
    rows = session.connection().execute(query)
    return {root: (int(days or 0), int(visits or 0)) for root, days, visits in rows}
