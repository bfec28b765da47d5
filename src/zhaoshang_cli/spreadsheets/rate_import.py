"""Exchange rates from a sheet (zs import rates): each through set_rate, one per currency and month."""

from sqlmodel import Session, select

from zhaoshang_cli.core.i18n import _
from zhaoshang_cli.core.money import format_rate
from zhaoshang_cli.rates.lookup import check_currency
from zhaoshang_cli.rates.setting import set_rate
from zhaoshang_cli.spreadsheets.outcome import Outcome
from zhaoshang_cli.spreadsheets.provenance import keep
from zhaoshang_cli.spreadsheets.reading import Table
from zhaoshang_cli.store.models import ExchangeRate


def import_rates(session: Session, table: Table, out: Outcome) -> None:
    existing = {(r.currency, r.month): r.rate_micro for r in session.exec(select(ExchangeRate))}
    seen: dict[tuple[str, str], int] = {}
    for row in table.good_rows():
        currency = table.attempt(row, "currency", check_currency, row.values["currency"])
        if not currency:
            continue
        month, rate = row.values["month"], row.values["rate"]
        key = (currency, month)
        if key in seen:
            table.problem(
                row,
                "month",
                _("a second {currency} rate for {month} (row {row})").format(
                    currency=currency, month=month, row=seen[key]
                ),
            )
            continue
        seen[key] = row.number
        if existing.get(key) == rate:
            out.skipped.append(
                _("row {row}: {currency} {month}").format(
                    row=row.number, currency=currency, month=month
                )
            )
        elif key in existing:
            reason = _(
                "the ledger has {rate} for {currency} {month}; change it with `zs rate set`"
            ).format(rate=format_rate(existing[key]), currency=currency, month=month)
            table.problem(row, "rate", reason)
        elif saved := table.attempt(row, None, set_rate, session, currency, month, rate):
            keep(session, row.values, saved, operator="operator", set_at="set_at")
            out.added.append(
                _("row {row}: {currency} {month} {rate}").format(
                    row=row.number, currency=currency, month=month, rate=format_rate(rate)
                )
            )
