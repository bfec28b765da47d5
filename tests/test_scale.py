"""Exact at any size: a province's sums pass SQLite's 64-bit limit once multiplied by the
credit shares (10000 basis points), so the shares are applied outside SQL."""

import csv
import io
import json
from decimal import Decimal

from helpers import sql, zs

INT64_MAX = 2**63 - 1


def report(*args: str) -> dict:
    return json.loads(zs("report", "--month", "6", "--format", "json", *args).stdout)


def rows_by_unit(data: dict) -> dict[str, dict]:
    return {row["unit"]: row for group in data["groups"] for row in group["rows"]}


def add_project(name: str, *units: str) -> None:
    unit_args = [arg for unit in units for arg in ("--unit", unit)]
    zs("add-project", "--name", name, *unit_args, "--signed", "2026-01-05")


def test_a_province_above_the_old_limit_is_summed_exactly(ledger) -> None:
    """9.3万亿元 in a period: SUM(cny_fen * share_bp) went past 2^63 and failed."""
    add_project("巨型项目", "甲县")  # 2026-0001
    add_project("共建项目", "甲县", "乙县")  # 2026-0002, half each
    for day in ("01-05", "02-05", "03-05", "04-05", "05-05", "06-05", "06-25"):
        zs("arrive", "2026-0001", "9000亿", "--date", f"2026-{day}")  # 6.3万亿 to 甲县 alone
    for month in range(1, 7):  # 6 × 5000.005亿 shared (1万亿 is the most one amount may be)
        zs("arrive", "2026-0002", "5000.005亿", "--date", f"2026-0{month}-02")
    assert INT64_MAX < 93_000 * 10**8 * 100 * 10_000  # the total in fen times shares overflowed
    data = report()
    rows = rows_by_unit(data)
    # 万元: 63000亿 + half of 30000.03亿 = 6.3e8 + 1.50000150e8 万
    assert Decimal(str(rows["甲县"]["actual"])) == Decimal("780000150")
    assert Decimal(str(rows["乙县"]["actual"])) == Decimal("150000150")
    assert Decimal(str(data["total"]["actual"])) == Decimal("930000300")
    assert data["projects"]["arrived"] == 930000300


def test_sums_are_exact_up_to_the_largest_64_bit_amount(ledger) -> None:
    """Arrivals adding up to 2^63 - 1 分, the most a ledger column can hold, shared 1:1.
    No clerk types such amounts (zs takes at most 1万亿 at a time): the rows go in directly."""
    add_project("上限项目", "甲县", "乙县")
    half = INT64_MAX // 2  # 4611686018427387903 分, and one fen more for the second
    for fen, day in ((half, "2026-02-01"), (half + 1, "2026-03-01")):
        sql(
            ledger,
            "INSERT INTO arrival (project_id, arrived_on, currency, amount_minor, cny_fen, source,"
            f" operator, entered_at) VALUES (1, '{day}', 'CNY', {fen}, {fen}, 'domestic',"
            " 'tester', '2026-03-01 10:00:00')",
        )
    out = zs("report", "--month", "6", "--format", "csv").stdout  # JSON numbers are floats
    actual = {row["unit"]: Decimal(row["actual"]) for row in csv.DictReader(io.StringIO(out))}
    assert actual["全市合计"] == Decimal(INT64_MAX) / 1_000_000  # 万元, to the fen
    assert actual["甲县"] == actual["乙县"] == Decimal(INT64_MAX) / 2_000_000
