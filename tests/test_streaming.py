"""An arrivals workbook too big to hold is read a row at a time (issue 14: a million rows in
under 500 MB): the same rows, refusals, warnings and outcome as the sheet read whole, all or
nothing, written chunk by chunk inside one transaction. Here every workbook counts as big
(``STREAM_BYTES`` = 0) and a chunk is three rows, so a few rows span several chunks."""

import re
import threading
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from helpers import snapshot, zs
from sheets import as_json, write_csv
from zhaoshang_cli.spreadsheets.book import Book
from zhaoshang_cli.spreadsheets.columns import ARRIVALS

HEADER = ["序号", "项目编号", "到位金额", "到位日期", "凭证号", "备注"]


@pytest.fixture
def projects(ledger: Path) -> Path:
    for code in ("P-1", "P-2"):
        zs("add-project", "--name", code, "--unit", "甲县", "--signed", "2026-01-05", "--code",
           code, "--amount", "1亿")  # fmt: skip
    return ledger


def office_book(path: Path, rows: list[list[Any]], header: list[str] = HEADER) -> Path:
    """The office's own sheet: a title, a 单位 line, the header, the rows, a 合计 and a 注."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in [["2026年到位资金台账"], ["填报单位：甲县招商局", "单位：万元"], header, *rows,
                [None, "合计"], ["注：以银行回单为准。"]]:  # fmt: skip
        sheet.append(row)
    workbook.save(path)
    return path


ROWS = [
    [1, "P-1", 100, "2026-02-01", "V-1", "首笔"],
    [2, "P-2", 50, "2026-02-03", None, None],
    [3, "P-1", 20.5, "2026-03-01", "V-3", None],
    [],
    [4, "P-2", 30, "2026-03-09", "V-4", None],
    [5, "P-1", 10, "2027-01-02", "V-5", None],  # after ZS_TODAY: a warning, accepted
    [6, "P-2", 40, "2026-04-01", "V-6", None],
    [7, "P-1", 8, "2026-04-02", "V-7", None],
]


def test_the_same_rows_and_outcome_whichever_way_it_is_read(
    projects: Path, tmp_path: Path, reading: str
) -> None:
    path = office_book(tmp_path / "到位.xlsx", ROWS)
    table = Book(path).table(ARRIVALS, may_stream=True)
    assert table is not None and (table.stream is not None) == (reading == "streamed")
    assert (len(table.rows) == 0) == (reading == "streamed")  # nothing is kept
    result = zs("import", "arrivals", path)
    assert "arrivals: added 7, skipped 0 already in the ledger." in result.stdout
    assert "passed over: 1 blank row, 1 total row (合计/小计), 1 line of notes" in result.stdout
    assert "row 9: dated in the future (2027-01-02)" in result.stderr
    rows = [(a["id"], a["project"], a["cny_wan"], a["date"], a["ref"]) for a in
            as_json("arrival", "list")]  # fmt: skip
    assert sorted(rows) == [
        (1, "P-1", 100, "2026-02-01", "V-1"),
        (2, "P-2", 50, "2026-02-03", None),
        (3, "P-1", 20.5, "2026-03-01", "V-3"),
        (4, "P-2", 30, "2026-03-09", "V-4"),
        (5, "P-1", 10, "2027-01-02", "V-5"),
        (6, "P-2", 40, "2026-04-01", "V-6"),
        (7, "P-1", 8, "2026-04-02", "V-7"),
    ]
    recorded = [e for e in as_json("history") if e["action"] == "arrival.record"]
    assert [e["entity_id"] for e in recorded] == [1, 2, 3, 4, 5, 6, 7]
    again = zs("import", "arrivals", tmp_path / "到位.xlsx")
    assert "arrivals: added 0, skipped 7 already in the ledger." in again.stdout


def test_a_problem_in_a_late_chunk_leaves_the_ledger_as_it_was(
    projects: Path, tmp_path: Path, reading: str
) -> None:
    """Three chunks were written before row 10 is reached: all of it is rolled back, and
    every problem is told, the one of row 4 and the duplicate voucher far below it."""
    rows = [*ROWS, [8, "P-9", 5, "2026-04-03", "V-8", None], [9, "P-2", 6, "2026-04-04", "V-4",
            None]]  # fmt: skip
    path = office_book(tmp_path / "到位.xlsx", [[0, "P-1", "十块", "2026-01-09", "V-0", None],
                                               *rows])  # fmt: skip
    before = snapshot(projects)
    result = zs("import", "arrivals", path, code=1)
    assert "row 4, column 到位金额: " in result.stderr
    assert "row 13, column 项目编号: there is no project with code 'P-9'" in result.stderr
    assert "row 14, column 凭证号: the same 凭证号 as row 9" in result.stderr
    assert "3 problems in 到位.xlsx; nothing was imported." in result.stderr
    assert snapshot(projects) == before


def test_a_dry_run_tells_and_writes_nothing(projects: Path, tmp_path: Path, reading: str) -> None:
    before = snapshot(projects)
    result = zs("import", "arrivals", office_book(tmp_path / "到位.xlsx", ROWS), "--dry-run")
    assert "arrivals: would add 7, skipped 0 already in the ledger." in result.stdout
    assert "Dry run: nothing was written." in result.stdout
    assert snapshot(projects) == before


def test_a_reversal_finds_its_arrival_chunks_above(
    projects: Path, tmp_path: Path, reading: str
) -> None:
    """An export's rows carry their 到位编号, and a reversal names the one it cancels."""
    header = ["到位编号", "项目编号", "到位金额", "到位日期", "凭证号", "备注", "冲销编号"]
    rows = [
        [1, "P-1", 100, "2026-02-01", "V-1", None, None],
        [2, "P-2", 50, "2026-02-03", "V-2", None, None],
        [3, "P-1", 20, "2026-03-01", "V-3", None, None],
        [4, "P-2", 30, "2026-03-09", "V-4", None, None],
        [5, "P-1", -100, "2026-02-01", "V-1", "重复录入", 1],
    ]
    zs("import", "arrivals", office_book(tmp_path / "到位.xlsx", rows, header))
    listed = {a["id"]: (a["cny_wan"], a["reverses"]) for a in as_json("arrival", "list")}
    assert listed == {1: (100, None), 2: (50, None), 3: (20, None), 4: (30, None), 5: (-100, 1)}
    total = sum(cny for cny, _ in listed.values())
    assert total == 100


def test_a_gbk_csv_is_read_a_line_at_a_time_too(
    projects: Path, tmp_path: Path, reading: str
) -> None:
    path = tmp_path / "到位.csv"
    lines = [["2026年到位资金台账"], HEADER, *[[str(c) if c is not None else "" for c in row]
             for row in ROWS], ["", "合计"]]  # fmt: skip
    write_csv(path, lines, encoding="gbk")
    table = Book(path).table(ARRIVALS, may_stream=True)
    assert table is not None and (table.stream is not None) == (reading == "streamed")
    result = zs("import", "arrivals", path)
    assert "arrivals: added 7, skipped 0 already in the ledger." in result.stdout
    assert "passed over: 1 blank row, 1 total row (合计/小计)" in result.stdout
    assert sorted(a["cny_wan"] for a in as_json("arrival", "list")) == [8, 10, 20.5, 30, 40, 50,
                                                                        100]  # fmt: skip


def test_a_csv_neither_utf8_nor_gb18030_is_refused_either_way(
    projects: Path, tmp_path: Path, reading: str
) -> None:
    path = tmp_path / "到位.csv"
    path.write_bytes("项目编号,到位金额\nP-1,1\n".encode() + b"\x81\x20\xff\xfe\n")
    before = snapshot(projects)
    result = zs("import", "arrivals", path, code=1)
    assert "到位.csv is neither UTF-8 nor GB18030 text (a bad byte at position 32)" in (
        result.stderr
    )
    assert snapshot(projects) == before


def test_a_value_merged_down_rows_stands_in_each(
    projects: Path, tmp_path: Path, reading: str
) -> None:
    """币种 美元 merged over two rows: both arrivals are in US dollars, read either way (read-only
    openpyxl does not give merged ranges; they are read from the sheet's XML)."""
    zs("rate", "set", "USD", "7.10", "--month", "2026-02")
    header = ["项目编号", "到位金额", "到位日期", "币种", "凭证号"]
    rows = [["P-1", 10, "2026-02-01", "美元", "V-1"], ["P-1", 20, "2026-02-02", None, "V-2"],
            ["P-2", 5, "2026-02-03", None, "V-3"]]  # fmt: skip
    path = office_book(tmp_path / "到位.xlsx", rows, header)
    workbook = openpyxl.load_workbook(path)
    workbook.active.merge_cells("D4:D5")  # the title, the 单位 line, the header, then the rows
    workbook.save(path)
    zs("import", "arrivals", path)
    rows = {a["ref"]: (a["currency"], a["cny_wan"]) for a in as_json("arrival", "list")}
    assert rows == {"V-1": ("USD", 71), "V-2": ("USD", 142), "V-3": ("CNY", 5)}


def test_every_row_is_read_whatever_size_the_file_claims(
    projects: Path, tmp_path: Path, reading: str
) -> None:
    """A writer may leave the sheet's recorded size (its <dimension>) stale: the rows and
    columns beyond it are read all the same."""
    path = office_book(tmp_path / "到位.xlsx", ROWS)
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    members[sheet] = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:C3"', members[sheet])
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    result = zs("import", "arrivals", path)
    assert "arrivals: added 7, skipped 0 already in the ledger." in result.stdout
    assert sorted(filter(None, (a["ref"] for a in as_json("arrival", "list")))) == [
        "V-1",
        "V-3",
        "V-4",
        "V-5",
        "V-6",
        "V-7",
    ]


def test_rows_only_formatted_below_the_table_are_not_counted(
    projects: Path, tmp_path: Path, reading: str
) -> None:
    path = office_book(tmp_path / "到位.xlsx", ROWS[:3])
    workbook = openpyxl.load_workbook(path)
    for row in range(20, 40):  # a clerk shaded rows for next month's entries
        workbook.active.cell(row=row, column=2).fill = openpyxl.styles.PatternFill(
            "solid", "FFFF00"
        )
    workbook.save(path)
    result = zs("import", "arrivals", path)
    assert "arrivals: added 3, skipped 0 already in the ledger." in result.stdout
    assert "passed over: 1 total row (合计/小计), 1 line of notes" in result.stdout


@pytest.mark.sqlite_only  # SQLite's write lock, held by another connection
def test_a_streamed_dry_run_needs_no_write_lock(
    projects: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checked in a read snapshot: a dry run of a million rows keeps no clerk waiting."""
    import zhaoshang_cli.spreadsheets.book as book_module
    from test_concurrency import hold_the_write_lock

    monkeypatch.setattr(book_module, "STREAM_BYTES", 0)
    monkeypatch.setattr("zhaoshang_cli.store.ledger.BUSY_TIMEOUT_MS", 400)
    path = office_book(tmp_path / "到位.xlsx", ROWS)
    let_go = threading.Event()
    holder = hold_the_write_lock(projects, let_go)
    try:
        result = zs("import", "arrivals", path, "--dry-run")
        refused = zs("import", "arrivals", path, code=1)
    finally:
        let_go.set()
        holder.join()
    assert "arrivals: would add 7, skipped 0 already in the ledger." in result.stdout
    assert "The ledger is busy with another writer" in refused.stderr
