"""A whole year of a county's own 台账 with no hand work (issue 25): twelve monthly project
sheets and arrival sheets (see taizhang_year.py), each run with --dry-run and then for real;
after every month the report of that month and of every earlier month is what the story says,
and the ledger holds one project per real project."""

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from helpers import snapshot, zs
from taizhang_year import (
    CUMULATIVE_MONTH,
    PROJECTS,
    TARGETS,
    UNITS,
    arrival_sheet,
    expected,
    import_day,
    month_end,
    project_sheet,
    real_projects,
)


@pytest.fixture(autouse=True)
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")


def report(month: int) -> dict[str, Any]:
    result = zs("report", "--month", str(month), "--year", "2026", "--format", "json")
    return json.loads(result.stdout, parse_float=Decimal)


def figures(month: int) -> dict[str, Any]:
    """The report's figures that the story predicts, in its shape."""
    shown = report(month)
    rows = {row["unit"]: row for group in shown["groups"] for row in group["rows"]}
    return {
        "actual": {unit: Decimal(rows[unit]["actual"]) for unit in UNITS},
        "completion": {unit: Decimal(rows[unit]["completion"]) for unit in UNITS},
        "total": Decimal(shown["total"]["actual"]),
        "introduced": shown["projects"]["introduced"]["count"],
        "contract": Decimal(shown["projects"]["introduced"]["contract"]),
    }


def run_month(month: int, folder: Path, monkeypatch: pytest.MonkeyPatch, ledger: Path) -> None:
    """What the clerk does: each sheet with --dry-run (which writes nothing), then for real."""
    monkeypatch.setenv("ZS_TODAY", import_day(month).isoformat())
    increase = ["--amount-change", "increase", "--increase-date", month_end(month).isoformat()]
    options = increase if any(p.increase and p.increase[0] == month for p in PROJECTS) else []
    if month == CUMULATIVE_MONTH:  # 累计到位资金: the month's money, dated its last day
        options = [*options, "--month", f"2026-{month:02d}"]
    sheets = [("projects", project_sheet(folder / f"{month}月项目台账.xlsx", month), options)]
    arrivals = arrival_sheet(folder / f"{month}月到位资金.xlsx", month)
    if arrivals is not None:
        sheets.append(("arrivals", arrivals, []))
    for kind, path, extra in sheets:
        before = snapshot(ledger)
        zs("import", kind, path, "--dry-run", *extra)
        assert snapshot(ledger) == before, f"the dry run of {path.name} wrote"
        zs("import", kind, path, *extra)


def test_a_year_of_monthly_taizhang(
    ledger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for unit, amount in TARGETS.items():
        zs("target", "set", unit, str(amount), "--year", "2026")
    for month in range(1, 13):
        run_month(month, tmp_path, monkeypatch, ledger)
        for earlier in range(1, month + 1):
            assert figures(earlier) == expected(earlier, month), (
                f"1-{earlier}月 after the sheets of {month}月"
            )
        held = json.loads(zs("project", "list", "--voided", "--format", "json").stdout)
        assert len(held) == real_projects(month), f"projects after {month}月"
    # The last month's sheets again: nothing changes, nothing is written.
    before = snapshot(ledger)
    run_month(12, tmp_path, monkeypatch, ledger)
    assert snapshot(ledger) == before
