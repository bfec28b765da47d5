"""The audit trail read like a 台账 log: what was done, to what, and what changed (old → new).

``history`` gives the entries with plain values (money in 万); the rest of this module writes them
for people, in their language: action names (新增项目, 资金到位, 冲销, 目标分解 …), field
labels, codes as words (签约, 省外), money with its unit. JSON keeps the codes.
"""

import json
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from zhaoshang_cli.core.glossary import (
    BASIS,
    LEVEL,
    METRIC,
    ORIGIN,
    SOURCE,
    STAGE,
    UNIT_KIND,
    USER_ROLE,
    Terms,
)
from zhaoshang_cli.core.i18n import N_, _
from zhaoshang_cli.store.audit import plain
from zhaoshang_cli.store.models import AuditEntry, Project


def history(
    session: Session, project_id: int | None = None, limit: int | None = None
) -> list[dict]:
    """The trail, oldest first: ``at`` a UTC datetime, ``project`` the project's code,
    ``before``/``after`` the changed values (``plain``)."""
    query = (
        select(AuditEntry, Project.code)
        .outerjoin(Project, col(Project.id) == col(AuditEntry.project_id))
        .order_by(col(AuditEntry.id))
    )
    if project_id is not None:
        query = query.where(AuditEntry.project_id == project_id)
    if limit:
        query = query.order_by(None).order_by(col(AuditEntry.id).desc()).limit(limit)
    found = sorted(session.exec(query), key=lambda pair: pair[0].id or 0)
    rows = []
    for entry, code in found:
        before = json.loads(entry.before) if entry.before else None
        after = json.loads(entry.after) if entry.after else None
        metric = (after or {}).get("metric")
        rows.append(
            {
                "id": entry.id,
                "at": entry.at,
                "operator": entry.operator,
                "action": entry.action,
                "entity": entry.entity,
                "entity_id": entry.entity_id,
                "project": code,
                "before": plain(before, metric),
                "after": plain(after, metric),
            }
        )
    return rows


ACTIONS = {
    "unit.add": N_("unit added"),
    "project.add": N_("project added"),
    "project.stage": N_("stage moved"),
    "project.stage.correct": N_("stage corrected"),
    "project.edit": N_("project changed"),
    "project.owner": N_("investor changed"),
    "project.increase": N_("capital increase"),
    "project.void": N_("project voided"),
    "arrival.record": N_("arrival recorded"),
    "arrival.reverse": N_("arrival reversed"),
    "target.set": N_("target set"),
    "target.allocate": N_("target allocated"),
    "rate.set": N_("exchange rate set"),
    "activity.add": N_("activity recorded"),
    "bulletin.write": N_("bulletin written"),
    "demo.build": N_("demo ledger built"),
    "ledger.chain": N_("audit chain started"),
    "user.add": N_("user added"),
    "user.set": N_("user changed"),
    "user.remove": N_("user removed"),
}
ENTITIES = {
    "unit": N_("unit"),
    "project": N_("project"),
    "arrival": N_("arrival"),
    "target": N_("target"),
    "exchange_rate": N_("exchange rate"),
    "activity": N_("activity"),
    "bulletin_run": N_("bulletin"),
    "ledger": N_("ledger"),
    "user": N_("user"),
}
FIELDS = {
    "name": N_("name"),
    "kind": N_("kind"),
    "parent": N_("parent unit"),
    "rank": N_("rank"),
    "unit": N_("unit"),
    "units": N_("responsible units"),
    "code": N_("code"),
    "investor": N_("investor"),
    "origin": N_("investor origin"),
    "industry": N_("industry"),
    "industrial": N_("industrial project"),
    "contract_wan": N_("contract amount"),
    "increase_wan": N_("increase"),
    "contract_currency": N_("contract currency"),
    "contract_original_wan": N_("contract amount in its currency"),
    "total_investment_wan": N_("total investment"),
    "stage": N_("stage"),
    "signed_on": N_("signing date"),
    "started_on": N_("start date"),
    "completed_on": N_("completion date"),
    "producing_on": N_("production date"),
    "terminated_on": N_("termination date"),
    "termination_reason": N_("termination reason"),
    "occasion": N_("signing occasion"),
    "leader": N_("leader in charge"),
    "recruiter": N_("credited official"),
    "informant": N_("information provider"),
    "contact": N_("investor contact"),
    "credit": N_("credit"),
    "effective_on": N_("in effect from"),
    "duplicate_of": N_("same investor and name as"),
    "void_reason": N_("reason for voiding"),
    "correction": N_("correction"),
    "reason": N_("reason"),
    "arrived_on": N_("arrival date"),
    "amount_original_wan": N_("amount in its currency"),
    "currency": N_("currency"),
    "rate": N_("exchange rate"),
    "cny_wan": N_("amount (CNY)"),
    "usd_wan": N_("amount (USD)"),
    "source": N_("source"),
    "ref": N_("voucher"),
    "note": N_("note"),
    "warnings": N_("warnings"),
    "arrival": N_("arrival"),
    "reverses": N_("reverses arrival"),
    "reverses_id": N_("reverses arrival"),
    "year": N_("year"),
    "metric": N_("metric"),
    "level": N_("level"),
    "amount": N_("target"),
    "amount_wan": N_("target"),
    "effective_from": N_("in force from"),
    "basis": N_("allocation method"),
    "method": N_("allocation method"),
    "spec": N_("allocation"),
    "parent_amount": N_("parent's target"),
    "parent_amount_wan": N_("parent's target"),
    "total": N_("allocated in total"),
    "total_wan": N_("allocated in total"),
    "month": N_("month"),
    "on_date": N_("date"),
    "trip_days": N_("trip days"),
    "visits": N_("companies visited"),
    "week": N_("week"),
    "role": N_("role"),
    "password": N_("new password"),
}
# Values that are codes, shown as words; the rest as they are.
CODES: dict[str, Terms] = {
    "kind": UNIT_KIND,
    "stage": STAGE,
    "origin": ORIGIN,
    "source": SOURCE,
    "metric": METRIC,
    "level": LEVEL,
    "basis": BASIS,
    "method": BASIS,
    "role": USER_ROLE,
}
# Bookkeeping that says nothing to a reader of the log.
HIDDEN = frozenset({"project_id", "unit_id", "operator", "entered_at", "usd_wan"})
TARGET_MONEY = frozenset({"amount_wan", "parent_amount_wan", "total_wan"})


def action_name(action: str) -> str:
    return _(ACTIONS[action]) if action in ACTIONS else action


def subject(entry: dict[str, Any]) -> str:
    """What the entry is about: 项目 2026-0001, 单位 甲县, 到位资金 #3 …"""
    kind = entry["entity"]
    entity = _(ENTITIES[kind]) if kind in ENTITIES else kind
    after = entry["after"] or {}
    if entry["project"]:
        return (
            f"{entity} {entry['project']}"
            if entry["entity"] == "project"
            else (f"{entity} #{entry['entity_id']} ({entry['project']})")
        )
    named = entry["entity"] in ("unit", "user")
    name = (after or entry["before"] or {}).get("name") if named else after.get("unit")
    if name:
        return f"{entity} {name}"
    return f"{entity} #{entry['entity_id']}" if entry["entity_id"] is not None else entity


def money_unit(key: str, record: dict[str, Any]) -> str:
    if key == "amount_original_wan" and record.get("currency") not in (None, "CNY"):
        return f"万{record['currency']}"
    if key == "contract_original_wan" and record.get("contract_currency"):
        return f"万{record['contract_currency']}"
    if key in TARGET_MONEY and record.get("metric") == "fdi":
        return "万美元"
    return "万元"


def shown(key: str, value: Any, record: dict[str, Any]) -> str:
    """One value for the log: codes as words, money with its unit, lists joined."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key in CODES and isinstance(value, str):
        return CODES[key].shown(value)
    if key.endswith("_wan") and isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
        text = f"{number:.2f}" if number == round(number, 2) else f"{number.normalize():f}"
        return text + money_unit(key, record)
    if isinstance(value, list):
        return "、".join(str(item) for item in value)
    if value == "«private»":  # audit.PRIVATE, as the trail stores a contact
        return _("«private»")
    return str(value)


def _order(key: str) -> int:
    return list(FIELDS).index(key) if key in FIELDS else len(FIELDS)


def changes(entry: dict[str, Any]) -> str:
    """What the entry wrote: old → new where it replaced a value, else the value."""
    before, after = entry["before"] or {}, entry["after"] or {}
    record = {**before, **after}
    hidden = set(HIDDEN)
    if not entry["project"]:
        hidden.add("name" if entry["entity"] in ("unit", "user") else "unit")  # in the subject
    if record.get("currency") == "CNY":
        hidden |= {"currency", "amount_original_wan"}  # the same as the CNY amount
    parts = []
    for key in sorted(after, key=_order):
        if key in hidden:
            continue
        field = _(FIELDS[key]) if key in FIELDS else key
        new = shown(key, after.get(key), record)
        if key in before:
            old = shown(key, before[key], record)
            if old != new:
                parts.append(_("{field}: {old} → {new}").format(field=field, old=old, new=new))
        elif new != "—":
            parts.append(_("{field}: {value}").format(field=field, value=new))
    return _("; ").join(parts)
