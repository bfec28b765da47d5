"""The `zs` command: a thin Typer layer. One module per noun; errors meet one boundary here."""

import errno
import os
import sys
from typing import Annotated, Any

from zhaoshang_cli.i18n import _, activate, os_reason

activate()  # before typer is imported: its module-level strings follow the language

import typer  # noqa: E402
from sqlalchemy.exc import DatabaseError  # noqa: E402
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
        except DatabaseError as exc:
            if debugging():
                raise
            from zhaoshang_cli.ledger import is_damage

            if is_damage(exc):
                typer.echo(
                    "zs: "
                    + _("The ledger is damaged; run `zs check` and restore it from a backup."),
                    err=True,
                )
            elif any(word in str(exc) for word in ("locked", "busy", "lock timeout")):
                typer.echo(
                    "zs: " + _("The ledger is busy with another writer; try again."), err=True
                )
            elif "readonly" in str(exc):
                typer.echo(
                    "zs: "
                    + _(
                        "The ledger is read-only for you (the file or its folder); "
                        "commands that only read still work."
                    ),
                    err=True,
                )
            else:
                # PostgreSQL adds LINE/DETAIL lines: the first one says what went wrong.
                reason = (str(exc.orig).strip().splitlines() or ["unknown"])[0].rstrip(".")
                typer.echo(
                    "zs: "
                    + _("The database refused the operation: {reason}.").format(reason=reason),
                    err=True,
                )
            raise typer.Exit(1) from None
        except OSError as exc:
            if debugging():
                raise
            if exc.filename:
                typer.echo(f"zs: {os_reason(exc)} ({exc.filename}).", err=True)
            elif exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
                typer.echo(
                    "zs: "
                    + _("Could not write the output: {reason}.").format(reason=os_reason(exc)),
                    err=True,
                )
            else:
                typer.echo(f"zs: {os_reason(exc)}.", err=True)
            raise typer.Exit(1) from None
        except Exception as exc:
            if debugging() or type(exc).__module__.startswith("typer"):
                raise  # typer's own usage errors and exits report themselves
            typer.echo(
                "zs: "
                + _(
                    "Unexpected error ({kind}: {error}); run again with {env}=1 for the traceback."
                ).format(kind=type(exc).__name__, error=exc, env=DEBUG_ENV),
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
    config,
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
config.register(app)


def quiet_unraisable(unraisable: Any) -> None:
    """A library object that fails again while being thrown away after an error (openpyxl's
    half-written zip on a full disk) would print a traceback after our one sentence."""


def main() -> None:
    if not debugging():
        sys.unraisablehook = quiet_unraisable
    try:
        app(prog_name="zs")
    except SystemExit as exc:
        code = exc.code
    else:
        code = 0
    try:  # output still buffered for a pipe whose reader has gone, or for a full disk
        sys.stdout.flush()
    except OSError as exc:
        if exc.errno == errno.EPIPE:
            code = SIGPIPE_EXIT
        # said already, or unsayable: the rest goes nowhere
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(code)


if __name__ == "__main__":
    sys.exit(main())
