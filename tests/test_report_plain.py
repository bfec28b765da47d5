"""The report reads the ledger through SQLAlchemy Core alone, and its figures are what a plain
scan of the tables gives: the indexes that make it fast at a province's size (migration 0010)
change how it reads, never what it finds."""

import json
import subprocess
import sys
from decimal import Decimal

from helpers import ON_POSTGRES, sql, zs

VARIANTS = {
    "december": ("--month", "12", "--year", "2026"),
    "april": ("--month", "4", "--year", "2026"),
    "quarter": ("--quarter", "2", "--year", "2026"),
    "range": ("--from", "2026-03-05", "--to", "2026-07-20"),
    "last year": ("--month", "6", "--year", "2025"),
    "as of": ("--month", "6", "--year", "2026", "--as-of", "2026-06-30"),
    "as of, later": ("--month", "12", "--year", "2026", "--as-of", "2026-07-20"),
    "county": ("--month", "9", "--year", "2026", "--unit", "甲县"),
    "occasion": ("--month", "9", "--year", "2026", "--occasion", "春季招商会"),
    "projects": ("--month", "9", "--year", "2026", "--metric", "projects"),
    "major": ("--month", "9", "--year", "2026", "--metric", "major"),
    "fdi": ("--month", "9", "--year", "2026", "--metric", "fdi"),
}


def every_kind_the_rules_allow() -> None:
    """On the city: joint projects whose shares change mid-year, an increase, arrivals in USD,
    a voided project with money, a reversal, last year's money, a local investor (left out),
    a project signed with no amount, and an arrival entered weeks after its date."""
    zs("rate", "set", "USD", "7.20", "--month", "2026-06")
    zs("add-project", "--name", "合资项目", "--unit", "甲县=70%", "--unit", "乙县=30%",
       "--amount", "3亿", "--signed", "2026-02-10", "--code", "J-1",
       "--occasion", "春季招商会")  # fmt: skip
    zs("arrive", "J-1", "2000万", "--date", "2026-03-05")
    zs("project", "edit", "J-1", "--unit", "甲县=40%", "--unit", "经开区=60%", "--date",
       "2026-05-01", "--reason", "协议调整")  # fmt: skip
    zs("arrive", "J-1", "1000万", "--date", "2026-05-20")
    zs("project", "increase", "J-1", "5000万", "--date", "2026-06-15", "--reason", "增资")
    zs("arrive", "J-1", "50万", "--currency", "USD", "--date", "2026-06-20")
    zs("add-project", "--name", "外资项目", "--unit", "乙县", "--origin", "foreign",
       "--amount", "2000万", "--signed", "2026-06-05")  # fmt: skip
    zs("arrive", "2026-0001", "100万", "--currency", "USD", "--date", "2026-06-25")
    zs("add-project", "--name", "录错项目", "--unit", "乙县", "--signed", "2026-03-01")
    zs("arrive", "2026-0002", "10万", "--date", "2026-03-02")
    zs("project", "void", "2026-0002", "--reason", "录错")
    zs("add-project", "--name", "去年项目", "--unit", "经开区", "--amount", "1亿",
       "--signed", "2025-04-01")  # fmt: skip
    zs("arrive", "2025-0001", "500万", "--date", "2025-04-10")
    zs("arrive", "2025-0001", "700万", "--date", "2026-04-10")
    zs("add-project", "--name", "本地项目", "--unit", "甲县", "--origin", "local",
       "--amount", "8000万", "--signed", "2026-03-15")  # fmt: skip
    zs("arrive", "2026-0003", "900万", "--date", "2026-04-01")
    zs("add-project", "--name", "无额项目", "--unit", "市商务局", "--signed", "2026-05-05")
    zs("arrive", "2026-0004", "300万", "--date", "2026-08-01")
    zs("arrival", "reverse", "9", "--reason", "退回")
    zs("arrive", "J-1", "400万", "--date", "2026-03-10")  # entered late: see below
    zs("target", "set", "全市", "20亿", "--year", "2026")
    zs("target", "set", "甲县", "5亿", "--year", "2026")


def entered_on_their_dates(location) -> None:  # type: ignore[no-untyped-def]
    """Entry times as a clerk's would be: each arrival two days after its date, the last one
    (dated 10 March) only on 15 July, every project and change before its first arrival."""
    later = "'2026-07-15 09:00:00.000000'"
    if ON_POSTGRES:
        sql(location, "UPDATE arrival SET entered_at = arrived_on + 2")
        last = "(SELECT max(id) FROM arrival)"
        sql(location, f"UPDATE arrival SET entered_at = {later} WHERE id = {last}")
    else:
        sql(location, "UPDATE arrival SET entered_at = date(arrived_on, '+2 days') || ' 09:00:00'")
        sql(location, f"UPDATE arrival SET entered_at = {later} WHERE id = (SELECT max(id) FROM arrival)")  # fmt: skip
    sql(location, "UPDATE project SET created_at = '2025-01-02 09:00:00.000000'")
    sql(location, "UPDATE project_change SET entered_at = '2026-05-01 09:00:00.000000'")


def reports() -> dict[str, str]:
    return {name: zs("report", *args, "--format", "json").stdout for name, args in VARIANTS.items()}


def drop_indexes(location) -> list[str]:  # type: ignore[no-untyped-def]
    """Every index of the tables the report reads but their keys': a plain scan is left."""
    tables = ("arrival", "project", "project_unit", "project_change", "credit_before")
    names = ", ".join(f"'{t}'" for t in tables)
    if ON_POSTGRES:
        found = sql(location, f"SELECT indexname FROM pg_indexes WHERE tablename IN ({names}) "
                    "AND left(indexname, 3) = 'ix_' AND schemaname = current_schema()")  # fmt: skip
    else:
        found = sql(location, "SELECT name FROM sqlite_master WHERE type = 'index' "
                    f"AND sql IS NOT NULL AND tbl_name IN ({names})")  # fmt: skip
    for (name,) in found:
        sql(location, f"DROP INDEX {name}")
    return sorted(name for (name,) in found)


def test_the_report_is_what_a_plain_scan_gives(ledger) -> None:
    every_kind_the_rules_allow()
    entered_on_their_dates(ledger)
    fast = reports()
    december = json.loads(fast["december"])
    # By hand: every arrival of 2026 whose project is kept and not a local investor's, in 万.
    plain = sql(
        ledger,
        "SELECT sum(a.cny_fen) FROM arrival a JOIN project p ON p.id = a.project_id "
        "WHERE a.arrived_on BETWEEN '2026-01-01' AND '2026-12-31' "
        "AND p.voided_at IS NULL AND coalesce(p.origin, '') <> 'local'",
    )[0][0]
    assert Decimal(str(december["total"]["actual"])) == Decimal(plain) / 1_000_000
    assert december["total"]["last_year"] == 500
    assert december["warnings"][0]["project"] == "2026-0004"
    as_of = json.loads(fast["as of"])
    assert as_of["total"]["actual"] == json.loads(fast["as of, later"])["total"]["actual"] - 400
    dropped = drop_indexes(ledger)
    assert {"ix_arrival_date_project", "ix_arrival_project_date"} <= set(dropped)
    assert "ix_project_signed_facts" in dropped
    assert reports() == fast


def test_the_report_loads_neither_pydantic_nor_the_orm(ledger) -> None:
    """`zs report --format json` starts at the cost of `zs arrive`: Core only."""
    every_kind_the_rules_allow()
    code = (
        "import sys\n"
        "from zhaoshang_cli.cli import main\n"
        "sys.argv = ['zs', 'report', '--month', '9', '--year', '2026', '--format', 'json']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exit:\n"
        "    assert not exit.code, exit.code\n"
        "heavy = ('sqlmodel', 'pydantic', 'sqlalchemy.orm', 'zhaoshang_cli.store.models')\n"
        "print(sorted(m for m in sys.modules if m in heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    *shown, loaded = result.stdout.strip().splitlines()
    assert loaded == "[]"
    assert json.loads("\n".join(shown)) == json.loads(
        zs("report", "--month", "9", "--year", "2026", "--format", "json").stdout
    )


def test_numbers_and_choices_given_plainly_are_still_checked(ledger) -> None:
    """What the light parsing passes (a month in range, a format spelled exactly) is checked as
    before; the rest goes to Typer's own checks, with their messages."""
    assert "at most 12" in zs("report", "--month", "13", code=2).stderr
    assert "a whole number" in zs("report", "--month", "４", code=2).stderr
    assert "is not one of" in zs("report", "--format", "JSONX", code=2).stderr
    assert zs("report", "--month", "+4", "--format", "json").stdout.startswith("{")
