"""Report periods: 1 January to the end of a month, and 时序进度."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal


@dataclass(frozen=True)
class Period:
    """A cumulative period of one year, 1 January to ``end`` inclusive."""

    start: date
    end: date

    @property
    def year(self) -> int:
        return self.start.year

    def previous_year(self) -> "Period":
        """The same stretch of the year before (28 Feb stands in for a missing 29 Feb)."""
        end = self.end
        last_day = calendar.monthrange(end.year - 1, end.month)[1]
        return Period(
            date(self.year - 1, 1, 1), date(end.year - 1, end.month, min(end.day, last_day))
        )


def month_period(year: int, month: int) -> Period:
    return Period(date(year, 1, 1), date(year, month, calendar.monthrange(year, month)[1]))


def day_period(end: date) -> Period:
    return Period(date(end.year, 1, 1), end)


def time_progress(period: Period) -> Decimal:
    """时序进度: the share of the year gone. A month-end period is M/12, as the 通报 says;
    any other end date is the share of days."""
    end = period.end
    if (end + timedelta(days=1)).day == 1:
        return Decimal(end.month) / 12
    days_in_year = (date(end.year + 1, 1, 1) - date(end.year, 1, 1)).days
    return Decimal((end - period.start).days + 1) / days_in_year


def latest_complete_month(today: date) -> tuple[int, int]:
    first = today.replace(day=1) - timedelta(days=1)
    return first.year, first.month
