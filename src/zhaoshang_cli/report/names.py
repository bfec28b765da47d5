"""How units are named where a bare name would be ambiguous: five counties each have a
城关镇, so a list or a sentence says 甲县城关镇."""

from sqlmodel import Session, select

from zhaoshang_cli.models import Unit


def unit_labels(session: Session) -> dict[int, str]:
    """Each unit's name, with its parent's name before it where the name is not unique."""
    table = Unit.__table__
    units = {
        uid: (name, parent)
        for uid, name, parent in session.connection().execute(
            select(table.c.id, table.c.name, table.c.parent_id)
        )
    }
    seen: dict[str, int] = {}
    for name, _ in units.values():
        seen[name] = seen.get(name, 0) + 1
    return {
        uid: f"{units[parent][0]}{name}" if seen[name] > 1 and parent in units else name
        for uid, (name, parent) in units.items()
    }
