"""Figures as every output writes them: rounded half up, as offices round by hand."""

from decimal import ROUND_HALF_UP, Decimal


def quantize(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def percent(fraction: Decimal | None, places: int = 1) -> str:
    if fraction is None:
        return "—"
    return f"{quantize(fraction * 100, places):.{places}f}%"
