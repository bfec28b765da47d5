"""The command line in the user's language: help texts, Click's own words, usage errors.

Help texts stay English in the code (docstrings and ``help=``); they are the msgids, and every
invocation translates the command tree it is about to run. Typer vendors Click with its words
("Usage:", "Show this message and exit.", "No such option") as plain literals, so those are
translated here: the usage prefix and the help option by a formatter, errors by their pattern.
"""

import re
from typing import Any

from zhaoshang_cli.cli.typer_internals import UsageError, click, install
from zhaoshang_cli.core.i18n import N_, _

HELP_OPTION_TEXT = N_("Show this message and exit.")
USAGE_PREFIX = N_("Usage: ")
USAGE_WORDS = (N_("[OPTIONS]"), N_("COMMAND [ARGS]..."))  # Click's placeholders in a usage line
CLICK_WORDS = (
    N_("Try '{command} {option}' for help."),
    N_("Error: {message}"),
    N_("Aborted!"),
)

# Click's error messages, as patterns over the English text it builds, to their msgids.
USAGE_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), msgid)
    for pattern, msgid in (
        (
            r"No such option: (?P<name>\S+) \(Possible options: (?P<hint>.+)\)$",
            N_("No such option: {name} (Possible options: {hint})"),
        ),
        (r"No such option: (?P<name>\S+)$", N_("No such option: {name}")),
        (r"No such command '(?P<name>.*)'\.?$", N_("No such command {name!r}.")),
        (r"Missing argument '(?P<name>.+)'\.$", N_("Missing argument '{name}'.")),
        (r"Missing option '(?P<name>.+)'\.$", N_("Missing option '{name}'.")),
        (
            r"Option '(?P<name>.+)' requires an argument\.$",
            N_("Option '{name}' requires an argument."),
        ),
        (
            r"Got unexpected extra arguments? \((?P<args>.*)\)$",
            N_("Got unexpected extra argument(s) ({args})"),
        ),
        (
            r"Got unexpected extra argument\(s\) \((?P<args>.*)\)$",
            N_("Got unexpected extra argument(s) ({args})"),
        ),
        (
            r"Invalid value for '(?P<name>.+?)': (?:Value error, )?'(?P<value>.*)' is not one of "
            r"(?P<choices>.+)\.$",
            N_("Invalid value for '{name}': '{value}' is not one of {choices}."),
        ),
        (
            r"Invalid value for '(?P<name>.+?)': Input should be a valid integer\b.*$",
            N_("Invalid value for '{name}': a whole number is needed."),
        ),
        (
            r"Invalid value for '(?P<name>.+?)': Input should be a valid number\b.*$",
            N_("Invalid value for '{name}': a number is needed."),
        ),
        (
            r"Invalid value for '(?P<name>.+?)': Input should be less than or equal to "
            r"(?P<limit>\S+)$",
            N_("Invalid value for '{name}': at most {limit}."),
        ),
        (
            r"Invalid value for '(?P<name>.+?)': Input should be greater than or equal to "
            r"(?P<limit>\S+)$",
            N_("Invalid value for '{name}': at least {limit}."),
        ),
        (
            r"Invalid value for '(?P<name>.+?)': (?:Value error, )?(?P<message>.+)$",
            N_("Invalid value for '{name}': {message}"),
        ),
        (r"Missing command\.$", N_("Missing command.")),
    )
)
# Typer adds a suggestion to a mistyped command (after its own message, translated or not).
SUGGESTION = re.compile(r"(?P<message>.+?)\.? Did you mean (?P<hint>.+)\?$", re.DOTALL)
# Arguments as a missing-argument error names them, with what they stand for.
ARGUMENTS = {
    "amount": N_("the amount"),
    "arrival_id": N_("the id of the arrival"),
    "code": N_("the project code"),
    "currency": N_("the currency code"),
    "file": N_("the file"),
    "key": N_("the setting"),
    "kind": N_("what the spreadsheet holds"),
    "name": N_("the unit's name"),
    "new_name": N_("the unit's new name"),
    "parent": N_("the unit whose target is handed down"),
    "project": N_("the project code"),
    "rate": N_("the rate"),
    "stage": N_("the new stage"),
    "unit": N_("the unit's name"),
    "value": N_("the value"),
}


def translate_usage_message(message: str) -> str:
    suggestion = SUGGESTION.match(message)
    if suggestion:
        first = translate_usage_message(suggestion["message"].rstrip(".。"))
        return _("{message}. Did you mean {hint}?").format(
            message=first.rstrip(".。"), hint=suggestion["hint"]
        )
    for pattern, msgid in USAGE_ERRORS:
        match = pattern.match(message)
        if match:
            words = match.groupdict()
            if msgid == "Missing argument '{name}'." and words["name"] in ARGUMENTS:
                return _("Missing argument '{name}' ({what}).").format(
                    name=words["name"], what=_(ARGUMENTS[words["name"]])
                )
            return _(msgid).format(**words)
    return message


class ZsFormatter(click.HelpFormatter):
    """Click's help formatter with its fixed words translated."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        for words in USAGE_WORDS:
            args = args.replace(words, _(words))
        super().write_usage(prog, args, prefix=_(USAGE_PREFIX) if prefix is None else prefix)

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = [(term, _(text) if text == HELP_OPTION_TEXT else text) for term, text in rows]
        super().write_dl(rows, col_max=col_max, col_spacing=col_spacing)


class ZsContext(click.Context):
    formatter_class = ZsFormatter


def show_usage_error(self: UsageError, file: Any = None) -> None:
    """A usage error in the user's language: the usage line, a hint, and one sentence."""
    hint = ""
    if self.ctx is not None and self.ctx.command.get_help_option(self.ctx) is not None:
        hint = (
            _("Try '{command} {option}' for help.").format(
                command=self.ctx.command_path, option=self.ctx.help_option_names[0]
            )
            + "\n"
        )
    if self.ctx is not None:
        click.echo(f"{self.ctx.get_usage()}\n{hint}", file=file, err=True)
    message = translate_usage_message(self.format_message())
    click.echo(_("Error: {message}").format(message=message), file=file, err=True)


def localize_usage_error(exc: UsageError) -> None:
    exc.show = show_usage_error.__get__(exc)  # type: ignore[method-assign]


def msgid_of(obj: Any, attribute: str) -> str | None:
    """The English text of a help attribute, remembered the first time it is seen."""
    key = f"_zs_msgid_{attribute}"
    if not hasattr(obj, key):
        setattr(obj, key, getattr(obj, attribute, None))
    return getattr(obj, key)


def install_completion(ctx: Any, param: Any, value: Any) -> Any:
    """Typer's --install-completion, saying what it did in the user's language. The shell is
    the login shell ($SHELL) when none is named: Typer's own guess reads the process tree, which
    under a test runner's worker or cron finds no shell at all."""
    import os
    import sys

    if not value or ctx.resilient_parsing:
        return value
    named = value if isinstance(value, str) else os.path.basename(os.environ.get("SHELL", ""))
    shell, path = install(shell=named or None)
    click.echo(_("{shell} completion installed in {path}.").format(shell=shell, path=path))
    click.echo(_("Completion will take effect once you restart the terminal."))
    sys.exit(0)


def localize_tree(command: Any) -> None:
    """Translate every help text of a command and its subcommands, in place."""
    command.context_class = ZsContext
    for param in command.params:
        if getattr(param.callback, "__name__", "") == "install_callback":
            param.callback = install_completion
    for attribute in ("help", "short_help"):
        text = msgid_of(command, attribute)
        if text:
            setattr(command, attribute, _(text))
    for param in command.params:
        text = msgid_of(param, "help")
        if text:
            param.help = _(text)
    for sub in getattr(command, "commands", {}).values():
        localize_tree(sub)


def help_texts(command: Any) -> list[str]:
    """Every English help text in a command tree: msgids for the catalog."""
    texts = [msgid_of(command, "help"), msgid_of(command, "short_help")]
    texts += [msgid_of(param, "help") for param in command.params]
    for sub in getattr(command, "commands", {}).values():
        texts += help_texts(sub)
    return [text for text in texts if text]
