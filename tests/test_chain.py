"""The audit trail as a hash chain: every write sealed, every tampering named by `zs check`,
the 校验码 on documents checked by `zs verify`, arrivals and the trail append-only."""

import json
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from helpers import ON_POSTGRES, Location, fails, snapshot, sql, zs
from zhaoshang_cli.store.tables import ARRIVAL, PROJECT


@pytest.fixture
def books(ledger: Location) -> Location:
    """The small city with a project, arrivals (one reversed), a target and a setting."""
    zs(
        "add-project",
        "--name",
        "新材料项目",
        "--unit",
        "甲县",
        "--amount",
        "2亿",
        "--signed",
        "2026-02-01",
    )
    zs(
        "add-project",
        "--name",
        "物流园",
        "--unit",
        "乙县",
        "--amount",
        "1亿",
        "--signed",
        "2026-03-01",
    )
    zs("arrive", "2026-0001", "3000万", "--date", "2026-03-10")
    zs("arrive", "2026-0001", "200万", "--date", "2026-04-05")
    zs("arrival", "reverse", "2", "--reason", "重复录入")
    zs("arrive", "2026-0002", "500万", "--date", "2026-04-20")
    zs("target", "set", "甲县", "5亿", "--year", "2026")
    zs("config", "set", "office", "某某市招商办")
    return ledger


def code_now() -> str:
    return json.loads(zs("seal", "--format", "json").stdout)["code"]


def test_every_entry_is_sealed_and_the_ledger_checks_sound(books: Location) -> None:
    (entries,) = sql(books, "SELECT COUNT(*) FROM audit")[0]
    sealed = sql(books, "SELECT COUNT(*), COUNT(DISTINCT hash) FROM audit_chain")[0]
    assert entries > 10 and sealed == (entries, entries)
    links = sql(books, "SELECT audit_id, prev_id FROM audit_chain ORDER BY audit_id")
    assert links[0][1] is None
    assert all(prev == before for (_, prev), (before, _) in zip(links[1:], links, strict=False))
    assert "is sound" in zs("check").stdout


def test_a_snapshot_holds_the_full_row_it_wrote(books: Location) -> None:
    (row,) = sql(
        books,
        "SELECT c.row FROM audit_chain c JOIN audit a ON a.id = c.audit_id"
        " WHERE a.entity = 'arrival' AND a.entity_id = 1",
    )[0]
    sealed = dict(zip([c.name for c in ARRIVAL.c], json.loads(row), strict=True))
    assert sealed["cny_fen"] == 3_000_000_000 and sealed["arrived_on"] == "2026-03-10"
    project = json.loads(
        sql(
            books,
            "SELECT c.row FROM audit_chain c JOIN audit a ON a.id = c.audit_id"
            " WHERE a.entity = 'project' AND a.entity_id = 1 ORDER BY a.id DESC",
        )[0][0]
    )
    row_of_project, credit = project[0], project[1]
    assert row_of_project[[c.name for c in PROJECT.c].index("code")] == "2026-0001"
    assert credit == [[1, 2, 10_000]]  # project 1, 甲县, 100%
    assert "contact" not in row and "contact" not in json.dumps(project)


TAMPERINGS = [
    (
        "UPDATE arrival SET cny_fen = cny_fen * 1000 WHERE id = 1",
        "The arrival with id 1 was changed outside zs (cny_fen: 3000000000 → 3000000000000)",
    ),
    ("UPDATE audit SET operator = '无名氏' WHERE id = 7", "Audit entry 7 was changed after it"),
    (
        "UPDATE audit SET at = '2020-01-01 00:00:00' WHERE id = 8",
        "Audit entry 8 was changed after it",
    ),
    (
        "UPDATE audit_chain SET hash = CASE WHEN substr(hash, 1, 1) = 'f' THEN 'e' ELSE 'f' END"
        " || substr(hash, 2) WHERE audit_id = 9",
        "Audit entry 9 was changed after it",
    ),
    (
        "DELETE FROM audit_chain WHERE audit_id = 9; DELETE FROM audit WHERE id = 9",
        "Audit entry 9 is missing",
    ),
    (
        "INSERT INTO audit (at, operator, action, entity, entity_id)"
        " VALUES ('2026-11-01 00:00:00', '省长', 'arrival.record', 'arrival', 99)",
        "is not sealed in the chain: it was written outside zs",
    ),
    (
        "INSERT INTO arrival (project_id, arrived_on, currency, amount_minor, cny_fen, source,"
        " operator, entered_at) VALUES (1, '2026-05-01', 'CNY', 100, 100, 'domestic', 'x',"
        " '2026-05-01 00:00:00')",
        "The arrival with id 5 has no entry in the audit trail.",
    ),
    ("DELETE FROM arrival WHERE id = 4", "The arrival with id 4 was deleted outside zs"),
    (
        "UPDATE project_unit SET share_bp = 5000 WHERE project_id = 1",
        "The project with id 1 was changed outside zs (units.1.share_bp: 10000 → 5000)",
    ),
    ("UPDATE target SET amount = 1 WHERE id = 1", "The target with id 1 was changed outside zs"),
    ("UPDATE setting SET value = '别的办公室'", "The settings were changed outside zs"),
    (
        "UPDATE project SET signed_on = '2025-12-01' WHERE id = 2",
        "(signed_on: 2026-03-01 → 2025-12-01)",
    ),
]


@pytest.mark.parametrize(("statements", "named"), TAMPERINGS)
def test_check_names_each_tampering(books: Location, statements: str, named: str) -> None:
    before = code_now()
    assert "holds" in zs("verify", before).stdout
    for statement in statements.split("; "):
        sql(books, statement)
    result = fails("check")
    assert named in result.stdout, result.stdout
    assert "problem" in result.stderr
    if "INSERT" not in statements:  # an addition after the code leaves what it vouched for
        verdict = fails("verify", before)
        assert "no longer holds" in verdict.stderr or "No entry" in verdict.stderr


def test_a_code_still_holds_after_ordinary_writes_and_names_the_moment(books: Location) -> None:
    code = code_now()
    zs("arrive", "2026-0002", "100万", "--date", "2026-05-02")
    zs("arrival", "reverse", "5", "--reason", "录错")
    out = zs("verify", code.lower().replace("-", "")).stdout
    assert f"校验码 {code} holds" in out and "2 entries since" in out
    assert code_now() != code


def test_verify_refuses_a_wrong_or_malformed_code(books: Location) -> None:
    before = snapshot(books)
    assert "is not a 校验码" in fails("verify", "12345").stderr
    assert (
        "No entry of this ledger's audit chain has 校验码 0000-0000-0001"
        in fails("verify", "0000-0000-0001").stderr
    )
    assert snapshot(books) == before


def test_verify_as_of_a_day_wants_that_days_code(ledger: Location) -> None:
    """A document dated before the ledger's writes cannot carry the code they ended with."""
    code = code_now()
    err = fails("verify", code, "--as-of", "2020-01-01").stderr
    assert "is not the ledger's as of 2020-01-01" in err
    assert "holds" in zs("verify", code, "--as-of", "2036-12-31").stdout


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE arrival SET cny_fen = 1 WHERE id = 1",
        "DELETE FROM arrival WHERE id = 1",
        "UPDATE audit SET operator = 'x' WHERE id = 1",
        "DELETE FROM audit WHERE id = 1",
        "UPDATE audit_chain SET hash = 'x' WHERE audit_id = 1",
        "DELETE FROM audit_chain WHERE audit_id = 1",
    ],
)
def test_sqlite_refuses_to_change_arrivals_and_the_trail(books: Path, statement: str) -> None:
    from sqlalchemy.exc import IntegrityError

    before = snapshot(books)
    with pytest.raises(IntegrityError, match="append-only"):
        sql(books, statement, append_only=True)
    assert snapshot(books) == before
    assert "is sound" in zs("check").stdout


def test_documents_carry_the_code(books: Location, tmp_path: Path) -> None:
    code = code_now()
    zs(
        "report",
        "--month",
        "4",
        "--year",
        "2026",
        "--docx",
        str(tmp_path / "r.docx"),
        "--xlsx",
        str(tmp_path / "r.xlsx"),
    )
    footer = "\n".join(
        p.text for p in Document(str(tmp_path / "r.docx")).sections[0].footer.paragraphs
    )
    assert f"校验码 {code}" in footer  # the 通报 is Chinese whoever writes it
    sheet = load_workbook(tmp_path / "r.xlsx").worksheets[0]
    assert code in sheet.oddFooter.right.text
    assert "holds" in zs("verify", code).stdout


@pytest.mark.sqlite_only
def test_an_older_ledger_is_chained_at_the_upgrade(ledger_path: Path) -> None:
    from test_ledger import build_previous_revision

    build_previous_revision(ledger_path)
    for entity, entity_id in (("unit", 1), ("unit", 2), ("project", 1), ("arrival", 1)):
        sql(
            ledger_path,
            "INSERT INTO audit (at, operator, action, entity, entity_id)"
            f" VALUES ('2026-04-10 10:00:00', 'old', '{entity}.add', '{entity}', {entity_id})",
        )
    zs("init")
    entries = sql(ledger_path, "SELECT id, action, after FROM audit ORDER BY id")
    assert [action for _, action, _ in entries[4:]] == ["ledger.chain", "ledger.backup"]
    assert json.loads(entries[4][2]) == {"sealed_as_found": 4, "up_to_entry": 4}
    (sealed,) = sql(ledger_path, "SELECT COUNT(*) FROM audit_chain")[0]
    assert sealed == len(entries)
    found = zs("check", code=1).stdout  # the old zs's rows are vouched for from the upgrade on
    assert found == "Project 2026-0001 has no stage history.\n"
    sql(ledger_path, "UPDATE arrival SET cny_fen = 1")
    assert "The arrival with id 1 was changed outside zs" in fails("check").stdout


@pytest.mark.skipif(ON_POSTGRES, reason="zs demo --db FILE builds an SQLite file")
def test_check_on_a_demo_ledger_is_sound(tmp_path: Path) -> None:
    zs("demo", "--db", str(tmp_path / "demo.db"))
    assert "is sound" in zs("check", "--db", str(tmp_path / "demo.db")).stdout


def test_an_import_sealed_chunk_by_chunk_proves_every_row(
    books: Location, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big import is sealed a chunk of entries at a time (``chain.SEAL_CHUNK``): the chain
    runs on unbroken through the chunks, and a row changed afterwards is named."""
    import zhaoshang_cli.store.chain as chain
    from sheets import write_xlsx

    monkeypatch.setattr(chain, "SEAL_CHUNK", 2)
    rows = [["2026-0001", 10 + day, f"2026-06-{day:02d}", f"V-{day}"] for day in range(1, 8)]
    sheet = write_xlsx(
        tmp_path / "到位.xlsx",
        {"到位资金": [["项目编号", "到位金额", "到位日期", "凭证号"], *rows]},
    )
    zs("import", "arrivals", sheet)
    (entries,) = sql(books, "SELECT COUNT(*) FROM audit")[0]
    links = sql(books, "SELECT audit_id, prev_id FROM audit_chain ORDER BY audit_id")
    assert len(links) == entries
    assert all(prev == before for (_, prev), (before, _) in zip(links[1:], links, strict=False))
    assert "is sound" in zs("check").stdout
    (last,) = sql(books, "SELECT MAX(id) FROM arrival")[0]
    sql(books, f"UPDATE arrival SET note = '改过' WHERE id = {last - 2}")
    result = fails("check")
    assert (
        f"The arrival with id {last - 2} was changed outside zs (note: None → 改过)"
        in result.stdout
    )
