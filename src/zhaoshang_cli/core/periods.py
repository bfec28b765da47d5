"""Every period a command covers, chosen one way: 1 January to the end of a month (the 通报),
a quarter alone (一季一评比), any from–to range (a 百日竞赛, a 旬), a week of the 快报; and
时序进度 — whole months ÷ 12, other ranges days ÷ the year's days — with a sentence saying which
was used, so every output can state it."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from zhaoshang_cli.core import dates
from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.figures import percent
from zhaoshang_cli.core.i18n import _, is_english


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


@dataclass(frozen=True)
class PeriodChoice:
    """The period options as typed: --year, --month, --quarter, --from, --to."""

    year: int | None = None
    month: int | None = None
    quarter: int | None = None
    start: str | None = None
    end: str | None = None

    @property
    def given(self) -> bool:
        return any(v is not None for v in (self.month, self.quarter, self.start, self.end))


def choose_period(choice: PeriodChoice, default: str = "month") -> Period:
    """The period the options name; with none, ``default``: "month" (1 January to the last
    complete month, as the report), "quarter" (the last complete quarter), "year" (1 January
    to today)."""
    ways = [
        name
        for name, value in (
            ("--month", choice.month),
            ("--quarter", choice.quarter),
            ("--from/--to", choice.start or choice.end),
        )
        if value is not None
    ]
    if len(ways) > 1:
        raise Invalid(
            _("Give one of --month, --quarter or --from/--to, not {ways}.").format(
                ways=" and ".join(ways)
            )
        )
    if choice.year is not None:
        dates.check_year(choice.year)
    today = dates.today()
    if choice.start is not None or choice.end is not None:
        return _range(choice)
    year = choice.year if choice.year is not None else today.year
    if choice.month is not None:
        return month_period(year, choice.month)
    if choice.quarter is not None:
        return quarter_period(year, choice.quarter)
    if default == "quarter":
        return last_complete_quarter(today, choice.year)
    if default == "year":
        if choice.year is not None and choice.year != today.year:
            return month_period(choice.year, 12)
        return Period(date(today.year, 1, 1), today)
    default_year, month = latest_complete_month(today)
    if choice.year is not None and choice.year != default_year:
        return month_period(choice.year, 12)
    return month_period(default_year, month)


def _range(choice: PeriodChoice) -> Period:
    if choice.start is None or choice.end is None:
        raise Invalid(_("--from and --to go together: give both dates of the period."))
    if choice.year is not None:
        raise Invalid(_("--year goes with --month or --quarter; --from and --to carry their year."))
    start = dates.parse_date(choice.start, what="--from date")
    end = dates.parse_date(choice.end, what="--to date")
    if start > end:
        raise Invalid(
            _("The period starts on {start}, after its end {end}.").format(start=start, end=end)
        )
    if start.year != end.year:
        raise Invalid(
            _(
                "A period lies within one year ({start} to {end} does not): targets and "
                "时序进度 are annual."
            ).format(start=start, end=end)
        )
    return Period(start, end)


def last_complete_quarter(today: date, year: int | None = None) -> Period:
    if year is not None and year != today.year:
        return quarter_period(year, 4)
    quarter = (today.month - 1) // 3  # the one before this month's quarter
    if quarter == 0:
        return quarter_period(today.year - 1, 4)
    return quarter_period(today.year, quarter)


def reference_day(period: Period) -> date:
    """The day a state is taken on: the period's end, or today while the period runs."""
    return min(period.end, dates.today())


def progress_basis(period: Period) -> dict[str, Any]:
    """时序进度 and how it was worked out, for JSON: months ÷ 12, or days ÷ the year's days."""
    months = whole_months(period)
    share = time_progress(period)
    if months is not None:
        return {"time_progress": share, "basis": "months", "months": months}
    year_days = (date(period.year + 1, 1, 1) - date(period.year, 1, 1)).days
    days = (period.end - period.start).days + 1
    return {"time_progress": share, "basis": "days", "days": days, "days_in_year": year_days}


def progress_note(period: Period) -> str:
    """One sentence stating 时序进度 and its basis."""
    basis = progress_basis(period)
    share = percent(basis["time_progress"])
    if basis["basis"] == "months":
        return _("时序进度 {share} = {months} months ÷ 12.").format(
            share=share, months=basis["months"]
        )
    return _("时序进度 {share} = {days} days ÷ the {year_days} days of {year}.").format(
        share=share, days=basis["days"], year_days=basis["days_in_year"], year=period.year
    )


def period_words(period: Period) -> str:
    """2026年1-4月, 2026年4-6月, 2026年7月20日至10月31日; in English the two dates."""
    start, end = period.start, period.end
    if is_english():
        return f"{start} to {end}"
    months = whole_months(period)
    if months is not None:
        span = f"{start.month}月" if months == 1 else f"{start.month}-{end.month}月"
        return f"{start.year}年{span}"
    return f"{start.year}年{start.month}月{start.day}日至{end.month}月{end.day}日"


def fraction(value: Decimal | None) -> Decimal | None:
    """Fractions in JSON: six places, as the report writes them."""
    return None if value is None else value.quantize(Decimal("0.000001"))
