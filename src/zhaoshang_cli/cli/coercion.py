"""Parsing without pydantic where there is nothing to check, so `zs arrive --help` (and `zs
report --month 4 --format json`) stay light.

Typer (≥ 0.29) checks every parameter's value with a pydantic TypeAdapter that it builds the
first time the parameter is parsed — even an absent `--help` or `--install-completion` of the
root, so every subcommand would import pydantic (~100 ms, as much as Typer itself). An absent
value, plain text, a whole number in its range and a choice spelled exactly need no checking:
they pass here as they are; anything else (a path, a list, a number out of range, a choice
in other letters) goes to Typer's own coercion, built when first needed. This leans on
Typer's internals (``typer_internals``: Typer is pinned to the version they were checked
against); tests/test_cli.py notices pydantic in `zs arrive --help`.
"""

from enum import Enum
from typing import Any

from zhaoshang_cli.cli.localize import ZsContext
from zhaoshang_cli.cli.typer_internals import RuntimeParam, build_runtime_param


class Deferred(RuntimeParam):  # type: ignore[misc]
    """Text as it is; anything else by Typer's coercion, built on first use.
    (An absent value never gets here: RuntimeParam.coerce returns it at once.)"""

    def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
        if isinstance(value, str) and self.parameter_info.parser is None:
            plain = plainly(value, self.annotation, self.parameter_info)
            if plain is not None:
                return plain
        typer_own = build_runtime_param(param.type_descriptor)
        param._runtime_param = typer_own
        return typer_own._coerce_value(value, param=param, ctx=ctx)


def plainly(value: str, annotation: Any, info: Any) -> Any:
    """Text as it is, a whole number in its range (`zs report --month 4`) and a choice given
    exactly (`--format json`) need no checking; None: Typer's coercion decides (and words the
    refusal) instead."""
    if annotation is str:
        return value
    if annotation is int and value.isascii() and value.isdigit() and not info.clamp:
        number = int(value)
        low, high = info.min, info.max
        in_range = (low is None or number >= low) and (high is None or number <= high)
        return number if in_range else None
    if isinstance(annotation, type) and issubclass(annotation, Enum) and info.case_sensitive:
        return next((choice for choice in annotation if choice.value == value), None)
    return None


def deferred(params: list[Any]) -> None:
    """Typer parameters not yet parsed get a Deferred coercion."""
    for param in params:
        if getattr(param, "_runtime_param", False) is None and hasattr(param, "type_descriptor"):
            descriptor = param.type_descriptor
            param._runtime_param = Deferred(
                parameter_info=descriptor.parameter_info, annotation=descriptor.annotation
            )


class DeferringContext(ZsContext):
    """A command's context that defers its parameters' coercion, --help's included (Click
    makes that option only once a context asks for it)."""

    def __init__(self, command: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(command, *args, **kwargs)
        deferred(command.get_params(self))


def defer_coercion(command: Any) -> None:
    """Every command of a tree parses with a DeferringContext; after localize_tree, whose
    context this one extends."""
    command.context_class = DeferringContext
    for sub in getattr(command, "commands", {}).values():
        defer_coercion(sub)
