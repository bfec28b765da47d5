"""Money by month for the dashboard's line chart (``report.monthly``): one statement gives, for
every month, exactly what ``unit_actuals`` gives for 1 January to that month's end — on a ledger
with joint shares that change mid-year, a change of origin, reversals, a voided project, a
local investor and last year's money, under the city and under units below it."""

from decimal import Decimal

import pytest

from helpers import zs
from test_report_plain import every_kind_the_rules_allow
from zhaoshang_cli.core.periods import month_period
from zhaoshang_cli.report.compute import unit_actuals
from zhaoshang_cli.report.monthly import money_by_month
from zhaoshang_cli.store.ledger import Ledger
from zhaoshang_cli.units.facts import unit_named


def per_month(connection, root_id: int, year: int, months: int) -> tuple[list, list]:  # type: ignore[no-untyped-def]
    """The old way: one ``unit_actuals`` per month."""
    this, last = [], []
    for month in range(1, months + 1):
        found = unit_actuals(connection, [root_id], "funds", month_period(year, month), None)
        a, b = found.get(root_id, (Decimal(0), Decimal(0)))
        this.append(a)
        last.append(b)
    return this, last


@pytest.fixture
def busy(ledger):  # type: ignore[no-untyped-def]
    every_kind_the_rules_allow()
    zs("add-project", "--name", "换商项目", "--unit", "乙县", "--amount", "6000万",
       "--signed", "2025-11-01", "--origin", "outside_province")  # fmt: skip
    zs("arrive", "2025-0002", "250万", "--date", "2025-12-20")
    zs("arrive", "2025-0002", "350万", "--date", "2026-02-14")
    zs("arrive", "2025-0002", "120万", "--date", "2026-09-09")
    zs("project", "edit", "2025-0002", "--investor", "本地某公司", "--origin", "local",
       "--date", "2026-07-01", "--reason", "更换业主")  # fmt: skip
    zs("arrive", "2025-0001", "80万", "--date", "2025-02-28")
    zs("arrival", "reverse", "3", "--reason", "录错")
    return ledger


@pytest.mark.parametrize("unit", ["全市", "甲县", "乙县", "经开区", "市商务局"])
@pytest.mark.parametrize(("year", "months"), [(2026, 12), (2026, 4), (2026, 1), (2025, 12)])
def test_one_statement_gives_every_months_unit_actuals(
    busy, unit: str, year: int, months: int
) -> None:  # type: ignore[no-untyped-def]
    opened = Ledger.open(str(busy), read_only=True)
    try:
        with opened.snapshot() as connection:
            root = unit_named(connection, unit).id
            found = money_by_month(connection, root, year, months)
            this, last = per_month(connection, root, year, months)
    finally:
        opened.dispose()
    assert found.months == list(range(1, months + 1))
    assert found.this_year == this
    assert found.last_year == last
    if unit == "全市" and (year, months) == (2026, 12):
        assert this[-1] > 0 and last[-1] > 0 and len(set(this)) > 3  # the ledger moves
