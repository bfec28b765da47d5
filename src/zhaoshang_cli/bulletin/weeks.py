"""ISO weeks (Monday–Sunday) as the bulletin names them: 2026-W16."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from zhaoshang_cli.core import dates
from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.i18n import _

_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Week:
    year: int
    number: int

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.number, 1)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    def next(self) -> "Week":
        return week_of(self.monday + timedelta(days=7))

    def __str__(self) -> str:
        return self.label


def week_of(day: date) -> Week:
    year, number, _ = day.isocalendar()
    return Week(year, number)


def parse_week(text: str) -> Week:
    match = _WEEK.match(text.strip())
    if not match:
        raise Invalid(
            _("The week {value!r} is not an ISO week; write it like 2026-W16.").format(value=text)
        )
    year, number = dates.check_year(int(match[1])), int(match[2])
    try:
        date.fromisocalendar(year, number, 1)
    except ValueError:
        raise Invalid(
            _("The week {value!r} does not exist: {year} has no week {number}.").format(
                value=text, year=year, number=number
            )
        ) from None
    return Week(year, number)


def last_complete_week(today: date) -> Week:
    """The latest week whose Sunday has passed."""
    return week_of(today - timedelta(days=today.isoweekday()))


def check_complete(week: Week, today: date) -> None:
    if week.sunday >= today:
        raise Invalid(
            _(
                "Week {week} ends on {sunday} and is not over yet; "
                "the latest complete week is {latest}."
            ).format(week=week, sunday=week.sunday, latest=last_complete_week(today))
        )
