"""The CLI reference in the README, generated from the commands themselves.

``python -m zhaoshang_cli.cli.reference`` rewrites the part of README.md between the
markers; a test fails when the README has fallen behind the commands.
"""

import sys
from pathlib import Path
from typing import Any

START = "<!-- cli-reference:start -->"
END = "<!-- cli-reference:end -->"
WIDTH = 100


def walk(command: Any, path: list[str]) -> list[tuple[list[str], Any]]:
    """Every command, depth first, in the order `zs --help` lists them."""
    found = [(path, command)]
    for name in getattr(command, "commands", {}):
        found += walk(command.commands[name], [*path, name])
    return found


def reference() -> str:
    import typer

    from zhaoshang_cli.cli import app

    root = typer.main.get_command(app)
    parts = []
    for path, command in walk(root, ["zs"]):
        ctx = typer.Context(
            command, info_name=" ".join(path), terminal_width=WIDTH, max_content_width=WIDTH
        )
        heading = "#" * min(len(path) + 2, 4)
        parts.append(
            f"{heading} `{' '.join(path)}`\n\n```\n{command.get_help(ctx).rstrip()}\n```\n"
        )
    return "\n".join(parts)


def with_reference(readme: str) -> str:
    head, _, rest = readme.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n\n{reference()}\n{END}{tail}"


def main() -> None:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    path.write_text(with_reference(path.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":
    main()
