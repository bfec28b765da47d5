"""A cell as offices type it, read into a value of its column's type: text, amounts in 万, dates
however Excel or a clerk wrote them, 是/否, whole numbers, choices, months, rates. Each parser
takes the column and the raw cell and raises one sentence when the cell cannot be read."""

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from zhaoshang_cli.core import dates
from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.i18n import _
from zhaoshang_cli.core.money import parse_amount, parse_rate
from zhaoshang_cli.spreadsheets.columns import Column

EXCEL_EPOCH = date(1899, 12, 30)  # a date typed into Excel is a number of days from here

MAX_INT_DIGITS = 12  # whole numbers in a sheet (years, counts, ids) fit a 64-bit column

Parser = Callable[[Column, Any], Any]


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def decimal_of(value: int | float) -> Decimal:
    """An Excel number exactly as shown: 4700.5 → Decimal('4700.5'), never float arithmetic."""
    return Decimal(value) if isinstance(value, int) else Decimal(repr(value))


def text_of(value: Any) -> str:
    if type(value) is str:  # the common case first
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        number = decimal_of(value)
        return str(int(number)) if number == number.to_integral_value() else f"{number:f}"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def parse_text(_column: Column, value: Any) -> str:
    return text_of(value)


ZERO = re.compile(r"0+(\.0+)?\s*(万元|万|亿元|亿|元)?")


def parse_amount_cell(column: Column, value: Any) -> int:
    """In 万 when a bare number (as the template says); a leading minus only where allowed."""
    if isinstance(value, bool):
        raise Invalid(_("The amount {value!r} is not readable.").format(value=value))
    text = text_of(value)
    if column.zero and ZERO.fullmatch(text):
        return 0
    negative = column.type == "signed_amount" and text.startswith("-")
    minor = parse_amount(text[1:] if negative else text)
    return -minor if negative else minor


def parse_date_cell(_column: Column, value: Any) -> date:
    """An Excel date, a date typed as text (2026-3-9, 2026/3/9, 2026.3.9, 2026年3月9日), or an
    Excel date serial (46090) where the cell lost its date format."""
    if isinstance(value, datetime):
        return dates.check_date(value.date())
    if isinstance(value, date):
        return dates.check_date(value)
    text = text_of(value)
    if re.fullmatch(r"[0-9]{5}(\.0+)?", text):
        return dates.check_date(EXCEL_EPOCH + timedelta(days=int(float(text))))
    compact = re.fullmatch(r"([0-9]{4})([0-9]{2})([0-9]{2})", text)  # 20260309
    if compact:
        text = "-".join(compact.groups())
    return dates.parse_date(text)


YES = frozenset({"是", "y", "yes", "true", "1", "√", "✓"})

NO = frozenset({"否", "n", "no", "false", "0", "×", "x"})


def parse_bool(column: Column, value: Any) -> bool:
    text = text_of(value).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise Invalid(
        _("The {column} value {value!r} should be 是 or 否 (yes or no).").format(
            column=column.shown, value=value
        )
    )


def parse_int(column: Column, value: Any) -> int:
    text = text_of(value).removesuffix("年")
    if not re.fullmatch(r"[0-9]+", text):
        raise Invalid(
            _("The {column} value {value!r} is not a whole number.").format(
                column=column.shown, value=value
            )
        )
    if len(text) > MAX_INT_DIGITS:
        raise Invalid(
            _("The {column} value {value}… is too large.").format(
                column=column.shown, value=text[:20]
            )
        )
    return int(text)


def parse_choice(column: Column, value: Any) -> str:
    assert column.choice is not None
    return column.choice.parse(text_of(value))


def parse_month(_column: Column, value: Any) -> str:
    """Excel turns 2026-04 into 1 April 2026; either way the month is meant. A number cell
    2026.1 is refused: Excel shows 2026.10 typed as a number so, and October may be meant."""
    if isinstance(value, date):
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, float) and re.fullmatch(r"[0-9]{4}\.1", text_of(value)):
        raise Invalid(
            _(
                "The month {value} may be January or October (Excel drops the 0 of 2026.10); "
                "write it as text, e.g. 2026年10月 or 2026年1月."
            ).format(value=text_of(value))
        )
    year, month = dates.parse_month(text_of(value))
    return f"{year:04d}-{month:02d}"


def parse_rate_cell(_column: Column, value: Any) -> int:
    return parse_rate(text_of(value))


def parse_raw(_column: Column, value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


PARSERS: dict[str, Parser] = {
    "text": parse_text,
    "amount": parse_amount_cell,
    "signed_amount": parse_amount_cell,
    "date": parse_date_cell,
    "bool": parse_bool,
    "int": parse_int,
    "choice": parse_choice,
    "month": parse_month,
    "rate": parse_rate_cell,
    "raw": parse_raw,
}
