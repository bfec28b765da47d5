"""The keys a ledger's settings may have (``zs config``), each with its meaning and its check.
Nothing here touches the database, so the commands' help can name the keys cheaply.

Only known keys are stored, each with its own check, so a typo is refused instead of kept and
silently ignored. A new family of keys (thresholds, say) is a few more entries in ``KEYS``.
"""

import string
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.i18n import N_, _
from zhaoshang_cli.settings.thresholds import SETTINGS, canonical

PLACEHOLDERS = ("year", "month", "week")


@dataclass(frozen=True)
class Key:
    name: str
    meaning: str
    example: str
    check: Callable[[str], str]
    default: str | None = None  # in force while the key is not set


def _office(value: str) -> str:
    text = value.strip()
    if not text:
        raise Invalid(_("The issuing office is empty; give its full name."))
    if len(text) > 60:
        raise Invalid(
            _("The issuing office {value!r} is longer than 60 characters.").format(value=text)
        )
    return text


def _number_pattern(value: str) -> str:
    """A document number with {year}, {month} or {week} in it, e.g. 某招组办〔{year}〕{month}号."""

    text = value.strip()
    if not text:
        raise Invalid(_("The document number pattern is empty."))
    try:
        fields = [part for part in string.Formatter().parse(text) if part[1] is not None]
    except ValueError:
        fields = None
    if fields is None or any(name == "" for _, name, _, _ in fields):
        raise Invalid(
            _(
                "The pattern {value!r} is not readable; write it like 某招组办〔{{year}}〕{{month}}号."
            ).format(value=text)
        )
    for _literal, name, spec, conversion in fields:
        if name not in PLACEHOLDERS or spec or conversion:
            shown = "{" + name + (f"!{conversion}" if conversion else "")
            shown += (f":{spec}" if spec else "") + "}"
            raise Invalid(
                _(
                    "The pattern {value!r} has {field}; only bare {{year}}, {{month}} and "
                    "{{week}} are filled in."
                ).format(value=text, field=shown)
            )
    return text


def fill_pattern(pattern: str, **values: object) -> str:
    """The pattern with its bare fields filled in; never str.format, whose format specs can
    ask for a string of any width (a pattern stored before they were refused fills safely)."""
    out = []
    try:
        for literal, name, _spec, _conversion in string.Formatter().parse(pattern):
            out.append(literal)
            if name is not None:
                out.append(str(values.get(name, "")))
    except ValueError:  # not a pattern any more: shown as it was typed
        return pattern
    return "".join(out)


KEYS: dict[str, Key] = {
    key.name: key
    for key in (
        Key(
            "office",
            N_("the issuing office, printed on every report, bulletin and export"),
            "某某市招商引资工作领导小组办公室",
            _office,
        ),
        Key(
            "doc_number",
            N_("the document number of the monthly report; {year} and {month} are filled in"),
            "某招组办〔{year}〕{month}号",
            _number_pattern,
        ),
        Key(
            "bulletin_number",
            N_("the issue number of the weekly bulletin; {year}, {week} and {month} are filled in"),
            "{year}年第{week}期",
            _number_pattern,
        ),
    )
}


def _watch_keys() -> dict[str, Key]:
    """The 督查 thresholds (``zhaoshang_cli.settings.thresholds``): each checked and stored one way."""

    meanings = {
        "warn.signed_not_started": N_("zs warn: signed, not started after this long"),
        "warn.started_no_money": N_("zs warn: started, no money after this long"),
        "warn.stalled": N_("zs warn: a lead or negotiation not moved for this long"),
        "warn.low_funds_after": N_("zs warn: this long after signing, money is checked …"),
        "warn.low_funds_share": N_("zs warn: … against this share of the contract"),
        "warn.yellow_card": N_(
            "Yellow card: units below this share of time progress (zs warn --units)"
        ),
        "warn.leads_per_person": N_(
            "leads each person should bring (每人2条以上), without a target"
        ),
        "warn.occasion_quota": N_("projects each county and zone should sign at an occasion"),
    }
    return {
        key: Key(key, meanings[key], default, partial(canonical, key), default)
        for key, (_field, _parse, default) in SETTINGS.items()
    }


KEYS.update(_watch_keys())


def check_key(key: str) -> Key:
    if key not in KEYS:
        raise Invalid(
            _("Unknown setting {key!r}; known settings: {keys}.").format(
                key=key, keys=", ".join(KEYS)
            )
        )
    return KEYS[key]
