"""Exact at any size: a province's sums pass SQLite's 64-bit limit once multiplied by the
credit shares (10000 basis points), so the shares are applied outside SQL."""

import csv
import io
import json
from decimal import Decimal

from conftest import zs

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
    zs("arrive", "2026-0001", "31000亿", "--date", "2026-02-01")
    zs("arrive", "2026-0001", "31000亿", "--date", "2026-03-01")
    zs("arrive", "2026-0002", "31000.01亿", "--date", "2026-04-01")
    assert INT64_MAX < 93_000 * 10**8 * 100 * 10_000  # the total in fen times shares overflowed
    data = report()
    rows = rows_by_unit(data)
    # 万元: 62000亿 + half of 31000.01亿 = 6.2e8 + 1.5500005e8 万
    assert Decimal(str(rows["甲县"]["actual"])) == Decimal("775000050")
    assert Decimal(str(rows["乙县"]["actual"])) == Decimal("155000050")
    assert Decimal(str(data["total"]["actual"])) == Decimal("930000100")
    assert data["projects"]["arrived"] == 930000100


def test_sums_are_exact_up_to_the_largest_64_bit_amount(ledger) -> None:
    """Arrivals adding up to 2^63 - 1 分, the most a ledger column can hold, shared 1:1."""
    add_project("上限项目", "甲县", "乙县")
    half = INT64_MAX // 2  # 4611686018427387903 分, and one fen more for the second
    for fen, day in ((half, "2026-02-01"), (half + 1, "2026-03-01")):
        yuan = Decimal(fen) / 100
        zs("arrive", "2026-0001", f"{yuan}元", "--date", day)
    out = zs("report", "--month", "6", "--format", "csv").stdout  # JSON numbers are floats
    actual = {row["unit"]: Decimal(row["actual"]) for row in csv.DictReader(io.StringIO(out))}
    assert actual["全市合计"] == Decimal(INT64_MAX) / 1_000_000  # 万元, to the fen
    assert actual["甲县"] == actual["乙县"] == Decimal(INT64_MAX) / 2_000_000
