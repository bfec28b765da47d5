"""Every private name of Typer that zs leans on, in one place, and the one version they were
checked against.

Typer ≥ 0.29 vendors Click privately (``typer._click``: the usage error zs translates, its
``echo``) and checks each parameter with a pydantic TypeAdapter (``typer._coercion``), which
``coercion`` defers so that help pages and `zs arrive` never load pydantic; the shell
completion installer (``typer._completion_shared.install``) is wrapped to speak the user's
language. No public API gives these, so Typer is pinned exactly in pyproject.toml, and
``tests/test_typer_pin.py`` fails on any other version: an upgrade is a deliberate step — move
the pin, run the suite (help, translations, completion and start-up are all tested), then
update ``VETTED``.
"""

from typer import _click as click
from typer._click.exceptions import UsageError
from typer._coercion import RuntimeParam, build_runtime_param
from typer._completion_shared import install

VETTED = "0.29.2"

__all__ = ["VETTED", "RuntimeParam", "UsageError", "build_runtime_param", "click", "install"]
