"""Recording an arrival: the checks and the write of `zs arrive`, which a clerk runs more
than any other command, and the checks an import runs on each of its rows.

SQLAlchemy Core over the clauses of ``tables``, never the ORM: this module loads neither
pydantic nor the ledger's model classes, so `zs arrive` starts at about the cost of
SQLAlchemy itself. ``db`` is a Core connection (`zs arrive`) or an ORM session (an import, the
demo): both execute Core statements, and both carry the operator (and, for a ledger read
back, ``replay``) in their ``info``.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, insert, select

from zhaoshang_cli.core import dates
from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.glossary import SOURCE
from zhaoshang_cli.core.i18n import N_, _
from zhaoshang_cli.core.money import convert, format_amount
from zhaoshang_cli.core.text import NOTE_MAX, clean_text
from zhaoshang_cli.projects.facts import project_facts
from zhaoshang_cli.rates.lookup import cached_rate, check_currency
from zhaoshang_cli.store import audit
from zhaoshang_cli.store.db import Db, connection_of
from zhaoshang_cli.store.tables import ARRIVAL


@dataclass
class Recorded:
    """An arrival as written: its id, its columns and the warnings it was recorded with."""

    id: int
    values: dict[str, Any]
    warnings: list[str]


def record_arrival(
    db: Db,
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
    project = project_facts(db, code)
    prepared = prepare_arrival(
        db, project, amount_minor, on=on, currency=currency, ref=ref, note=note, source=source
    )
    values = prepared.values
    connection, statement = connection_of(db), insert(ARRIVAL).values(values)
    if connection.dialect.name == "sqlite":  # RETURNING needs SQLite 3.35; Debian 11 has 3.34
        arrival_id = connection.execute(statement).lastrowid
    else:
        arrival_id = connection.execute(statement.returning(ARRIVAL.c.id)).scalar_one()
    after = {key: value for key, value in values.items() if key != "entered_at"}
    audit.record(db, "arrival.record", "arrival", arrival_id, after=after, project_id=project.id)
    return Recorded(arrival_id, values, prepared.warnings)


@dataclass(slots=True)
class Prepared:
    """An arrival that passed the checks: its columns (no id yet) and its warnings."""

    values: dict[str, Any]
    warnings: list[str]


def prepare_arrival(
    db: Db,
    project: Any,
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
    replaying = bool(db.info.get("replay"))  # a ledger read back: as it was entered
    if project.voided_at is not None and not replaying:
        raise Invalid(
            _("Project {code} was voided; no money can arrive for it.").format(code=project.code)
        )
    ended = project.terminated_on if project.stage == "terminated" else None
    if ended is not None and on > ended and not replaying:  # money that came before still did
        raise Invalid(
            _("Project {code} was terminated on {day}; no money can arrive for it after that.")
            .format(code=project.code, day=ended.isoformat())
        )  # fmt: skip
    if amount_minor <= 0:
        raise Invalid(_("An arrival must be greater than zero; correct mistakes with a reversal."))
    currency = check_currency(currency)
    ref = clean_text(ref, N_("reference"))
    note = clean_text(note, N_("note"), limit=NOTE_MAX, lines=True)
    source = SOURCE.parse(source) if source is not None else None
    source = source or ("domestic" if currency == "CNY" else "foreign")
    rate = None if currency == "CNY" else cached_rate(db, currency, on, rates)
    cny_fen = amount_minor if rate is None else convert(amount_minor, rate)
    if currency == "USD":
        usd_cents: int | None = amount_minor
    elif source == "foreign":
        usd_cents = round_div(cny_fen * 1_000_000, cached_rate(db, "USD", on, rates))
    else:
        usd_cents = None
    warnings = arrival_warnings(db, project, on, cny_fen, so_far=so_far)
    if twin_check and (twin := same_arrival(db, project, on, currency, amount_minor)):
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
        "operator": db.info.get("operator", "unknown"),
        "entered_at": dates.utcnow(),
    }
    return Prepared(values, warnings)


def round_div(numerator: int, denominator: int) -> int:
    """Integer division rounded half up, for non-negative numbers."""
    return (2 * numerator + denominator) // (2 * denominator)


def arrival_warnings(
    db: Db, project: Any, on: date, cny_fen: int, *, so_far: int | None = None
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
            so_far = (
                connection_of(db)
                .execute(
                    select(func.coalesce(func.sum(ARRIVAL.c.cny_fen), 0)).where(
                        ARRIVAL.c.project_id == project.id
                    )
                )
                .scalar_one()
            )
        if so_far + cny_fen > project.contract_fen:
            warnings.append(
                _("total arrived {total}万元 exceeds the contract amount {contract}万元").format(
                    total=format_amount(so_far + cny_fen),
                    contract=format_amount(project.contract_fen),
                )
            )
    return warnings


def same_arrival(db: Db, project: Any, on: date, currency: str, amount_minor: int) -> int | None:
    """An arrival in force (neither a reversal nor reversed) of the project on the day, in
    the same currency and amount: the id of the first, if any."""
    a, reversal = ARRIVAL, ARRIVAL.alias("reversal")
    query = (
        select(a.c.id)
        .outerjoin(reversal, reversal.c.reverses_id == a.c.id)
        .where(
            a.c.project_id == project.id,
            a.c.arrived_on == on,
            a.c.currency == currency,
            a.c.amount_minor == amount_minor,
            # Not "reverses_id IS NULL": the planner would take the unique index on
            # reverses_id for it and walk every arrival that reverses none.
            func.coalesce(a.c.reverses_id, 0) == 0,
            reversal.c.id.is_(None),
        )
        .order_by(a.c.id)
        .limit(1)  # without it SQLite walks the table in id order rather than sort a few
    )
    return connection_of(db).execute(query).scalar()
