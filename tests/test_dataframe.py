"""Reports and lists as pandas DataFrames: the same figures as the CLI's JSON, money exact."""

import json
import sys
from datetime import date
from decimal import Decimal

import pytest

from helpers import Location, zs
from zhaoshang_cli.core.errors import MissingExtra

pd = pytest.importorskip("pandas")

from zhaoshang_cli.report.dataframe import (  # noqa: E402
    arrivals_frame,
    projects_frame,
    report_frame,
    to_dataframe,
)

pytestmark = pytest.mark.one_backend  # frames of the JSON figures test_report checks on both


@pytest.fixture
def city(ledger: Location) -> Location:
    """Two projects, a target, arrivals of 0.1万 and 0.2万 (not exact in binary), a reversal."""
    zs("target", "set", "甲县", "1000万", "--year", "2026")
    zs("target", "set", "全市", "3000万", "--year", "2026")
    zs("add-project", "--name", "新材料", "--unit", "甲县", "--amount", "2亿", "--signed",
       "2026-02-10", "--contact", "王经理 13800000000")  # fmt: skip
    zs("add-project", "--name", "物流园", "--unit", "乙县", "--signed", "2026-03-01")
    zs("arrive", "2026-0001", "0.1万", "--date", "2026-03-05")
    zs("arrive", "2026-0001", "0.2万", "--date", "2026-03-06")
    zs("arrive", "2026-0002", "500万", "--date", "2026-04-01")
    zs("arrive", "2026-0002", "1万", "--date", "2026-04-02")
    zs("arrival", "reverse", "4", "--reason", "重复录入")
    return ledger


def cli_json(*args: str):  # type: ignore[no-untyped-def]
    return json.loads(zs(*args, "--format", "json").stdout, parse_float=Decimal)


def test_the_report_frame_has_the_reports_rows_and_figures(city: Location) -> None:
    frame = report_frame(str(city), year=2026, month=4)
    data = cli_json("report", "--year", "2026", "--month", "4")
    expected = []
    for group in data["groups"]:
        expected += [("unit", group["kind"], row) for row in group["rows"]]
        expected.append(("subtotal", group["kind"], group["subtotal"]))
    if data["own"] is not None:
        expected.append(("own", "", data["own"]))
    expected.append(("total", "", data["total"]))
    assert len(frame) == len(expected)
    for (_, got), (row_type, group, row) in zip(frame.iterrows(), expected, strict=True):
        assert (got.row_type, got.group, got.unit, got.kind) == (
            row_type,
            group,
            row["unit"],
            row["kind"],
        )
        for key in ("target", "strive", "actual", "last_year"):
            assert (None if pd.isna(got[key]) else got[key]) == row[key], (row["unit"], key)
        for key in ("completion", "progress_ratio", "yoy"):
            assert (None if pd.isna(got[key]) else got[key]) == pytest.approx(
                None if row[key] is None else float(row[key]), abs=1e-6
            )
        assert (None if pd.isna(got["rank"]) else got["rank"]) == row["rank"]
        assert got["flags"] == ";".join(row["flags"])
    total = frame[frame.row_type == "total"].iloc[0]
    assert total.actual == Decimal("500.3")  # 0.1 + 0.2 + 500; the 1万 reversed
    assert frame.attrs["year"] == 2026 and frame.attrs["month"] == 4
    assert frame.attrs["metric"] == "funds"
    assert str(frame["rank"].dtype) == "Int64"


def test_money_stays_exact(city: Location) -> None:
    arrivals = arrivals_frame(str(city), project="2026-0001")
    assert list(arrivals["cny_wan"]) == [Decimal("0.1"), Decimal("0.2")]
    assert arrivals["cny_wan"].sum() == Decimal("0.3")  # as floats: 0.30000000000000004
    assert all(isinstance(value, Decimal) for value in arrivals["cny_wan"])


def test_the_project_frame_is_the_project_list(city: Location) -> None:
    frame = projects_frame(str(city))
    listed = cli_json("project", "list")
    assert list(frame["code"]) == [row["code"] for row in listed]
    assert list(frame["contract_wan"].fillna(0)) == [row["contract_wan"] or 0 for row in listed]
    assert list(frame["arrived_wan"]) == [row["arrived_wan"] for row in listed]
    assert str(frame["signed_on"].dtype).startswith("datetime64")
    assert frame.loc[0, "signed_on"] == pd.Timestamp(2026, 2, 10)
    assert "王经理" not in frame.to_csv()  # contacts stay in the ledger
    assert list(projects_frame(str(city), unit="乙县")["code"]) == ["2026-0002"]


def test_the_arrival_frame_is_the_arrival_list(city: Location) -> None:
    frame = arrivals_frame(str(city), date_from=date(2026, 4, 1))
    listed = cli_json("arrival", "list", "--from", "2026-04-01")
    assert list(frame["id"]) == [row["id"] for row in listed]
    assert list(frame["cny_wan"]) == [row["cny_wan"] for row in listed]
    assert list(frame["amount_original_wan"]) == [row["amount_original_wan"] for row in listed]
    assert frame["reversed_by"].tolist()[1] == 5  # the 1万 reversed by entry 5
    assert str(frame["reversed_by"].dtype) == "Int64"
    assert frame["cny_wan"].sum() == Decimal("500")


def test_to_dataframe_takes_what_the_library_returns(city: Location) -> None:
    from zhaoshang_cli.core.periods import month_period
    from zhaoshang_cli.projects.register import list_projects
    from zhaoshang_cli.report import build_report
    from zhaoshang_cli.report.dataframe import reading

    with reading(str(city)) as session:
        report = build_report(session, month_period(2026, 4))
        projects = list_projects(session)
    assert list(to_dataframe(report)["unit"])[-1] == report.total.unit
    assert list(to_dataframe(projects)["code"]) == ["2026-0001", "2026-0002"]


def test_without_pandas_one_sentence_says_how_to_install_it(
    city: Location, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # as if pandas were not installed
    for make in (report_frame, projects_frame, arrivals_frame):
        with pytest.raises(MissingExtra) as caught:
            make(str(city))
        assert str(caught.value) == (
            "Data frames need pandas: pip install 'zhaoshang-cli[pandas]'."
        )
        assert isinstance(caught.value, ImportError)
    monkeypatch.setenv("ZS_LANG", "zh_CN")
    with pytest.raises(MissingExtra, match="生成 DataFrame 需要 pandas"):
        projects_frame(str(city))


def test_pandas_is_not_imported_by_the_library_without_a_frame() -> None:
    import subprocess

    code = (
        "import sys, zhaoshang_cli.report.dataframe, zhaoshang_cli.report, zhaoshang_cli.projects.register; "
        "print('pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
