"""One function chooses the period for every command that takes one: the same options name the
same dates in `zs report`, `zs warn --units`, `zs pipeline` and `zs score`, and a past year is
the whole of that year (today is 2026-11-23 in the tests)."""

import json

import pytest

from helpers import zs

COMMANDS = [["report"], ["warn", "--units"], ["pipeline"], ["score"]]
GIVEN = [
    (["--quarter", "2"], ("2026-04-01", "2026-06-30")),
    (["--year", "2025", "--quarter", "4"], ("2025-10-01", "2025-12-31")),
    (["--month", "3"], ("2026-01-01", "2026-03-31")),
    (["--year", "2025", "--month", "6"], ("2025-01-01", "2025-06-30")),
    (["--from", "2026-07-20", "--to", "2026-10-31"], ("2026-07-20", "2026-10-31")),
]


def period_of(*args: str) -> tuple[str, str]:
    period = json.loads(zs(*args, "--format", "json").stdout)["period"]
    return period["start"], period["end"]


@pytest.mark.parametrize(
    "options,expected", GIVEN, ids=lambda v: " ".join(v) if isinstance(v, list) else ""
)
def test_the_same_options_name_the_same_dates_everywhere(ledger, options, expected) -> None:  # type: ignore[no-untyped-def]
    assert {command[0]: period_of(*command, *options) for command in COMMANDS} == {
        command[0]: expected for command in COMMANDS
    }


@pytest.mark.parametrize("command", [["report"], ["warn", "--units"], ["pipeline"]], ids=" ".join)
def test_a_past_year_is_the_whole_year(ledger, command) -> None:  # type: ignore[no-untyped-def]
    assert period_of(*command, "--year", "2025") == ("2025-01-01", "2025-12-31")


def test_this_year_runs_to_the_last_complete_month_in_the_monthly_commands(ledger) -> None:  # type: ignore[no-untyped-def]
    for command in (["report"], ["warn", "--units"]):
        assert period_of(*command) == period_of(*command, "--year", "2026")
        assert period_of(*command) == ("2026-01-01", "2026-10-31")
