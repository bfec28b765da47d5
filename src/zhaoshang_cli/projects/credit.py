"""Credit for a project (共同引进): which units it is credited to, and each one's share.

Written ``甲县=70%`` (or ``甲县=70``, a percentage); units without shares share evenly. Shares
are kept in basis points that add up to exactly 10000, so 1/3 each is 3333, 3333, 3334.

How the shares read in figures (decided; tests hold these): money is credited by share; a
count (projects, 亿元以上, leads) counts a joint project once in the row of every unit it
credits — each unit is assessed on it — and once in any subtotal or total that holds more
than one of those units, never as a fraction.
"""

import re
from decimal import Decimal, InvalidOperation

from sqlmodel import Session

from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.i18n import _
from zhaoshang_cli.store.models import Unit
from zhaoshang_cli.units.tree import find_unit

FULL_SHARE_BP = 10_000
_SHARE = re.compile(r"^(?P<unit>.+?)\s*[=＝]\s*(?P<share>[0-9０-９.．]+)\s*[%％]?$")


def even_shares(count: int) -> list[int]:
    """Basis points that add up to exactly 10000; the last unit takes the remainder."""
    base = FULL_SHARE_BP // count
    return [base] * (count - 1) + [FULL_SHARE_BP - base * (count - 1)]


def parse_share(text: str, unit: str) -> int:
    """A percentage (70%, 33.33) as basis points."""
    try:
        percent = Decimal(
            text.replace("．", ".").translate(str.maketrans("０１２３４５６７８９", "0123456789"))
        )
    except InvalidOperation:
        percent = Decimal(-1)
    basis = percent * 100
    if not percent.is_finite() or not 0 < basis <= FULL_SHARE_BP or basis != basis.to_integral():
        raise Invalid(
            _(
                "The share {share!r} of {unit} is not a percentage above 0 and up to 100 with "
                "at most two decimals, e.g. {unit}=70%."
            ).format(share=text, unit=unit)
        )
    return int(basis)


def split_spec(spec: str) -> tuple[str, int | None]:
    """``甲县=70%`` → (甲县, 7000); ``甲县`` → (甲县, None)."""
    match = _SHARE.match(spec.strip())
    if match is None:
        return spec.strip(), None
    return match["unit"], parse_share(match["share"], match["unit"])


def credit_from(session: Session, specs: list[str]) -> list[tuple[Unit, int]]:
    """The units named and their shares: all stated and adding up to 100%, or none (even)."""
    if not specs:
        raise Invalid(_("A project needs a responsible --unit."))
    parsed = [split_spec(spec) for spec in specs]
    units = [find_unit(session, name) for name, _share in parsed]
    if len({unit.id for unit in units}) != len(units):
        raise Invalid(_("The same unit is named twice for one project."))
    stated = [share for _name, share in parsed if share is not None]
    if not stated:
        return list(zip(units, even_shares(len(units)), strict=True))
    if len(stated) != len(parsed):
        raise Invalid(
            _("Give every unit its share (甲县=70% --unit 经开区=30%), or none for even shares.")
        )
    total = sum(stated)
    if total != FULL_SHARE_BP:
        raise Invalid(
            _("The units' shares add up to {total}%, not 100%.").format(
                total=f"{(Decimal(total) / 100).normalize():f}"
            )
        )
    return list(zip(units, stated, strict=True))


def credit_text(credit: list[tuple[str, int]]) -> str:
    """甲县、经开区 for an even split; 甲县=70%、经开区=30% otherwise (how a file writes it)."""
    if not credit:
        return ""
    shares = [share for _name, share in credit]
    if shares == even_shares(len(shares)):
        return "、".join(name for name, _share in credit)
    return "、".join(f"{name}={(Decimal(share) / 100).normalize():f}%" for name, share in credit)
