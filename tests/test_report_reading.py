"""What the report reads (issue 12): each period as its own range of dates, a project shared
inside one unit counted in full once, the cohort's money over its whole history — so the
faster queries give exactly the figures worked out by hand."""

import json
from pathlib import Path

import pytest

from helpers import zs


def report(*args: str) -> dict:
    return json.loads(zs("report", "--year", "2026", "--format", "json", *args).stdout)


def rows_by_unit(data: dict) -> dict[str, dict]:
    return {row["unit"]: row for group in data["groups"] for row in group["rows"]}


def add(name: str, *args: str) -> None:
    zs("add-project", "--name", name, "--amount", "1000万", *args)


@pytest.fixture
def shared(ledger: Path) -> Path:
    """甲县 → 城关镇: P 2026-0001 credited to 城关镇 and to 甲县 itself (half each), with money
    at the edges of January–April of both years and in the months between."""
    zs("unit", "add", "城关镇", "--kind", "town", "--parent", "甲县")
    add("共建项目", "--unit", "城关镇", "--unit", "甲县", "--signed", "2025-01-02")
    zs("project", "stage", "2025-0001", "started", "--date", "2025-03-01")  # 结转续建 in 2026
    for day, wan in (
        ("2025-01-01", "1"),  # last year's range, first day
        ("2025-04-30", "2"),  # last year's range, last day
        ("2025-05-01", "40"),  # between the two ranges: in neither
        ("2025-12-31", "80"),
        ("2026-01-01", "100"),  # this year's range
        ("2026-04-30", "200"),
        ("2026-05-01", "4000"),  # after the period
    ):
        zs("arrive", "2025-0001", f"{wan}万", "--date", day)
    return ledger


def test_each_period_is_its_own_range_and_a_shared_project_counts_once(shared: Path) -> None:
    data = report("--month", "4")
    jia = rows_by_unit(data)["甲县"]
    assert (jia["actual"], jia["last_year"]) == (300, 3)  # both halves are 甲县's
    assert (data["total"]["actual"], data["total"]["last_year"]) == (300, 3)
    assert data["projects"]["carried_over"] == {"count": 1, "contract": 1000, "arrived": 300}
    county = report("--month", "4", "--unit", "甲县")
    assert rows_by_unit(county)["城关镇"]["actual"] == 150  # the town's half
    assert county["own"]["actual"] == 150 and county["own"]["last_year"] == 1.5  # 甲县本级
    assert county["total"]["actual"] == 300
    december = report("--month", "12")
    assert (december["total"]["actual"], december["total"]["last_year"]) == (4300, 123)


def test_the_cohort_counts_its_money_from_before_the_year(ledger: Path) -> None:
    add("年初签约", "--unit", "甲县", "--signed", "2026-02-01")
    zs("arrive", "2026-0001", "100万", "--date", "2025-12-20")  # before signing (a warning)
    zs("arrive", "2026-0001", "200万", "--date", "2026-03-01")
    zs("arrive", "2026-0001", "400万", "--date", "2026-05-01")  # after the period
    add("去年签约", "--unit", "乙县", "--signed", "2025-06-01")  # not in the cohort
    zs("arrive", "2025-0001", "800万", "--date", "2026-03-01")
    data = report("--month", "4")
    rates = data["rates"]
    assert (rates["signed"], rates["contract"], rates["arrived"]) == (1, 1000, 300)
    assert rates["funds_rate"] == 0.3
    assert data["total"]["actual"] == 1000 and data["total"]["last_year"] == 0


def test_an_occasion_cohort_reaches_back_before_the_year(ledger: Path) -> None:
    add("洽谈会项目", "--unit", "甲县", "--signed", "2024-09-01", "--occasion", "投洽会")
    zs("arrive", "2024-0001", "250万", "--date", "2024-10-01")
    zs("arrive", "2024-0001", "250万", "--date", "2026-02-01")
    rates = report("--month", "4", "--occasion", "投洽会")["rates"]
    assert (rates["signed"], rates["arrived"], rates["funds_rate"]) == (1, 500, 0.5)
