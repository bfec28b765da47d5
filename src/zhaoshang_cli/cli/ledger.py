"""zs init, info, history, rate: the ledger itself."""

from typing import Annotated

import typer

from zhaoshang_cli import audit
from zhaoshang_cli.arrivals import list_rates, set_rate
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
from zhaoshang_cli.ledger import Ledger, resolve_location, shown, sqlite_version
from zhaoshang_cli.money import parse_rate
from zhaoshang_cli.projects import find_project

rate_app = typer.Typer(help="Exchange rates (CNY per unit of currency), one per month.")


def init(db: DbOption = None) -> None:
    """Create the ledger, or upgrade an existing one (after a backup), and say where it is."""
    from zhaoshang_cli.migrate import init_ledger, pg_dump_command

    result = init_ledger(resolve_location(db))
    if result.before is None:
        say(f"Created a new ledger at {result.shown} (schema {result.after}).")
    elif result.before == result.after:
        say(f"The ledger at {result.shown} is up to date (schema {result.after}).")
    elif result.backup is not None:
        say(
            f"Upgraded the ledger at {result.shown} from schema {result.before} "
            f"to {result.after}; backup at {result.backup}."
        )
    else:
        say(
            f"Upgraded the ledger at {result.shown} from schema {result.before} "
            f"to {result.after} in one transaction; back it up with: "
            f"{pg_dump_command(result.location)}"
        )


def info(db: DbOption = None) -> None:
    """Where the ledger is, its schema revision, the SQLite or PostgreSQL version, and what it holds."""
    from sqlalchemy import func, select, table

    from zhaoshang_cli.migrate import pg_dump_command

    location = resolve_location(db)
    say(f"ledger:   {shown(location)}")
    ledger = Ledger(location)
    try:
        if ledger.backend == "sqlite":
            say(f"sqlite:   {sqlite_version()}")
        ledger.check()
        if ledger.backend == "postgresql":
            say(f"postgresql: {ledger.server_version()}")
            say(f"backup:   {pg_dump_command(ledger.url)}")
        with ledger.read() as session:
            conn = session.connection()
            say(f"schema:   {ledger.revision()}")
            for name in ("unit", "project", "arrival", "audit"):
                count = conn.execute(select(func.count()).select_from(table(name))).scalar()
                say(f"{name + 's:':<9} {count}")
    finally:
        ledger.dispose()


@list_command
def history(
    project: Annotated[str | None, typer.Option(help="Only this project's changes.")] = None,
    limit: Annotated[int | None, typer.Option(help="Only the latest N entries.")] = None,
    db: DbOption = None,
) -> Listing:
    """The audit trail: who changed what, when (contacts shown as «private»)."""
    with reading(db) as session:
        project_id = find_project(session, project).id if project else None
        rows = audit.history(session, project_id, limit)
    columns = [
        Col("id", "#", "int"),
        Col("at", "时间 (UTC)"),
        Col("operator", "操作人"),
        Col("action", "操作"),
        Col("entity", "对象"),
        Col("entity_id", "编号", "int"),
        Col("before", "原值"),
        Col("after", "新值"),
    ]
    return Listing(columns, rows, title="操作记录")


def rate_set(
    currency: Annotated[str, typer.Argument(help="Currency code, e.g. USD.")],
    rate: Annotated[str, typer.Argument(help="CNY per one unit, e.g. 7.10.")],
    month: Annotated[str, typer.Option(help="The month it applies to, YYYY-MM.")],
    db: DbOption = None,
    operator: OperatorOption = None,
) -> None:
    """Set the exchange rate used for arrivals in a month."""
    rate_micro = parse_rate(rate)
    with writing(db, operator) as session:
        saved = set_rate(session, currency, month, rate_micro)
    say(f"{saved.currency} {month}: {rate} CNY")


@list_command
def rate_list(db: DbOption = None) -> Listing:
    """The exchange rates kept in the ledger."""
    with reading(db) as session:
        rows = list_rates(session)
    columns = [Col("currency", "币种"), Col("month", "月份"), Col("rate", "汇率 (元)")]
    return Listing(columns, rows, title="汇率")


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(info)
    app.command()(history)
    rate_app.command("set")(rate_set)
    rate_app.command("list")(rate_list)
    app.add_typer(rate_app, name="rate")
