"""The command line as a whole: help everywhere, a light start-up, the installed script, errors."""

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main

from helpers import ON_POSTGRES, RUNNER, fails, recorded_as, snapshot, sql, zs
from zhaoshang_cli.cli import app, needed
from zhaoshang_cli.store.ledger import shown

pytestmark = pytest.mark.one_backend  # not about the database

# What no help page may load: the database layer (and pydantic under it), the file writers.
HEAVY = (
    "sqlalchemy",
    "sqlmodel",
    "pydantic",
    "alembic",
    "pandas",
    "openpyxl",
    "xlsxwriter",
    "docx",
)


def walk(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from walk(sub, (*path, name))


COMMANDS = list(walk(typer.main.get_command(app)))


def test_the_command_tree_is_complete() -> None:
    assert {" ".join(path) for path, _ in COMMANDS} >= {
        "",
        "init",
        "info",
        "history",
        "add-project",
        "arrive",
        "unit add",
        "unit list",
        "project list",
        "project show",
        "project stage",
        "arrival list",
        "arrival reverse",
        "rate set",
        "rate list",
    }


@pytest.mark.parametrize(
    ("path", "command"), COMMANDS, ids=[" ".join(p) or "zs" for p, _ in COMMANDS]
)
def test_every_command_has_help(path: tuple[str, ...], command: Any) -> None:
    summary = (command.help or "").strip()
    assert summary, f"zs {' '.join(path)} has no help text"
    for param in command.params:
        assert (getattr(param, "help", None) or "").strip(), f"{param.name} of {path} has no help"
    out = zs(*path, "--help").stdout
    assert f"Usage: zs {' '.join(path)}".rstrip() in out
    assert summary.splitlines()[0][:30] in " ".join(out.split())


def run_python(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env, timeout=60, check=False
    )


def loaded_by(*command_lines: tuple[str, ...]) -> list[str]:
    """The heavy modules in sys.modules after `zs` ran these command lines, one after the
    other in one process, through the script's own entry point."""
    code = (
        "import sys\n"
        "from zhaoshang_cli.cli import main\n"
        f"for argv in {list(command_lines)!r}:\n"
        "    sys.argv = ['zs', *argv]\n"
        "    try:\n"
        "        main()\n"
        "    except SystemExit:\n"
        "        pass\n"
        f"heavy = {HEAVY!r}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy"
        " or m == 'zhaoshang_cli.store.models'), file=sys.stderr)\n"
    )
    result = run_python("-c", code)
    assert result.returncode == 0, result.stderr
    assert "Usage: zs" in result.stdout + result.stderr or "zs 0" in result.stdout
    return eval(result.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "argv", [("--help",), ("arrive", "--help"), ("report", "--help"), ("--version",), ()]
)
def test_help_does_not_import_heavy_modules(argv: tuple[str, ...]) -> None:
    assert loaded_by(argv) == []


def test_no_help_page_imports_heavy_modules() -> None:
    assert loaded_by(*((*path, "--help") for path, _ in COMMANDS)) == []


@pytest.mark.parametrize("language", ["en", "zh_CN"])
@pytest.mark.parametrize("argv", [(), ("--help",), ("arrive", "--help"), ("project", "--help")])
def test_the_part_of_the_app_a_command_needs_helps_as_the_whole(
    monkeypatch: pytest.MonkeyPatch, language: str, argv: tuple[str, ...]
) -> None:
    monkeypatch.setenv("ZS_LANG", language)
    whole = RUNNER.invoke(app, list(argv))
    part = RUNNER.invoke(needed(list(argv)), list(argv))
    assert "Usage: zs" in whole.output or "用法：zs" in whole.output
    assert (part.exit_code, part.output) == (whole.exit_code, whole.output)


def test_a_command_line_builds_only_its_command() -> None:
    assert set(typer.main.get_command(needed(["arrive", "P-1", "1万"])).commands) == {"arrive"}
    assert set(typer.main.get_command(needed(["project", "list"])).commands) == {"project"}
    listing = typer.main.get_command(needed(["--help"]))
    assert set(listing.commands) == {" ".join(path) for path, _ in COMMANDS if len(path) == 1}
    assert all(not command.params for command in listing.commands.values())
    assert needed(["arrve"]) is app  # suggestions need every name
    assert needed([], {"_ZS_COMPLETE": "complete_bash"}) is app  # completion needs options


def test_help_import_times_show_no_heavy_module() -> None:
    result = run_python("-X", "importtime", "-m", "zhaoshang_cli", "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage: zs" in result.stdout
    imported = {
        line.rsplit("|", 1)[-1].strip().split(".")[0]
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "typer" in imported  # the parsing works
    assert imported.isdisjoint(HEAVY)


def zs_script() -> str:
    beside = Path(sys.executable).parent / "zs"
    found = str(beside) if beside.exists() else shutil.which("zs")
    assert found, "the zs console script is not installed"
    return found


def run_zs(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [zs_script(), *args], capture_output=True, text=True, env=env, timeout=60, check=False
    )


@pytest.fixture
def script_env(ledger_path: Path) -> dict[str, str]:
    return {**os.environ, "ZS_DB": str(ledger_path)}


def test_installed_script_round_trip(ledger_path: Path, script_env: dict[str, str]) -> None:
    steps = [
        (("init",), "Created a new ledger at"),
        (("unit", "add", "全市", "--kind", "city"), "Added city 全市 (id 1)."),
        (
            ("unit", "add", "甲县", "--kind", "county", "--parent", "全市"),
            "Added county 甲县 (id 2).",
        ),
        (
            (
                "add-project",
                "--name",
                "新材料",
                "--unit",
                "甲县",
                "--amount",
                "2.5亿",
                "--signed",
                "2026-03-18",
            ),
            "Added project 2026-0001 新材料 (signed).",
        ),
        (
            ("arrive", "2026-0001", "4700万", "--date", "2026-04-10"),
            "Recorded arrival 1: 4700.00万元 for 2026-0001 on 2026-04-10.",
        ),
    ]
    for args, expected in steps:
        result = run_zs(*args, env=script_env)
        assert result.returncode == 0, (args, result.stderr)
        assert expected in result.stdout
        assert result.stderr == ""
    result = run_zs("arrival", "list", "--format", "json", env=script_env)
    (row,) = json.loads(result.stdout)
    assert (row["id"], row["cny_wan"], row["operator"]) == (1, 4700, recorded_as("tester"))
    assert snapshot(ledger_path)["arrival"][0][0] == 1


def test_installed_script_refuses_in_one_line(
    ledger_path: Path, script_env: dict[str, str]
) -> None:
    result = run_zs("unit", "list", env=script_env)
    assert result.returncode == 1
    if isinstance(ledger_path, Path):
        expected = f"zs: There is no ledger at {ledger_path}; create one with `zs init`."
        assert not ledger_path.exists()
    else:
        expected = f"zs: {shown(ledger_path)} is empty; create the ledger with `zs init`."
    assert result.stderr.strip().splitlines() == [expected]
    result = run_zs("arrive", env=script_env)
    assert result.returncode == 2
    assert "Missing argument" in result.stderr


def corrupt_unit_kind(path: Path) -> None:
    """A row no zs would write, so that listing units fails in an unexpected way."""
    sql(path, "UPDATE unit SET kind = 'bogus' WHERE name = '甲县'")


def test_unexpected_error_is_one_line_without_debug(
    ledger: Path, script_env: dict[str, str]
) -> None:
    corrupt_unit_kind(ledger)
    result = run_zs("unit", "list", env=script_env)
    assert result.returncode == 70
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("zs: Unexpected error (ValueError:")
    assert line.endswith("run again with ZS_DEBUG=1 for the traceback.")


def test_zs_debug_lets_the_traceback_through(ledger: Path, script_env: dict[str, str]) -> None:
    corrupt_unit_kind(ledger)
    result = run_zs("unit", "list", env={**script_env, "ZS_DEBUG": "1"})
    assert result.returncode != 0
    assert "Traceback (most recent call last)" in result.stderr
    assert "ValueError" in result.stderr
    assert "units.py" in result.stderr  # where it went wrong, not only what


def test_zs_debug_shows_the_traceback_of_a_domain_error(
    ledger: Path, script_env: dict[str, str]
) -> None:
    quiet = run_zs("project", "show", "2026-0404", env=script_env)
    assert quiet.returncode == 1
    assert "Traceback" not in quiet.stderr
    loud = run_zs("project", "show", "2026-0404", env={**script_env, "ZS_DEBUG": "1"})
    assert "Traceback (most recent call last)" in loud.stderr
    assert "NotFound: There is no project with code '2026-0404'" in loud.stderr
    assert (
        run_zs("project", "show", "2026-0404", env={**script_env, "ZS_DEBUG": "0"}).returncode == 1
    )


def test_a_database_error_is_one_sentence(ledger: Path) -> None:
    sql(ledger, "DROP TABLE arrival")
    err = fails("info").stderr
    missing = 'relation "arrival" does not exist' if ON_POSTGRES else "no such table: arrival"
    assert f"The database refused the operation: {missing}." in err


def test_no_arguments_shows_help() -> None:
    result = zs(code=2)
    assert "Usage: zs" in result.output and "add-project" in result.output


def test_unknown_command_is_a_usage_error() -> None:
    assert "No such command 'nosuch'" in fails("nosuch", code=2).stderr
