"""Exchange rates (汇率), one per currency and month, kept in the ledger so that every CNY total
can be recomputed: setting them (audited) and listing them."""

from sqlmodel import Session, col, select

from zhaoshang_cli.core import dates
from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.i18n import _
from zhaoshang_cli.core.money import format_rate
from zhaoshang_cli.rates.lookup import check_currency
from zhaoshang_cli.store import audit
from zhaoshang_cli.store.models import ExchangeRate


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


def list_rates(session: Session) -> list[dict]:
    query = select(ExchangeRate).order_by(col(ExchangeRate.month), col(ExchangeRate.currency))
    return [
        {"currency": r.currency, "month": r.month, "rate": format_rate(r.rate_micro)}
        for r in session.exec(query)
    ]
