"""The `zs` command: a thin Typer layer. One module per noun; errors meet one boundary here."""

import os
import sys
from typing import Any

import typer
from sqlalchemy.exc import OperationalError, ProgrammingError
from typer.core import TyperGroup

from zhaoshang_cli.errors import ZsError

DEBUG_ENV = "ZS_DEBUG"


def debugging() -> bool:
    return os.environ.get(DEBUG_ENV, "") not in ("", "0")


class ZsGroup(TyperGroup):
    """The error boundary: a domain error becomes one sentence on stderr and exit 1;
    ZS_DEBUG=1 lets the traceback through."""

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ZsError as exc:
            if debugging():
                raise
            typer.echo(f"zs: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except (OperationalError, ProgrammingError) as exc:
            if debugging():
                raise
            if any(word in str(exc) for word in ("locked", "busy", "lock timeout")):
                typer.echo("zs: The ledger is busy with another writer; try again.", err=True)
            else:
                # PostgreSQL adds LINE/DETAIL lines: the first one says what went wrong.
                reason = (str(exc.orig).strip().splitlines() or ["unknown"])[0].rstrip(".")
                typer.echo(f"zs: The database refused the operation: {reason}.", err=True)
            raise typer.Exit(1) from None
        except Exception as exc:
            if debugging() or type(exc).__module__.startswith("typer"):
                raise  # typer's own usage errors and exits report themselves
            typer.echo(
                f"zs: Unexpected error ({type(exc).__name__}: {exc}); "
                f"run again with {DEBUG_ENV}=1 for the traceback.",
                err=True,
            )
            raise typer.Exit(70) from None


app = typer.Typer(
    cls=ZsGroup,
    name="zs",
    help="A ledger of 招商引资 projects, capital arrivals and targets, and its bulletins.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

from zhaoshang_cli.cli import (  # noqa: E402
    arrivals,
    bulletin,
    ledger,
    projects,
    reports,
    spreadsheets,
    targets,
    units,
)

ledger.register(app)
units.register(app)
projects.register(app)
arrivals.register(app)
targets.register(app)
reports.register(app)
bulletin.register(app)
spreadsheets.register(app)


def main() -> None:
    app(prog_name="zs")


if __name__ == "__main__":
    sys.exit(main())
