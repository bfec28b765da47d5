"""Exact money: amounts are integers in minor units (分 for CNY, cents for USD).

Offices speak in 万元 and 亿元, so input accepts ``4700万``, ``4.7亿``, ``4.7亿元``,
``47000000元`` and a plain number, which means 万 (of the amount's currency).
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.i18n import N_, _

MINOR_PER_MAJOR = 100
WAN = 10_000
YI = 100_000_000
RATE_SCALE = 1_000_000  # exchange rates are kept as integers in millionths
# No single sum is larger (the biggest projects are a few 千亿); anything above is a typo,
# and it keeps every total far inside a 64-bit integer.
# Caps stop typos (a unit off by 10,000) and overflow, not real figures: one project's money
# stays under 1万亿元; a province's annual target can pass it, so targets (and the subtotals
# of them) go to 100万亿元, still exact in 64-bit fen (10^16 of 9.2×10^18).
MAX_AMOUNT_MAJOR = 10**12  # 1万亿
MAX_TARGET_MAJOR = 10**14  # 100万亿
MAX_AMOUNT_TEXT = 40  # characters: '1,000,000,000,000.00元' is 22
MAX_RATE = 10_000  # CNY per one unit of a currency: the dearest currencies are a few dozen

_SCALES = {"万亿": WAN * YI, "亿": YI, "万": WAN, "千": 1_000, "": 1}
_AMOUNT = re.compile(
    r"^(?P<num>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)\s*(?P<scale>万亿|亿|万|千)?\s*"
    r"(?P<unit>元|人民币|美元|美金|usd|cny|rmb)?$",
    re.IGNORECASE,
)

DISPLAY_UNITS = {"万": WAN, "亿": YI, "元": 1}
# The currency a unit word names: "120万美元" is never 120万 of CNY.
UNIT_CURRENCY = {
    **dict.fromkeys(("元", "人民币", "cny", "rmb"), "CNY"),
    **dict.fromkeys(("美元", "美金", "usd"), "USD"),
}


def parse_amount(
    text: str,
    *,
    what: str = N_("amount"),
    currency: str | None = None,
    limit: int = MAX_AMOUNT_MAJOR,
) -> int:
    """Parse a spoken amount into minor units of its currency (never a float).

    Given the ``currency`` being recorded, a unit word naming another one is refused."""
    raw = str(text).strip().replace(" ", "").replace("，", ",")
    if len(raw) > MAX_AMOUNT_TEXT:
        raise Invalid(
            _("The {what} {value!r} is too long to be an amount.").format(
                what=_(what), value=raw[:20] + "…"
            )
        )
    if raw.startswith("-"):
        raise Invalid(
            _("The {what} {value!r} is negative; amounts must be greater than zero.").format(
                what=_(what), value=text
            )
        )
    match = _AMOUNT.match(raw)
    if not match and "," in raw and _AMOUNT.match(raw.replace(",", "")):
        raise Invalid(
            _(
                "The {what} {value!r} has its commas in the wrong places; they separate groups "
                "of three digits (1,200万), or leave them out."
            ).format(what=_(what), value=text)
        )
    if not match:
        raise Invalid(
            _(
                "The {what} {value!r} is not readable; write it like 4700万, 4.7亿, 47000000元 "
                "or a plain number of 万."
            ).format(what=_(what), value=text)
        )
    named = UNIT_CURRENCY.get((match["unit"] or "").lower())
    if currency is not None and named is not None and named != currency:
        raise Invalid(
            _(
                "The {what} {value!r} is in {named} but the currency is {currency}; "
                "give --currency {named} or leave the unit out."
            ).format(what=_(what), value=text, named=named, currency=currency)
        )
    number = Decimal(match["num"].replace(",", ""))
    scale = match["scale"] or ""
    if not scale and not match["unit"]:
        scale = "万"  # a plain number is in 万, as offices write it
    minor = number * _SCALES[scale] * MINOR_PER_MAJOR
    if minor != minor.to_integral_value():
        raise Invalid(
            _("The {what} {value!r} is more precise than one fen (0.01 元).").format(
                what=_(what), value=text
            )
        )
    if minor <= 0:
        raise Invalid(
            _("The {what} {value!r} is zero; amounts must be greater than zero.").format(
                what=_(what), value=text
            )
        )
    if minor > limit * MINOR_PER_MAJOR:
        raise Invalid(
            _(
                "The {what} {value!r} is more than {cap}; no single amount is that large, "
                "so check the unit (万, 亿, 元)."
            ).format(what=_(what), value=text, cap=f"{limit // 10**12}万亿")
        )
    return int(minor)


def parse_rate(text: str) -> int:
    """An exchange rate (CNY per one unit of currency) as millionths."""
    try:
        rate = Decimal(str(text).strip())
    except InvalidOperation:
        raise Invalid(_("The rate {value!r} is not a number.").format(value=text)) from None
    if not rate.is_finite() or rate <= 0:
        raise Invalid(_("The rate {value!r} must be a positive number.").format(value=text))
    if rate > MAX_RATE:
        raise Invalid(
            _(
                "The rate {value!r} is more than {max} CNY for one unit; give the yuan "
                "per single unit of the currency, e.g. 7.10 for USD."
            ).format(value=text, max=f"{MAX_RATE:,}")
        )
    scaled = rate * RATE_SCALE
    if scaled != scaled.to_integral_value():
        raise Invalid(_("The rate {value!r} has more than six decimal places.").format(value=text))
    return int(scaled)


def convert(minor: int, rate_micro: int) -> int:
    """Minor units of a foreign currency to 分 at a rate; rounded half up to the fen."""
    exact = Decimal(minor) * Decimal(rate_micro) / RATE_SCALE
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def to_unit(minor: int, unit: str = "万") -> Decimal:
    """Minor units as an exact Decimal of 万 (or 亿, 元)."""
    return Decimal(minor) / (DISPLAY_UNITS[unit] * MINOR_PER_MAJOR)


def format_amount(minor: int | None, unit: str = "万", places: int = 2) -> str:
    """Display form, rounded half up: 47000000元 → '4700.00' in 万."""
    if minor is None:
        return "—"
    value = to_unit(minor, unit).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{value:.{places}f}"


def format_rate(rate_micro: int) -> str:
    return f"{(Decimal(rate_micro) / RATE_SCALE).normalize():f}"
