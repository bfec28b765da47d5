"""The CLI reference in the READMEs, generated from the commands themselves, in both languages.

``python -m zhaoshang_cli.cli.reference`` rewrites the part of README.md (English) and of
README.zh-CN.md (Chinese) between the markers; a test fails when either has fallen behind.
"""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

START = "<!-- cli-reference:start -->"
END = "<!-- cli-reference:end -->"
WIDTH = 100
READMES = {"en": "README.md", "zh_CN": "README.zh-CN.md"}


def walk(command: Any, path: list[str]) -> list[tuple[list[str], Any]]:
    """Every command, depth first, in the order `zs --help` lists them."""
    found = [(path, command)]
    for name in getattr(command, "commands", {}):
        found += walk(command.commands[name], [*path, name])
    return found


@contextmanager
def language(lang: str) -> Iterator[None]:
    """Help in one language, whatever the environment says; the old setting comes back."""
    from zhaoshang_cli.core.i18n import activate

    saved = {name: os.environ.get(name) for name in ("ZS_LANG", "LANGUAGE")}
    os.environ["ZS_LANG"] = lang
    activate()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        activate()


def reference(lang: str = "en") -> str:
    import typer

    from zhaoshang_cli.cli import app
    from zhaoshang_cli.cli.localize import localize_tree

    with language(lang):
        root = typer.main.get_command(app)
        localize_tree(root)
        parts = []
        for path, command in walk(root, ["zs"]):
            ctx = command.context_class(
                command, info_name=" ".join(path), terminal_width=WIDTH, max_content_width=WIDTH
            )
            heading = "#" * min(len(path) + 2, 4)
            parts.append(
                f"{heading} `{' '.join(path)}`\n\n```\n{command.get_help(ctx).rstrip()}\n```\n"
            )
    return "\n".join(parts)


def with_reference(readme: str, lang: str = "en") -> str:
    head, _, rest = readme.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n\n{reference(lang)}\n{END}{tail}"


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(".")
    for lang, name in READMES.items():
        path = folder / name
        path.write_text(with_reference(path.read_text(encoding="utf-8"), lang), encoding="utf-8")


if __name__ == "__main__":
    main()
