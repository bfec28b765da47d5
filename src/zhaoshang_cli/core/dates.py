"""Dates as offices write them, and 'today' (overridable by ZS_TODAY for tests and demos)."""

import os
import re
from datetime import UTC, date, datetime
from functools import lru_cache

from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.i18n import N_, _

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
# The years a ledger can hold: from reform and opening (改革开放, where 招商引资 begins) to ten
# years ahead (a target or a planned date); anything outside is a typo such as 9999-12-31.
FIRST_YEAR = 1978
YEARS_AHEAD = 10


def last_year() -> int:
    return today().year + YEARS_AHEAD


def check_year(year: int, *, what: str = N_("year")) -> int:
    if not FIRST_YEAR <= year <= last_year():
        raise Invalid(
            _("The {what} {value} is outside the years a ledger holds ({first}–{last}).").format(
                what=_(what), value=year, first=FIRST_YEAR, last=last_year()
            )
        )
    return year


def check_date(day: date, *, what: str = N_("date")) -> date:
    if not FIRST_YEAR <= day.year <= last_year():
        raise Invalid(
            _("The {what} {value} is outside the years a ledger holds ({first}–{last}).").format(
                what=_(what), value=day.isoformat(), first=FIRST_YEAR, last=last_year()
            )
        )
    return day


def parse_date(text: str, *, what: str = N_("date")) -> date:
    """Accept 2026-04-10, 2026/4/10, 2026.4.10 and 2026年4月10日, from 1978 to ten years ahead."""
    return check_date(_calendar_date(text, what), what=what)


def _calendar_date(text: str, what: str) -> date:
    match = _DATE.match(str(text).strip())
    if not match:
        raise Invalid(
            _("The {what} {value!r} is not a date; write it as YYYY-MM-DD.").format(
                what=_(what), value=text
            )
        )
    year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise Invalid(
            _("The {what} {value!r} does not exist in the calendar.").format(
                what=_(what), value=text
            )
        ) from None


# A month alone as offices write it: 2026-11, 2026/11, 2026.11, 2026年11月(份).
_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:月份?)?$")


def parse_month(text: str) -> tuple[int, int]:
    """'2026-04', '2026/4', '2026.4', '2026年4月' or '2026年4月份' → (2026, 4)."""
    match = _MONTH.match(str(text).strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise Invalid(
            _("The month {value!r} is not a month; write it as YYYY-MM.").format(value=text)
        )
    return check_year(int(match[1])), int(match[2])


def today() -> date:
    override = os.environ.get("ZS_TODAY")
    return _fixed_today(override) if override else date.today()


@lru_cache(maxsize=4)
def _fixed_today(text: str) -> date:
    """Parsed once: a bulk import asks for 'today' once per row."""
    return _calendar_date(text, "ZS_TODAY")


def utcnow() -> datetime:
    """Entry timestamps in UTC (stored without offset, so they sort as text in SQLite)."""
    return datetime.now(UTC)


def local(moment: datetime) -> datetime:
    """A stored timestamp (UTC, kept without offset) in the machine's local time zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone()
