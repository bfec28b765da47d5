"""zs arrive, zs arrival list / reverse."""

from typing import Annotated

import typer

from zhaoshang_cli.cli.common import (
    Col,
    DbOption,
    Listing,
    OperatorOption,
    list_command,
    reading,
    recording,
    say,
    warn,
    writing,
)
from zhaoshang_cli.core import dates
from zhaoshang_cli.core.glossary import SOURCE
from zhaoshang_cli.core.i18n import N_, _
from zhaoshang_cli.core.money import format_amount, parse_amount

arrival_app = typer.Typer(help="Capital arrivals (资金到位): list and reverse.")

# Also the arrivals of `project show --format json`: one shape for an arrival everywhere.
ARRIVAL_COLUMNS = [
    Col("id", "#", "int"),
    Col("date", N_("Date"), "date"),
    Col("project", N_("Project code")),
    Col("project_name", N_("Project"), drop=9, wrap="text"),
    Col("cny_fen", N_("Arrived (万元)"), "money"),
    Col("amount_minor", N_("Original amount"), "money", json_key="amount_original_wan", drop=6),
    Col("currency", N_("Currency"), drop=7),
    Col("source", N_("Source"), drop=5, terms=SOURCE),
    Col("ref", N_("Voucher"), drop=8, wrap="text"),
    Col("note", N_("Note"), drop=10, wrap="text"),
    Col("reverses", N_("Reverses"), "int"),
    Col("reversed_by", N_("Reversed by"), "int"),
    Col("warnings", N_("Warnings"), drop=4, wrap="text"),
    Col("operator", N_("Entered by"), drop=2),
    Col("entered_at", N_("Entered at"), drop=1),
]


def arrive(
    project: Annotated[str, typer.Argument(help="Project code.")],
    amount: Annotated[str, typer.Argument(help="Amount: 4700万, 4.7亿, 47000000元, or 万.")],
    date: Annotated[
        str | None, typer.Option("--date", help="Arrival date (default today).")
    ] = None,
    currency: Annotated[str, typer.Option(help="Currency code; non-CNY needs a rate.")] = "CNY",
    ref: Annotated[str | None, typer.Option(help="Voucher / reference (凭证号).")] = None,
    note: Annotated[str | None, typer.Option(help="A note.")] = None,
    source: Annotated[
        str | None,
        typer.Option(
            help=f"Source: {SOURCE.both()} (default: by the currency).",
            autocompletion=SOURCE.complete,
        ),
    ] = None,
    db: DbOption = None,
    operator: OperatorOption = None,
) -> None:
    """Record money that actually arrived for a project."""
    from zhaoshang_cli.arrivals.recording import record_arrival
    from zhaoshang_cli.rates.lookup import check_currency

    minor = parse_amount(amount, currency=check_currency(currency))
    on = dates.parse_date(date) if date is not None else dates.today()
    with recording(db, operator) as connection:
        recorded = record_arrival(
            connection, project, minor, on=on, currency=currency, ref=ref, note=note, source=source
        )
    arrival = recorded.values
    for warning in recorded.warnings:
        warn(
            _("arrival {id}: {warning} (recorded anyway).").format(id=recorded.id, warning=warning)
        )
    original = (
        f" ({format_amount(arrival['amount_minor'])}万 {arrival['currency']})"
        if arrival["currency"] != "CNY"
        else ""
    )
    say(
        _("Recorded arrival {id}: {amount}万元{original} for {project} on {date}.").format(
            id=recorded.id,
            amount=format_amount(arrival["cny_fen"]),
            original=original,
            project=project,
            date=arrival["arrived_on"],
        )
    )


@arrival_app.command("list")
@list_command
def arrival_list(
    project: Annotated[str | None, typer.Option(help="Only this project.")] = None,
    unit: Annotated[
        str | None, typer.Option(help="Only projects of this unit (and below).")
    ] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="From date, inclusive.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="To date, inclusive.")] = None,
    db: DbOption = None,
) -> Listing:
    """Arrivals, reversals included and linked to what they reverse."""
    from zhaoshang_cli.arrivals.entries import list_arrivals

    start = dates.parse_date(date_from, what=N_("--from date")) if date_from is not None else None
    end = dates.parse_date(date_to, what=N_("--to date")) if date_to is not None else None
    with reading(db) as session:
        rows = list_arrivals(session, project=project, unit=unit, date_from=start, date_to=end)
    for row in rows:
        row["amount"] = format_amount(row["amount_minor"]) + "万 " + row["currency"]
    total = sum(row["cny_fen"] for row in rows)
    return Listing(
        ARRIVAL_COLUMNS,
        rows,
        title=_("Arrivals"),
        caption=_("Total {amount} 万元").format(amount=format_amount(total)),
    )


@arrival_app.command("reverse")
def arrival_reverse(
    arrival_id: Annotated[int, typer.Argument(help="The id of the arrival to cancel.")],
    reason: Annotated[str, typer.Option(help="Why, e.g. 重复录入.")],
    db: DbOption = None,
    operator: OperatorOption = None,
) -> None:
    """Cancel an arrival with a linked reversing entry; the original stays in the ledger."""
    from zhaoshang_cli.arrivals.entries import reverse_arrival

    with writing(db, operator) as session:
        reversal = reverse_arrival(session, arrival_id, reason)
    say(
        _("Recorded reversal {id} of arrival {arrival} ({reason}).").format(
            id=reversal.id, arrival=arrival_id, reason=reason
        )
    )


def register(app: typer.Typer) -> None:
    # "-5万" is an amount to refuse with a sentence, not an unknown option.
    app.command(context_settings={"ignore_unknown_options": True})(arrive)
    app.add_typer(arrival_app, name="arrival")
