"""The CLI reference in docs/reference/, generated from the commands themselves, in both
languages: one page per top-level command or group (``zs.md`` for the root).

``python tools/reference.py`` rewrites the pages (Chinese ``NAME.md``, English ``NAME.en.md``);
``tests/test_readme.py`` fails when they have fallen behind the commands."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

WIDTH = 100
FOLDER = Path(__file__).resolve().parents[1] / "docs" / "reference"
SUFFIX = {"zh_CN": ".md", "en": ".en.md"}


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


def reference_pages(lang: str = "en") -> dict[str, str]:
    """Page name → Markdown: ``zs`` (the root's help), then each top-level command or group
    with its subcommands."""
    import typer

    from zhaoshang_cli.cli import app
    from zhaoshang_cli.cli.localize import localize_tree

    pages: dict[str, list[str]] = {}
    with language(lang):
        root = typer.main.get_command(app)
        localize_tree(root)
        for path, command in walk(root, ["zs"]):
            ctx = command.context_class(
                command, info_name=" ".join(path), terminal_width=WIDTH, max_content_width=WIDTH
            )
            page = path[1] if len(path) > 1 else "zs"
            heading = "#" * min(len(path) - (1 if len(path) > 1 else 0), 3)
            pages.setdefault(page, []).append(
                f"{heading} `{' '.join(path)}`\n\n```\n{command.get_help(ctx).rstrip()}\n```\n"
            )
    return {page: "\n".join(parts) for page, parts in pages.items()}


def main() -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    for lang, suffix in SUFFIX.items():
        for page, text in reference_pages(lang).items():
            (FOLDER / f"{page}{suffix}").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
