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


def time_progress(period: Period) -> Decimal:
    """时序进度: the share of the year gone. A month-end period is M/12, as the 通报 says;
    any other end date is the share of days."""
    end = period.end
    if is_month_end(end):
        return Decimal(end.month) / 12
    days_in_year = (date(end.year + 1, 1, 1) - date(end.year, 1, 1)).days
    return Decimal((end - period.start).days + 1) / days_in_year


def latest_complete_month(today: date) -> tuple[int, int]:
    first = today.replace(day=1) - timedelta(days=1)
    return first.year, first.month
