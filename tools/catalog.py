"""Keeping the zh_CN catalog in step with the code (a developer's tool; needs Babel).

``python tools/catalog.py update`` collects every msgid — ``_()``, ``N_()`` and
``ngettext()`` in the package, every help text of the command tree, Typer's own words — and
rewrites ``messages.po``: translations kept, new msgids added untranslated, unused ones
dropped; then compiles ``messages.mo``. ``check`` lists what is missing or stale; a test runs it.
"""

import sys
from pathlib import Path

import zhaoshang_cli
from zhaoshang_cli.core.i18n import CHINESE, DOMAIN, LOCALE_DIR

PACKAGE = Path(zhaoshang_cli.__file__).parent
PO_PATH = LOCALE_DIR / CHINESE / "LC_MESSAGES" / f"{DOMAIN}.po"
MO_PATH = PO_PATH.with_suffix(".mo")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def _extract(paths: list[Path]) -> dict[str | tuple[str, str], str]:
    """msgid (or singular/plural pair) → where it was first found."""
    from babel.messages.extract import extract

    found: dict[str | tuple[str, str], str] = {}
    for path in paths:
        with path.open("rb") as handle:
            for lineno, message, _comments, _context in extract(
                "python", handle, keywords=KEYWORDS, comment_tags=()
            ):
                if message and message not in found:
                    found[message] = f"{path.name}:{lineno}"
    return found


def collect_msgids() -> dict[str | tuple[str, str], str]:
    import typer

    from zhaoshang_cli.cli import app
    from zhaoshang_cli.cli.localize import help_texts

    sources = sorted(PACKAGE.rglob("*.py"))
    found = _extract(sources)
    for text in help_texts(typer.main.get_command(app)):
        found.setdefault(text, "help")
    typer_core = Path(typer.__file__).parent / "core.py"
    for message, where in _extract([typer_core]).items():
        found.setdefault(message, f"typer/{where}")
    return found


def _read_catalog():  # type: ignore[no-untyped-def]
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po

    if not PO_PATH.exists():
        return Catalog(locale=CHINESE, domain=DOMAIN)
    with PO_PATH.open("rb") as handle:
        return read_po(handle, locale=CHINESE)


def problems() -> list[str]:
    """Untranslated msgids and catalog entries no longer used, one line each."""
    catalog = _read_catalog()
    wanted = collect_msgids()
    lines = []
    for msgid, where in wanted.items():
        entry = catalog.get(msgid)
        translated = entry is not None and (
            all(entry.string) if isinstance(entry.string, tuple) else bool(entry.string)
        )
        if not translated:
            lines.append(f"untranslated ({where}): {msgid!r}")
    for entry in catalog:
        if entry.id and entry.id not in wanted:
            lines.append(f"unused: {entry.id!r}")
    return lines


def update() -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    old = _read_catalog()
    new = Catalog(locale=CHINESE, domain=DOMAIN, project="zhaoshang-cli")
    for msgid in collect_msgids():
        entry = old.get(msgid)
        new.add(msgid, entry.string if entry else "")
    PO_PATH.parent.mkdir(parents=True, exist_ok=True)
    with PO_PATH.open("wb") as handle:
        write_po(handle, new, width=100, omit_header=False, sort_output=True)
    compile_mo()


def compile_mo() -> None:
    from babel.messages.mofile import write_mo

    catalog = _read_catalog()
    with MO_PATH.open("wb") as handle:
        write_mo(handle, catalog)


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "update":
        update()
    elif command == "compile":
        compile_mo()
    found = problems()
    print("\n".join(found) or "catalog complete")
    sys.exit(1 if found and command == "check" else 0)


if __name__ == "__main__":
    main()
