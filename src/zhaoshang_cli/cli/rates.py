"""zs rate set / list: the exchange rates the ledger keeps, one per currency and month."""

from typing import Annotated

import typer

from zhaoshang_cli.cli.common import (
    Col,
    DbOption,
    Listing,
    OperatorOption,
    list_command,
    reading,
    say,
    writing,
)
from zhaoshang_cli.core.i18n import N_, _
from zhaoshang_cli.core.money import parse_rate

rate_app = typer.Typer(help="Exchange rates (CNY per unit of currency), one per month.")


def rate_set(
    currency: Annotated[str, typer.Argument(help="Currency code, e.g. USD.")],
    rate: Annotated[str, typer.Argument(help="CNY per one unit, e.g. 7.10.")],
    month: Annotated[str, typer.Option(help="The month it applies to, YYYY-MM.")],
    db: DbOption = None,
    operator: OperatorOption = None,
) -> None:
    """Set the exchange rate used for arrivals in a month."""
    from zhaoshang_cli.rates.setting import set_rate

    rate_micro = parse_rate(rate)
    with writing(db, operator) as session:
        saved = set_rate(session, currency, month, rate_micro)
    say(
        _("Exchange rate for {month}: 1 {currency} = {rate} CNY.").format(
            currency=saved.currency, month=month, rate=rate
        )
    )


@list_command
def rate_list(db: DbOption = None) -> Listing:
    """The exchange rates kept in the ledger."""
    from zhaoshang_cli.rates.setting import list_rates

    with reading(db) as session:
        rows = list_rates(session)
    columns = [
        Col("currency", N_("Currency")),
        Col("month", N_("Month")),
        Col("rate", N_("Rate (CNY)")),
    ]
    return Listing(columns, rows, title=_("Exchange rates"))


def register(app: typer.Typer) -> None:
    rate_app.command("set")(rate_set)
    rate_app.command("list")(rate_list)
    app.add_typer(rate_app, name="rate")
