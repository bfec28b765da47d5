"""Tables fit the terminal: at 80 and at 120 columns no amount and no unit name is cut; the
less needed columns go first; --wide, a pipe or a file keep them all."""

import io
import json
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from helpers import zs
from zhaoshang_cli.output.fit import (
    ListingTable,
    Spec,
    make_table,
    pick,
    plan,
    show,
    table_width,
    wrap,
)

pytestmark = pytest.mark.one_backend  # not about the database

LONG_NAMES = ("高新技术产业开发区管委会", "市发展和改革委员会", "市交通运输局")
WIDTHS = (80, 120)


@pytest.fixture
def city(ledger: Path) -> Path:
    """Big targets (8 digits of 万), strive targets, money last year and this year."""
    zs("unit", "add", LONG_NAMES[0], "--kind", "开发区", "--parent", "全市")
    zs("unit", "add", LONG_NAMES[1], "--kind", "部门", "--parent", "全市")
    zs("unit", "add", LONG_NAMES[2], "--kind", "部门", "--parent", "全市")
    zs("target", "set", "全市", "87560000万", "--year", "2026")
    zs("target", "set", "全市", "96310000万", "--year", "2026", "--level", "力争")
    split = "甲县=30000000万,乙县=20000000万,经开区=15000000万,市商务局=1000000万"
    split += f",{LONG_NAMES[0]}=20000000万,{LONG_NAMES[1]}=1000000万,{LONG_NAMES[2]}=560000万"
    zs("target", "allocate", "全市", "--year", "2026", "--split", split)
    zs("target", "allocate", "全市", "--year", "2026", "--level", "力争", "--split", split)
    units = ["甲县", "乙县", "经开区", LONG_NAMES[0], LONG_NAMES[1]]
    for number, unit in enumerate(units, start=1):
        for year in (2025, 2026):
            zs(
                "add-project",
                *("--name", f"年产{number}0万吨新型材料及配套深加工项目{year}"),
                *("--unit", unit, "--amount", f"{number * 123457}.89万"),
                *("--signed", f"{year}-02-0{number}", "--origin", "省外"),
            )
            code = f"{year}-{number:04d}"
            zs("arrive", code, f"{number * 1234567}.89万", "--date", f"{year}-03-1{number}")
    return ledger


def lines_fit(out: str, width: int) -> None:
    assert "…" not in out
    assert max(cell_len(line.rstrip()) for line in out.splitlines()) <= width


def amounts(row: dict, *keys: str) -> list[str]:
    return [f"{row[key]:.2f}" for key in keys if row[key] is not None]


@pytest.mark.parametrize("width", WIDTHS)
def test_report_fits_with_every_name_and_amount_whole(
    chinese: None, city: Path, width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = json.loads(zs("report", "--month", "4", "--year", "2026", "-f", "json").stdout)
    monkeypatch.setenv("COLUMNS", str(width))
    out = zs("report", "--month", "4", "--year", "2026").stdout
    lines_fit(out, width)
    rows = [row for group in data["groups"] for row in [*group["rows"], group["subtotal"]]]
    for row in [*rows, data["total"]]:
        assert row["unit"] in out
        for text in amounts(row, "target", "actual"):
            assert text in out, (row["unit"], text)
    if width == 80:  # the first to go, and the flags as marks explained below
        assert "力争" not in out.splitlines()[2] and "上年同期" not in out
        assert "提示: " in out
    else:
        assert "上年同期" in out


def test_report_wide_keeps_every_column(
    chinese: None, city: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = json.loads(zs("report", "--month", "4", "--year", "2026", "-f", "json").stdout)
    monkeypatch.setenv("COLUMNS", "80")
    out = zs("report", "--month", "4", "--year", "2026", "--wide").stdout
    assert "力争" in out and "上年同期" in out and "滞后时序" in out and "…" not in out
    for group in data["groups"]:
        for row in group["rows"]:
            for text in amounts(row, "target", "strive", "actual", "last_year"):
                assert text in out
    monkeypatch.delenv("COLUMNS")
    assert zs("report", "--month", "4", "--year", "2026").stdout == out  # a pipe: all of it


@pytest.mark.parametrize("width", WIDTHS)
def test_target_list_fits(city: Path, width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = json.loads(zs("target", "list", "--year", "2026", "--tree", "-f", "json").stdout)
    monkeypatch.setenv("COLUMNS", str(width))
    out = zs("target", "list", "--year", "2026", "--tree").stdout
    lines_fit(out, width)
    for row in rows:
        assert row["name"] in out
        for text in amounts(row, "must_wan", "children_must_wan", "gap_must_wan"):
            assert text in out


@pytest.mark.parametrize("width", WIDTHS)
def test_project_list_fits(city: Path, width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = json.loads(zs("project", "list", "-f", "json").stdout)
    monkeypatch.setenv("COLUMNS", str(width))
    out = zs("project", "list").stdout
    lines_fit(out, width)
    for row in rows:
        assert row["code"] in out and row["units"] in out
        for text in amounts(row, "contract_wan", "arrived_wan"):
            assert text in out
    wide = zs("project", "list", "--wide").stdout  # a project's long name wraps, unless --wide
    assert all(row["name"] in wide for row in rows)


def test_plan_drops_optional_columns_in_their_order() -> None:
    specs = [Spec("单位"), Spec("a", drop=2), Spec("b", drop=1), Spec("金额", "right")]
    rows = [["市发展和改革委员会", "x" * 10, "y" * 10, "1234567.89"]]
    assert plan(specs, rows, None) == [18, 10, 10, 10]
    assert plan(specs, rows, 60) == [18, 10, 10, 10]
    assert plan(specs, rows, 45)[2] is None and plan(specs, rows, 45)[1] == 10
    narrow = plan(specs, rows, 30)
    assert narrow == [18, None, None, 10] and table_width(narrow) == 30


def test_wrap_breaks_at_separators() -> None:
    assert wrap("甲县、经开区、高新技术产业开发区", 8) == "甲县、\n经开区、\n高新技术产业开发区"
    assert wrap("年度指标(确保)", 8) == "年度指标\n(确保)"


LISTING_SPECS = [
    Spec("#", "right", drop=3),
    Spec("项目名称", wrap="text"),
    Spec("责任单位", wrap="names"),
    Spec("产业", drop=2, wrap="text"),
    Spec("合同额(万元)", "right"),
    Spec("工业", drop=1),
]
TRICKY_ROWS = [
    [
        "1",
        "年产10万吨新型材料及配套深加工项目",
        "甲县、经开区、高新技术产业开发区",
        "装备制造",
        "1234.50",
        "是",
    ],
    ["22", "Acme Steel Plant phase two (expansion)", "x\ry", "a\tb", "  7.00 ", ""],
    ["333", "\u3000全角空格开头", "", "", "", "是"],
    ["4", "trailing spaces   ", "乙县", "食品", "0.01", ""],
]


@pytest.mark.parametrize("width", [None, 36, 60, 100])
@pytest.mark.parametrize("rows", [TRICKY_ROWS, []])
def test_listing_table_prints_as_rich_prints_it(width: int | None, rows: list) -> None:
    """The fast listing table (issue 12: 200 rows in well under 0.1 s) reads exactly as the
    Rich table it stands in for, styles included, whether a cell fits, wraps or folds."""
    widths = plan(LISTING_SPECS, rows, width)

    def printed(table: object) -> str:
        console = Console(
            width=width or 200,
            file=io.StringIO(),
            record=True,
            force_terminal=True,
            color_system="truecolor",
            markup=False,
            emoji=False,
        )
        show(console, table, widths)  # type: ignore[arg-type]
        return console.export_text(styles=True)

    rich_table = make_table(LISTING_SPECS, widths, title="项目", caption="说明: 合同额为万元")
    for row in rows:
        rich_table.add_row(*(Text(cell) for cell in pick(row, LISTING_SPECS, widths)))
    fast = ListingTable(LISTING_SPECS, widths, rows, title="项目", caption="说明: 合同额为万元")
    assert printed(fast) == printed(rich_table)
