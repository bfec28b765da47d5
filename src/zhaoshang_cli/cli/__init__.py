"""The `zs` command: a thin Typer layer. One module per noun; errors meet one boundary here."""

import copy
import errno
import os
import sys
from collections.abc import Mapping
from typing import Annotated, Any, NoReturn

from zhaoshang_cli.core.i18n import _, activate, os_reason

activate()  # before typer is imported: its module-level strings follow the language

import typer  # noqa: E402
from typer.core import TyperGroup  # noqa: E402

from zhaoshang_cli.cli.coercion import defer_coercion  # noqa: E402
from zhaoshang_cli.cli.common import SIGPIPE_EXIT, reader_went_away  # noqa: E402
from zhaoshang_cli.cli.localize import localize_tree, localize_usage_error  # noqa: E402
from zhaoshang_cli.cli.typer_internals import UsageError  # noqa: E402
from zhaoshang_cli.core.errors import ZsError  # noqa: E402

DEBUG_ENV = "ZS_DEBUG"


def debugging() -> bool:
    return os.environ.get(DEBUG_ENV, "") not in ("", "0")


def database_errors() -> tuple[type[Exception], ...]:
    """SQLAlchemy's DatabaseError once SQLAlchemy is loaded (none is raised before), so
    that `zs --help` need not import it."""
    exc = sys.modules.get("sqlalchemy.exc")
    return (exc.DatabaseError,) if exc is not None else ()


def complain(sentence: str) -> None:
    """What the error boundary says, on stderr: never a password of the ledger's location."""
    from zhaoshang_cli.store.secrets import redact

    typer.echo("zs: " + redact(sentence), err=True)


def show_traceback(exc: BaseException, code: int) -> NoReturn:
    """ZS_DEBUG=1: the traceback, as Python prints it but without a password, and the exit
    code the error has without ZS_DEBUG."""
    import traceback

    from zhaoshang_cli.store.secrets import redact

    typer.echo(redact("".join(traceback.format_exception(exc))).rstrip("\n"), err=True)
    raise typer.Exit(code) from None


class ZsGroup(TyperGroup):
    """The error boundary: a domain error becomes one sentence on stderr and exit 1;
    ZS_DEBUG=1 shows the traceback instead. Nothing it prints shows a password."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        activate()
        localize_tree(self)
        defer_coercion(self)
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
                show_traceback(exc, exc.exit_code)
            complain(str(exc))
            raise typer.Exit(exc.exit_code) from None
        except database_errors() as exc:
            if debugging():
                show_traceback(exc, 1)
            from zhaoshang_cli.store.ledger import is_damage

            if is_damage(exc):
                complain(_("The ledger is damaged; run `zs check` and restore it from a backup."))
            elif any(word in str(exc) for word in ("locked", "busy", "lock timeout")):
                complain(_("The ledger is busy with another writer; try again."))
            elif "readonly" in str(exc):
                complain(
                    _(
                        "The ledger is read-only for you (the file or its folder); "
                        "commands that only read still work."
                    )
                )
            else:
                # PostgreSQL adds LINE/DETAIL lines: the first one says what went wrong.
                reason = (str(exc.orig).strip().splitlines() or ["unknown"])[0].rstrip(".")
                complain(_("The database refused the operation: {reason}.").format(reason=reason))
            raise typer.Exit(1) from None
        except OSError as exc:
            if debugging():
                show_traceback(exc, 1)
            if exc.filename:
                complain(f"{os_reason(exc)} ({exc.filename}).")
            elif exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
                complain(_("Could not write the output: {reason}.").format(reason=os_reason(exc)))
            else:
                complain(f"{os_reason(exc)}.")
            raise typer.Exit(1) from None
        except Exception as exc:
            if type(exc).__module__.startswith("typer"):
                raise  # typer's own usage errors and exits report themselves
            if debugging():
                show_traceback(exc, 70)
            complain(
                _(
                    "Unexpected error ({kind}: {error}); run again with {env}=1 for the traceback."
                ).format(kind=type(exc).__name__, error=exc, env=DEBUG_ENV)
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
    projects,
    rates,
    report,
    seals,
    serve,
    settings,
    spreadsheets,
    store,
    targets,
    units,
    users,
)
from zhaoshang_cli.cli.watch import occasion, pipeline, score, warn  # noqa: E402

store.register(app)
rates.register(app)
seals.register(app)
units.register(app)
projects.register(app)
arrivals.register(app)
targets.register(app)
report.register(app)
bulletin.register(app)
spreadsheets.register(app)
settings.register(app)
users.register(app)
serve.register(app)
warn.register(app)
pipeline.register(app)
score.register(app)
occasion.register(app)


def quiet_unraisable(unraisable: Any) -> None:
    """A library object that fails again while being thrown away after an error (openpyxl's
    half-written zip on a full disk) would print a traceback after our one sentence."""


def needed(argv: list[str], environ: Mapping[str, str] = os.environ) -> typer.Typer:
    """The part of the app a command line needs. Typer builds every command's options from
    its signature before it parses anything, which costs as much as all our imports: `zs
    arrive …` gets only `arrive`; `zs`, `zs --help` and the root's options get every command
    as a name and its help, without options. Shell completion, or a name that is no command
    (its suggestions need every name), gets the whole app."""
    if COMPLETION_ENV in environ:
        return app
    if not argv or argv[0].startswith("-"):
        return listing()
    commands = [info for info in app.registered_commands if command_name(info) == argv[0]]
    groups = [info for info in app.registered_groups if info.name == argv[0]]
    if not (commands or groups):
        return app
    chosen = copy.copy(app)
    chosen.registered_commands, chosen.registered_groups = commands, groups
    return chosen


COMPLETION_ENV = "_ZS_COMPLETE"  # Click's variable for the program zs


def command_name(info: Any) -> str:
    return info.name or typer.main.get_command_name(info.callback.__name__)


def listing() -> typer.Typer:
    """The app with each command and group replaced by one of the same name and help, but
    no options or subcommands: enough for the root's help, which lists them."""

    def without_options(callback: Any) -> Any:
        def stand_in() -> None:
            """Never run: the root's help or options exit first."""

        stand_in.__name__, stand_in.__doc__ = callback.__name__, callback.__doc__
        return stand_in

    commands = []
    for info in app.registered_commands:
        commands.append(copy.copy(info))
        commands[-1].callback = without_options(info.callback)
    groups = []
    for info in app.registered_groups:
        sub = copy.copy(info.typer_instance)
        sub.registered_commands, sub.registered_groups = [], []
        groups.append(copy.copy(info))
        groups[-1].typer_instance = sub
    shown = copy.copy(app)
    shown.registered_commands, shown.registered_groups = commands, groups
    return shown


def main() -> None:
    if not debugging():
        sys.unraisablehook = quiet_unraisable
    try:
        needed(sys.argv[1:])(prog_name="zs")
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
