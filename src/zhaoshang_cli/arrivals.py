"""Capital arrivals (资金到位): recording, reversing (never editing), listing; exchange rates."""

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from zhaoshang_cli import audit, dates
from zhaoshang_cli.errors import Invalid, NotFound
from zhaoshang_cli.glossary import SOURCE
from zhaoshang_cli.i18n import N_, _
from zhaoshang_cli.models import Arrival, ExchangeRate, Project, ProjectUnit
from zhaoshang_cli.money import convert, format_amount, format_rate
from zhaoshang_cli.projects import find_project
from zhaoshang_cli.text import NOTE_MAX, clean_text
from zhaoshang_cli.units import descendant_ids, find_unit

CURRENCY_ALIASES = {"RMB": "CNY", "人民币": "CNY", "美元": "USD", "美金": "USD"}


@lru_cache(maxsize=64)  # once per row of an import: a few currencies, ever
def check_currency(currency: str) -> str:
    code = CURRENCY_ALIASES.get(currency.strip(), currency.strip().upper())
    code = CURRENCY_ALIASES.get(code, code)
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise Invalid(
            _("Unknown currency {currency!r}; use a three-letter code such as CNY or USD.").format(
                currency=currency
            )
        )
    return code


def month_key(on: date) -> str:
    return f"{on.year:04d}-{on.month:02d}"


def set_rate(session: Session, currency: str, month: str, rate_micro: int) -> ExchangeRate:
    """One rate per currency and month; changing it is audited, past arrivals keep theirs."""
    currency = check_currency(currency)
    if currency == "CNY":
        raise Invalid(_("CNY needs no exchange rate."))
    year, mon = dates.parse_month(month)
    month = f"{year:04d}-{mon:02d}"
    query = select(ExchangeRate).where(
        ExchangeRate.currency == currency, ExchangeRate.month == month
    )
    rate = session.exec(query).first()
    before = {"rate": format_rate(rate.rate_micro)} if rate else None
    if rate is None:
        rate = ExchangeRate(
            currency=currency,
            month=month,
            rate_micro=rate_micro,
            set_at=dates.utcnow(),
            operator=session.info.get("operator", "unknown"),
        )
    else:
        rate.rate_micro, rate.set_at = rate_micro, dates.utcnow()
    session.add(rate)
    session.flush()
    after = {"currency": currency, "month": month, "rate": format_rate(rate_micro)}
    audit.record(session, "rate.set", "exchange_rate", rate.id, before=before, after=after)
    return rate


def rate_for(session: Session, currency: str, on: date) -> int:
    query = select(ExchangeRate.rate_micro).where(
        ExchangeRate.currency == currency, ExchangeRate.month == month_key(on)
    )
    rate = session.exec(query).first()
    if rate is None:
        raise Invalid(
            _(
                "There is no {currency} rate for {month}; set one first with "
                "`zs rate set {currency} RATE --month {month}`."
            ).format(currency=currency, month=month_key(on))
        )
    return rate


def list_rates(session: Session) -> list[dict]:
    query = select(ExchangeRate).order_by(col(ExchangeRate.month), col(ExchangeRate.currency))
    return [
        {"currency": r.currency, "month": r.month, "rate": format_rate(r.rate_micro)}
        for r in session.exec(query)
    ]


@dataclass
class Recorded:
    arrival: Arrival
    warnings: list[str] = field(default_factory=list)


def record_arrival(
    session: Session,
    code: str,
    amount_minor: int,
    *,
    on: date,
    currency: str = "CNY",
    ref: str | None = None,
    note: str | None = None,
    source: str | None = None,
) -> Recorded:
    """Refuses what cannot be true; warns (and records the warning) about what is unusual."""
    project = find_project(session, code)
    prepared = prepare_arrival(
        session, project, amount_minor, on=on, currency=currency, ref=ref, note=note, source=source
    )
    arrival = Arrival(**prepared.values)
    session.add(arrival)
    session.flush()
    after = arrival.model_dump(exclude={"id", "entered_at"})
    audit.record(
        session, "arrival.record", "arrival", arrival.id, after=after, project_id=project.id
    )
    return Recorded(arrival, prepared.warnings)


@dataclass(slots=True)
class Prepared:
    """An arrival that passed the checks: its columns (no id yet) and its warnings."""

    values: dict[str, Any]
    warnings: list[str]


def prepare_arrival(
    session: Session,
    project: Project,
    amount_minor: int,
    *,
    on: date,
    currency: str = "CNY",
    ref: str | None = None,
    note: str | None = None,
    source: str | None = None,
    so_far: int | None = None,
    rates: dict[tuple[str, str], int] | None = None,
    twin_check: bool = True,
) -> Prepared:
    """The checks and the columns of one arrival, not yet written: ``record_arrival`` adds
    one, an import collects many for ``bulk.insert_arrivals``. ``so_far`` (the project's arrived
    sum) and ``rates`` (a cache) spare a batch one query per row; plain values rather than
    an ORM object keep 100,000 of them quick. ``twin_check``: warn about an arrival already
    recorded with the same project, date and amount (an import finds those itself)."""
    replaying = bool(session.info.get("replay"))  # a ledger read back: as it was entered
    if project.voided_at is not None and not replaying:
        raise Invalid(
            _("Project {code} was voided; no money can arrive for it.").format(code=project.code)
        )
    if project.stage == "terminated" and not replaying:
        raise Invalid(
            _("Project {code} is terminated; no money can arrive for it.").format(code=project.code)
        )
    if amount_minor <= 0:
        raise Invalid(_("An arrival must be greater than zero; correct mistakes with a reversal."))
    currency = check_currency(currency)
    ref = clean_text(ref, N_("reference"))
    note = clean_text(note, N_("note"), limit=NOTE_MAX, lines=True)
    source = SOURCE.parse(source) if source is not None else None
    source = source or ("domestic" if currency == "CNY" else "foreign")
    rate = None if currency == "CNY" else cached_rate(session, currency, on, rates)
    cny_fen = amount_minor if rate is None else convert(amount_minor, rate)
    if currency == "USD":
        usd_cents: int | None = amount_minor
    elif source == "foreign":
        usd_cents = round_div(cny_fen * 1_000_000, cached_rate(session, "USD", on, rates))
    else:
        usd_cents = None
    warnings = arrival_warnings(session, project, on, cny_fen, so_far=so_far)
    if twin_check and (twin := same_arrival(session, project, on, currency, amount_minor)):
        warnings.append(
            _(
                "the same project, date and amount as arrival {id}; if it was entered twice, "
                "reverse one with `zs arrival reverse`"
            ).format(id=twin)
        )
    values = {
        "project_id": project.id,
        "arrived_on": on,
        "currency": currency,
        "amount_minor": amount_minor,
        "rate_micro": rate,
        "cny_fen": cny_fen,
        "usd_cents": usd_cents,
        "source": source,
        "ref": ref,
        "note": note,
        "reverses_id": None,
        "warnings": "; ".join(warnings) or None,
        "operator": session.info.get("operator", "unknown"),
        "entered_at": dates.utcnow(),
    }
    return Prepared(values, warnings)


def cached_rate(
    session: Session, currency: str, on: date, cache: dict[tuple[str, str], int] | None
) -> int:
    if cache is None:
        return rate_for(session, currency, on)
    key = (currency, month_key(on))
    if key not in cache:
        cache[key] = rate_for(session, currency, on)
    return cache[key]


def round_div(numerator: int, denominator: int) -> int:
    """Integer division rounded half up, for non-negative numbers."""
    return (2 * numerator + denominator) // (2 * denominator)


def arrival_warnings(
    session: Session, project: Project, on: date, cny_fen: int, *, so_far: int | None = None
) -> list[str]:
    warnings = []
    if on > dates.today():
        warnings.append(_("dated in the future ({date})").format(date=on))
    if project.signed_on is None:
        warnings.append(_("project {code} is not signed yet").format(code=project.code))
    elif on < project.signed_on:
        warnings.append(_("before the signing date {date}").format(date=project.signed_on))
    if project.contract_fen:
        if so_far is None:
            so_far = session.exec(
                select(func.coalesce(func.sum(Arrival.cny_fen), 0)).where(
                    Arrival.project_id == project.id
                )
            ).one()
        if so_far + cny_fen > project.contract_fen:
            warnings.append(
                _("total arrived {total}万元 exceeds the contract amount {contract}万元").format(
                    total=format_amount(so_far + cny_fen),
                    contract=format_amount(project.contract_fen),
                )
            )
    return warnings


def same_arrival(
    session: Session, project: Project, on: date, currency: str, amount_minor: int
) -> int | None:
    """An arrival in force (neither a reversal nor reversed) of the project on the day, in
    the same currency and amount: the id of the first, if any."""
    reversal = aliased(Arrival)
    query = (
        select(Arrival.id)
        .outerjoin(reversal, col(reversal.reverses_id) == col(Arrival.id))
        .where(
            Arrival.project_id == project.id,
            Arrival.arrived_on == on,
            Arrival.currency == currency,
            Arrival.amount_minor == amount_minor,
            # Not "reverses_id IS NULL": the planner would take the unique index on
            # reverses_id for it and walk every arrival that reverses none.
            func.coalesce(col(Arrival.reverses_id), 0) == 0,
            col(reversal.id).is_(None),
        )
        .order_by(col(Arrival.id))
        .limit(1)  # without it SQLite walks the table in id order rather than sort a few
    )
    return session.exec(query).first()


def reverse_arrival(session: Session, arrival_id: int, reason: str) -> Arrival:
    """A linked entry with the negated amounts on the original's date: the original stays,
    and every report, of any period, nets the two out."""
    if not reason or not reason.strip():
        raise Invalid(_("A reversal needs a --reason."))
    reason = clean_text(reason, N_("reason"), limit=NOTE_MAX, lines=True, required=True)  # type: ignore[assignment]
    original = session.get(Arrival, arrival_id) if 0 < arrival_id < 2**63 else None
    if original is None:
        raise NotFound(
            _("There is no arrival with id {id}; see `zs arrival list`.").format(id=arrival_id)
        )
    if original.reverses_id is not None:
        raise Invalid(
            _(
                "Arrival {id} is itself a reversal (of {original}); "
                "a reversal cannot be reversed. Record the arrival again instead."
            ).format(id=arrival_id, original=original.reverses_id)
        )
    existing = session.exec(select(Arrival.id).where(Arrival.reverses_id == arrival_id)).first()
    if existing is not None:
        raise Invalid(
            _("Arrival {id} was already reversed by arrival {reversal}.").format(
                id=arrival_id, reversal=existing
            )
        )
    reversal = Arrival(
        project_id=original.project_id,
        arrived_on=original.arrived_on,
        currency=original.currency,
        amount_minor=-original.amount_minor,
        rate_micro=original.rate_micro,
        cny_fen=-original.cny_fen,
        usd_cents=None if original.usd_cents is None else -original.usd_cents,
        source=original.source,
        ref=original.ref,
        note=reason.strip(),
        reverses_id=original.id,
        operator=session.info.get("operator", "unknown"),
        entered_at=dates.utcnow(),
    )
    session.add(reversal)
    session.flush()
    audit.record(
        session,
        "arrival.reverse",
        "arrival",
        reversal.id,
        before={"arrival": original.id, "cny_fen": original.cny_fen},
        after={"reverses": original.id, "cny_fen": reversal.cny_fen, "reason": reason.strip()},
        project_id=original.project_id,
    )
    return reversal


def list_arrivals(
    session: Session,
    *,
    project: str | None = None,
    unit: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[dict]:
    reversal = aliased(Arrival)
    query = (
        select(Arrival, Project.code, Project.name, reversal.id)
        .join(Project, col(Project.id) == col(Arrival.project_id))
        .outerjoin(reversal, col(reversal.reverses_id) == col(Arrival.id))
        .order_by(col(Arrival.arrived_on), col(Arrival.id))
    )
    if project is not None:
        query = query.where(Arrival.project_id == find_project(session, project).id)
    if unit is not None:
        ids = descendant_ids(session, find_unit(session, unit))
        credited = select(ProjectUnit.project_id).where(col(ProjectUnit.unit_id).in_(ids))
        query = query.where(col(Arrival.project_id).in_(credited))
    if date_from:
        query = query.where(Arrival.arrived_on >= date_from)
    if date_to:
        query = query.where(Arrival.arrived_on <= date_to)
    return [
        {
            "id": arrival.id,
            "date": arrival.arrived_on,
            "project": code,
            "project_name": name,
            "currency": arrival.currency,
            "amount_minor": arrival.amount_minor,
            "cny_fen": arrival.cny_fen,
            "source": arrival.source,
            "ref": arrival.ref,
            "note": arrival.note,
            "reverses": arrival.reverses_id,
            "reversed_by": reversed_by,
            "warnings": arrival.warnings,
            "operator": arrival.operator,
            "entered_at": arrival.entered_at,
        }
        for arrival, code, name, reversed_by in session.exec(query)
    ]
