"""Currencies and the month's exchange rate, read through Core: `zs arrive` converts with them
without loading the ORM."""

import re
from datetime import date
from functools import lru_cache

from sqlalchemy import select

from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.i18n import _
from zhaoshang_cli.store.db import Db, connection_of
from zhaoshang_cli.store.tables import EXCHANGE_RATE

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


def rate_for(db: Db, currency: str, on: date) -> int:
    query = select(EXCHANGE_RATE.c.rate_micro).where(
        EXCHANGE_RATE.c.currency == currency, EXCHANGE_RATE.c.month == month_key(on)
    )
    rate = connection_of(db).execute(query).scalar()
    if rate is None:
        raise Invalid(
            _(
                "There is no {currency} rate for {month}; set one first with "
                "`zs rate set {currency} RATE --month {month}`."
            ).format(currency=currency, month=month_key(on))
        )
    return rate


def cached_rate(db: Db, currency: str, on: date, cache: dict[tuple[str, str], int] | None) -> int:
    if cache is None:
        return rate_for(db, currency, on)
    key = (currency, month_key(on))
    if key not in cache:
        cache[key] = rate_for(db, currency, on)
    return cache[key]
