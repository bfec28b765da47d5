"""The lead pipeline (线索 → 在谈 → 签约) per unit or per person: what is in hand on a day, what
entered in the period, how much of it was signed, and how long signing takes.

- in hand: projects at 线索, 在谈 or 签约 (signed, not yet started) on the day taken;
- leads: projects that entered as a 线索 or 在谈 within the period (a lead later signed stays
  one lead of its period), against the ``leads`` target (有价值招商信息条数); for a person
  without a target, ``warn.leads_per_person`` (seed 001: 每人2条以上有价值招商信息);
- conversion: of those leads, the share signed by the day taken;
- median days: from lead to signing, over the projects signed in the period that came in as
  a lead (the middle one, or the mean of the middle two).
"""

from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from zhaoshang_cli.core.periods import Period
from zhaoshang_cli.projects.names import unit_labels
from zhaoshang_cli.settings.thresholds import Thresholds
from zhaoshang_cli.store.models import Unit
from zhaoshang_cli.store.tables import UNIT
from zhaoshang_cli.targets.setting import targets_in_force
from zhaoshang_cli.units.tree import children_of, subtree
from zhaoshang_cli.watch.counts import Counts, unit_counts


@dataclass
class Pipeline:
    parent: str
    period: Period
    day: date
    by: str  # unit / person
    rows: list[dict[str, Any]] = field(default_factory=list)


def _ratio(part: int, whole: int | None) -> Decimal | None:
    return None if not whole else Decimal(part) / whole


def _row(name: str, kind: str, counts: Counts, target: int | None) -> dict[str, Any]:
    figures = asdict(counts)
    return {
        "unit": name,
        "kind": kind,
        **figures,
        "conversion": _ratio(counts.converted, counts.leads),
        "leads_target": target,
        "leads_completion": _ratio(counts.leads, target),
    }


def pipeline(
    session: Session,
    root: Unit,
    period: Period,
    day: date,
    limits: Thresholds,
    by: str = "unit",
) -> Pipeline:
    """Rows per child unit and the total (``by="unit"``), or per person under ``root``."""
    targets = targets_in_force(session, period.year, "leads", period.end)
    found = Pipeline(root.name, period, day, by)
    if by == "person":
        unit = UNIT
        tree = subtree([root.id])  # type: ignore[list-item]
        persons = [
            uid
            for (uid,) in session.connection().execute(
                select(unit.c.id)
                .join(tree, tree.c.id == unit.c.id)
                .where(unit.c.kind == "person")
                .order_by(unit.c.id)
            )
        ]
        counts = unit_counts(session, persons, period, day) if persons else {}
        labels = unit_labels(session)
        for uid in persons:
            target = targets.get((uid, "must"), limits.leads_per_person)
            row = _row(labels[uid], "person", counts[uid], target)
            row["target_set"] = (uid, "must") in targets
            row["met"] = counts[uid].leads >= target
            found.rows.append(row)
        return found
    children = children_of(session, root)
    ids = [child.id for child in children]
    counts = unit_counts(session, [*ids, root.id], period, day)  # type: ignore[list-item]
    for child in children:
        target = targets.get((child.id, "must"))  # type: ignore[arg-type]
        found.rows.append(_row(child.name, child.kind, counts[child.id], target))  # type: ignore[index]
    total = _row(root.name, root.kind, counts[root.id], targets.get((root.id, "must")))  # type: ignore[arg-type,index]
    total["kind"] = "total"
    found.rows.append(total)
    return found
