"""一季一评比: units ranked by a weighted score over measured figures (weights.py), each
component shown with its measure and points, so a unit that disputes its rank can redo the sum.

Measures per unit, over the period (each project once per unit, local investors left out):
- funds_progress: the report's 完成% ÷ 时序进度 (money in the period ÷ the annual target, ÷ the
  period's share of the year); 0 for a unit without a target;
- projects_signed, major_signed (亿元以上), leads: counts of the period;
- start_rate: 开工率 of the projects signed in the period, started by the day taken (0 when none);
- trip_days, visits: effort recorded under the unit and below.

Points per component = min(measure × weight, cap), rounded half up to 0.01; the total is the
sum of rounded points. Units are ranked all on one list, or within each group (counties,
zones, departments …) where the weights say ``within = "group"``; equal totals share a rank
(1, 2, 2, 4). 红榜: rank ≤ red; 黑榜: within the bottom ``black`` counted
from the bottom the same way (ties share a place, so a list may hold more); a unit that would be
on both is on neither.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlmodel import Session

from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.i18n import _
from zhaoshang_cli.core.periods import Period, reference_day
from zhaoshang_cli.report.compute import Report, build_report
from zhaoshang_cli.units.activities import effort_by_unit
from zhaoshang_cli.units.tree import children_of, find_unit
from zhaoshang_cli.watch.counts import unit_counts
from zhaoshang_cli.watch.weights import Weights

CENT = Decimal("0.01")
MEASURE_PLACES = Decimal("0.000001")


def measure(value: Decimal) -> Decimal:
    """A measure as shown: six places, enough to redo the points by hand."""
    return value.quantize(MEASURE_PLACES, ROUND_HALF_UP)


@dataclass
class Scored:
    group: str
    unit: str
    measures: dict[str, Decimal]
    points: dict[str, Decimal]
    total: Decimal
    rank: int = 0
    board: str | None = None  # red / black
    notes: list[str] = field(default_factory=list)


@dataclass
class Score:
    report: Report
    weights: Weights
    rows: list[Scored]

    def board(self, name: str) -> list[Scored]:
        return [row for row in self.rows if row.board == name]


def score_units(
    session: Session, period: Period, weights: Weights, unit: str | None = None
) -> Score:
    if unit is not None and not children_of(session, find_unit(session, unit)):
        raise Invalid(
            _(
                "{unit} has no units below it to rank; give the county, zone or department "
                "whose units are compared (the city's by default)."
            ).format(unit=unit.strip())
        )
    report = build_report(session, period, unit=unit)
    day = reference_day(period)
    members = [(group.kind, row) for group in report.groups for row in group.rows]
    ids = [row.unit_id for _, row in members]
    counts = unit_counts(session, ids, period, day)  # type: ignore[arg-type]
    effort = effort_by_unit(session, ids, period.start, day)  # type: ignore[arg-type]
    rows = []
    for group, row in members:
        found = counts[row.unit_id]  # type: ignore[index]
        days, visits = effort.get(row.unit_id, (0, 0))  # type: ignore[arg-type]
        measures = {
            "funds_progress": row.progress_ratio or Decimal(0),
            "projects_signed": Decimal(found.signed),
            "major_signed": Decimal(found.major),
            "start_rate": Decimal(found.started) / found.signed if found.signed else Decimal(0),
            "leads": Decimal(found.leads),
            "trip_days": Decimal(days),
            "visits": Decimal(visits),
        }
        chosen = {c.name: measures[c.measure] for c in weights.components}
        points = {
            c.name: c.points(chosen[c.name]).quantize(CENT, ROUND_HALF_UP)
            for c in weights.components
        }
        scored = Scored(group, row.unit, chosen, points, sum(points.values(), Decimal(0)))
        if row.target is None:
            scored.notes.append("no_target")
        rows.append(scored)
    if weights.within == "group":
        for group in dict.fromkeys(g for g, _ in members):
            rank_group([r for r in rows if r.group == group], weights)
    else:
        rank_group(rows, weights)
    return Score(report, weights, rows)


def rank_group(rows: list[Scored], weights: Weights) -> None:
    """Competition ranks (1, 2, 2, 4) by total, and the 红榜/黑榜 of one group: 红榜 the units
    ranked within ``red``, 黑榜 those within ``black`` counted from the bottom the same way
    (ties share a place, so a list may hold more); a unit on both (a group too level to tell
    apart) is on neither."""
    for row in rows:
        row.rank = 1 + sum(other.total > row.total for other in rows)
        from_bottom = 1 + sum(other.total < row.total for other in rows)
        red, black = row.rank <= weights.red, from_bottom <= weights.black
        row.board = "red" if red and not black else "black" if black and not red else None


def score_data(score: Score) -> list[dict[str, Any]]:
    """Rows for JSON: each component's measure and points, the total, the rank, the list."""
    return [
        {
            "group": row.group,
            "unit": row.unit,
            "components": {
                name: {"measure": measure(row.measures[name]), "points": row.points[name]}
                for name in row.points
            },
            "total": row.total,
            "rank": row.rank,
            "board": row.board,
            "notes": row.notes,
        }
        for row in score.rows
    ]
