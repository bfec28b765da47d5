"""What every command shares: the ledger and operator options, and one way to print lists."""

import functools
import inspect
import io
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from zhaoshang_cli.core.dates import local
from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.glossary import Terms
from zhaoshang_cli.core.i18n import N_, _
from zhaoshang_cli.core.money import format_amount, to_unit

if TYPE_CHECKING:
    from zhaoshang_cli.store.ledger import Ledger

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
    from zhaoshang_cli.core.text import clean_text

    return clean_text(value, N_("operator"))


OperatorOption = Annotated[
    str | None,
    typer.Option(
        "--operator",
        help="Who is making this change, for the audit trail of a ledger file (default: "
        "ZS_OPERATOR, else the OS user). A shared PostgreSQL ledger records the login and "
        "refuses this option.",
        show_default=False,
        callback=_checked_operator,
    ),
]


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


FormatOption = Annotated[
    OutputFormat,
    typer.Option(
        "--format",
        "-f",
        help="table (default), json or csv. JSON and CSV keys and codes stay English.",
    ),
]
WideOption = Annotated[
    bool,
    typer.Option("--wide", help="Show every column of the table, however wide the terminal."),
]
OutputFileOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Write the CSV or JSON to this file (format from .csv/.json); CSV gets a BOM "
        "for Excel.",
        show_default=False,
    ),
]
BomOption = Annotated[
    bool, typer.Option("--bom", help="Start CSV on standard output with a BOM, for Excel.")
]


@dataclass(frozen=True)
class Output:
    """Where and how a command's result goes: --format, --wide, --output, --bom."""

    format: OutputFormat = OutputFormat.table
    wide: bool = False
    file: Path | None = None
    bom: bool = False

    def resolved(self) -> "Output":
        """A file's suffix picks its format when --format is left at table."""
        if self.file is None or self.format is not OutputFormat.table:
            return self
        suffix = self.file.suffix.lower().lstrip(".")
        if suffix not in (OutputFormat.csv, OutputFormat.json):
            raise Invalid(
                _(
                    "{file}: --output writes a .csv or .json file; name it so, or add --format."
                ).format(file=self.file.name)
            )
        return Output(OutputFormat(suffix), self.wide, self.file, self.bom)


def waiting_notice() -> None:
    """Said once, on a terminal only, when a write waits for another (a big import)."""
    if sys.stderr.isatty():
        typer.echo("zs: " + _("waiting for another writer…"), err=True)


@contextmanager
def opened(db: str | None) -> Iterator["Ledger"]:
    """The ledger for a command that manages its own transactions (imports)."""
    from zhaoshang_cli.store.ledger import Ledger

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
def recording(db: str | None, operator: str | None) -> Iterator[Any]:
    """``writing`` on a Core connection, for a command that loads no ORM (`zs arrive`)."""
    with opened(db) as ledger, ledger.transaction(operator) as connection:
        yield connection


@contextmanager
def reading(db: str | None, *, core: bool = False) -> Iterator[Any]:
    """One read snapshot; needs no write access to the ledger or its folder. ``core``: a Core
    connection rather than an ORM session, for a command whose reads are all Core (the
    report), which then loads neither the ORM nor pydantic."""
    from zhaoshang_cli.store.ledger import Ledger

    ledger = Ledger.open(db, read_only=True)
    try:
        with ledger.snapshot() if core else ledger.read() as session:
            note = scope_note(session) if ledger.backend == "postgresql" else None
            yield session
    finally:
        ledger.dispose()
    if note:  # after the output, which it is about (and not after a refusal)
        typer.echo("zs: " + note, err=True)


def scope_note(session: Any) -> str | None:
    """A login that reads only its unit's subtree is told so, on stderr: the other units'
    figures are not wrong in its output, they are not there."""
    from zhaoshang_cli.store import access
    from zhaoshang_cli.store.db import connection_of

    return access.scope_note(access.caller_of(connection_of(session)))


@dataclass
class Col:
    """A column of a listing. kind: text, money (分, shown in 万元), int, date, bool, decimal
    (a Decimal shown to two places, exact in JSON), percent (a fraction shown as 12.5%).
    ``drop``: left out of a narrow terminal's table, in this order; ``wrap``: "names" (a
    list that breaks between names) or "text" (may break anywhere);
    ``terms``: a code shown in the user's language (JSON and CSV keep the code);
    ``header``: an English msgid (``N_``), translated when the table is drawn."""

    key: str
    header: str
    kind: str = "text"
    json_key: str | None = None
    drop: int | None = None
    wrap: str | None = None
    terms: Terms | None = None

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
    if col.kind == "percent":
        return plain_decimal(Decimal(value).quantize(Decimal("0.000001")))
    if col.kind == "decimal":
        return plain_decimal(Decimal(value))
    return machine_scalar(value)


def machine_scalar(value: Any) -> Any:
    """Dates as ISO text; timestamps in local time with their offset."""
    if isinstance(value, datetime):
        return local(value).isoformat(timespec="seconds")
    if isinstance(value, date):
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
    if col.terms is not None:
        return col.terms.shown(value)
    if col.kind == "money":
        return format_amount(value)
    if col.kind == "bool":
        return _("yes") if value else ""
    if col.kind == "percent":
        return f"{(Decimal(value) * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"
    if col.kind == "decimal":
        return f"{Decimal(value).quantize(Decimal('0.01'), ROUND_HALF_UP):,}"
    if isinstance(value, datetime):
        return local(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# A Decimal leaves json.dumps as a marked string and comes back as the number it is, digit for
# digit: a float would round a province's 9999999999.999999万 to …998. (NUL never reaches
# the ledger's text, so no value of the user's can look like the mark.)
EXACT_MARK = "\x00"
EXACT = re.compile(r'"\\u0000(-?[0-9.]+)"')


def json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        return f"{EXACT_MARK}{value.normalize():f}"
    if isinstance(value, date | datetime):
        return machine_scalar(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(data: Any) -> str:
    import json

    text = json.dumps(data, ensure_ascii=False, indent=2, default=json_default)
    return EXACT.sub(r"\1", text)


WIDE = 10_000  # a pipe or a file: nothing is wrapped or cut
SIGPIPE_EXIT = 141  # what a shell reports for a writer whose reader went away (128 + 13)


def reader_went_away() -> None:
    """`zs … | head -1`: the reader has what it wanted. Stop quietly, as `cat` would, with
    the rest of the output (and Python's last flush) sent nowhere."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    raise typer.Exit(SIGPIPE_EXIT)


def console(wide: bool = False):  # type: ignore[no-untyped-def]
    """Rich, at the terminal's width (COLUMNS counts), or unbounded on a pipe or a file.
    Markup and emoji codes off: a project named [/] or :fire: is printed as written, so
    styles are given as Text objects, never as [bold] inside strings."""
    from rich.console import Console

    from zhaoshang_cli.output.fit import terminal_width

    class ZsConsole(Console):
        def on_broken_pipe(self) -> None:  # Rich would exit 1; a pipe's end is 141
            self.quiet = True
            reader_went_away()

    width = None if wide else terminal_width()
    return ZsConsole(width=width or WIDE, markup=False, emoji=False)


def fit_width(wide: bool = False) -> int | None:
    """The width tables fit into: None keeps every column (--wide, a pipe, a file)."""
    from zhaoshang_cli.output.fit import terminal_width

    return None if wide else terminal_width()


def machine_rows(listing: Listing) -> list[dict[str, Any]]:
    return [
        {c.out_key: machine_value(c, row.get(c.key)) for c in listing.columns}
        for row in listing.rows
    ]


def csv_text(header: list[str], rows: list[list[Any]]) -> str:
    from zhaoshang_cli.core.safety import CsvWriter, csv_safe

    buffer = io.StringIO()
    writer = CsvWriter(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_safe(value) for value in row])
    return buffer.getvalue()


def emit(text: str, out: Output) -> None:
    """JSON or CSV to standard output, or to --output (written whole, then renamed). CSV in
    a file starts with a BOM so that Chinese Excel reads it as UTF-8; on standard output
    only with --bom, since scripts reading a pipe do not expect one."""
    csv_file = out.format is OutputFormat.csv
    if out.file is None:
        typer.echo(("\ufeff" if csv_file and out.bom else "") + text, nl=False)
        return
    from zhaoshang_cli.core.files import write_atomically

    encoding = "utf-8-sig" if csv_file else "utf-8"
    write_atomically(out.file, lambda path: path.write_text(text, encoding=encoding))
    typer.echo(_("Wrote {file}.").format(file=out.file), err=True)


def render(listing: Listing, output_format: OutputFormat, out: Output | None = None) -> None:
    out = (out or Output(output_format)).resolved()
    if out.format is OutputFormat.json:
        emit(dumps(machine_rows(listing)) + "\n", out)
    elif out.format is OutputFormat.csv:
        rows = [[machine_value(c, row.get(c.key)) for c in listing.columns] for row in listing.rows]
        emit(csv_text([c.out_key for c in listing.columns], rows), out)
    else:
        from zhaoshang_cli.output.fit import ListingTable, Spec, plan, show

        specs = [
            Spec(
                _(c.header),
                "right" if c.kind in ("money", "int", "decimal", "percent") else "left",
                drop=c.drop,
                wrap=c.wrap,
            )
            for c in listing.columns
        ]
        cells = [
            [display_value(c, row.get(c.key)) for c in listing.columns] for row in listing.rows
        ]
        widths = plan(specs, cells, fit_width(out.wide))
        # Cells as plain text: user text is never read as markup or :emoji:.
        table = ListingTable(specs, widths, cells, title=listing.title, caption=listing.caption)
        show(console(out.wide), table, widths)


OUTPUT_OPTIONS = {
    "output_format": (FormatOption, OutputFormat.table),
    "wide": (WideOption, False),
    "output": (OutputFileOption, None),
    "bom": (BomOption, False),
}


def list_command(func: Callable[..., Listing]) -> Callable[..., None]:
    """Adds the shared --format, --wide, --output and --bom options to a command that
    returns a Listing, and prints it."""
    signature = inspect.signature(func)
    added = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=kind)
        for name, (kind, default) in OUTPUT_OPTIONS.items()
    ]

    @functools.wraps(func)
    def wrapper(
        *args: Any,
        output_format: OutputFormat = OutputFormat.table,
        wide: bool = False,
        output: Path | None = None,
        bom: bool = False,
        **kwargs: Any,
    ):
        render(func(*args, **kwargs), output_format, Output(output_format, wide, output, bom))

    wrapper.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*signature.parameters.values(), *added], return_annotation=None
    )
    wrapper.__annotations__ = {
        **func.__annotations__,
        **{name: kind for name, (kind, _default) in OUTPUT_OPTIONS.items()},
    }
    wrapper.__annotations__.pop("return", None)
    return wrapper


def warn(message: str) -> None:
    typer.echo(_("warning: {message}").format(message=message), err=True)


def say(message: str) -> None:
    typer.echo(message)
