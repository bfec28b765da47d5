"""Text from users, checked once for every name, note and reference the ledger keeps.

A ledger that leaders rank units by must not hold text that shows as something else: control
characters (ESC repaints a terminal, NUL cuts a C string, CR starts a new CSV row), format
characters (a right-to-left override turns 甲县 into what looks like another name, a
zero-width space makes two equal-looking units), or names that show as nothing at all.
"""

import unicodedata
from functools import lru_cache

from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.i18n import N_, _

NAME_MAX = 100  # a unit, a person, an industry, an occasion, a voucher reference
TITLE_MAX = 200  # a project's name, an investor company's
NOTE_MAX = 2000  # a note, a reason, a contact
CODE_MAX = 40  # a project code

# Letters that print as blank space without being whitespace (Hangul fillers, braille blank).
BLANKS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Control (Cc), format (Cf), surrogate (Cs), line and paragraph separators (Zl, Zp).
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
SHOWN = 40  # characters of a refused value quoted back
CONTROL_NAMES = {
    "\0": "NUL",
    "\a": N_("bell"),
    "\t": N_("tab"),
    "\n": N_("line break"),
    "\r": N_("carriage return"),
    "\x1b": N_("escape"),
    "\x7f": N_("delete"),
    "\u200b": N_("zero width space"),
    "\u200c": N_("zero width non-joiner"),
    "\u200d": N_("zero width joiner"),
    "\u202a": N_("left-to-right embedding"),
    "\u202b": N_("right-to-left embedding"),
    "\u202d": N_("left-to-right override"),
    "\u202e": N_("right-to-left override"),
    "\u2028": N_("line separator"),
    "\u2029": N_("paragraph separator"),
    "\ufeff": N_("zero width no-break space"),
}


def shown(text: str) -> str:
    """The value as an error quotes it: escaped (repr), and cut short when long."""
    return repr(text if len(text) <= SHOWN else text[:SHOWN] + "…")


def describe(char: str) -> str:
    if char in CONTROL_NAMES:
        return _(CONTROL_NAMES[char])
    return unicodedata.name(char, "").lower() or _("a control character")


def clean_text(
    value: str | None,
    what: str,
    *,
    limit: int = NAME_MAX,
    lines: bool = False,
    required: bool = False,
) -> str | None:
    """The text stripped, or None when empty (refused when ``required``). ``lines``: line
    breaks are allowed inside (notes, reasons, contacts), written as LF."""
    text = "" if value is None else str(value)
    if lines:
        text = text.replace("\r\n", "\n")
    text = text.strip()
    for char in "" if text.isprintable() else text:  # isprintable: the quick common case
        category = unicodedata.category(char)
        if category not in REFUSED_CATEGORIES or (lines and char == "\n"):
            continue
        if category == "Cs":
            raise Invalid(
                _("The {what} {value} holds bytes that are not valid UTF-8 text.").format(
                    what=_(what), value=shown(text)
                )
            )
        raise Invalid(
            _(
                "The {what} {value} contains {code} ({name}), "
                "which text in the ledger may not hold; write it without."
            ).format(
                what=_(what), value=shown(text), code=f"U+{ord(char):04X}", name=describe(char)
            )
        )
    if not text:
        if required:
            raise Invalid(_("The {what} may not be empty.").format(what=_(what)))
        return None
    if all(char in BLANKS or char.isspace() for char in text):
        raise Invalid(
            _("The {what} {value} shows as nothing; write it with visible text.").format(
                what=_(what), value=shown(text)
            )
        )
    if len(text) > limit:
        raise Invalid(
            _("The {what} is {length} characters long; at most {limit} are allowed.").format(
                what=_(what), length=f"{len(text):,}", limit=f"{limit:,}"
            )
        )
    return text


# Company forms that do not tell two investors apart (after NFKC and casefold), longest first.
COMPANY_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "集团公司",
    "公司",
    "co.,ltd.",
    "co.,ltd",
    "co.ltd.",
    "co.ltd",
    "company",
    "limited",
    "ltd.",
    "ltd",
    "inc.",
    "inc",
    "corp.",
)


def _folded(text: str | None) -> str:
    """Full-width as half-width (NFKC), case folded, without any space."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(folded.split())  # split() cuts at exactly the characters isspace() knows


@lru_cache(maxsize=1024)  # an import asks for each row's key three times in a row
def duplicate_key(investor: str | None, name: str) -> str:
    """What 不重复统计 compares: the investor without its company form (某某新能源有限公司 is
    某某新能源) and the project name without a closing 项目, each folded (``_folded``)."""
    company = _folded(investor)
    stripped = True
    while stripped and company.endswith(COMPANY_SUFFIXES):  # one test when none is left
        stripped = False
        for suffix in COMPANY_SUFFIXES:
            if company.endswith(suffix) and len(company) > len(suffix):
                company, stripped = company[: -len(suffix)].rstrip(",."), True
                break
    title = _folded(name)
    if title.endswith("项目") and len(title) > 2:
        title = title[:-2]
    return f"{company}|{title}"
