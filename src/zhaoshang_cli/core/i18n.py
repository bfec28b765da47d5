"""Chinese by default, English on request: every string a user reads goes through here.

Messages are written once in English (the msgid) and translated through one gettext catalog,
``locale/zh_CN/LC_MESSAGES/messages.mo``. The catalog is bound to gettext's default domain,
``messages``, so Typer's own strings ("Options", "Commands", "No such command …") translate
with ours. The language is resolved on every call from the environment, so a test (or a
long-lived Python caller) can switch it: ``ZS_LANG``, else ``LC_ALL``/``LC_MESSAGES``/``LANG``;
Chinese unless they say English (``en*``) — a cron job with ``LANG=C`` gets Chinese.

Only the standard library is imported here: ``zs --help`` stays light.
"""

import errno
import gettext
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parents[1] / "locale"
DOMAIN = "messages"
CHINESE = "zh_CN"
ENGLISH = "en"


def resolve_language(environ: Mapping[str, str] = os.environ) -> str:
    """``zh_CN`` or ``en``: ZS_LANG first, then the POSIX locale variables in their order."""
    for name in ("ZS_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "").strip()
        if value:
            return ENGLISH if value.lower().startswith("en") else CHINESE
    return CHINESE


_forced: list[str] = []  # in_language(): a document that has one language whatever the user's


def language() -> str:
    return _forced[-1] if _forced else resolve_language()


@contextmanager
def in_language(lang: str) -> Iterator[None]:
    """Everything said inside in ``lang``: the Word 通报 is a Chinese document for an English
    user too."""
    _forced.append(lang)
    try:
        yield
    finally:
        _forced.pop()


def is_english() -> bool:
    return language() == ENGLISH


@cache
def _catalog(lang: str) -> gettext.NullTranslations:
    if lang == ENGLISH:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def _(message: str) -> str:
    """The message in the user's language (the English msgid when English)."""
    return _catalog(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _catalog(language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a message for the catalog where it is translated later (help texts, tables)."""
    return message


# Why the system refused a file, as its C library says it in English (LANG=C), in the user's
# language: the common ones a clerk meets.
OS_REASONS = {
    errno.EACCES: N_("Permission denied"),
    errno.EPERM: N_("Operation not permitted"),
    errno.ENOENT: N_("No such file or directory"),
    errno.ENOSPC: N_("No space left on device"),
    errno.EROFS: N_("Read-only file system"),
    errno.EISDIR: N_("Is a directory"),
    errno.ENOTDIR: N_("Not a directory"),
    errno.EEXIST: N_("File exists"),
    errno.EDQUOT: N_("Disk quota exceeded"),
}


def os_reason(exc: OSError) -> str:
    """An OSError's reason in the user's language where it is a common one."""
    if exc.errno in OS_REASONS:
        return _(OS_REASONS[exc.errno])
    return exc.strerror or str(exc)


def activate() -> str:
    """Point gettext's default domain at our catalog for the resolved language, so Typer's
    own ``gettext.gettext`` calls follow it; returns the language."""
    lang = language()
    os.environ["LANGUAGE"] = lang
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)
    return lang
