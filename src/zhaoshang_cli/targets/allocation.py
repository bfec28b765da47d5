"""Allocation (分解): handing a parent's target down to the units under it, and checking it.

Shares are computed with integers only. An equal or weighted split is rounded down to a
step (whole 元 unless told otherwise) and the remainder goes, one step at a time, to the
units with the largest fractions (on ties the first listed: tree order for --equal, the
option's order for --weights), so the children add up to the parent exactly and each is
within one step of its exact share.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlmodel import Session

from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.i18n import N_, _, ngettext
from zhaoshang_cli.core.text import NOTE_MAX, clean_text
from zhaoshang_cli.store import audit
from zhaoshang_cli.store.models import Unit
from zhaoshang_cli.targets.setting import (
    LEVELS,
    add_target,
    check_level,
    check_metric,
    check_year,
    later_changes,
    parse_target_amount,
    targets_in_force,
)
from zhaoshang_cli.units.tree import children_of, find_unit, unit_tree

MAX_WEIGHT = 1_000_000
WEIGHT_PLACES = 6
METHODS = {
    "split": N_("by explicit amounts"),
    "equal": N_("in equal shares"),
    "weights": N_("by weights"),
    "rank": N_("per person by rank"),
}
# --round: the step an equal or weighted money share is rounded to, in minor units.
ROUND_STEPS = {
    "分": 1,
    "元": 100,
    "十": 1_000,
    "百": 10_000,
    "千": 100_000,
    "万": 1_000_000,
    "十万": 10_000_000,
    "百万": 100_000_000,
    "千万": 1_000_000_000,
    "亿": 10_000_000_000,
}
DEFAULT_STEP = ROUND_STEPS["元"]
_ITEM_SEPARATORS = re.compile(r"[,，、;；\n]")


@dataclass(frozen=True)
class Share:
    unit: Unit
    amount: int
    extra: int = 0  # how much of the amount is rounding remainder placed here
    detail: str | None = None  # a person's rank, or "sum of 3 persons" for an office
    depth: int = 0  # 0: directly under the parent; more: inside one of its offices

    @property
    def direct(self) -> bool:
        return self.depth == 0


@dataclass
class Allocation:
    parent: Unit
    year: int
    metric: str
    level: str
    effective_from: date
    method: str
    parent_amount: int
    step: int | None  # the rounding step of an equal or weighted split
    shares: list[Share]
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        """What the parent's children received (persons in offices count via the office)."""
        return sum(share.amount for share in self.shares if share.direct)

    @property
    def gap(self) -> int:
        """Children's total minus the parent's target: below zero is under-allocated."""
        return self.total - self.parent_amount

    @property
    def remainder(self) -> int:
        return sum(share.extra for share in self.shares)


@dataclass
class TreeNode:
    """One unit of ``target list``: its own targets, its children's sums and the gaps."""

    unit_id: int
    parent_id: int | None
    name: str
    kind: str
    rank: str | None
    path: str
    depth: int
    must: int | None
    strive: int | None
    children: int  # how many units are directly under it
    children_must: int | None  # None for a unit with nothing under it
    children_strive: int | None
    gap_must: int | None  # children_must - must, when both exist
    gap_strive: int | None
    missing_must: int | None  # children without a must target
    status: str


def parse_pairs(spec: str, option: str) -> list[tuple[str, str]]:
    """``甲县=5亿,乙县=4亿`` → [(甲县, 5亿), (乙县, 4亿)]; Chinese punctuation is accepted."""
    items = [item.strip() for item in _ITEM_SEPARATORS.split(spec or "") if item.strip()]
    if not items:
        raise Invalid(
            _("{option} is empty; write it like 甲县=5亿,乙县=4亿.").format(option=option)
        )
    pairs: list[tuple[str, str]] = []
    for item in items:
        name, sep, value = item.replace("＝", "=").partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name or not value:
            raise Invalid(
                _("The {option} item {item!r} is not written as NAME=VALUE.").format(
                    option=option, item=item
                )
            )
        if any(name == seen for seen, _value in pairs):
            raise Invalid(
                _("{option} names {name!r} more than once.").format(option=option, name=name)
            )
        pairs.append((name, value))
    return pairs


def parse_weight(text: str, name: str) -> Decimal:
    try:
        weight = Decimal(text)
    except InvalidOperation:
        weight = Decimal("NaN")
    if not weight.is_finite() or weight <= 0:
        raise Invalid(
            _("The weight {value!r} for {name} is not a positive number.").format(
                value=text, name=name
            )
        )
    if weight > MAX_WEIGHT or weight != round(weight, WEIGHT_PLACES):
        raise Invalid(
            _(
                "The weight {value!r} for {name} is out of range; weights are up to "
                "{max} with at most {places} decimal places."
            ).format(value=text, name=name, max=f"{MAX_WEIGHT:,}", places=WEIGHT_PLACES)
        )
    return weight


def integer_weights(weights: list[Decimal]) -> list[int]:
    """Decimal weights scaled to integers with the same ratios (1.5 : 2 → 15 : 20)."""
    places = max(-min(weight.as_tuple().exponent, 0) for weight in weights)  # type: ignore[operator]
    return [int(weight.scaleb(places)) for weight in weights]


def parse_round(text: str | None) -> int:
    """``--round 万`` → the step in minor units; 元 (or 美元 for fdi) by default."""
    if text is None:
        return DEFAULT_STEP
    key = text.strip().removesuffix("美元").removesuffix("元") or "元"
    if key.startswith("1") and key[1:] in ROUND_STEPS:
        key = key[1:]
    if key not in ROUND_STEPS:
        raise Invalid(
            _("--round {value!r} is not a unit; use one of: {choices}.").format(
                value=text, choices=", ".join(ROUND_STEPS)
            )
        )
    return ROUND_STEPS[key]


def step_name(step: int, metric: str) -> str:
    name = next(key for key, value in ROUND_STEPS.items() if value == step)
    currency = "美元" if metric == "fdi" else "元"
    return name if name == "分" else name.removesuffix("元") + currency


def split_exactly(total: int, weights: list[int], step: int = 1) -> list[tuple[int, int]]:
    """(amount, remainder placed) per weight: multiples of step that add up to total.

    Each share is first rounded down to the step; what is left (always less than one step
    per share) is handed out a step at a time to the largest fractions, earlier ones first
    on ties; a last piece smaller than a step arises only when total is not a multiple of it.
    """
    whole = sum(weights)
    bases: list[int] = []
    fractions: list[int] = []
    for weight in weights:
        units, fraction = divmod(total * weight, whole * step)
        bases.append(units * step)
        fractions.append(fraction)
    left = total - sum(bases)
    extras = [0] * len(weights)
    for index in sorted(range(len(weights)), key=lambda i: (-fractions[i], i)):
        if left <= 0:
            break
        extras[index] = min(step, left)
        left -= extras[index]
    return [(base + extra, extra) for base, extra in zip(bases, extras, strict=True)]


def _named_children(
    session: Session, parent: Unit, names: list[str], option: str, partial: bool
) -> list[Unit]:
    """The children a spec names, in the spec's order; all of them unless --partial."""
    children = children_of(session, parent)
    by_name = {child.name: child for child in children}
    for name in names:
        if name not in by_name:
            listed = _(", ").join(by_name) or _("none")
            raise Invalid(
                _("{name} is not a unit directly under {parent} (its units: {listed}).").format(
                    name=name, parent=parent.name, listed=listed
                )
            )
    left_out = [child.name for child in children if child.name not in names]
    if left_out and not partial:
        raise Invalid(
            _(
                "{option} leaves out {units} under {parent}; name every unit or add --partial."
            ).format(option=option, units=_(", ").join(left_out), parent=parent.name)
        )
    return [by_name[name] for name in names]


def _rank_shares(
    session: Session, parent: Unit, spec: str, metric: str, partial: bool, notes: list[str]
) -> list[Share]:
    """Persons directly under the unit or inside its offices (at any depth) get their rank's
    amount; each office on the way gets the sum of its persons, so the tree adds up. Towns
    and other units below have targets of their own and are not entered."""
    prices = {
        rank: parse_target_amount(value, metric) for rank, value in parse_pairs(spec, "--by-rank")
    }
    persons: list[Unit] = []

    def walk(unit: Unit, depth: int) -> tuple[list[Share], int, int]:
        shares: list[Share] = []
        total = count = 0
        for child in children_of(session, unit):
            if child.kind == "person":
                persons.append(child)
                if child.rank in prices:
                    amount = prices[child.rank]
                    shares.append(Share(child, amount, detail=child.rank, depth=depth))
                    total, count = total + amount, count + 1
            elif child.kind == "office":
                inner, subtotal, members = walk(child, depth + 1)
                if members:
                    detail = ngettext(
                        "sum of {count} person", "sum of {count} persons", members
                    ).format(count=members)
                    shares.append(Share(child, subtotal, detail=detail, depth=depth))
                    shares.extend(inner)
                    total, count = total + subtotal, count + members
        return shares, total, count

    shares, _total, _count = walk(parent, 0)
    if not persons:
        raise Invalid(
            _("There are no persons under {parent} (directly or in its offices).").format(
                parent=parent.name
            )
        )
    unpriced = [person for person in persons if person.rank not in prices]
    if unpriced and not partial:
        who = _(", ").join(f"{p.name} ({p.rank or _('no rank')})" for p in unpriced)
        raise Invalid(
            _(
                "--by-rank gives no amount for {who}; add their rank or use --partial to skip them."
            ).format(who=who)
        )
    for person in unpriced:
        notes.append(
            _("Skipped {name} ({rank}): no amount for that rank.").format(
                name=person.name, rank=person.rank or _("no rank")
            )
        )
    for rank in prices:
        if not any(person.rank == rank for person in persons):
            notes.append(
                _("No person under {parent} has the rank {rank}.").format(
                    parent=parent.name, rank=rank
                )
            )
    return shares


def allocate_target(
    session: Session,
    parent_name: str,
    year: int,
    method: str,
    spec: str | None = None,
    *,
    metric: str = "funds",
    level: str = "must",
    effective_from: date | None = None,
    reason: str | None = None,
    round_to: str | None = None,
    partial: bool = False,
) -> Allocation:
    """Split the parent's target in force on ``effective_from`` and write every child's row
    from that date, all in the caller's transaction; nothing is written if anything is wrong."""
    check_year(year)
    info = check_metric(metric)
    metric = info.key
    level = check_level(level)
    reason = clean_text(reason, N_("reason"), limit=NOTE_MAX, lines=True)
    if method not in METHODS:
        raise Invalid(
            _("Unknown allocation method {method!r}; use one of: {choices}.").format(
                method=method, choices=", ".join(METHODS)
            )
        )
    on = effective_from or date(year, 1, 1)
    if on.year != year:
        raise Invalid(
            _("The date {date} is not in the target year {year}.").format(date=on, year=year)
        )
    if round_to is not None and method not in ("equal", "weights"):
        raise Invalid(_("--round applies to --equal and --weights only."))
    if round_to is not None and not info.money:
        raise Invalid(
            _("--round applies to money targets; {metric} targets are whole numbers.").format(
                metric=metric
            )
        )
    if partial and method == "equal":
        raise Invalid(_("--partial does not apply to --equal, which shares among all units."))
    step = parse_round(round_to) if info.money else 1
    parent = find_unit(session, parent_name)
    parent_amount = targets_in_force(session, year, metric, on, unit_ids=[parent.id]).get(
        (parent.id, level)  # type: ignore[arg-type]
    )
    if parent_amount is None:
        raise Invalid(
            _(
                "{parent} has no {year} {metric} target ({level}) in force on {date} "
                "to allocate; set one first with `zs target set`."
            ).format(parent=parent.name, year=year, metric=metric, level=LEVELS[level], date=on)
        )
    if method != "rank" and not children_of(session, parent):
        raise Invalid(
            _("{parent} has no units under it to allocate to.").format(parent=parent.name)
        )

    notes: list[str] = []
    if method == "split":
        pairs = parse_pairs(spec or "", "--split")
        amounts = [parse_target_amount(value, metric) for _name, value in pairs]
        children = _named_children(session, parent, [n for n, _value in pairs], "--split", partial)
        shares = [Share(c, a) for c, a in zip(children, amounts, strict=True)]
    elif method == "rank":
        shares = _rank_shares(session, parent, spec or "", metric, partial, notes)
    else:
        if method == "equal":
            children = children_of(session, parent)
            weights = [1] * len(children)
        else:
            pairs = parse_pairs(spec or "", "--weights")
            decimals = [parse_weight(value, name) for name, value in pairs]
            children = _named_children(
                session, parent, [n for n, _value in pairs], "--weights", partial
            )
            weights = integer_weights(decimals)
        split = split_exactly(parent_amount, weights, step)
        shares = [
            Share(child, amount, extra)
            for child, (amount, extra) in zip(children, split, strict=True)
        ]

    later = later_changes(session, year, metric, level, [s.unit.id for s in shares], on)  # type: ignore[misc]
    if later:
        names = _(", ").join(
            f"{s.unit.name} ({later[s.unit.id]})" for s in shares if s.unit.id in later
        )  # type: ignore[index]
        notes.append(
            _(
                "These units have later targets, which still apply from those dates: {names}."
            ).format(names=names)
        )
    for share in shares:
        add_target(
            session,
            share.unit,
            year,
            metric,
            share.amount,
            level=level,
            effective_from=on,
            basis=method,
            reason=reason,
        )
    allocation = Allocation(
        parent,
        year,
        metric,
        level,
        on,
        method,
        parent_amount,
        step if method in ("equal", "weights") else None,
        shares,
        notes,
    )
    audit.record(
        session,
        "target.allocate",
        "unit",
        parent.id,
        after={
            "unit": parent.name,
            "year": year,
            "metric": metric,
            "level": level,
            "effective_from": on,
            "method": method,
            "spec": spec,
            "parent_amount": parent_amount,
            "total": allocation.total,
            "units": len(shares),
            "reason": reason,
        },
    )
    return allocation


def _status(node_children: int, own: int | None, children_sum: int | None) -> str:
    if not node_children:
        return ""
    if own is None:
        return "no own target" if children_sum else ""
    if not children_sum:
        return "not allocated"
    if children_sum < own:
        return "under"
    if children_sum > own:
        return "over"
    return "balanced"


def target_tree(session: Session, year: int, metric: str, on: date) -> list[TreeNode]:
    """Every unit in tree order with its targets in force on ``on`` and its children's."""
    check_year(year)
    metric = check_metric(metric).key
    in_force = targets_in_force(session, year, metric, on)
    nodes = unit_tree(session)
    kids: dict[int, list[int]] = {}
    for node in nodes:
        if node.unit.parent_id is not None:
            kids.setdefault(node.unit.parent_id, []).append(node.unit.id)  # type: ignore[arg-type]
    result = []
    for node in nodes:
        unit_id: int = node.unit.id  # type: ignore[assignment]
        below = kids.get(unit_id, [])
        own = {level: in_force.get((unit_id, level)) for level in LEVELS}
        sums: dict[str, int | None] = {level: None for level in LEVELS}
        gaps: dict[str, int | None] = {level: None for level in LEVELS}
        missing = None
        if below:
            for level in LEVELS:
                given = [in_force[(kid, level)] for kid in below if (kid, level) in in_force]
                if own[level] is None and not given:
                    continue  # nothing at this level here: blank, not a row of zeros
                sums[level] = sum(given)
                if own[level] is not None:
                    gaps[level] = sums[level] - own[level]  # type: ignore[operator]
            missing = sum(1 for kid in below if (kid, "must") not in in_force)
        result.append(
            TreeNode(
                unit_id=unit_id,
                parent_id=node.unit.parent_id,
                name=node.unit.name,
                kind=node.unit.kind,
                rank=node.unit.rank,
                path=node.path,
                depth=node.depth,
                must=own["must"],
                strive=own["strive"],
                children=len(below),
                children_must=sums["must"],
                children_strive=sums["strive"],
                gap_must=gaps["must"],
                gap_strive=gaps["strive"],
                missing_must=missing,
                status=_status(len(below), own["must"], sums["must"]),
            )
        )
    return result
