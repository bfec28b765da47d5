"""Any period a watch command (and the report) covers: months from 1 January, a quarter alone
(一季一评比), or any from–to range (a 百日竞赛 from late July to the end of October, a 旬).

时序进度 follows ``report.periods.time_progress``: whole months ÷ 12, other ranges days ÷ the
year's days; ``progress_note`` says which was used, so every output can state it.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from zhaoshang_cli.core import dates
from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.i18n import _, is_english
from zhaoshang_cli.core.periods import (
    Period,
    latest_complete_month,
    month_period,
    quarter_period,
    time_progress,
    whole_months,
)
from zhaoshang_cli.report.text import percent


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
