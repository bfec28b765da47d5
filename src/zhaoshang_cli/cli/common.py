"""What every command shares: the ledger and operator options, and one way to print lists."""

import functools
import inspect
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

import typer

from zhaoshang_cli.ledger import Ledger
from zhaoshang_cli.money import format_amount, to_unit
from zhaoshang_cli.safety import CsvWriter, csv_safe

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="ZS_DB",
        help="Ledger file or SQLAlchemy URL (default: ZS_DB, else ~/.local/share/zs/ledger.db).",
        show_default=False,
    ),
]


def _checked_operator(value: str | None) -> str | None:
    """Checked as it is parsed, so no command can write (even a backup) under a bad name."""
    from zhaoshang_cli.text import clean_text

    return clean_text(value, "operator")


OperatorOption = Annotated[
    str | None,
    typer.Option(
        "--operator",
        envvar="ZS_OPERATOR",
        help="Who is making this change, for the audit trail (default: the OS user).",
        show_default=False,
        callback=_checked_operator,
    ),
]


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


FormatOption = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="table (default), json or csv.")
]


def waiting_notice() -> None:
    """Said once, on a terminal only, when a write waits for another (a big import)."""
    if sys.stderr.isatty():
        typer.echo("zs: waiting for another writer…", err=True)


@contextmanager
def opened(db: str | None) -> Iterator[Ledger]:
    """The ledger for a command that manages its own transactions (imports)."""
    ledger = Ledger.open(db, on_wait=waiting_notice)
    try:
        yield ledger
    finally:
        ledger.dispose()


@contextmanager
def writing(db: str | None, operator: str | None) -> Iterator[Any]:
    """One command, one write transaction."""
    with opened(db) as ledger, ledger.write(operator) as session:
        yield session


@contextmanager
def reading(db: str | None) -> Iterator[Any]:
    """One read snapshot; needs no write access to the ledger or its folder."""
    ledger = Ledger.open(db, read_only=True)
    try:
        with ledger.read() as session:
            yield session
    finally:
        ledger.dispose()


@dataclass
class Col:
    """A column of a listing. kind: text, money (分, shown in 万元), int, date, bool."""

    key: str
    header: str
    kind: str = "text"
    json_key: str | None = None

    @property
    def out_key(self) -> str:
        if self.json_key:
            return self.json_key
        return self.key.removesuffix("_fen") + "_wan" if self.kind == "money" else self.key


@dataclass
class Listing:
    columns: list[Col]
    rows: list[dict[str, Any]]
    title: str | None = None
    caption: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def machine_value(col: Col, value: Any) -> Any:
    """Exact values for JSON/CSV: money as a Decimal of 万元, dates as ISO text."""
    if value is None:
        return None
    if col.kind == "money":
        return plain_decimal(to_unit(value))
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def plain_decimal(value: Decimal) -> Decimal:
    """Without trailing zeros but never in exponent form: CSV shows 5000, not 5E+3."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def display_value(col: Col, value: Any) -> str:
    if value is None:
        return ""
    if col.kind == "money":
        return format_amount(value)
    if col.kind == "bool":
        return "是" if value else ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=json_default)


def console():  # type: ignore[no-untyped-def]
    """Markup and emoji codes off: a project named [/] or :fire: is printed as written, so
    styles are given as Text objects, never as [bold] inside strings."""
    from rich.console import Console

    return Console(width=None if sys.stdout.isatty() else 200, markup=False, emoji=False)


def render(listing: Listing, output_format: OutputFormat) -> None:
    if output_format is OutputFormat.json:
        rows = [
            {c.out_key: machine_value(c, row.get(c.key)) for c in listing.columns}
            for row in listing.rows
        ]
        typer.echo(dumps(rows))
    elif output_format is OutputFormat.csv:
        writer = CsvWriter(sys.stdout)
        writer.writerow([c.out_key for c in listing.columns])
        for row in listing.rows:
            writer.writerow([csv_safe(machine_value(c, row.get(c.key))) for c in listing.columns])
    else:
        from rich.table import Table

        table = Table(title=listing.title, caption=listing.caption)
        for c in listing.columns:
            table.add_column(c.header, justify="right" if c.kind in ("money", "int") else "left")
        for row in listing.rows:
            table.add_row(*(display_value(c, row.get(c.key)) for c in listing.columns))
        console().print(table)


def list_command(func: Callable[..., Listing]) -> Callable[..., None]:
    """Adds the shared --format option to a command that returns a Listing, and prints it."""
    signature = inspect.signature(func)
    fmt = inspect.Parameter(
        "output_format",
        inspect.Parameter.KEYWORD_ONLY,
        default=OutputFormat.table,
        annotation=FormatOption,
    )

    @functools.wraps(func)
    def wrapper(*args: Any, output_format: OutputFormat = OutputFormat.table, **kwargs: Any):
        render(func(*args, **kwargs), output_format)

    wrapper.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*signature.parameters.values(), fmt], return_annotation=None
    )
    wrapper.__annotations__ = {**func.__annotations__, "output_format": FormatOption}
    wrapper.__annotations__.pop("return", None)
    return wrapper


def warn(message: str) -> None:
    typer.echo(f"warning: {message}", err=True)


def say(message: str) -> None:
    typer.echo(message)
