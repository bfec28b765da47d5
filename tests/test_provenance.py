"""`zs export` → `zs import ledger` keeps who entered each row and when, and the audit trail,
so a report `--as-of` an earlier day is the same on the copy as on the original."""

import json
from pathlib import Path

import pytest

from helpers import recorded_as, sql, zs
from sheets import as_json, in_chinese

# Entries of spring 2026, made the way zs never would (backdated), so --as-of has a past.
BACKDATE = [
    "UPDATE project SET created_at = '2026-03-18 09:00:00.000000'",
    "UPDATE stage_event SET entered_at = '2026-03-18 09:00:00.000000'",
    "UPDATE arrival SET entered_at = '2026-04-20 10:00:00.000000' WHERE id IN (1, 2)",
    "UPDATE arrival SET entered_at = '2026-05-10 11:00:00.000000' WHERE id = 3",
    "UPDATE target SET set_at = '2026-01-05 08:00:00.000000'",
]


@pytest.fixture
def original(ledger: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two clerks' entries: 张会计 recorded April's money, 李会计 reversed one in May."""
    monkeypatch.setenv("ZS_OPERATOR", "王主任")
    zs("target", "set", "甲县", "8000万", "--year", "2026")
    zs("add-project", "--name", "新材料", "--unit", "甲县", "--signed", "2026-03-18",
       "--amount", "2亿", "--code", "P-1")  # fmt: skip
    monkeypatch.setenv("ZS_OPERATOR", "张会计")
    zs("arrive", "P-1", "3000万", "--date", "2026-04-15", "--ref", "V-1")
    zs("arrive", "P-1", "200万", "--date", "2026-04-16", "--ref", "V-2")
    monkeypatch.setenv("ZS_OPERATOR", "李会计")
    zs("arrival", "reverse", "2", "--reason", "重复录入")
    for statement in BACKDATE:
        sql(ledger, statement)
    return ledger


def report(*args: str) -> dict:
    return json.loads(
        zs("report", "--month", "4", "--year", "2026", "--format", "json", *args).stdout
    )


def round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    workbook = tmp_path / "全市台账.xlsx"
    zs("export", "-o", workbook)
    copy = tmp_path / "copy.db"
    monkeypatch.setenv("ZS_DB", str(copy))
    monkeypatch.setenv("ZS_OPERATOR", "导入员")
    zs("init")
    zs("import", "ledger", workbook)
    return copy


def test_a_report_as_of_an_earlier_day_is_the_same_on_the_copy(
    original: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = {day: report("--as-of", day) for day in ("2026-03-31", "2026-05-06", "2026-05-31")}
    # The days differ: nothing by March, 3200万 on 6 May, the reversal by the end of May.
    assert [before[day]["total"]["actual"] for day in sorted(before)] == [0, 3200, 3000]
    round_trip(tmp_path, monkeypatch)
    for day, figures in before.items():
        assert report("--as-of", day) == figures, day


def test_operators_and_entry_times_survive(
    original: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    arrivals = as_json("arrival", "list")
    trail = as_json("history")
    # On PostgreSQL every entry was the login's; the copy is a file either way.
    wang, zhang, li, tester = map(recorded_as, ("王主任", "张会计", "李会计", "tester"))
    round_trip(tmp_path, monkeypatch)
    copied = as_json("arrival", "list")
    assert [(a["id"], a["operator"], a["entered_at"][:19]) for a in copied] == [
        (1, zhang, "2026-04-20T10:00:00"),
        (2, zhang, "2026-04-20T10:00:00"),
        (3, li, "2026-05-10T11:00:00"),
    ]
    assert [a["reverses"] for a in copied] == [a["reverses"] for a in arrivals]
    (project,) = as_json("project", "list")
    assert project["code"] == "P-1"
    show = as_json("project", "show", "P-1")
    assert show["created_at"].startswith("2026-03-18T09:00:00")
    assert [(s["operator"], s["entered_at"][:10]) for s in show["stages"]] == [(wang, "2026-03-18")]
    (target,) = as_json("target", "history", "甲县", "--year", "2026")
    assert (target["operator"], target["set_at"][:10]) == (wang, "2026-01-05")
    # The trail as it was, then the import itself, by whoever ran it.
    *carried, imported = as_json("history")
    assert carried == trail
    assert {entry["operator"] for entry in carried} == {wang, zhang, li, tester}
    assert (imported["operator"], imported["action"]) == ("导入员", "ledger.import")
    assert [e["action"] for e in as_json("history", "--project", "P-1")] == [
        "project.add",
        "arrival.record",
        "arrival.record",
        "arrival.reverse",
    ]


def test_the_copy_passes_zs_check(
    original: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    round_trip(tmp_path, monkeypatch)
    assert "is sound" in zs("check").stdout


def test_an_older_export_without_project_codes_in_the_trail_still_links_them(
    original: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import openpyxl

    workbook = tmp_path / "旧台账.xlsx"
    in_chinese("export", "-o", workbook)
    book = openpyxl.load_workbook(workbook)
    trail = book["操作记录"]
    assert trail.cell(1, trail.max_column).value == "项目编号"
    trail.delete_cols(trail.max_column)
    book.save(workbook)
    monkeypatch.setenv("ZS_DB", str(tmp_path / "copy.db"))
    zs("init")
    zs("import", "ledger", workbook)
    assert len(as_json("history", "--project", "P-1")) == 4
