"""Typer is pinned exactly, because the CLI leans on its private names (cli/typer_internals.py):
any other version fails here until someone has checked them again and moved ``VETTED``."""

import importlib.metadata
import tomllib
from pathlib import Path

import pytest

from zhaoshang_cli.cli import typer_internals

pytestmark = pytest.mark.one_backend  # not about the database

ROOT = Path(__file__).resolve().parents[1]


def test_the_installed_typer_is_the_one_its_internals_were_checked_against() -> None:
    assert importlib.metadata.version("typer") == typer_internals.VETTED, (
        "Typer was upgraded: check zhaoshang_cli/cli/typer_internals.py against it, run the "
        "suite, then move VETTED and the pin in pyproject.toml"
    )


def test_pyproject_pins_that_very_version() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    typer = [spec for spec in project["dependencies"] if spec.startswith("typer")]
    assert typer == [f"typer=={typer_internals.VETTED}"]


def test_every_private_name_leaned_on_is_there() -> None:
    """What the CLI takes from Typer's inside, by what it does with it."""
    assert issubclass(typer_internals.UsageError, Exception)
    assert callable(typer_internals.click.echo)
    assert callable(typer_internals.install)
    assert hasattr(typer_internals.RuntimeParam, "_coerce_value")
    assert callable(typer_internals.build_runtime_param)
    import typer.testing

    assert callable(typer.testing._get_command)  # cached by tests/helpers.py
