"""The clerk's interface: Chinese by default, Chinese words wherever a value is typed, output
that scripts and Excel read, and the conventions a command-line user expects."""

import csv
import io
import json
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from helpers import fails, snapshot, zs

pytestmark = pytest.mark.one_backend  # not about the database


@pytest.fixture
def signed(ledger: Path) -> Path:
    zs("add-project", "--name", "新材料", "--unit", "甲县", "--amount", "2.5亿")
    zs("add-project", "--name", "冷链", "--unit", "乙县", "--signed", "2026-03-18")
    return ledger


def as_json(*args: str) -> object:
    return json.loads(zs(*args, "--format", "json").stdout)


# --- Chinese words wherever a value is typed ----------------------------------------------


def test_chinese_words_are_accepted_for_every_kind_of_value(ledger: Path, chinese: None) -> None:
    zs("unit", "add", "丙县", "--kind", "县区", "--parent", "全市")
    zs("unit", "add", "城关镇", "--kind", "乡镇", "--parent", "丙县")
    zs("unit", "add", "新城街道", "--kind", "街道", "--parent", "丙县")
    zs("unit", "add", "招商一组", "--kind", "组团", "--parent", "全市")
    kinds = {u["name"]: u["kind"] for u in as_json("unit", "list")}  # type: ignore[union-attr]
    assert (kinds["丙县"], kinds["城关镇"], kinds["新城街道"], kinds["招商一组"]) == (
        "county",
        "town",
        "town",
        "group",
    )
    zs("add-project", "--name", "甲", "--unit", "丙县", "--stage", "线索", "--origin", "省外")
    zs("project", "stage", "2026-0001", "签约", "--date", "2026-03-01")
    zs("project", "stage", "2026-0001", "开工", "--date", "2026-04-01")
    (project,) = as_json("project", "list", "--stage", "开工")  # type: ignore[misc]
    assert project["stage"] == "started"
    zs("arrive", "2026-0001", "10万", "--date", "2026-04-02", "--source", "境内")
    zs("target", "set", "全市", "30亿", "--metric", "到位资金", "--level", "确保")
    zs("target", "set", "全市", "33亿", "--metric", "到位资金", "--level", "力争")
    zs("target", "set", "全市", "5000", "--metric", "外资")
    zs("target", "set", "全市", "12", "--metric", "亿元以上")
    rows = as_json("target", "history", "--metric", "亿元以上", "--level", "确保")
    assert [(r["level"], r["amount"]) for r in rows] == [("must", 12)]  # type: ignore[index]
    strive = as_json("target", "history", "--metric", "到位资金", "--level", "力争")
    assert [r["amount_wan"] for r in strive] == [330_000]  # type: ignore[index]
    report = as_json("report", "--month", "4", "--year", "2026", "--metric", "外资")
    assert report["metric"] == "fdi"  # type: ignore[index]
    by_size = zs("report", "--month", "4", "--year", "2026", "--by", "规模", "--format", "csv")
    assert by_size.stdout.startswith("breakdown,tier")


def test_an_unknown_value_lists_both_spellings_in_the_users_language(
    signed: Path, chinese: None
) -> None:
    before = snapshot(signed)
    err = fails("project", "stage", "2026-0002", "开发", "--date", "2026-04-01").stderr
    assert "无法识别的阶段 '开发'" in err
    assert "开工/started" in err and "终止/terminated" in err
    assert snapshot(signed) == before


def test_help_shows_both_spellings(chinese: None) -> None:
    out = zs("unit", "add", "--help").stdout
    assert "用法" in out and "县区/county" in out and "乡镇/town" in out
    out = zs("project", "stage", "--help").stdout
    assert "开工/started" in out


def test_key_commands_in_both_languages(
    signed: Path, chinese: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    zs("project", "stage", "2026-0002", "开工", "--date", "2026-04-02")
    zs("arrive", "2026-0002", "4700万", "--date", "2026-04-10")
    log = zs("history", "--wide").stdout
    assert "台账操作记录" in log and "新增项目" in log and "资金到位" in log
    assert "阶段：签约 → 开工" in log and "到位金额：4700.00万元" in log
    assert "zs: 无法识别的单位类型 'x'" in fails("unit", "add", "丁县", "--kind", "x").stderr
    assert "用法：zs project" in zs("project", "--help").stdout
    monkeypatch.setenv("ZS_LANG", "en")
    log = zs("history", "--wide").stdout
    assert "project added" in log and "stage: signed → started" in log
    assert "Usage: zs project" in zs("project", "--help").stdout


# --- the log ------------------------------------------------------------------------------


def test_history_json_has_objects_money_in_wan_and_local_time(
    signed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        zs("arrive", "2026-0002", "4700万", "--date", "2026-04-10")
        zs("arrival", "reverse", "1", "--reason", "重复录入")
        entries = as_json("history")
    finally:
        monkeypatch.undo()
        time.tzset()
    recorded, reversal = entries[-2:]  # type: ignore[index]
    assert recorded["after"]["cny_wan"] == 4700 and "cny_fen" not in recorded["after"]
    assert reversal["before"] == {"arrival": 1, "cny_wan": 4700}
    assert reversal["at"].endswith("+08:00")
    assert list(reversal) == [
        "id",
        "at",
        "operator",
        "action",
        "entity",
        "entity_id",
        "project",
        "before",
        "after",
    ]
    assert reversal["project"] == "2026-0002"


# --- output for scripts and Excel ---------------------------------------------------------


def test_csv_has_a_bom_in_a_file_or_on_request_only(signed: Path, tmp_path: Path) -> None:
    plain = zs("project", "list", "--format", "csv").stdout
    assert plain.startswith("id,code,")
    assert zs("project", "list", "--format", "csv", "--bom").stdout.startswith("\ufeffid,code,")
    path = tmp_path / "项目.csv"
    result = zs("project", "list", "--output", path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbfid,code,")
    assert path.read_text(encoding="utf-8-sig") == plain
    assert result.stdout == "" and f"Wrote {path}." in result.stderr
    json_path = tmp_path / "项目.json"
    zs("project", "list", "-o", json_path)
    assert json.loads(json_path.read_text(encoding="utf-8"))[0]["code"] == "2026-0001"
    assert "--output writes a .csv or .json" in fails("project", "list", "-o", "x.txt").stderr
    report = tmp_path / "通报.csv"
    zs("report", "--month", "4", "--year", "2026", "--output", report)
    assert report.read_bytes().startswith(b"\xef\xbb\xbfrow_type,")


def test_project_show_as_csv_and_json_share_the_list_keys(signed: Path) -> None:
    zs("arrive", "2026-0002", "300万", "--date", "2026-04-10")
    text = zs("project", "show", "2026-0002", "--format", "csv").stdout
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert (row["code"], row["stage"], row["units"], row["arrived_wan"]) == (
        "2026-0002",
        "signed",
        "乙县",
        "300",
    )
    shown = as_json("project", "show", "2026-0002")
    listed = as_json("project", "list")[1]  # type: ignore[index]
    assert {k: shown[k] for k in listed if k != "units"} == {  # type: ignore[index]
        k: v
        for k, v in listed.items()
        if k != "units"  # type: ignore[union-attr]
    }
    assert shown["units"] == [{"unit": "乙县", "share": 1}]  # type: ignore[index]
    (arrival,) = shown["arrivals"]  # type: ignore[index]
    assert arrival == as_json("arrival", "list")[0]  # type: ignore[index]


def test_every_target_command_defaults_to_this_year(ledger: Path) -> None:
    zs("target", "set", "全市", "30亿")  # ZS_TODAY is 2026-11-23
    zs("target", "allocate", "全市", "--equal")
    (row,) = as_json("target", "history", "全市")  # type: ignore[misc]
    assert row["amount_wan"] == 300_000
    assert "2026" in zs("target", "list").stdout


# --- the conventions of a command-line tool -----------------------------------------------


def test_version() -> None:
    assert zs("--version").stdout.strip() == f"zs {version('zhaoshang-cli')}"


def zs_script() -> str:
    return str(Path(sys.executable).parent / "zs")


def test_shell_completion_offers_commands_and_chinese_values(ledger: Path) -> None:
    assert "--install-completion" in zs("--help").stdout

    def complete(words: str) -> list[str]:
        env = {
            **os.environ,
            "_ZS_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - 1),
        }
        done = subprocess.run(
            [zs_script()], env=env, capture_output=True, text=True, timeout=60, check=False
        )
        return done.stdout.split()

    assert complete("zs pro") == ["project"]
    assert complete("zs project stage 2026-0001 开") == ["开工"]


def test_installing_completion_says_so_in_chinese(
    tmp_path: Path, chinese: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shellingham

    def no_shell_above() -> None:  # as under cron, or a test runner's worker process
        raise shellingham.ShellDetectionFailure()

    monkeypatch.setattr(shellingham, "detect_shell", no_shell_above)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("SHELL", "/bin/bash")
    said = zs("--install-completion", "bash").stdout
    assert said.startswith("已为 bash 安装命令补全：") and "重新打开终端后生效" in said
    assert (tmp_path / ".bash_completions" / "zs.sh").exists()


def test_a_reader_that_goes_away_ends_the_output_quietly(signed: Path) -> None:
    for day in range(1, 29):
        zs("arrive", "2026-0002", "1万", "--date", f"2026-04-{day:02d}")
    script = zs_script()
    piped = subprocess.run(
        f'"{script}" arrival list --format csv | head -1; exit "${{PIPESTATUS[0]}}"',
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert piped.stdout.startswith("id,date,project")
    assert piped.stderr == "" and piped.returncode in (0, 141)
    # A reader gone before the first line: the table stops at once, without a word.
    process = subprocess.Popen(
        [script, "arrival", "list"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    assert process.stderr.read() == b""
    assert process.wait(timeout=60) == 141


def test_the_demo_names_a_zs_that_runs(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": "/usr/bin:/bin", "ZS_DB": str(tmp_path / "unused.db")}
    done = subprocess.run(
        [zs_script(), "demo", "--db", "demo.db"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    hint = done.stdout.split("Try: ", 1)[1].splitlines()[0]
    assert hint.startswith("ZS_DB=demo.db ") and " zs report" not in hint
    again = subprocess.run(
        hint, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert again.returncode == 0, again.stderr
    assert "completion of investment promotion" in again.stdout
