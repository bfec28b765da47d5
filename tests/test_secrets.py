"""Secrets never printed (issue 24): a password in a ledger's location — in the URL's userinfo,
in its query (``?password=``), in a libpq key/value DSN — shows in no message of any command,
on success or failure, with or without ZS_DEBUG=1 (its traceback too), nor in the bulletin's
log of an unattended run."""

import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
import typer

from helpers import RUNNER, Location, zs
from zhaoshang_cli.cli import app

postgres_only = pytest.mark.postgres_only
one_backend = pytest.mark.one_backend  # an unreachable server: the same on either backend

PLAIN = "Zs-s3cret-4711"
ODD = "p@ss:w/rd 'q\\"  # needs quoting in every form: '@', ':', '/', a space, a quote, a '\'
DSN_ODD = "p@ss:w/rd \\'q\\\\"  # ODD as a single-quoted libpq value writes it
NOWHERE = "127.0.0.1:1"  # nothing listens on port 1: the connection is refused at once

# (location, the password in it, the location as zs shows it)
FORMS: dict[str, tuple[str, str, str]] = {
    "userinfo": (
        f"postgresql+psycopg://clerk:{PLAIN}@{NOWHERE}/zs",
        PLAIN,
        f"postgresql+psycopg://clerk:***@{NOWHERE}/zs",
    ),
    "userinfo-odd": (
        f"postgres://clerk:{quote(ODD, safe='')}@{NOWHERE}/zs",
        ODD,
        f"postgres://clerk:***@{NOWHERE}/zs",
    ),
    "query": (
        f"postgresql://clerk@{NOWHERE}/zs?password={PLAIN}",
        PLAIN,
        f"postgresql://clerk@{NOWHERE}/zs?password=***",
    ),
    "query-odd": (
        f"postgres://clerk@{NOWHERE}/zs?connect_timeout=5&password={quote_plus(ODD)}&sslmode=prefer",
        ODD,
        f"postgres://clerk@{NOWHERE}/zs?connect_timeout=5&password=***&sslmode=prefer",
    ),
    "dsn": (
        f"host=127.0.0.1 port=1 dbname=zs user=clerk password={PLAIN}",
        PLAIN,
        f"postgresql+psycopg://clerk:***@{NOWHERE}/zs",
    ),
    "dsn-odd": (
        f"host = 127.0.0.1  port=1 dbname=zs user=clerk password='{DSN_ODD}' connect_timeout=5",
        ODD,
        f"postgresql+psycopg://clerk:***@{NOWHERE}/zs?connect_timeout=5",
    ),
}


# Mistakes that once printed the password: a raw '@' in it (the rest taken for the host, and
# named by the driver), a mistyped key of a DSN (the whole taken for a file name).
RAW_AT = "Raw@Part-2"
MISTAKES: dict[str, tuple[str, str, str]] = {
    "raw-at": (
        f"postgresql://clerk:{RAW_AT}@{NOWHERE}/zs",
        RAW_AT,
        "The password in postgresql://… holds an '@'; write it as %40 in a URL.",
    ),
    "dsn-typo": (
        f"host=127.0.0.1 port=1 dbname=zs user=clerk pasword={PLAIN}",
        PLAIN,
        "The connection string has pasword, which libpq does not know; check the spelling.",
    ),
}
# A piece of a password printed is printed too.
PIECES = {ODD: ("w/rd", "w%2Frd"), RAW_AT: ("Part-2",)}


def libpq_quoted(value: str) -> str:
    """A value as a single-quoted libpq value writes it (without the quotes)."""
    return value.replace("\\", "\\\\").replace("'", "\\'")


def spellings(secret: str) -> set[str]:
    """The secret as it was typed, as any layer could quote it, and its telling pieces."""
    return {
        secret,
        quote(secret, safe=""),
        quote_plus(secret),
        repr(secret)[1:-1],
        libpq_quoted(secret),
        *PIECES.get(secret, ()),
    }


def assert_unprinted(secret: str, *texts: str) -> None:
    for text in texts:
        for spelling in spellings(secret):
            assert spelling not in text, f"{spelling!r} printed:\n{text}"


# What each required parameter of a command gets: enough to reach the ledger. A new command
# whose parameter is not here fails the sweep until it is added.
VALUES = {
    "amount": "100",
    "arrival_id": "1",
    "code": "2026-0001",
    "currency": "USD",
    "date": "2026-04-14",
    "key": "office",
    "kind": "county",
    "month": "2026-04",
    "name": "甲县",
    "new_name": "丙县",
    "occasions": "招商会",
    "parent": "全市",
    "project": "2026-0001",
    "rate": "7.1",
    "reason": "录错",
    "seal_code": "3F9A-C21B-77D0",
    "role": "clerk",
    "stage": "started",
    "unit": "甲县",
    "value": "某市商务局",
}
# Beyond the required parameters: what a command checks before it opens the ledger.
EXTRA: dict[tuple[str, ...], list[str]] = {("target", "allocate"): ["--equal"]}
# Commands that never open a ledger (and take no --db); run all the same, with ZS_DB set.
NO_LEDGER: dict[tuple[str, ...], list[str]] = {("template",): ["units", "-o", "{tmp}/t.xlsx"]}


def leaves(command: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    subcommands = getattr(command, "commands", None)
    if subcommands is None:
        return [(path, command)]
    return [
        leaf for name, sub in sorted(subcommands.items()) for leaf in leaves(sub, (*path, name))
    ]


COMMANDS = leaves(typer.main.get_command(app))


def test_the_sweep_covers_the_whole_app() -> None:
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"check", "info", "init", "bulletin", "demo", "import ledger", "unit list"} <= names
    assert len(names) > 40
    for path, command in COMMANDS:
        takes_db = any("--db" in getattr(param, "opts", ()) for param in command.params)
        assert takes_db != (path in NO_LEDGER), f"zs {' '.join(path)}: --db, or in NO_LEDGER"


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Any workbook will do for an import: each opens the ledger before it reads the file."""
    path = tmp_path_factory.mktemp("sheets") / "units.xlsx"
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("ZS_LANG", "en")
        zs("template", "units", "-o", path)
    return path


def command_line(
    path: tuple[str, ...], command: Any, location: str, workbook: Path, tmp: Path
) -> list[str]:
    files = {"file": str(workbook), "output": str(tmp / "out.xlsx")}
    argv = list(path)
    for param in command.params:
        if not param.required:
            continue
        value = files.get(param.name) or VALUES.get(param.name)
        if value is None:
            pytest.fail(f"zs {' '.join(path)}: add a value for {param.name} to VALUES")
        argv += [param.opts[0], value] if param.param_type_name == "option" else [value]
    return [*argv, *EXTRA.get(path, []), "--db", location]


@one_backend
@pytest.mark.parametrize("debug", [False, True], ids=["quiet", "ZS_DEBUG"])
@pytest.mark.parametrize("form", [*FORMS, *MISTAKES])
@pytest.mark.parametrize(
    ("path", "command"), COMMANDS, ids=[" ".join(path) for path, _ in COMMANDS]
)
def test_no_command_prints_the_password(
    path: tuple[str, ...],
    command: Any,
    form: str,
    debug: bool,
    workbook: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if form in FORMS:
        location, secret, shown = FORMS[form]
        # Reached the ledger: the one sentence of a server that cannot be reached, naming it.
        sentence = f"Cannot open {shown}: connection failed: connection to server at"
    else:
        location, secret, sentence = MISTAKES[form]
    monkeypatch.setenv("ZS_DB", location)  # and --db: demo reads only its own --db
    if debug:
        monkeypatch.setenv("ZS_DEBUG", "1")
    if path in NO_LEDGER:
        argv = [*path, *(arg.format(tmp=tmp_path) for arg in NO_LEDGER[path])]
        result = RUNNER.invoke(app, argv)
        assert result.exit_code == 0, result.output
        assert_unprinted(secret, result.stdout, result.stderr)
        return
    result = RUNNER.invoke(app, command_line(path, command, location, workbook, tmp_path))
    assert_unprinted(secret, result.stdout, result.stderr)
    assert result.exit_code != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    if debug:
        assert lines[0] == "Traceback (most recent call last):", result.stderr
        assert lines[-1].startswith(f"zhaoshang_cli.core.errors.LedgerError: {sentence}")
    else:
        assert len(lines) == 1 and lines[0].startswith(f"zs: {sentence}"), result.stderr
        assert lines[0].endswith("Connection refused." if form in FORMS else sentence)


@one_backend
@pytest.mark.parametrize("form", FORMS)
def test_an_unattended_run_logs_no_password(form: str, tmp_path: Path) -> None:
    """As cron runs the bulletin: its own process, only PATH, HOME and ZS_DB, and the log is
    what it writes to stdout and stderr (ZS_DEBUG=1 too, should someone leave it set)."""
    location, secret, shown = FORMS[form]
    for debug in ("0", "1"):
        env = {
            "PATH": os.environ["PATH"],
            "HOME": str(tmp_path),
            "ZS_DB": location,
            "ZS_DEBUG": debug,
        }
        result = subprocess.run(
            [sys.executable, "-m", "zhaoshang_cli", "bulletin", "--catch-up", "--out", tmp_path],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
        assert result.returncode == 1
        assert_unprinted(secret, result.stdout, result.stderr)
        assert f"无法打开 {shown}" in result.stderr  # the language of cron's LANG=C: Chinese
        assert ("Traceback (most recent call last)" in result.stderr) == (debug == "1")
    assert not list(tmp_path.glob("*bulletin*"))


# The redaction itself, form by form.


@one_backend
@pytest.mark.parametrize("form", FORMS)
def test_shown_hides_the_password_of_every_form(form: str) -> None:
    from zhaoshang_cli.store.secrets import passwords_in, shown

    location, secret, expected = FORMS[form]
    assert shown(location) == expected
    assert secret in passwords_in(location)


@one_backend
@pytest.mark.parametrize("form", FORMS)
def test_redact_takes_the_password_out_of_any_text(form: str) -> None:
    from zhaoshang_cli.store.secrets import redact

    location, secret, _ = FORMS[form]
    texts = [
        f"connection to {location} failed",
        f"--db {location!r} is neither a file nor a database URL.",
        f'missing "=" after "{secret}" in connection info string',
        f"password='{libpq_quoted(secret)}'",
        f'  File "x.py", line 1\nValueError: {quote(secret, safe="")} / {quote_plus(secret)}',
    ]
    for text in texts:
        redacted = redact(text, location)
        assert_unprinted(secret, redacted)
        assert "***" in redacted


@one_backend
def test_redact_finds_what_is_shaped_like_a_password_in_an_unknown_location() -> None:
    from zhaoshang_cli.store.secrets import redact

    text = (
        "postgresql://clerk:Hid-1@db/zs and mysql://a:Hid-2@b/c, ?user=u&password=Hid-3&x=1,"
        " host=h password=Hid-4 port=1, sslpassword='Hid 5', PGPASSWORD=Hid-6,"
        " {'password': 'Hid-7'}"
    )
    redacted = redact(text)
    assert "Hid" not in redacted
    assert "postgresql://clerk:***@db/zs" in redacted and "&x=1" in redacted
    # Already hidden stays as it is, and what follows it too.
    assert redact("Cannot open postgresql://u@h/zs?password=***: boom") == (
        "Cannot open postgresql://u@h/zs?password=***: boom"
    )


@one_backend
def test_redact_knows_the_locations_zs_opened(monkeypatch: pytest.MonkeyPatch) -> None:
    """A password that nothing around it marks as one (a driver's message quoting a piece of
    the connection string) is still taken out: zs remembers every location it opens."""
    from zhaoshang_cli.store.ledger import database_url
    from zhaoshang_cli.store.secrets import redact

    monkeypatch.delenv("ZS_DB")
    database_url(f"host=db dbname=zs user=clerk password='{DSN_ODD}'")
    assert_unprinted(ODD, redact(f"invalid value near {ODD!r} and {quote(ODD, safe='')}"))
    monkeypatch.setenv("ZS_DB", "postgresql://clerk:Unopened-9@db/zs")
    assert "Unopened-9" not in redact("bad input Unopened-9")  # ZS_DB, even before opening


@one_backend
def test_a_dsn_is_a_postgresql_location_not_a_file() -> None:
    from sqlalchemy.engine import make_url

    from zhaoshang_cli.store.ledger import database_url, is_url
    from zhaoshang_cli.store.secrets import dsn_pairs

    url = make_url(
        database_url(f"host=db.example port=5433 dbname=zs user=clerk password='{DSN_ODD}'")
    )
    assert (url.drivername, url.host, url.port, url.database) == (
        "postgresql+psycopg",
        "db.example",
        5433,
        "zs",
    )
    assert (url.username, url.password) == ("clerk", ODD)
    socket = make_url(database_url("host=/run/postgresql dbname=zs options='-c search_path=a'"))
    assert (socket.host, socket.database) == (None, "zs")
    assert dict(socket.query) == {"host": "/run/postgresql", "options": "-c search_path=a"}
    no_user = make_url(database_url("dbname=zs password=Alone-1"))
    assert no_user.query["password"] == "Alone-1"  # kept, where psycopg still finds it
    assert is_url("dbname=zs") and is_url("host=db user=clerk")
    for name in ("ledger.db", "my ledger=1.db", "host='unclosed", "dbname = zs stray", "x=1"):
        assert dsn_pairs(name) is None and not is_url(name)
        assert database_url(name).startswith("sqlite:///")


@one_backend
def test_the_backup_command_carries_no_password() -> None:
    from zhaoshang_cli.store.migrate import pg_dump_command

    for location, secret, _ in FORMS.values():
        command = pg_dump_command(location)
        assert command.startswith("pg_dump --format=custom --file=zs-zs.dump 'postgresql://clerk@")
        assert_unprinted(secret, command)


# On the suite's PostgreSQL server, which trusts local clients whatever the password.


def with_password(location: Location, form: str) -> tuple[str, str]:
    """The ledger's URL with a password in the form asked for: userinfo, query or a DSN."""
    from sqlalchemy.engine import make_url

    url = make_url(str(location))
    if form == "userinfo":
        return url.set(password=ODD).render_as_string(hide_password=False), ODD
    if form == "query":
        with_query = url.set(password=None).update_query_dict({"password": ODD})
        return with_query.render_as_string(hide_password=False), ODD
    pairs = {
        "host": url.host or url.query.get("host"),
        "port": url.port or url.query.get("port"),
        "dbname": url.database,
        "user": url.username,
        **{key: value for key, value in url.query.items() if key not in ("host", "port")},
        "password": ODD,
    }
    return " ".join(f"{key}='{libpq_quoted(str(v))}'" for key, v in pairs.items() if v), ODD


@postgres_only
@pytest.mark.parametrize("form", ["userinfo", "query", "dsn"])
def test_check_and_info_work_with_a_password_and_never_print_it(
    ledger: Location, form: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    location, secret = with_password(ledger, form)
    checked = zs("check", "--db", location)
    assert "is sound" in checked.stdout
    monkeypatch.setenv("ZS_DB", location)
    info = zs("info")
    assert "postgresql: 1" in info.stdout and "units:    5" in info.stdout
    assert "backup:   pg_dump --format=custom" in info.stdout
    logged = zs("bulletin", "--week", "2026-W16", "--out", tmp_path)
    assert "wrote 2026-W16" in logged.stdout
    for result in (checked, info, logged):
        assert_unprinted(secret, result.stdout, result.stderr)


@one_backend
@pytest.mark.parametrize("form", FORMS)
def test_the_error_boundary_prints_no_password(
    form: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the boundary prints, a sentence or (ZS_DEBUG=1) a traceback with its chained
    causes, goes through redact: a password in an exception's words never gets out."""
    from zhaoshang_cli.cli import complain, show_traceback

    location, secret, _ = FORMS[form]
    monkeypatch.setenv("ZS_DB", location)  # the ledger in use, never opened: only named
    try:
        try:
            raise OSError(f"driver: cannot use {location}")
        except OSError as cause:
            raise RuntimeError(f"password was {secret}") from cause
    except RuntimeError as exc:
        complain(str(exc))
        with pytest.raises(typer.Exit) as exit_:
            show_traceback(exc, 70)
    assert exit_.value.exit_code == 70
    err = capsys.readouterr().err
    assert err.startswith("zs: password was ***\nTraceback (most recent call last):")
    assert "RuntimeError: password was ***" in err and "OSError: driver: cannot use" in err
    assert_unprinted(secret, err)
