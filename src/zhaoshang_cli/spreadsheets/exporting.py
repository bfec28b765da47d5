"""The whole ledger as sheets: every table, rows in id order so an import recreates the ids.

Investor contacts (project_contact) are included only when asked for; the audit trail never
holds them (``audit`` writes «private»). Units are named by name where that is unique, else
by path, so ``import ledger`` finds each one again.
"""

from collections import Counter
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from zhaoshang_cli.core.money import RATE_SCALE, to_unit
from zhaoshang_cli.projects.credit import credit_text
from zhaoshang_cli.spreadsheets.columns import (
    ACTIVITIES,
    ARRIVALS,
    AUDIT,
    CHANGES,
    CONTACTS,
    PROJECTS,
    RATES,
    SETTINGS,
    SHARES,
    STAGE_EVENTS,
    TARGETS,
    UNITS,
)
from zhaoshang_cli.spreadsheets.writing import Sheet
from zhaoshang_cli.store import tables
from zhaoshang_cli.store.models import (
    Activity,
    ExchangeRate,
    Project,
    ProjectContact,
    ProjectUnit,
    Setting,
    StageEvent,
    Target,
)
from zhaoshang_cli.targets.setting import METRICS
from zhaoshang_cli.units.tree import UnitNode, unit_tree


def timestamp(value: Any) -> str | None:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value is not None else None


def ledger_sheets(session: Session, *, with_contacts: bool = False) -> list[Sheet]:
    """Read in one snapshot (the caller's read transaction)."""
    nodes = unit_tree(session)
    labels = unit_labels(nodes)
    units = sorted((node.unit for node in nodes), key=lambda unit: unit.id)  # parents first
    projects = list(session.exec(select(Project).order_by(col(Project.id))))
    code = {project.id: project.code for project in projects}
    name = {project.id: project.name for project in projects}
    # Per project, the largest share last: an even split gives the remainder to the last
    # unit named, so the import recreates the same shares.
    shares = session.exec(
        select(ProjectUnit.project_id, ProjectUnit.unit_id, ProjectUnit.share_bp).order_by(
            col(ProjectUnit.project_id), col(ProjectUnit.share_bp), col(ProjectUnit.unit_id)
        )
    )
    credited: dict[int, list[tuple[str, int]]] = {}
    share_rows = []
    for project_id, unit_id, share_bp in shares:
        credited.setdefault(project_id, []).append((labels[unit_id], share_bp))
        share_rows.append(
            {
                "project": code[project_id],
                "unit": labels[unit_id],
                "share": Decimal(share_bp) / 100,
            }
        )
    sheets = [
        Sheet(
            UNITS,
            list(UNITS.columns),
            [
                {
                    "name": unit.name,
                    "kind": unit.kind,
                    "parent": labels[unit.parent_id] if unit.parent_id else None,
                    "rank": unit.rank,
                    "created_at": timestamp(unit.created_at),
                }
                for unit in units
            ],
        ),
        Sheet(RATES, list(RATES.columns), rate_rows(session)),
        Sheet(
            PROJECTS,
            [c for c in PROJECTS.columns if c.key != "contact" and c.exported],
            [
                {
                    **project.model_dump(),
                    "units": credit_text(credited.get(project.id, [])),  # type: ignore[arg-type]
                    "contract": project.contract_fen,
                    "total_investment": project.total_investment_fen,
                    "created_at": timestamp(project.created_at),
                    "contract_original": project.contract_minor,
                    "voided_at": timestamp(project.voided_at),
                }
                for project in projects
            ],
        ),
        Sheet(
            STAGE_EVENTS,
            list(STAGE_EVENTS.columns),
            [
                {
                    **event.model_dump(),
                    "project": code[event.project_id],
                    "entered_at": timestamp(event.entered_at),
                }
                for event in session.exec(select(StageEvent).order_by(col(StageEvent.id)))
            ],
        ),
        Sheet(CHANGES, list(CHANGES.columns), change_rows(session, code, labels)),
        Sheet(SHARES, list(SHARES.columns), share_rows),
    ]
    if with_contacts:
        contacts = session.exec(select(ProjectContact).order_by(col(ProjectContact.project_id)))
        rows = [{"project": code[c.project_id], "contact": c.contact} for c in contacts]
        sheets.append(Sheet(CONTACTS, list(CONTACTS.columns), rows))
    sheets += [
        Sheet(
            ARRIVALS,
            [c for c in ARRIVALS.columns if c.exported],
            arrival_rows(session, code, name),
        ),
        Sheet(TARGETS, list(TARGETS.columns), target_rows(session, labels)),
        Sheet(ACTIVITIES, list(ACTIVITIES.columns), activity_rows(session, labels)),
        Sheet(SETTINGS, list(SETTINGS.columns), setting_rows(session)),
        Sheet(AUDIT, list(AUDIT.columns), audit_rows(session, code)),
    ]
    return sheets


def unit_labels(nodes: list[UnitNode]) -> dict[int, str]:
    """A unit's name, or its path where several units share the name (城关镇 in two counties)."""
    counts = Counter(node.unit.name for node in nodes)
    return {
        node.unit.id: node.unit.name if counts[node.unit.name] == 1 else node.path for node in nodes
    }


def setting_rows(session: Session) -> list[dict[str, Any]]:
    settings = session.exec(select(Setting).order_by(col(Setting.key)))
    return [
        {
            "key": setting.key,
            "value": setting.value,
            "operator": setting.operator,
            "set_at": timestamp(setting.set_at),
        }
        for setting in settings
    ]


def rate_rows(session: Session) -> list[dict[str, Any]]:
    rates = session.exec(select(ExchangeRate).order_by(col(ExchangeRate.id)))
    return [
        {
            "currency": rate.currency,
            "month": rate.month,
            "rate": Decimal(rate.rate_micro) / RATE_SCALE,
            "operator": rate.operator,
            "set_at": timestamp(rate.set_at),
        }
        for rate in rates
    ]


def arrival_rows(session: Session, code: dict, name: dict) -> list[dict[str, Any]]:
    """Core rows, not ORM objects: an export of 100,000 arrivals stays quick."""
    table = tables.ARRIVAL
    rows = session.connection().execute(table.select().order_by(table.c.id))
    return [
        {
            "id": row.id,
            "project": code[row.project_id],
            "project_name": name[row.project_id],
            "amount": row.amount_minor,
            "date": row.arrived_on,
            "currency": row.currency,
            "source": row.source,
            "ref": row.ref,
            "note": row.note,
            "reverses": row.reverses_id,
            "cny": to_unit(row.cny_fen),
            "warnings": row.warnings,
            "operator": row.operator,
            "entered_at": timestamp(row.entered_at),
        }
        for row in rows
    ]


def target_rows(session: Session, labels: dict[int, str]) -> list[dict[str, Any]]:
    targets = session.exec(select(Target).order_by(col(Target.id)))
    return [
        {
            **target.model_dump(),
            "unit": labels[target.unit_id],
            "amount": to_unit(target.amount) if METRICS[target.metric].money else target.amount,
            "set_at": timestamp(target.set_at),
        }
        for target in targets
    ]


def audit_rows(session: Session, code: dict[int, str]) -> list[dict[str, Any]]:
    """The trail whole, with each entry's project by code, for `import ledger` to carry over."""
    table = tables.AUDIT
    rows = session.connection().execute(table.select().order_by(table.c.id))
    return [
        {**row._asdict(), "at": timestamp(row.at), "project": code.get(row.project_id)}
        for row in rows
    ]


MONEY_FIELDS = frozenset({"contract_fen", "contract_minor", "total_investment_fen"})


def change_value(field: str, text: str | None, number: int | None, day: Any) -> Any:
    """A changed value as the 项目变更 sheet writes it: money in 万, a date as text, 是/否."""
    if day is not None:
        return day.isoformat()
    if number is not None:
        if field in MONEY_FIELDS:
            return to_unit(number)
        return "是" if number else "否"
    return text


def change_rows(session: Session, code: dict, labels: dict[int, str]) -> list[dict[str, Any]]:
    """Every change of every project in entry order, with the credit a change of credit
    replaced (``credit_before``), so `import ledger` rebuilds each period's view exactly."""
    change, before = tables.PROJECT_CHANGE, tables.CREDIT_BEFORE
    credits: dict[int, list[tuple[str, int]]] = {}
    held = session.connection().execute(
        select(before.c.change_id, before.c.unit_id, before.c.share_bp).order_by(
            before.c.change_id, before.c.share_bp, before.c.unit_id
        )
    )
    for change_id, unit_id, share_bp in held:
        credits.setdefault(change_id, []).append((labels[unit_id], share_bp))
    rows = session.connection().execute(change.select().order_by(change.c.id))
    return [
        {
            "id": row.id,
            "project": code[row.project_id],
            "field": row.field,
            "kind": row.kind,
            "old": change_value(row.field, row.old_text, row.old_number, row.old_date),
            "new": change_value(row.field, row.new_text, row.new_number, row.new_date),
            "effective_on": row.effective_on,
            "credit_before": credit_text(credits[row.id]) if row.id in credits else None,
            "reason": row.reason,
            "operator": row.operator,
            "entered_at": timestamp(row.entered_at),
        }
        for row in rows
    ]


def activity_rows(session: Session, labels: dict[int, str]) -> list[dict[str, Any]]:
    activities = session.exec(select(Activity).order_by(col(Activity.id)))
    return [
        {
            **activity.model_dump(),
            "unit": labels[activity.unit_id],
            "entered_at": timestamp(activity.entered_at),
        }
        for activity in activities
    ]
