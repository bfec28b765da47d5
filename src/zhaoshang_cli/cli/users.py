"""zs user add / list / set / remove: the logins of a shared PostgreSQL ledger."""

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from zhaoshang_cli.cli.common import Col, DbOption, Listing, list_command, opened, say
from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.glossary import USER_ROLE
from zhaoshang_cli.core.i18n import N_, _

PASSWORD_ENV = "ZS_USER_PASSWORD"

user_app = typer.Typer(
    help="Users of a shared PostgreSQL ledger: logins with a role (clerk, viewer, admin) and "
    "a unit, enforced by the database. Run by the ledger's owner."
)

NameArgument = Annotated[str, typer.Argument(help="The login (a PostgreSQL role), e.g. zhang.")]
UnitOption = Annotated[
    str | None,
    typer.Option(
        "--unit",
        help="The unit it works for (or path 甲县/城关镇): a clerk writes there and below, a "
        "viewer reads there and below. Not for an admin.",
        show_default=False,
    ),
]
PasswordFileOption = Annotated[
    Path | None,
    typer.Option(
        "--password-file",
        help="Read the password from the first line of this file (else ZS_USER_PASSWORD, "
        "else it is asked for twice). Only its SCRAM verifier reaches the server.",
        show_default=False,
    ),
]


def password_from(file: Path | None, name: str) -> str:
    """The password from --password-file, ZS_USER_PASSWORD, or asked for on a terminal;
    never from the command line."""
    if file is not None:
        lines = file.read_text(encoding="utf-8").splitlines()
        password = lines[0] if lines else ""
    elif os.environ.get(PASSWORD_ENV):
        password = os.environ[PASSWORD_ENV]
    elif sys.stdin.isatty():
        password = typer.prompt(
            _("Password for {name}").format(name=name),
            hide_input=True,
            confirmation_prompt=True,
        )
    else:
        raise Invalid(
            _(
                "A password for {name} is needed: give --password-file FILE or {env}, or run "
                "on a terminal to be asked."
            ).format(name=name, env=PASSWORD_ENV)
        )
    if not password:
        raise Invalid(_("The password for {name} is empty; give one.").format(name=name))
    return password


def given_password(file: Path | None) -> bool:
    return file is not None or bool(os.environ.get(PASSWORD_ENV))


@user_app.command("add")
def user_add(
    name: NameArgument,
    role: Annotated[
        str,
        typer.Option(
            help=f"What it may do: {USER_ROLE.both()}.", autocompletion=USER_ROLE.complete
        ),
    ],
    unit: UnitOption = None,
    password_file: PasswordFileOption = None,
    db: DbOption = None,
) -> None:
    """Make a login a user of the ledger: a new PostgreSQL role (its password asked for),
    or an existing one, with the grants of its role and row-level security by its unit."""
    from zhaoshang_cli.users.accounts import add_user, check_name, file_has_no_users, login_exists

    name = check_name(name)
    with opened(db) as ledger:
        file_has_no_users(ledger.backend)
        with ledger.read() as session:
            exists = login_exists(session, name)
        password = (
            password_from(password_file, name)
            if not exists or given_password(password_file)
            else None
        )
        with ledger.write() as session:
            added = add_user(session, name, role, unit, password)
    where = added.unit or _("the whole ledger")
    if added.created:
        message = _("Added {role} {name} for {unit}: a new login.")
    elif added.password_set:
        message = _("Added {role} {name} for {unit}: an existing login, with a new password.")
    else:
        message = _("Added {role} {name} for {unit}: an existing login, its password kept.")
    say(message.format(role=USER_ROLE.shown(added.user.role), name=name, unit=where))


@user_app.command("list")
@list_command
def user_list(db: DbOption = None) -> Listing:
    """Every user: role, unit, what it reads and writes, whether its login is there."""
    from zhaoshang_cli.users.accounts import file_has_no_users, list_users, owner_name

    with opened(db) as ledger:
        file_has_no_users(ledger.backend)
        with ledger.read() as session:
            rows = list_users(session)
            owner = owner_name(session)
    columns = [
        Col("name", N_("User")),
        Col("role", N_("Role"), terms=USER_ROLE),
        Col("unit", N_("Unit")),
        Col("reads", N_("Reads"), wrap="text"),
        Col("writes", N_("Writes"), wrap="text", drop=2),
        Col("login", N_("Login"), "bool", drop=3),
        Col("created_at", N_("Added"), drop=1),
        Col("operator", N_("Added by"), drop=4),
    ]
    caption = _("Owner: {owner} (owns the tables and manages users; no policy binds it).").format(
        owner=owner
    )
    return Listing(columns, rows, title=_("Users"), caption=caption)


@user_app.command("set")
def user_set(
    name: NameArgument,
    role: Annotated[
        str | None,
        typer.Option(
            help=f"A new role: {USER_ROLE.both()}.",
            autocompletion=USER_ROLE.complete,
            show_default=False,
        ),
    ] = None,
    unit: UnitOption = None,
    password: Annotated[
        bool,
        typer.Option(
            "--password",
            help="Give the login a new password (from --password-file, ZS_USER_PASSWORD, or "
            "asked for twice).",
        ),
    ] = False,
    password_file: PasswordFileOption = None,
    db: DbOption = None,
) -> None:
    """Change a user's role, unit or password; its grants follow at once."""
    from zhaoshang_cli.users.accounts import check_name, check_owner, file_has_no_users, set_user

    name = check_name(name)
    with opened(db) as ledger:
        file_has_no_users(ledger.backend)
        secret = None
        if password or password_file:
            with ledger.read() as session:
                check_owner(session)
            secret = password_from(password_file, name)
        with ledger.write() as session:
            user, where = set_user(session, name, role=role, unit=unit, password=secret)
    message = (
        _("{name} is now {role} for {unit}, with a new password.")
        if secret
        else _("{name} is now {role} for {unit}.")
    )
    say(
        message.format(
            name=user.name, role=USER_ROLE.shown(user.role), unit=where or _("the whole ledger")
        )
    )


@user_app.command("remove")
def user_remove(
    name: NameArgument,
    keep_login: Annotated[
        bool,
        typer.Option(
            "--keep-login", help="Keep the PostgreSQL role (only its grants here are revoked)."
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Take a user off the ledger: its grants revoked, and its login dropped unless it is kept
    or still used elsewhere (another ledger). The audit trail keeps who it was."""
    from zhaoshang_cli.users.accounts import file_has_no_users, remove_user

    with opened(db) as ledger:
        file_has_no_users(ledger.backend)
        with ledger.write() as session:
            dropped = remove_user(session, name, keep_login=keep_login)
    if dropped:
        say(_("Removed user {name} and dropped its login.").format(name=name))
    else:
        say(_("Removed user {name}; its login stays.").format(name=name))


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
