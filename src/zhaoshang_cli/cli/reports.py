"""zs report: the monthly completion report (通报) as a table, JSON, CSV or an Excel file."""

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated

import typer

from zhaoshang_cli import dates
from zhaoshang_cli.cli.common import (
    DbOption,
    FormatOption,
    OutputFormat,
    console,
    dumps,
    reading,
    say,
)
from zhaoshang_cli.errors import Invalid
from zhaoshang_cli.report import build_report
from zhaoshang_cli.report.periods import latest_complete_month, month_period
from zhaoshang_cli.targets import METRICS

SCALES = ("万", "亿", "元")


def parse_threshold(value: str) -> Decimal:
    """0.7 or 70%."""
    try:
        text = value.strip()
        number = Decimal(text[:-1]) / 100 if text.endswith("%") else Decimal(text)
    except InvalidOperation:
        raise Invalid(f"The threshold {value!r} is not a number; write 0.7 or 70%.") from None
    return number


def report(
    month: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=12,
            help="Report on January to this month (default: the last complete month).",
        ),
    ] = None,
    year: Annotated[int | None, typer.Option(help="The year (default: this year).")] = None,
    metric: Annotated[str, typer.Option(help=f"One of: {', '.join(METRICS)}.")] = "funds",
    unit: Annotated[
        str | None, typer.Option(help="Report on this unit's children (default: the city).")
    ] = None,
    yuan: Annotated[
        str, typer.Option("--yuan", help="Show amounts in 万 (default), 亿 or 元.")
    ] = "万",
    threshold: Annotated[
        str, typer.Option(help="Flag units below this share of 时序进度 (黄牌线).")
    ] = "0.7",
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Reproduce the report as it stood on this day (entries by then)."
        ),
    ] = None,
    occasion: Annotated[
        str | None,
        typer.Option(help="Follow-through rates for the cohort signed at this occasion."),
    ] = None,
    xlsx: Annotated[
        Path | None, typer.Option("--xlsx", help="Also write the report as an Excel file here.")
    ] = None,
    db: DbOption = None,
    output_format: FormatOption = OutputFormat.table,
) -> None:
    """Completion by unit for 1 January to the end of a month, against the annual targets."""
    if yuan not in SCALES:
        raise Invalid(f"--yuan takes 万, 亿 or 元, not {yuan!r}.")
    today = dates.today()
    if month is None:
        default_year, month = latest_complete_month(today)
        year = year or default_year
    period = month_period(year or today.year, month)
    as_of_date = dates.parse_date(as_of, what="--as-of date") if as_of else None
    with reading(db) as session:
        result = build_report(
            session,
            period,
            metric=metric,
            unit=unit,
            threshold=parse_threshold(threshold),
            as_of=as_of_date,
            occasion=occasion,
            with_lists=xlsx is not None,
        )
    if xlsx is not None:
        from zhaoshang_cli.report.excel import write_report_xlsx

        write_report_xlsx(result, xlsx, scale=yuan)
    if output_format is OutputFormat.json:
        from zhaoshang_cli.report.data import report_data

        say(dumps(report_data(result)))
    elif output_format is OutputFormat.csv:
        from zhaoshang_cli.report.data import report_csv

        typer.echo(report_csv(result), nl=False)
    else:
        from zhaoshang_cli.report.terminal import print_report

        print_report(result, console(), scale=yuan)
    if xlsx is not None:
        typer.echo(f"Wrote {xlsx}.", err=output_format is not OutputFormat.table)


def demo(
    db: Annotated[
        str,
        typer.Option(
            "--db", help="File or database URL for the demo ledger (never a real ledger)."
        ),
    ] = "zs-demo.db",
) -> None:
    """Build a realistic demo city ledger and print its report for the last complete month."""
    from zhaoshang_cli.demo import create_demo
    from zhaoshang_cli.ledger import shown
    from zhaoshang_cli.report.terminal import print_report

    made = create_demo(db)
    where = shown(made.location)
    say(
        f"Built a demo ledger at {where}: {made.projects} projects, {made.arrivals} arrivals. "
        f"Try: ZS_DB={where} zs report --month {made.month} --year {made.year}"
    )
    with reading(made.location) as session:
        result = build_report(session, month_period(made.year, made.month))
    print_report(result, console())


def register(app: typer.Typer) -> None:
    app.command()(report)
    app.command()(demo)
