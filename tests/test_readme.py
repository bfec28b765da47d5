"""The READMEs and the docs keep their promises: the docs' tour runs as written, top to bottom
across its pages, on a fresh ledger, in each language; each README's taste runs as written;
and the CLI reference pages in each language are the commands' own help."""

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


# The tour's pages in the order it runs (one ledger, top to bottom across them).
TOUR_PAGES = ["tour", *(f"guides/{name}" for name in (
    "project-life", "targets", "report", "bulletin", "watch", "spreadsheets", "taizhang"))]  # fmt: skip
SUFFIX = {"en": ".en.md", "zh_CN": ".md"}


def tour_text(lang: str) -> str:
    return "\n".join(
        (ROOT / "docs" / f"{page}{SUFFIX[lang]}").read_text(encoding="utf-8") for page in TOUR_PAGES
    )


def tour(readme: str, text: str | None = None) -> list[str]:
    """The commands of every block marked as the tour, continuation lines joined."""
    if text is None:
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
def test_the_readme_taste_runs_as_written(
    readme: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    commands = tour(readme)
    assert 3 <= len(commands) <= 8 and commands[0] == "zs init"
    monkeypatch.chdir(tmp_path)
    outputs = [run(command, tmp_path) for command in commands]
    assert "4700" in outputs[-1] or "0.47" in outputs[-1]


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_the_tour_runs_as_written(
    lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    commands = tour("", tour_text(lang))
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
    english, chinese = tour("", tour_text("en")), tour("", tour_text("zh_CN"))
    assert len(english) == len(chinese)
    assert [c.split()[:2] for c in english] == [c.split()[:2] for c in chinese]


def test_the_readmes_link_each_other() -> None:
    top = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:4]
    assert any("(README.zh-CN.md)" in line for line in top)
    top = (ROOT / "README.zh-CN.md").read_text(encoding="utf-8").splitlines()[:4]
    assert any("(README.md)" in line for line in top)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_cli_reference_is_current_in_both_languages(lang: str) -> None:
    import typer
    from reference import FOLDER, SUFFIX, reference_pages, walk

    from zhaoshang_cli.cli import app

    pages = reference_pages(lang)
    for page, text in pages.items():
        written = (FOLDER / f"{page}{SUFFIX[lang]}").read_text(encoding="utf-8")
        assert written == text, "run: python tools/reference.py"
    usage = "Usage: zs" if lang == "en" else "用法：zs"
    shown = sum(text.count(usage) for text in pages.values())
    assert shown == len(walk(typer.main.get_command(app), ["zs"]))


def test_the_readme_keeps_the_two_set_up_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for marker in ("<!-- run-command -->", "<!-- test-command -->"):
        [command] = [line for line in text.split(marker)[1].split("```")[1].splitlines() if line]
        assert command.startswith("python3 -m venv .venv && .venv/bin/pip install")
