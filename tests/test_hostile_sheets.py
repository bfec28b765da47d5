"""Sheets that would crash or fool the reader: a cell at the sheet's far corner, &#0;, a
DOCTYPE with entities, formulas whose result was never saved. Each is read safely or refused in
one sentence naming the file (and sheet); a formula with a saved result gives that result."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import fails, snapshot, zs
from sheets import as_json, xlsx_bytes
from zhaoshang_cli.spreadsheets import book

HEADERS = ["项目名称", "责任单位", "合同金额(万元)", "签约日期"]
ROW = ["新材料项目", "甲县", 500, "2026-03-01"]


def far_corner(cell: bytes) -> "object":
    return lambda xml: xml.replace(
        b"</sheetData>", b'<row r="1048576">' + cell + b"</row></sheetData>"
    )


def write(tmp_path: Path, content: bytes, name: str = "in.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_a_formatted_cell_at_the_far_corner_is_read_a_row_at_a_time(ledger, tmp_path):
    """An empty styled cell at XFD1048576: calamine would allocate 512 GiB for its area."""
    path = write(
        tmp_path, xlsx_bytes([HEADERS, ROW], edit=far_corner(b'<c r="XFD1048576" s="0"/>'))
    )
    assert book.Book(path).scan("项目").too_big_to_hold
    zs("import", "projects", path)
    assert [p["name"] for p in as_json("project", "list")] == ["新材料项目"]


def three_gigabytes_at_most() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))


def test_a_value_at_the_far_corner_is_refused_and_does_not_kill_the_process(ledger, tmp_path):
    path = write(
        tmp_path, xlsx_bytes([HEADERS, ROW], edit=far_corner(b'<c r="XFD1048576"><v>1</v></c>'))
    )
    before = snapshot(ledger)
    result = subprocess.run(  # were the reader to abort, only this child would die
        [sys.executable, "-m", "zhaoshang_cli", "import", "projects", str(path)],
        env={**os.environ, "ZS_DB": str(ledger)},
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=three_gigabytes_at_most,
    )
    assert result.returncode == 1, result.stderr
    assert "row 1048576, column XFD: a value under no column header" in result.stderr
    assert result.stderr.splitlines()[-1] == "zs: 3 problems in in.xlsx; nothing was imported."
    assert snapshot(ledger) == before


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        (
            lambda xml: xml.replace(b"<t>", b"<t>&#0;", 1),
            "zs: in.xlsx, sheet 项目, could not be read (invalid character reference: 0x0",
        ),
        (
            lambda xml: (
                b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
                b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
                + xml.replace(b"<t>", b"<t>&b;", 1)
            ),
            "zs: in.xlsx declares a DOCTYPE in its part xl/worksheets/sheet1.xml, which no "
            "spreadsheet program writes; it is not read.",
        ),
    ],
    ids=["nul", "doctype"],
)
@pytest.mark.parametrize("kind", ["projects", "units", "ledger"])
def test_xml_a_reader_cannot_take_is_one_sentence(ledger_path, tmp_path, edit, says, kind):
    zs("init")
    path = write(tmp_path, xlsx_bytes([HEADERS, ROW], edit=edit))
    before = snapshot(ledger_path)
    err = fails("import", kind, path).stderr
    assert err.startswith(says) and len(err.splitlines()) == 1
    assert snapshot(ledger_path) == before


def formula(cell: str, inner: bytes) -> "object":
    """Column C of row 2 as a formula cell with ``inner`` (<f>, and a <v> or none)."""
    return lambda xml: __import__("re").sub(
        rb'<c r="C2"[^>]*>.*?</c>', f'<c r="C2"{cell}>'.encode() + inner + b"</c>", xml, count=1
    )


@pytest.mark.parametrize(
    ("cell", "inner"),
    [
        ("", b"<f>A1*2</f>"),  # a script wrote it, nothing computed it
        ("", b"<f>A1*2</f><v></v>"),  # openpyxl's way of saying the same
        ("", b'<f t="shared" si="0"/>'),
    ],
    ids=["no value", "empty value", "shared"],
)
def test_a_formula_without_a_saved_result_is_refused_by_every_import(ledger, tmp_path, cell, inner):
    path = write(tmp_path, xlsx_bytes([HEADERS, ROW], edit=formula(cell, inner)))
    before = snapshot(ledger)
    err = zs("import", "projects", path, code=1).stderr
    assert "in.xlsx, sheet 项目, row 2, column 合同金额(万元): the cell holds the formula =" in err
    assert "but no saved result; open the file in Excel or WPS, save it" in err
    arrivals = [["项目编号", "到位金额(万元)", "到位日期"], ["2026-0001", 10, "2026-04-01"]]
    path = write(tmp_path, xlsx_bytes(arrivals, "到位资金", formula(cell, inner)), "a.xlsx")
    assert (
        "column 到位日期: the cell holds the formula"
        in zs("import", "arrivals", path, code=1).stderr
    )
    assert snapshot(ledger) == before


def test_a_formula_with_a_saved_result_gives_that_result(ledger, tmp_path):
    path = write(tmp_path, xlsx_bytes([HEADERS, ROW], edit=formula("", b"<f>250*2</f><v>500</v>")))
    zs("import", "projects", path)
    assert [p["contract_wan"] for p in as_json("project", "list")] == [500]


def test_a_formula_that_gave_nothing_is_a_blank_cell(ledger, tmp_path):
    path = write(
        tmp_path, xlsx_bytes([HEADERS, ROW], edit=formula(' t="str"', b'<f>""</f><v></v>'))
    )
    zs("import", "projects", path)
    assert [p["contract_wan"] for p in as_json("project", "list")] == [None]


def test_a_big_sheet_read_row_by_row_refuses_unsaved_formulas_too(ledger, tmp_path, monkeypatch):
    monkeypatch.setattr(book, "STREAM_BYTES", 0)  # every file is "big"
    arrivals = [["项目编号", "到位金额(万元)", "到位日期"], ["2026-0001", 10, "2026-04-01"]]
    path = write(tmp_path, xlsx_bytes(arrivals, "到位资金", formula("", b"<f>A1*2</f>")))
    assert book.Book(path).streams
    zs("add-project", "--name", "x", "--unit", "甲县", "--signed", "2026-03-01")
    before = snapshot(ledger)
    err = zs("import", "arrivals", path, code=1).stderr
    assert "row 2, column 到位日期: the cell holds the formula =A1*2 but no saved result" in err
    assert snapshot(ledger) == before
