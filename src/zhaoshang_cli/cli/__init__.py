"""The `zs` command: a thin Typer layer. One module per noun; errors meet one boundary here."""

import errno
import os
import sys
from typing import Annotated, Any

from zhaoshang_cli.i18n import activate

activate()  # before typer is imported: its module-level strings follow the language

import typer  # noqa: E402
from sqlalchemy.exc import OperationalError  # noqa: E402
from typer._click.exceptions import UsageError  # noqa: E402
from typer.core import TyperGroup  # noqa: E402

from zhaoshang_cli.cli.common import SIGPIPE_EXIT, reader_went_away  # noqa: E402
from zhaoshang_cli.cli.localize import localize_tree, localize_usage_error  # noqa: E402
from zhaoshang_cli.errors import ZsError  # noqa: E402

DEBUG_ENV = "ZS_DEBUG"


def debugging() -> bool:
    return os.environ.get(DEBUG_ENV, "") not in ("", "0")


class ZsGroup(TyperGroup):
    """The error boundary: a domain error becomes one sentence on stderr and exit 1;
    ZS_DEBUG=1 lets the traceback through."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        activate()
        localize_tree(self)
        return super().main(*args, **kwargs)

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)
        except UsageError as exc:
            localize_usage_error(exc)
            raise

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            localize_usage_error(exc)
            raise
        except BrokenPipeError:
            reader_went_away()
        except ZsError as exc:
            if debugging():
                raise
            typer.echo(f"zs: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except OperationalError as exc:
            if debugging():
                raise
            if "locked" in str(exc) or "busy" in str(exc):
                typer.echo("zs: The ledger is busy with another writer; try again.", err=True)
            else:
                typer.echo(f"zs: The database refused the operation: {exc.orig}.", err=True)
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
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def show_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"zs {version('zhaoshang-cli')}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=show_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """The root of every command: only --version (and completion) live here."""


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
    try:
        app(prog_name="zs")
    except SystemExit as exc:
        code = exc.code
    else:
        code = 0
    try:  # output still buffered for a pipe whose reader has gone
        sys.stdout.flush()
    except BrokenPipeError:
        code = SIGPIPE_EXIT
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
        code = SIGPIPE_EXIT
    if code == SIGPIPE_EXIT:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    sys.exit(code)


if __name__ == "__main__":
    sys.exit(main())
