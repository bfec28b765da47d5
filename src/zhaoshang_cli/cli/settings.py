"""zs config: ledger settings (the issuing office, the document number pattern)."""

from typing import Annotated

import typer

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
from zhaoshang_cli.core.i18n import N_, _
from zhaoshang_cli.settings.keys import KEYS

config_app = typer.Typer(
    help="Ledger settings: the issuing office (发文单位) and document numbers (文号), "
    "printed on every report, bulletin and export."
)
KEY_HELP = f"One of: {', '.join(KEYS)}."


@config_app.command("set")
def config_set(
    key: Annotated[str, typer.Argument(help=KEY_HELP)],
    value: Annotated[
        str, typer.Argument(help='The value, e.g. "某某市招商引资工作领导小组办公室".')
    ],
    db: DbOption = None,
    operator: OperatorOption = None,
) -> None:
    """Set a setting; the old value stays in the audit trail."""
    from zhaoshang_cli.settings.config import set_setting

    with writing(db, operator) as session:
        saved = set_setting(session, key, value)
    say(f"{key} = {saved}")


@config_app.command("unset")
def config_unset(
    key: Annotated[str, typer.Argument(help=KEY_HELP)],
    db: DbOption = None,
    operator: OperatorOption = None,
) -> None:
    """Remove a setting (files then go out without it)."""
    from zhaoshang_cli.settings.config import unset_setting

    with writing(db, operator) as session:
        unset_setting(session, key)
    say(_("{key} is no longer set.").format(key=key))


@config_app.command("list")
@list_command
def config_list(db: DbOption = None) -> Listing:
    """Every setting zs knows, with its value where set and what it is for."""
    from zhaoshang_cli.settings.config import list_settings

    with reading(db) as session:
        rows = list_settings(session)
    columns = [
        Col("key", N_("Setting")),
        Col("value", N_("Value")),
        Col("meaning", N_("Meaning")),
        Col("example", N_("Example")),
        Col("default", N_("Default")),
        Col("operator", N_("Set by")),
    ]
    return Listing(columns, rows, title=_("Ledger settings"))


def register(app: typer.Typer) -> None:
    app.add_typer(config_app, name="config")
