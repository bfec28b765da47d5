"""What the watch commands (warn, pipeline, score, occasion) share: the period options and one
way to show a computed table — a fitted terminal table with its rules under it, JSON with the
rules and the period beside the rows, CSV of the rows, and an Excel sheet."""

from pathlib import Path
from typing import Annotated, Any

import typer

from zhaoshang_cli.cli.common import (
    Listing,
    Output,
    OutputFormat,
    console,
    csv_text,
    dumps,
    emit,
    machine_rows,
    render,
)
from zhaoshang_cli.core.i18n import _

YearOption = Annotated[int | None, typer.Option(help="The year (default: this year).")]
MonthOption = Annotated[
    int | None,
    typer.Option(min=1, max=12, help="1 January to the end of this month (时序进度 M/12)."),
]
QuarterOption = Annotated[
    int | None,
    typer.Option(min=1, max=4, help="This quarter alone (一季一评比; 时序进度 3/12)."),
]
FromOption = Annotated[
    str | None,
    typer.Option(
        "--from",
        help="First day of a period of your own (a 百日竞赛, a 旬), with --to; 时序进度 is its "
        "days ÷ the year's.",
        show_default=False,
    ),
]
ToOption = Annotated[
    str | None, typer.Option("--to", help="Last day of that period.", show_default=False)
]
XlsxOption = Annotated[
    Path | None, typer.Option("--xlsx", help="Also write it as an Excel file here.")
]


def chosen_period(
    default: str,
    year: int | None,
    month: int | None = None,
    quarter: int | None = None,
    start: str | None = None,
    end: str | None = None,
) -> Any:
    """The Period the options name (see ``watch.periods.choose_period``)."""
    from zhaoshang_cli.core.periods import PeriodChoice, choose_period

    return choose_period(PeriodChoice(year, month, quarter, start, end), default)


def check_xlsx(path: Path | None) -> None:
    if path is not None:
        from zhaoshang_cli.spreadsheets.writing import check_xlsx as check

        check(path)


def show(listing: Listing, meta: dict[str, Any], out: Output) -> None:
    """JSON: the meta keys (period, rules …) and ``rows`` (the listing's, unless the meta has
    its own); CSV: the listing's rows (or the meta's ``csv_rows``); a table: the listing, with
    its caption (the rules) under it."""
    out = out.resolved()
    if out.format is OutputFormat.json:
        data = {key: value for key, value in meta.items() if key not in ("rows", "csv_rows")}
        rows = meta.get("rows", machine_rows(listing))
        emit(dumps({**data, "rows": rows}) + "\n", out)
    elif out.format is OutputFormat.csv and meta.get("csv_rows") is not None:
        own = meta["csv_rows"]
        header = list(own[0]) if own else [c.out_key for c in listing.columns]
        emit(csv_text(header, [[row[key] for key in header] for row in own]), out)
    elif out.format is OutputFormat.csv:
        render(listing, out.format, out)
    else:  # the rules under the table, left-aligned, one per line
        from dataclasses import replace

        from rich.text import Text

        render(replace(listing, caption=None), out.format, out)
        screen = console(out.wide)
        for line in (listing.caption or "").splitlines():
            screen.print(Text(line), highlight=False)


def wrote(path: Path, out: Output) -> None:
    typer.echo(_("Wrote {file}.").format(file=path), err=out.format is not OutputFormat.table)
