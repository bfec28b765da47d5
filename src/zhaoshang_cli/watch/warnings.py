"""The 督查清单: projects that need chasing on a day, each under the rule that lists it.

Rules (thresholds from ``thresholds``, i.e. the ledger settings ``warn.*``):
- ``signed_not_started``: signed, not started ``warn.signed_not_started`` after signing;
- ``started_no_money``: started, nothing arrived ``warn.started_no_money`` after starting;
- ``low_funds``: ``warn.low_funds_after`` after signing, less than ``warn.low_funds_share`` of
  the contract has arrived;
- ``stalled``: a 线索 or 在谈 whose stage has not moved for ``warn.stalled``;
- ``no_amount``: signed with no contract amount (a figure the report cannot show).

A project is listed from the day its time is up (signed 90 days before the day taken, with a
threshold of 90d, is listed; 89 days is not). Terminated projects are not chased, and local
investors' projects are not 招商引资. The state on the day comes from the project's dates and
stage history, so a past day's list is the list as it stood then.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlmodel import Session

from zhaoshang_cli.core.errors import NotFound
from zhaoshang_cli.core.glossary import Terms
from zhaoshang_cli.core.i18n import N_, _
from zhaoshang_cli.projects.names import credited_labels
from zhaoshang_cli.settings.thresholds import Duration, Thresholds, share_text
from zhaoshang_cli.store.models import Unit
from zhaoshang_cli.store.queries import counted
from zhaoshang_cli.store.tables import ARRIVAL, PROJECT, PROJECT_UNIT
from zhaoshang_cli.units.tree import subtree
from zhaoshang_cli.watch.counts import EVENT, alive_on

RULE = Terms(
    N_("warning rule"),
    {
        "signed_not_started": "签约未开工",
        "started_no_money": "开工未到资",
        "low_funds": "资金到位偏低",
        "stalled": "线索在谈停滞",
        "no_amount": "签约无合同额",
    },
    {"未开工": "signed_not_started", "未到资": "started_no_money", "停滞": "stalled"},
)
RULES = tuple(RULE.labels)
P = PROJECT


@dataclass(frozen=True)
class RuleText:
    """A rule as the output states it, so a unit can check its rows by hand."""

    rule: str
    settings: tuple[str, ...]
    threshold: str | None
    text: str


def rule_texts(limits: Thresholds) -> dict[str, RuleText]:
    return {
        "signed_not_started": RuleText(
            "signed_not_started",
            ("warn.signed_not_started",),
            str(limits.signed_not_started),
            _("signed, not started {time} after signing").format(
                time=limits.signed_not_started.words()
            ),
        ),
        "started_no_money": RuleText(
            "started_no_money",
            ("warn.started_no_money",),
            str(limits.started_no_money),
            _("started, no money arrived {time} after starting").format(
                time=limits.started_no_money.words()
            ),
        ),
        "low_funds": RuleText(
            "low_funds",
            ("warn.low_funds_after", "warn.low_funds_share"),
            f"{limits.low_funds_after}, {share_text(limits.low_funds_share)}",
            _("less than {share} of the contract arrived {time} after signing").format(
                share=share_text(limits.low_funds_share), time=limits.low_funds_after.words()
            ),
        ),
        "stalled": RuleText(
            "stalled",
            ("warn.stalled",),
            str(limits.stalled),
            _("a lead or negotiation whose stage has not moved for {time}").format(
                time=limits.stalled.words()
            ),
        ),
        "no_amount": RuleText(
            "no_amount", (), None, _("signed with no contract amount (listed at once)")
        ),
    }


@dataclass
class Warnings:
    day: date
    rules: list[RuleText]
    rows: list[dict[str, Any]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        found = {rule.rule: 0 for rule in self.rules}
        for row in self.rows:
            found[row["rule"]] += 1
        return found


def check_leader(session: Session, leader: str) -> str:
    """A leader named by some project: a typo gets a sentence, not an empty list."""
    name = leader.strip()
    found = session.connection().execute(select(P.c.id).where(P.c.leader == name).limit(1))
    if found.first() is None:
        raise NotFound(
            _("No project has {leader!r} as its leader (包保领导).").format(leader=leader)
        )
    return name


def project_warnings(
    session: Session,
    day: date,
    limits: Thresholds,
    *,
    root: Unit | None = None,
    leader: str | None = None,
    rules: list[str] | None = None,
) -> Warnings:
    """Every project to chase on ``day``, by rule; ``root`` keeps projects credited under it."""
    chosen = [RULE.parse(rule) for rule in rules] if rules else list(RULES)
    texts = rule_texts(limits)
    if leader is not None:
        leader = check_leader(session, leader)
    found = Warnings(day, [texts[rule] for rule in RULES if rule in chosen])
    # Per project, looked up by index only for the candidates each rule's dates leave: the
    # money arrived by the day, and the stage it stood at (with the date it got there).
    a, ev = ARRIVAL, EVENT
    money = (
        select(func.coalesce(func.sum(a.c.cny_fen), 0))
        .where(a.c.project_id == P.c.id, a.c.arrived_on <= day)
        .scalar_subquery()
    )
    latest = (
        select(ev.c.stage, ev.c.on_date)
        .where(ev.c.project_id == P.c.id, ev.c.on_date <= day)
        .order_by(ev.c.on_date.desc(), ev.c.id.desc())
        .limit(1)
    )
    stage = latest.with_only_columns(ev.c.stage).scalar_subquery()
    moved_on = latest.with_only_columns(ev.c.on_date).scalar_subquery()
    numerator, denominator = limits.low_funds_share.as_integer_ratio()
    unsigned = or_(P.c.signed_on.is_(None), P.c.signed_on > day)
    conditions = {
        "signed_not_started": (
            P.c.signed_on,
            limits.signed_not_started,
            and_(
                P.c.signed_on <= limits.signed_not_started.before(day),
                or_(P.c.started_on.is_(None), P.c.started_on > day),
            ),
        ),
        "started_no_money": (
            P.c.started_on,
            limits.started_no_money,
            and_(P.c.started_on <= limits.started_no_money.before(day), money <= 0),
        ),
        "low_funds": (
            P.c.signed_on,
            limits.low_funds_after,
            and_(
                P.c.signed_on <= limits.low_funds_after.before(day),
                P.c.contract_fen > 0,
                money * denominator < P.c.contract_fen * numerator,
            ),
        ),
        "stalled": (
            moved_on,
            limits.stalled,
            and_(
                unsigned,  # only a project not signed by the day can be a lead on it
                stage.in_(("lead", "negotiating")),
                moved_on <= limits.stalled.before(day),
            ),
        ),
        "no_amount": (P.c.signed_on, None, and_(P.c.signed_on <= day, P.c.contract_fen.is_(None))),
    }
    common = [counted(), alive_on(day)]
    if root is not None:
        tree = subtree([root.id])  # type: ignore[list-item]
        pu = PROJECT_UNIT
        credited = select(pu.c.project_id).join(tree, tree.c.id == pu.c.unit_id)
        common.append(P.c.id.in_(credited))
    if leader is not None:
        common.append(P.c.leader == leader)
    rows: list[dict[str, Any]] = []
    for rule in found.rules:
        clock, limit, condition = conditions[rule.rule]
        query = (
            select(
                P.c.id,
                P.c.code,
                P.c.name,
                P.c.leader,
                stage.label("stage"),
                clock.label("clock"),
                P.c.contract_fen,
                money.label("arrived_fen"),
            )
            .where(condition, *common)
            .order_by(clock, P.c.code)
        )
        for row in session.connection().execute(query).mappings():
            rows.append(_row(rule.rule, dict(row), limit, day))
    names = credited_labels(session, [row["id"] for row in rows]) if rows else {}
    for row in rows:
        row["units"] = names.get(row.pop("id"), "")
    found.rows = rows
    return found


def _row(rule: str, row: dict[str, Any], limit: Duration | None, day: date) -> dict[str, Any]:
    clock: date = row["clock"]
    contract = row["contract_fen"]
    arrived = int(row["arrived_fen"] or 0)
    return {
        "id": row["id"],
        "rule": rule,
        "code": row["code"],
        "name": row["name"],
        "leader": row["leader"],
        "stage": row["stage"],
        "clock": clock,
        "due_on": limit.after(clock) if limit is not None else clock,
        "days": (day - clock).days,
        "contract_fen": contract,
        "arrived_fen": arrived,
        "arrived_share": Decimal(arrived) / contract if contract else None,
    }
