"""Capital arrivals: recording (CNY and foreign), warnings, refusals, reversals, rates, audit."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import fails, operator_option, recorded_as, snapshot, sql, zs

WAN = 1_000_000  # 分 in one 万元


@pytest.fixture
def signed(ledger: Path) -> Path:
    """2026-0001 of 甲县, 1亿 signed 2026-03-18; 2026-0002 of 经开区, 5000万 signed 2026-04-01."""
    zs(
        "add-project",
        "--name",
        "新材料",
        "--unit",
        "甲县",
        "--amount",
        "1亿",
        "--signed",
        "2026-03-18",
    )
    zs(
        "add-project",
        "--name",
        "外资",
        "--unit",
        "经开区",
        "--amount",
        "5000万",
        "--signed",
        "2026-04-01",
    )
    return ledger


def arrivals(*extra: str) -> list[dict]:
    return json.loads(zs("arrival", "list", "--format", "json", *extra).stdout)


def history(*extra: str) -> list[dict]:
    return json.loads(zs("history", "--format", "json", *extra).stdout)


def test_cny_arrival_round_trip(signed: Path) -> None:
    result = zs(
        "arrive",
        "2026-0001",
        "4700万",
        "--date",
        "2026-04-10",
        "--ref",
        "回单 0042",
        "--note",
        "首笔",
    )
    assert result.stdout.strip() == "Recorded arrival 1: 4700.00万元 for 2026-0001 on 2026-04-10."
    assert result.stderr == ""
    (row,) = arrivals()
    entered_at = row.pop("entered_at")
    assert entered_at.startswith("20")
    assert row == {
        "id": 1,
        "date": "2026-04-10",
        "project": "2026-0001",
        "project_name": "新材料",
        "cny_wan": 4700,
        "amount_original_wan": 4700,
        "currency": "CNY",
        "source": "domestic",
        "ref": "回单 0042",
        "note": "首笔",
        "reverses": None,
        "reversed_by": None,
        "warnings": None,
        "operator": recorded_as("tester"),
    }
    assert sql(signed, "SELECT amount_minor, cny_fen, rate_micro, usd_cents FROM arrival") == [
        (4700 * WAN, 4700 * WAN, None, None)
    ]


@pytest.mark.parametrize(
    ("amount", "fen"),
    [
        ("4.7亿", 47_000 * WAN),
        ("4.7亿元", 47_000 * WAN),
        ("47000000元", 4700 * WAN),
        ("12.5", 125 * WAN // 10),
    ],
)
def test_arrival_amount_forms(signed: Path, amount: str, fen: int) -> None:
    zs("arrive", "2026-0001", amount, "--date", "2026-04-10")
    assert sql(signed, "SELECT cny_fen FROM arrival") == [(fen,)]


def test_default_date_is_today(signed: Path) -> None:
    zs("arrive", "2026-0001", "1万")
    assert arrivals()[0]["date"] == "2026-11-23"


def test_usd_arrival_is_converted_at_the_month_rate(signed: Path) -> None:
    assert zs("rate", "set", "USD", "7.10", "--month", "2026-04").stdout.strip() == (
        "Exchange rate for 2026-04: 1 USD = 7.10 CNY."
    )
    out = zs("arrive", "2026-0002", "120万", "--currency", "USD", "--date", "2026-04-12").stdout
    assert out.strip() == (
        "Recorded arrival 1: 852.00万元 (120.00万 USD) for 2026-0002 on 2026-04-12."
    )
    (row,) = arrivals()
    assert (row["cny_wan"], row["amount_original_wan"], row["currency"], row["source"]) == (
        852,
        120,
        "USD",
        "foreign",
    )
    assert sql(
        signed, "SELECT amount_minor, rate_micro, cny_fen, usd_cents, currency FROM arrival"
    ) == [(120 * WAN, 7_100_000, 852 * WAN, 120 * WAN, "USD")]
    assert "(120.00万 USD)" in zs("project", "show", "2026-0002").stdout


def test_usd_conversion_rounds_half_up_to_the_fen(signed: Path) -> None:
    zs("rate", "set", "USD", "7.105", "--month", "2026-04")
    zs("arrive", "2026-0002", "0.01美元", "--currency", "美元", "--date", "2026-04-12")
    zs("arrive", "2026-0002", "0.03美元", "--currency", "usd", "--date", "2026-04-13")
    # 1 cent × 7.105 = 7.105 分 → 7; 3 cents × 7.105 = 21.315 分 → 21
    assert sql(signed, "SELECT amount_minor, cny_fen FROM arrival ORDER BY id") == [
        (1, 7),
        (3, 21),
    ]
    zs("rate", "set", "USD", "7.5", "--month", "2026-05")
    zs("arrive", "2026-0002", "0.01美元", "--currency", "USD", "--date", "2026-05-02")
    assert sql(signed, "SELECT cny_fen FROM arrival WHERE id = 3") == [(8,)]  # 7.5 → 8


def test_foreign_arrival_without_a_rate_for_its_month_is_refused(signed: Path) -> None:
    zs("rate", "set", "USD", "7.10", "--month", "2026-04")
    before = snapshot(signed)
    err = fails("arrive", "2026-0002", "120万", "--currency", "USD", "--date", "2026-05-12").stderr
    assert "no USD rate for 2026-05" in err
    assert "zs rate set USD RATE --month 2026-05" in err
    assert snapshot(signed) == before


def test_amount_in_another_currency_than_recorded_is_refused(signed: Path) -> None:
    before = snapshot(signed)
    err = fails("arrive", "2026-0002", "120万美元", "--date", "2026-04-12").stderr
    assert "is in USD but the currency is CNY" in err
    assert snapshot(signed) == before


def test_bad_arrivals_are_refused_and_change_nothing(signed: Path) -> None:
    before = snapshot(signed)
    cases = [
        (("2026-0404", "1万"), "no project with code '2026-0404'"),
        (("2026-0001", "--", "-5万"), "negative"),
        (("2026-0001", "-5万"), "negative"),  # not mistaken for an option
        (("2026-0001", "0"), "zero"),
        (("2026-0001", "0元"), "zero"),
        (("2026-0001", "四千七百万"), "not readable"),
        (("2026-0001", "0.001元"), "more precise than one fen"),
        (("2026-0001", "1万", "--date", "2026-02-30"), "does not exist in the calendar"),
        (("2026-0001", "1万", "--date", "昨天"), "not a date"),
        (("2026-0001", "1万", "--currency", "DOLLARS"), "Unknown currency"),
        (("2026-0001", "1万", "--source", "abroad"), "Unknown source 'abroad'"),
    ]
    for args, message in cases:
        assert message in fails("arrive", *args).stderr, args
    assert snapshot(signed) == before


def test_a_terminated_project_takes_no_money_after_its_end(signed: Path) -> None:
    zs("project", "stage", "2026-0001", "terminated", "--date", "2026-05-01", "--reason", "撤资")
    before = snapshot(signed)
    err = fails("arrive", "2026-0001", "1万", "--date", "2026-05-02").stderr
    assert "2026-0001 was terminated on 2026-05-01" in err
    assert snapshot(signed) == before
    # Money that came before the end, entered late (a 台账 sent after the month), still came.
    zs("arrive", "2026-0001", "1万", "--date", "2026-05-01")
    listed = json.loads(zs("arrival", "list", "--format", "json").stdout)
    assert [(a["date"], a["cny_wan"]) for a in listed] == [("2026-05-01", 1)]


@pytest.mark.parametrize(
    ("args", "warning"),
    [
        (
            ("2026-0001", "1.5亿", "--date", "2026-04-10"),
            "total arrived 15000.00万元 exceeds the contract amount 10000.00万元",
        ),
        (("2026-0001", "1万", "--date", "2026-03-17"), "before the signing date 2026-03-18"),
        (("2026-0001", "1万", "--date", "2026-11-24"), "dated in the future (2026-11-24)"),
    ],
)
def test_unusual_arrivals_are_warned_about_and_recorded(
    signed: Path, args: tuple[str, ...], warning: str
) -> None:
    result = zs("arrive", *args)
    assert result.stdout.startswith("Recorded arrival 1:")
    assert f"warning: arrival 1: {warning}" in result.stderr
    assert "(recorded anyway)" in result.stderr
    (row,) = arrivals()
    assert warning in row["warnings"]
    audit_after = history()[-1]["after"]
    assert warning in audit_after["warnings"]


def test_contract_warning_counts_earlier_arrivals(signed: Path) -> None:
    assert zs("arrive", "2026-0001", "6000万", "--date", "2026-04-10").stderr == ""
    result = zs("arrive", "2026-0001", "4000万", "--date", "2026-04-11")
    assert result.stderr == ""  # exactly the contract amount is fine
    result = zs("arrive", "2026-0001", "0.01元", "--date", "2026-04-12")
    assert "total arrived 10000.00万元 exceeds the contract amount" in result.stderr


def test_today_is_not_the_future(signed: Path) -> None:
    assert zs("arrive", "2026-0001", "1万", "--date", "2026-11-23").stderr == ""


def test_several_warnings_at_once(ledger: Path) -> None:
    zs("add-project", "--name", "x", "--unit", "甲县", "--amount", "1万", "--signed", "2026-12-01")
    result = zs("arrive", "2026-0001", "2万", "--date", "2026-11-30")
    warnings = arrivals()[0]["warnings"].split("; ")
    assert warnings == [
        "dated in the future (2026-11-30)",
        "before the signing date 2026-12-01",
        "total arrived 2.00万元 exceeds the contract amount 1.00万元",
    ]
    assert result.stderr.count("warning: arrival 1:") == 3


@pytest.fixture
def spread(signed: Path) -> Path:
    """Arrivals across two projects and three months."""
    zs("unit", "add", "城关镇", "--kind", "town", "--parent", "甲县")
    zs("add-project", "--name", "镇上", "--unit", "城关镇", "--signed", "2026-01-05")
    zs("arrive", "2026-0001", "100万", "--date", "2026-03-31")
    zs("arrive", "2026-0002", "200万", "--date", "2026-04-01")
    zs("arrive", "2026-0001", "300万", "--date", "2026-04-30")
    zs("arrive", "2026-0003", "400万", "--date", "2026-05-01")
    return signed


def test_arrival_list_filters(spread: Path) -> None:
    def wan(*extra: str) -> list[int]:
        return [row["cny_wan"] for row in arrivals(*extra)]

    assert wan() == [100, 200, 300, 400]
    assert wan("--project", "2026-0001") == [100, 300]
    assert wan("--unit", "甲县") == [100, 300, 400]
    assert wan("--unit", "城关镇") == [400]
    assert wan("--unit", "经开区") == [200]
    assert wan("--unit", "市商务局") == []
    assert wan("--from", "2026-04-01") == [200, 300, 400]
    assert wan("--to", "2026-04-30") == [100, 200, 300]
    assert wan("--from", "2026-04-01", "--to", "2026-04-30") == [200, 300]
    assert wan("--unit", "甲县", "--from", "2026-04-01", "--to", "2026-04-30") == [300]


def test_arrival_list_refuses_bad_filters(spread: Path) -> None:
    assert "no project with code 'x'" in fails("arrival", "list", "--project", "x").stderr
    assert "no unit named '丁县'" in fails("arrival", "list", "--unit", "丁县").stderr
    assert "--from date '2026-13-01'" in fails("arrival", "list", "--from", "2026-13-01").stderr


def test_arrival_list_table_and_csv(spread: Path) -> None:
    table = zs("arrival", "list").stdout
    assert "Total 1000.00 万元" in table and "2026-04-30" in table
    lines = zs("arrival", "list", "--format", "csv", "--project", "2026-0001").stdout.splitlines()
    assert lines[0].split(",")[:6] == [
        "id",
        "date",
        "project",
        "project_name",
        "cny_wan",
        "amount_original_wan",
    ]
    assert lines[1].startswith("1,2026-03-31,2026-0001,新材料,100,100,CNY,domestic,")
    assert len(lines) == 3


def test_reversal_keeps_the_original_and_nets_to_zero(signed: Path) -> None:
    zs("arrive", "2026-0001", "4700万", "--date", "2026-04-10", "--ref", "回单0042")
    zs("arrive", "2026-0001", "300万", "--date", "2026-04-20")
    (target,) = [r for r in arrivals("--project", "2026-0001") if r["cny_wan"] == 4700]
    out = zs(
        "arrival", "reverse", str(target["id"]), "--reason", "重复录入", *operator_option("会计")
    ).stdout
    assert out.strip() == "Recorded reversal 3 of arrival 1 (重复录入)."
    rows = {row["id"]: row for row in arrivals()}
    assert sorted(rows) == [1, 2, 3]
    original, reversal = rows[1], rows[3]
    assert (original["reverses"], original["reversed_by"]) == (None, 3)
    assert (reversal["reverses"], reversal["reversed_by"]) == (1, None)
    assert reversal["date"] == original["date"] == "2026-04-10"
    assert (reversal["cny_wan"], reversal["amount_original_wan"]) == (-4700, -4700)
    assert (reversal["note"], reversal["ref"], reversal["operator"]) == (
        "重复录入",
        "回单0042",
        recorded_as("会计"),
    )
    assert [r["id"] for r in arrivals("--to", "2026-04-10")] == [1, 3]  # same period as original
    assert [
        r["arrived_wan"] for r in json.loads(zs("project", "list", "--format", "json").stdout)
    ] == [300, 0]
    assert (
        json.loads(zs("project", "show", "2026-0001", "--format", "json").stdout)["arrived_wan"]
        == 300
    )
    assert "reverses #1" in zs("project", "show", "2026-0001").stdout
    entry = history("--project", "2026-0001")[-1]
    assert (entry["action"], entry["entity_id"], entry["operator"]) == (
        "arrival.reverse",
        3,
        recorded_as("会计"),
    )
    assert entry["before"] == {"arrival": 1, "cny_wan": 4700}
    assert entry["after"] == {
        "reverses": 1,
        "cny_wan": -4700,
        "reason": "重复录入",
    }


def test_reversing_a_usd_arrival_negates_every_amount(signed: Path) -> None:
    zs("rate", "set", "USD", "7.10", "--month", "2026-04")
    zs("arrive", "2026-0002", "120万", "--currency", "USD", "--date", "2026-04-12")
    zs("arrival", "reverse", "1", "--reason", "币种录错")
    assert sql(
        signed, "SELECT amount_minor, rate_micro, cny_fen, usd_cents, currency FROM arrival"
    ) == [
        (120 * WAN, 7_100_000, 852 * WAN, 120 * WAN, "USD"),
        (-120 * WAN, 7_100_000, -852 * WAN, -120 * WAN, "USD"),
    ]


def test_bad_reversals_are_refused_and_change_nothing(signed: Path) -> None:
    zs("arrive", "2026-0001", "4700万", "--date", "2026-04-10")
    zs("arrival", "reverse", "1", "--reason", "重复录入")
    before = snapshot(signed)
    assert (
        "already reversed by arrival 2"
        in fails("arrival", "reverse", "1", "--reason", "再来").stderr
    )
    err = fails("arrival", "reverse", "2", "--reason", "冲销冲销").stderr
    assert "itself a reversal (of 1)" in err
    assert "no arrival with id 9" in fails("arrival", "reverse", "9", "--reason", "x").stderr
    assert "needs a --reason" in fails("arrival", "reverse", "1", "--reason", " ").stderr
    assert "Missing option '--reason'" in fails("arrival", "reverse", "1", code=2).stderr
    fails("arrival", "reverse", "one", "--reason", "x", code=2)
    assert snapshot(signed) == before


def test_rate_set_and_list(ledger: Path) -> None:
    zs("rate", "set", "USD", "7.10", "--month", "2026-04")
    zs("rate", "set", "eur", "7.8", "--month", "2026-4")
    zs("rate", "set", "USD", "7.05", "--month", "2026-03")
    rates = json.loads(zs("rate", "list", "--format", "json").stdout)
    assert rates == [
        {"currency": "USD", "month": "2026-03", "rate": "7.05"},
        {"currency": "EUR", "month": "2026-04", "rate": "7.8"},
        {"currency": "USD", "month": "2026-04", "rate": "7.1"},
    ]
    assert "7.05" in zs("rate", "list").stdout
    assert zs("rate", "list", "--format", "csv").stdout.splitlines()[0] == "currency,month,rate"


def test_changing_a_rate_is_audited_and_past_arrivals_keep_theirs(signed: Path) -> None:
    zs("rate", "set", "USD", "7.10", "--month", "2026-04")
    zs("arrive", "2026-0002", "1万", "--currency", "USD", "--date", "2026-04-12")
    zs("rate", "set", "USD", "7.20", "--month", "2026-04", *operator_option("会计"))
    assert json.loads(zs("rate", "list", "--format", "json").stdout)[0]["rate"] == "7.2"
    assert arrivals()[0]["cny_wan"] == 7.1
    entry = history()[-1]
    assert (entry["action"], entry["operator"]) == ("rate.set", recorded_as("会计"))
    assert entry["before"] == {"rate": "7.1"}
    assert entry["after"] == {"currency": "USD", "month": "2026-04", "rate": "7.2"}


def test_bad_rates_are_refused(ledger: Path) -> None:
    before = snapshot(ledger)
    cases = [
        (("CNY", "1", "--month", "2026-04"), "CNY needs no exchange rate"),
        (("USD", "7.1", "--month", "2026-13"), "is not a month"),
        (("USD", "seven", "--month", "2026-04"), "not a number"),
        (("USD", "0", "--month", "2026-04"), "positive"),
        (("DOLLAR", "7.1", "--month", "2026-04"), "Unknown currency"),
    ]
    for args, message in cases:
        assert message in fails("rate", "set", *args).stderr, args
    fails("rate", "set", "USD", "7.1", code=2)  # --month is required
    assert snapshot(ledger) == before


def test_every_write_is_audited_with_its_operator(
    signed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZS_OPERATOR", "小王")
    zs("rate", "set", "USD", "7.10", "--month", "2026-04")
    zs("arrive", "2026-0001", "10万", "--date", "2026-04-10")
    zs("arrive", "2026-0001", "20万", "--date", "2026-04-11", *operator_option("小李"))
    zs("arrival", "reverse", "2", "--reason", "录错")
    entries = history()
    wang, li = recorded_as("小王"), recorded_as("小李")  # on PostgreSQL, both the login
    assert [(e["action"], e["operator"]) for e in entries[-4:]] == [
        ("rate.set", wang),
        ("arrival.record", wang),
        ("arrival.record", li),
        ("arrival.reverse", wang),
    ]
    recorded = entries[-2]["after"]
    assert (recorded["cny_wan"], recorded["arrived_on"], recorded["operator"]) == (
        20,
        "2026-04-11",
        li,
    )
    assert entries[-2]["before"] is None
    assert sql(signed, "SELECT operator FROM arrival ORDER BY id") == [(wang,), (li,), (wang,)]
    # Every row written is mirrored by an audit entry: 5 units + 2 projects + 4 writes here.
    assert len(entries) == 11


def test_arrive_loads_neither_pydantic_nor_the_orm(signed: Path) -> None:
    """The command a clerk runs most starts at SQLAlchemy's own cost (``recording``)."""
    code = (
        "import sys\n"
        "from zhaoshang_cli.cli import main\n"
        "sys.argv = ['zs', 'arrive', '2026-0001', '10万', '--date', '2026-04-10']\n"
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
    assert "Recorded arrival 1: 10.00万元 for 2026-0001" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]"
    assert [(a["id"], a["cny_wan"]) for a in arrivals()] == [(1, 10)]
    assert history()[-1]["action"] == "arrival.record"
