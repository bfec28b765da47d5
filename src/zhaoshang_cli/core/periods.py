"""Report periods: 1 January to the end of a month, and 时序进度."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal


def year_earlier(day: date) -> date:
    """The same day a year before (28 Feb stands in for a missing 29 Feb)."""
    last_day = calendar.monthrange(day.year - 1, day.month)[1]
    return date(day.year - 1, day.month, min(day.day, last_day))


@dataclass(frozen=True)
class Period:
    """Dates from ``start`` to ``end`` inclusive: 1 January to a month end for the 通报,
    Monday to Sunday for a week of the 快报."""

    start: date
    end: date

    @property
    def year(self) -> int:
        return self.end.year

    def previous_year(self) -> "Period":
        return Period(year_earlier(self.start), year_earlier(self.end))


def is_month_end(day: date) -> bool:
    return (day + timedelta(days=1)).day == 1


def month_period(year: int, month: int) -> Period:
    return Period(date(year, 1, 1), date(year, month, calendar.monthrange(year, month)[1]))


def day_period(end: date) -> Period:
    return Period(date(end.year, 1, 1), end)


def whole_months(period: Period) -> int | None:
    """How many whole months a period spans (1 January–30 April: 4; a quarter: 3), or None
    for one that does not start on a 1st and end on a month end (a 旬, a campaign)."""
    start, end = period.start, period.end
    if start.day != 1 or not is_month_end(end) or start.year != end.year:
        return None
    return end.month - start.month + 1


def time_progress(period: Period) -> Decimal:
    """时序进度: the period's length as a share of the year. Whole months are months ÷ 12, as
    the 通报 says (1–4月 is 4/12, a quarter alone 3/12); any other range is days ÷ the
    year's days."""
    months = whole_months(period)
    if months is not None:
        return Decimal(months) / 12
    end = period.end
    days_in_year = (date(end.year + 1, 1, 1) - date(end.year, 1, 1)).days
    return Decimal((end - period.start).days + 1) / days_in_year


def quarter_period(year: int, quarter: int) -> Period:
    """A quarter alone (一季一评比): Q2 is 1 April to 30 June."""
    first = 3 * (quarter - 1) + 1
    return Period(date(year, first, 1), month_period(year, first + 2).end)


def latest_complete_month(today: date) -> tuple[int, int]:
    first = today.replace(day=1) - timedelta(days=1)
    return first.year, first.month
