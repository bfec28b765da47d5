"""An arrivals import keeps the first lines of each kind in memory and counts the rest, warnings
too (issue 26: a million rows of a city's sheet warn on most of them); ``--report FILE`` writes
every line, and every problem, to a new text file. Both ways of reading a workbook: whole, and a
row at a time in chunks of three."""

from pathlib import Path
from typing import Any

import pytest

from helpers import fails, snapshot, zs
from sheets import write_xlsx
from zhaoshang_cli.spreadsheets.arrival_plan import ArrivalPlan, Said
from zhaoshang_cli.spreadsheets.columns import ARRIVALS
from zhaoshang_cli.spreadsheets.outcome import Outcome

HEADER = ["项目编号", "到位金额", "到位日期", "凭证号"]


@pytest.fixture
def project(ledger: Path) -> Path:
    zs("add-project", "--name", "P-1", "--unit", "甲县", "--signed", "2026-06-01", "--code",
       "P-1", "--amount", "100万")  # fmt: skip
    return ledger


def book(folder: Path, body: list[list[Any]]) -> Path:
    return write_xlsx(folder / "到位.xlsx", {"到位资金": [HEADER, *body]})


def rows(count: int) -> list[list[Any]]:
    """Every row before the signing date: a warning each, and later ones over the contract."""
    return [["P-1", 50, f"2026-05-{day:02d}", f"V-{day}"] for day in range(1, count + 1)]


def test_warnings_past_the_first_are_counted_not_kept() -> None:
    """tell() writes out the first ``shown`` warnings and keeps an empty line for the rest."""
    plan = ArrivalPlan(table=None, mark=0, keep_provenance=False)  # type: ignore[arg-type]
    plan.said = [Said(row, 1, "warnings", f"warning {row}") for row in range(1, 8)]
    out = Outcome(ARRIVALS)
    plan.tell(out, shown=3)
    assert out.warnings == ["row 1: warning 1", "row 2: warning 2", "row 3: warning 3"] + [""] * 4


def test_the_screen_counts_what_it_does_not_list(
    project: Path, tmp_path: Path, reading: str
) -> None:
    sheet = book(tmp_path, rows(25))
    result = zs("import", "arrivals", sheet)
    listed = [line for line in result.stderr.splitlines() if line.endswith("(accepted).")]
    assert len(listed) == 20
    assert "… and 28 more warnings." in result.stderr  # 25 before signing, 23 over the contract


def test_report_has_every_line(project: Path, tmp_path: Path, reading: str) -> None:
    sheet = book(tmp_path, rows(25))
    report = tmp_path / "report.txt"
    result = zs("import", "arrivals", sheet, "--report", report)
    assert f"Every row's line is in {report}." in result.stdout
    lines = report.read_text(encoding="utf-8").splitlines()
    added = [line for line in lines if line.startswith("added\t")]
    warnings = [line for line in lines if line.startswith("warning\t")]
    assert len(added) == 25 and len(warnings) == 48
    assert "warning\trow 2: before the signing date 2026-06-01" in lines
    assert added[-1] == "added\trow 26: arrival 50.00万 CNY for P-1 on 2026-05-25 (V-25)"


def test_report_of_a_refused_sheet_names_its_problems(
    project: Path, tmp_path: Path, reading: str
) -> None:
    sheet = book(tmp_path, [*rows(2), ["P-9", 5, "2026-05-03", "V-9"]])
    report = tmp_path / "report.txt"
    before = snapshot(project)
    zs("import", "arrivals", sheet, "--report", report, code=1)
    assert snapshot(project) == before
    problems = [line for line in report.read_text(encoding="utf-8").splitlines()
                if line.startswith("problem\t")]  # fmt: skip
    assert len(problems) == 1 and "there is no project with code 'P-9'" in problems[0]


def test_an_existing_report_is_never_overwritten(project: Path, tmp_path: Path) -> None:
    sheet = book(tmp_path, rows(2))
    report = tmp_path / "report.txt"
    report.write_text("last month's", encoding="utf-8")
    before = snapshot(project)
    result = fails("import", "arrivals", sheet, "--report", report)
    assert "exists already; give --report a new file" in result.stderr
    assert snapshot(project) == before
    assert report.read_text(encoding="utf-8") == "last month's"
