"""Amounts as offices write them, and exchange conversion: exact integers, never floats."""

import pytest

from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.money import convert, format_amount, parse_amount, parse_rate

pytestmark = pytest.mark.one_backend  # not about the database

WAN_FEN = 10_000 * 100
YI_FEN = 100_000_000 * 100


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("4700万", 4700 * WAN_FEN),
        ("4.7亿", 47 * YI_FEN // 10),
        ("4.7亿元", 47 * YI_FEN // 10),
        ("47000000元", 4700 * WAN_FEN),
        ("4700", 4700 * WAN_FEN),  # a plain number is 万
        ("0.5", WAN_FEN // 2),
        ("1,200万", 1200 * WAN_FEN),
        ("1，200万", 1200 * WAN_FEN),  # full-width comma
        (" 2.5亿 ", 25 * YI_FEN // 10),
        ("0.01元", 1),
        ("123.45元", 12345),
        ("0.000001亿", 10_000),
    ],
)
def test_parse_amount_reads_office_forms(text: str, fen: int) -> None:
    assert parse_amount(text) == fen
    assert isinstance(parse_amount(text), int)


def test_the_three_spellings_of_47_million_agree() -> None:
    assert parse_amount("4700万") == parse_amount("0.47亿") == parse_amount("47000000元")


@pytest.mark.parametrize(
    ("text", "key_words"),
    [
        ("-5万", "negative"),
        ("-0.01元", "negative"),
        ("0", "zero"),
        ("0万", "zero"),
        ("0.00元", "zero"),
        ("abc", "not readable"),
        ("", "not readable"),
        ("4700万万", "not readable"),
        ("1e5", "not readable"),
        ("4.7 billion", "not readable"),
        ("0.001元", "more precise than one fen"),
        ("0.0000001万", "more precise than one fen"),
    ],
)
def test_parse_amount_refuses(text: str, key_words: str) -> None:
    with pytest.raises(Invalid, match=key_words):
        parse_amount(text)


def test_parse_amount_names_what_it_read() -> None:
    with pytest.raises(Invalid, match="contract amount '-1万'"):
        parse_amount("-1万", what="contract amount")


@pytest.mark.parametrize(
    ("text", "currency"),
    [("120万美元", "CNY"), ("120万USD", "CNY"), ("120万元", "USD"), ("5人民币", "USD")],
)
def test_parse_amount_refuses_a_unit_word_of_another_currency(text: str, currency: str) -> None:
    with pytest.raises(Invalid, match="--currency"):
        parse_amount(text, currency=currency)


def test_parse_amount_accepts_a_unit_word_of_its_own_currency() -> None:
    assert parse_amount("120万美元", currency="USD") == 120 * WAN_FEN
    assert parse_amount("120万元", currency="CNY") == 120 * WAN_FEN
    assert parse_amount("120万", currency="USD") == 120 * WAN_FEN


@pytest.mark.parametrize(
    ("minor", "rate", "fen"),
    [
        (100, 7_100_000, 710),  # exact: 1.00 USD at 7.10
        (120 * WAN_FEN, 7_100_000, 852 * WAN_FEN),  # 120万 USD → 852万元
        (1, 7_105_000, 7),  # 7.105 → 7
        (1, 500_000, 1),  # 0.5 → 1 (half up, not to even)
        (5, 500_000, 3),  # 2.5 → 3 (banker's rounding would give 2)
        (3, 1_500_000, 5),  # 4.5 → 5
        (1, 1_499_999, 1),  # 1.499999 → 1
        (-5, 500_000, -3),  # reversals round symmetrically
        (10**15, 7_123_456, 7_123_456 * 10**9),  # large sums stay exact
    ],
)
def test_convert_is_exact_and_rounds_half_up(minor: int, rate: int, fen: int) -> None:
    assert convert(minor, rate) == fen


@pytest.mark.parametrize(
    ("text", "micro"), [("7.10", 7_100_000), ("0.000001", 1), ("7", 7_000_000)]
)
def test_parse_rate(text: str, micro: int) -> None:
    assert parse_rate(text) == micro


@pytest.mark.parametrize(
    ("text", "key_words"),
    [("abc", "not a number"), ("0", "positive"), ("-7.1", "positive"), ("NaN", "positive")],
)
def test_parse_rate_refuses(text: str, key_words: str) -> None:
    with pytest.raises(Invalid, match=key_words):
        parse_rate(text)


def test_parse_rate_refuses_more_than_six_places() -> None:
    with pytest.raises(Invalid, match="six decimal places"):
        parse_rate("7.1234567")


@pytest.mark.parametrize(
    ("fen", "unit", "shown"),
    [
        (4700 * WAN_FEN, "万", "4700.00"),
        (47 * YI_FEN // 10, "亿", "4.70"),
        (5_000, "万", "0.01"),  # 0.005万 rounds half up
        (4_999, "万", "0.00"),
        (-4700 * WAN_FEN, "万", "-4700.00"),
        (None, "万", "—"),
    ],
)
def test_format_amount(fen: int | None, unit: str, shown: str) -> None:
    assert format_amount(fen, unit) == shown
