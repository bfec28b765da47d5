"""Targets from a sheet (zs import targets): each through add_target, as `zs target set` would."""

from datetime import date
from typing import Any

from sqlmodel import Session, select

from zhaoshang_cli.core import dates
from zhaoshang_cli.core.errors import ZsError
from zhaoshang_cli.core.glossary import LEVEL, METRIC
from zhaoshang_cli.core.i18n import _
from zhaoshang_cli.spreadsheets.cells import text_of
from zhaoshang_cli.spreadsheets.outcome import Outcome
from zhaoshang_cli.spreadsheets.provenance import keep
from zhaoshang_cli.spreadsheets.reading import Row, Table
from zhaoshang_cli.store.models import Target, Unit
from zhaoshang_cli.targets.setting import add_target, check_year, parse_target_amount
from zhaoshang_cli.units.tree import find_unit


def import_targets(session: Session, table: Table, out: Outcome) -> None:
    """A row equal to a target already set (same unit, year, metric, level, date, amount) is
    skipped; any other row adds to the history, as `zs target set` would, in the sheet's order
    (of two rows from the same day the later is in force, as of two commands)."""
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
        name = values["unit"]
        year = values["year"] or dates.today().year
        metric = values["metric"] or "funds"
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
        if key in seen:  # as a second `zs target set` on the day: the later one is in force
            out.warnings.append(
                _(
                    "row {row}: a second target from the same day as row {earlier}; the later "
                    "row is in force, the earlier kept as history"
                ).format(row=row.number, earlier=seen[key])
            )
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
