"""Computing the report: a handful of GROUP BY queries over one read snapshot.

Figures are exact Decimals in the report's unit (万元 for funds, 万美元 for fdi, a count
for projects and major), so any cell can be recomputed by hand from the ledger.
Money from investors inside the city (origin ``local``) is not 招商引资 and is left out.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.glossary import UNIT_KINDS
from zhaoshang_cli.core.periods import Period, is_month_end, time_progress
from zhaoshang_cli.projects.facts import check_occasions
from zhaoshang_cli.report import breakdowns
from zhaoshang_cli.report.counts import count_actuals
from zhaoshang_cli.report.lists import project_lists, signed_without_amount
from zhaoshang_cli.report.passes import (
    credited_totals,
    funds_and_facts,
    money_by_root,
    per_project_money,
)
from zhaoshang_cli.report.projects import follow_through
from zhaoshang_cli.report.state import credit_at, project_at
from zhaoshang_cli.settings.stored import Issuer, issuer
from zhaoshang_cli.store.db import Db, connection_of
from zhaoshang_cli.store.queries import BP, MINOR_PER_WAN
from zhaoshang_cli.targets.in_force import METRICS, check_metric, targets_in_force
from zhaoshang_cli.units.facts import KIND_ORDER, UnitFacts, children_facts, the_top, unit_named

DEFAULT_THRESHOLD = Decimal("0.7")
GROUP_LABELS = {"county": "县区", "zone": "开发区", "department": "市直部门"}

FLAG_BEHIND = "behind_schedule"  # completion below 时序进度
FLAG_FAR_BEHIND = "far_behind"  # completion below threshold × 时序进度 (yellow card)
FLAG_NOTHING = "nothing_arrived"


@dataclass
class Row:
    unit: str
    kind: str
    target: Decimal | None
    strive: Decimal | None
    actual: Decimal
    last_year: Decimal
    completion: Decimal | None = None
    progress_ratio: Decimal | None = None
    yoy: Decimal | None = None
    rank: int | None = None
    flags: list[str] = field(default_factory=list)
    unit_id: int | None = None


@dataclass
class Group:
    kind: str
    label: str
    rows: list[Row]
    subtotal: Row


@dataclass
class Report:
    parent: str
    metric: str
    unit_label: str
    period: Period
    month: int | None
    time_progress: Decimal
    threshold: Decimal
    groups: list[Group]
    total: Row
    projects: dict[str, Any]
    rates: dict[str, Any]
    lists: dict[str, list[dict[str, Any]]]
    as_of: date | None = None
    occasion: str | None = None
    own: Row | None = None  # 本级: what the parent holds itself, beside its children
    breakdowns: dict[str, Any] = field(default_factory=dict)
    issuer: Issuer | None = None
    warnings: list[dict[str, Any]] = field(default_factory=list)

    @property
    def year(self) -> int:
        return self.period.year


def ratio(numerator: Decimal, denominator: Decimal | None) -> Decimal | None:
    if denominator is None or denominator == 0:
        return None
    return numerator / denominator


def growth(this: Decimal, last: Decimal) -> Decimal | None:
    """同比; nothing to compare with (no figure last year) gives None, never a division by 0."""
    return None if last <= 0 else (this - last) / last


def root_unit(db: Db, unit: str | None) -> UnitFacts:
    return unit_named(db, unit) if unit is not None else the_top(db)


def unit_actuals(
    db: Db, root_ids: list[int], metric: str, period: Period, as_of: date | None
) -> dict[int, tuple[Decimal, Decimal]]:
    """{root unit: (this period, same period last year)} over each root's whole subtree,
    crediting joint projects by their shares as they stood on the period's end. Sums come back
    per share and are multiplied here, exactly (see ``passes.money_by_root``). Counts are of
    distinct projects (``counts``)."""
    if metric not in ("funds", "fdi"):
        sets = {root: [root] for root in root_ids}
        return count_actuals(db, sets, metric, period, as_of)  # type: ignore[return-value]
    pu, p = credit_at(db, period.end, as_of), project_at(db, period.end, as_of)
    last = period.previous_year()
    per_project = per_project_money(metric, period, last, as_of)
    query = money_by_root(per_project, root_ids, metric, p, pu)
    return credited_totals(connection_of(db).execute(query), BP * MINOR_PER_WAN)


def _target_value(amount: int | None, metric: str) -> Decimal | None:
    if amount is None:
        return None
    return Decimal(amount) / MINOR_PER_WAN if METRICS[metric].money else Decimal(amount)


def finish_row(row: Row, progress: Decimal, threshold: Decimal) -> Row:
    row.completion = ratio(row.actual, row.target)
    row.progress_ratio = ratio(row.completion, progress) if row.completion is not None else None
    row.yoy = growth(row.actual, row.last_year)
    row.flags = []
    if row.completion is not None:
        if row.completion < progress:
            row.flags.append(FLAG_BEHIND)
        if row.completion < threshold * progress:
            row.flags.append(FLAG_FAR_BEHIND)
    if row.actual == 0:
        row.flags.append(FLAG_NOTHING)
    return row


def rank_rows(rows: list[Row]) -> None:
    """位次 by completion within a group; equal completion shares a rank (1, 2, 2, 4)."""
    ranked = sorted((r for r in rows if r.completion is not None), key=lambda r: -r.completion)  # type: ignore[operator]
    for position, row in enumerate(ranked, start=1):
        previous = ranked[position - 2] if position > 1 else None
        row.rank = previous.rank if previous and previous.completion == row.completion else position


def subtotal(label: str, kind: str, rows: list[Row], progress: Decimal, threshold: Decimal) -> Row:
    targets = [r.target for r in rows if r.target is not None]
    strives = [r.strive for r in rows if r.strive is not None]
    row = Row(
        unit=label,
        kind=kind,
        target=sum(targets, Decimal(0)) if targets else None,
        strive=sum(strives, Decimal(0)) if strives else None,
        actual=sum((r.actual for r in rows), Decimal(0)),
        last_year=sum((r.last_year for r in rows), Decimal(0)),
    )
    return finish_row(row, progress, threshold)


def build_report(
    db: Db,
    period: Period,
    *,
    metric: str = "funds",
    unit: str | None = None,
    threshold: Decimal = DEFAULT_THRESHOLD,
    as_of: date | None = None,
    occasion: str | None = None,
    with_lists: bool = False,
) -> Report:
    """The whole report for the children of ``unit`` (default: the city)."""
    spec = check_metric(metric)
    metric = spec.key
    if not Decimal(0) < threshold <= Decimal(1):
        raise Invalid("The threshold must be a fraction between 0 and 1, e.g. 0.7.")
    if occasion is not None:
        occasion = check_occasions(db, [occasion])[0]
    parent = root_unit(db, unit)
    children = children_facts(db, parent.id)
    progress = time_progress(period)
    root_ids: list[int] = [parent.id, *(c.id for c in children)]  # type: ignore[list-item]
    if metric == "funds":  # the units' money and the project facts from one pass
        actuals, facts = funds_and_facts(db, root_ids, parent.id, period, as_of)  # type: ignore[arg-type]
    else:
        actuals = unit_actuals(db, root_ids, metric, period, as_of)
        facts = breakdowns.project_facts(db, parent.id, period, as_of)  # type: ignore[arg-type]
    targets = targets_in_force(db, period.year, metric, period.end, as_of=as_of)
    zero = (Decimal(0), Decimal(0))

    def make_row(u: UnitFacts) -> Row:
        this, last = actuals.get(u.id, zero)  # type: ignore[arg-type]
        row = Row(
            unit=u.name,
            kind=u.kind,
            unit_id=u.id,
            target=_target_value(targets.get((u.id, "must")), metric),  # type: ignore[arg-type]
            strive=_target_value(targets.get((u.id, "strive")), metric),  # type: ignore[arg-type]
            actual=this,
            last_year=last,
        )
        return finish_row(row, progress, threshold)

    groups = []
    for kind in KIND_ORDER:
        rows = [make_row(child) for child in children if child.kind == kind]
        if not rows:
            continue
        rank_rows(rows)
        label = GROUP_LABELS.get(kind, UNIT_KINDS[kind])
        groups.append(
            Group(kind, label, rows, subtotal(f"{label}小计", kind, rows, progress, threshold))
        )
    if not spec.money:  # a joint project once in a subtotal, however many of its units
        sets = {group.kind: [row.unit_id for row in group.rows] for group in groups}
        counted = count_actuals(db, sets, metric, period, as_of)  # type: ignore[arg-type]
        for group in groups:
            group.subtotal.actual, group.subtotal.last_year = counted[group.kind]
            finish_row(group.subtotal, progress, threshold)
    total = make_row(parent)
    total.unit = f"{parent.name}合计"
    return Report(
        parent=parent.name,
        metric=metric,
        unit_label=spec.unit,
        period=period,
        month=period.end.month if is_month_end(period.end) else None,
        time_progress=progress,
        threshold=threshold,
        groups=groups,
        total=total,
        projects=breakdowns.summary(facts),
        rates=follow_through(db, parent, period, occasion, as_of),
        lists=project_lists(db, parent.id, period, as_of) if with_lists else {},  # type: ignore[arg-type]
        as_of=as_of,
        occasion=occasion,
        own=own_row(db, parent, groups, total, period, as_of, metric=metric),
        breakdowns={
            "origin": breakdowns.by_origin(facts),
            "industry": breakdowns.by_industry(facts),
            "tier": breakdowns.by_tier(facts),
            "status": breakdowns.by_status(facts),
            "foreign": foreign_figures(db, parent, period, as_of),
        },
        issuer=issuer(db, year=period.year, month=period.end.month, pattern_key="doc_number"),
        warnings=signed_without_amount(db, parent.id, period, as_of),  # type: ignore[arg-type]
    )


def own_label(parent: UnitFacts) -> str:
    return "市本级" if parent.kind == "city" else f"{parent.name}本级"


def own_row(
    db: Db,
    parent: UnitFacts,
    groups: list[Group],
    total: Row,
    period: Period,
    as_of: date | None,
    *,
    metric: str = "funds",
) -> Row | None:
    """本级: money and projects credited to the parent itself rather than to a unit under it,
    so the rows add up to the total (money; a count is of the projects credited to the parent
    itself, and a joint project counts in every row it credits). None where the parent holds
    nothing directly."""
    children = [row for group in groups for row in group.rows]
    row = Row(
        unit=own_label(parent),
        kind="own",
        target=None,
        strive=None,
        actual=total.actual - sum((r.actual for r in children), Decimal(0)),
        last_year=total.last_year - sum((r.last_year for r in children), Decimal(0)),
        unit_id=parent.id,
    )
    if not METRICS[metric].money:
        direct_count = count_actuals(
            db, {parent.id: [parent.id]}, metric, period, as_of, below=False
        )
        row.actual, row.last_year = direct_count[parent.id]
    p, credit = project_at(db, period.end, as_of), credit_at(db, period.end, as_of)
    # From the parent's own credit, each project looked up by id: a parent holds few projects
    # directly, so this beats a pass over every project signed in the period.
    signed_here = select(p.c.id).where(
        p.c.id == credit.c.project_id,
        func.coalesce(p.c.origin, "") != "local",
        p.c.signed_on >= period.start,
        p.c.signed_on <= period.end,
    )
    direct = (
        select(credit.c.project_id)
        .where(credit.c.unit_id == parent.id, signed_here.exists())
        .limit(1)
    )
    holds = connection_of(db).execute(direct).first() is not None
    if row.actual == 0 and row.last_year == 0 and not holds:
        return None
    row.yoy = growth(row.actual, row.last_year)
    return row


def foreign_figures(
    db: Db, parent: UnitFacts, period: Period, as_of: date | None
) -> dict[str, Any]:
    """实际使用外资 (万美元, this period and last year's) and 合同外资 (万元 and 万美元)."""
    fdi = unit_actuals(db, [parent.id], "fdi", period, as_of)  # type: ignore[list-item]
    actual, last_year = fdi.get(parent.id, (Decimal(0), Decimal(0)))  # type: ignore[arg-type]
    contracts = breakdowns.foreign_contracts(db, parent.id, period, as_of)  # type: ignore[arg-type]
    return {
        "fdi": actual,
        "fdi_last_year": last_year,
        "fdi_yoy": growth(actual, last_year),
        **contracts,
    }
