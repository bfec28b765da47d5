"""The READMEs keep their promises: each tour runs as written, top to bottom, on a fresh
ledger, and the CLI reference in each language is the commands' own help."""

import json
import shlex
import subprocess
from pathlib import Path

import pytest

from helpers import zs

pytestmark = pytest.mark.one_backend  # not about the database

ROOT = Path(__file__).resolve().parents[1]
TOUR = "<!-- tour -->"
SHELL = set("|><;&$`")


def tour(readme: str) -> list[str]:
    """The commands of every block marked as the tour, continuation lines joined."""
    text = (ROOT / readme).read_text(encoding="utf-8")
    commands = []
    for marked in text.split(TOUR)[1:]:
        block = marked.split("```")[1]
        command = ""
        for line in block.splitlines():
            if not line.strip():
                continue
            command += line.strip()
            if command.endswith("\\"):
                command = command[:-1] + " "
                continue
            commands.append(command)
            command = ""
    return commands


def run(command: str, folder: Path) -> str:
    """A zs command runs in-process (quick); anything else through the shell, as written."""
    words = shlex.split(command, comments=True)
    plain = not SHELL & set(command.split("#")[0])
    if words[0] == "zs" and plain:
        result = zs(*words[1:])
        assert "Traceback" not in result.output
        return result.stdout
    done = subprocess.run(
        command, shell=True, cwd=folder, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, (command, done.stderr)
    return done.stdout


@pytest.mark.parametrize("readme", ["README.md", "README.zh-CN.md"])
def test_the_tour_runs_as_written(
    readme: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    commands = tour(readme)
    assert len(commands) > 50 and commands[0].startswith("zs init")
    monkeypatch.chdir(tmp_path)
    outputs = {command: run(command, tmp_path) for command in commands}
    # What the tour says happened, happened.
    arrivals = json.loads(zs("arrival", "list", "--project", "2026-0002", "-f", "json").stdout)
    assert [(a["id"], a["reversed_by"]) for a in arrivals] == [(2, None), (3, 4), (4, None)]
    projects = json.loads(zs("project", "list", "--format", "json").stdout)
    assert [p["stage"] for p in projects] == ["started", "started", "lead"]  # 2026-0003 void
    counted = json.loads(
        zs("report", "--month", "4", "--year", "2026", "--metric", "projects", "-f", "json").stdout
    )
    rows = {row["unit"]: row["actual"] for group in counted["groups"] for row in group["rows"]}
    assert (rows["甲县"], rows["乙县"], rows["经开区"], counted["total"]["actual"]) == (1, 1, 1, 2)
    leads = json.loads(
        zs("report", "--month", "4", "--year", "2026", "--metric", "leads", "--unit", "市商务局",
           "-f", "json").stdout
    )  # fmt: skip
    assert leads["total"]["actual"] == 1
    assert (tmp_path / "2026-W16-bulletin.xlsx").exists() or (
        tmp_path / "bulletins" / "2026-W16-bulletin.xlsx"
    ).exists()
    assert (tmp_path / "到位资金明细.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert any("2026-0001" in out for out in outputs.values())


def test_the_chinese_tour_is_the_english_one_in_chinese() -> None:
    english, chinese = tour("README.md"), tour("README.zh-CN.md")
    assert len(english) == len(chinese)
    assert [c.split()[:2] for c in english] == [c.split()[:2] for c in chinese]


def test_the_readmes_link_each_other() -> None:
    top = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:4]
    assert any("(README.zh-CN.md)" in line for line in top)
    top = (ROOT / "README.zh-CN.md").read_text(encoding="utf-8").splitlines()[:4]
    assert any("(README.md)" in line for line in top)


@pytest.mark.parametrize(("readme", "lang"), [("README.md", "en"), ("README.zh-CN.md", "zh_CN")])
def test_cli_reference_is_current_in_both_languages(readme: str, lang: str) -> None:
    from zhaoshang_cli.cli.reference import with_reference

    text = (ROOT / readme).read_text(encoding="utf-8")
    assert with_reference(text, lang) == text, "run: python -m zhaoshang_cli.cli.reference"
    import typer

    from zhaoshang_cli.cli import app
    from zhaoshang_cli.cli.reference import walk

    usage = "Usage: zs" if lang == "en" else "用法：zs"
    assert text.count(usage) == len(walk(typer.main.get_command(app), ["zs"]))
