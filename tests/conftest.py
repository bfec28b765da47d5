"""Every test gets its own ledger file: ZS_DB points into tmp_path (never the user's ledger)."""

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zhaoshang_cli.cli import app

RUNNER = CliRunner()


@pytest.fixture(autouse=True)
def ledger_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "ledger.db"
    monkeypatch.setenv("ZS_DB", str(path))
    monkeypatch.setenv("ZS_OPERATOR", "tester")
    monkeypatch.setenv("ZS_TODAY", "2026-11-23")
    monkeypatch.delenv("ZS_DEBUG", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("ZS_LANG", "en")  # tests of the Chinese default unset or change it
    return path


@pytest.fixture
def chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    """The default a clerk gets: no ZS_LANG, and a cron-like LANG=C."""
    monkeypatch.delenv("ZS_LANG", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "C")


def zs(*args: str, code: int = 0):  # type: ignore[no-untyped-def]
    """Run the real CLI in-process; assert the exit code (0 unless told otherwise)."""
    result = RUNNER.invoke(app, [str(arg) for arg in args])
    assert result.exit_code == code, (
        f"zs {' '.join(map(str, args))} exited {result.exit_code}, wanted {code}\n"
        f"stdout: {result.stdout}\nstderr: {result.stderr}\n{result.exception!r}"
    )
    return result


def fails(*args: str, code: int = 1):  # type: ignore[no-untyped-def]
    """A refused command: the exit code, one sentence on stderr, no traceback."""
    result = zs(*args, code=code)
    assert "Traceback" not in result.output
    if code == 1:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("zs: "), result.stderr
    return result


def snapshot(path: Path) -> dict[str, list[tuple]]:
    """The ledger's content, table by table, for 'nothing changed' assertions."""
    conn = sqlite3.connect(path)
    try:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"
            )
        ]
        return {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall() for t in tables}
    finally:
        conn.close()


def sql(path: Path, statement: str) -> list[tuple]:
    """One statement through plain sqlite3, outside zs: to read rows, or to change a file
    the way zs itself never would (an old schema, a corrupt row, a foreign database)."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(statement).fetchall()
        conn.commit()
        return rows
    finally:
        conn.close()


@pytest.fixture
def ledger(ledger_path: Path) -> Path:
    """An initialised ledger with a small city: 全市 → 甲县, 乙县, 经开区, 市商务局."""
    zs("init")
    zs("unit", "add", "全市", "--kind", "city")
    zs("unit", "add", "甲县", "--kind", "county", "--parent", "全市")
    zs("unit", "add", "乙县", "--kind", "county", "--parent", "全市")
    zs("unit", "add", "经开区", "--kind", "zone", "--parent", "全市")
    zs("unit", "add", "市商务局", "--kind", "department", "--parent", "全市")
    return ledger_path
