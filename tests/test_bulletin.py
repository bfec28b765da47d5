"""The weekly bulletin: week boundaries, figures, catch-up, the lock, failure paths, and the
installed console script run as cron would run it."""

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from filelock import FileLock

from helpers import built_once, fails, snapshot, zs
from test_report import set_target
from zhaoshang_cli.bulletin.weeks import Week, last_complete_week, parse_week, week_of
from zhaoshang_cli.core.errors import Invalid


def test_week_boundaries():
    # A week across a month end: Monday 27 April to Sunday 3 May 2026.
    week = week_of(date(2026, 5, 3))
    assert (week.label, week.monday, week.sunday) == (
        "2026-W18",
        date(2026, 4, 27),
        date(2026, 5, 3),
    )
    # Across a year end: 2026 has 53 ISO weeks; W53 runs into 2027, and 2027-W01 starts after it.
    w53 = parse_week("2026-W53")
    assert (w53.monday, w53.sunday) == (date(2026, 12, 28), date(2027, 1, 3))
    assert w53.next() == Week(2027, 1) and Week(2027, 1).monday == date(2027, 1, 4)
    # ISO week 1 of 2026 began in 2025.
    assert parse_week("2026-W01").monday == date(2025, 12, 29)
    with pytest.raises(Invalid):
        parse_week("2025-W53")  # 2025 has only 52 weeks
    assert last_complete_week(date(2026, 11, 23)) == Week(2026, 47)  # a Monday
    assert last_complete_week(date(2026, 11, 22)) == Week(2026, 46)  # a Sunday: not over yet


@pytest.fixture
def city(ledger: Path, request: pytest.FixtureRequest) -> Path:
    def build() -> None:
        zs(
            "add-project",
            "--name",
            "装备项目",
            "--unit",
            "甲县",
            "--amount",
            "1亿",
            "--industry",
            "装备制造",
            "--signed",
            "2026-04-14",
            "--contact",
            "李四 13900000000",
        )
        zs("project", "stage", "2026-0001", "started", "--date", "2026-04-16")
        zs("arrive", "2026-0001", "2000万", "--date", "2026-03-02")  # before W16 (warned)
        zs("arrive", "2026-0001", "500万", "--date", "2026-04-15")  # in W16 (13–19 April)
        zs(
            "add-project",
            "--name",
            "旧项目",
            "--unit",
            "乙县",
            "--amount",
            "800万",
            "--signed",
            "2025-02-01",
        )
        zs("arrive", "2025-0001", "300万", "--date", "2025-04-15")  # W16 a year earlier (by date)
        zs(
            "activity",
            "add",
            "甲县",
            "--date",
            "2026-04-14",
            "--trip-days",
            "3",
            "--visits",
            "5",
            "--note",
            "赴苏州招商",
        )
        zs("activity", "add", "甲县", "--date", "2026-02-10", "--trip-days", "2", "--visits", "1")
        set_target(ledger, "全市", 10000)
        set_target(ledger, "甲县", 5000)

    return built_once(request, ledger, "bulletin.city", build)


def test_bulletin_figures(chinese, city, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    result = zs("bulletin", "--week", "2026-W16", "--out", str(out))
    assert result.stdout.count("\n") == 1 and "2026-W16" in result.stdout  # one log line
    md = (out / "2026-W16-bulletin.md").read_text(encoding="utf-8")
    assert "本周全市到位资金500万元,上年同期300万元。" in md
    assert "今年以来累计到位资金2500万元,完成年度指标1.0亿元的25.0%" in md
    assert "今年以来无到位资金的单位:乙县、经开区、市商务局。" in md
    assert "本周项目:签约1个,开工1个,竣工0个,投产0个。" in md
    assert "13900000000" not in md
    # The total carries its flag, as in the workbook: every output says the same.
    total_line = next(line for line in md.splitlines() if line.startswith("| **全市合计**"))
    assert total_line.endswith("| 滞后时序 |")
    # 待督办: the 督查清单 on Sunday — 旧项目 signed 2025-02-01, not started 442 days on.
    # The Markdown is the 快报 as sent: Chinese whatever the language of the run.
    chase = md.split("## 待督办（截至2026-04-19需督办的项目）")[1].split("##")[0]
    assert "- 签约未开工 (签约后90天仍未开工): 1" in chase
    assert "2025-0001 旧项目（乙县；包保领导：—）：自2025-02-01起已442天" in chase
    assert "2026-0001" not in chase  # started two days after signing
    wb = openpyxl.load_workbook(out / "2026-W16-bulletin.xlsx")
    assert wb.sheetnames == ["快报", "完成图", "本周项目", "招商工作量", "督查清单"]
    assert [c.value for c in wb["督查清单"][4]][:3] == ["签约未开工", "2025-0001", "旧项目"]
    sheet = wb["快报"]
    assert sheet["A1"].value == "2026年第16周招商引资快报(4月13日—4月19日)"
    rows = {sheet.cell(r, 1).value: r for r in range(4, sheet.max_row + 1)}
    # The same numbers as `zs report` for 1 January to Sunday 19 April.
    assert sheet.cell(rows["  甲县"], 4).value == 2500
    assert sheet.cell(rows["  甲县"], 5).value == pytest.approx(0.5)
    assert sheet.cell(rows["全市合计"], 10).value == "滞后时序"
    assert len(wb["完成图"]._charts) == 1  # a native chart
    for ws in wb.worksheets:  # every sheet says what it is, on every printed page
        assert ws["A1"].value and ws.print_title_rows == "$1:$3"
    events = wb["本周项目"]
    assert [c.value for c in events[4]][:3] == ["签约", "2026-0001", "装备项目"]
    effort = {r[0]: r for r in wb["招商工作量"].iter_rows(min_row=4, values_only=True)}
    assert effort["甲县"][1:] == (3, 5, 5, 6, 1, 1)  # week / ytd: trip days, visits, signed
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            assert not any("13900000000" in str(v) for v in row if v)
    document = Document(str(out / "2026-W16-bulletin.docx"))  # always written beside them
    text = "\n".join(p.text for p in document.paragraphs)
    assert "本周全市到位资金500万元,上年同期300万元。" in text and "装备项目" in text
    table = {
        row.cells[0].text.strip(): [c.text for c in row.cells] for row in document.tables[0].rows
    }
    assert table["甲县"][2] == "2500.00" and table["全市合计"][8] == "滞后时序"
    assert "13900000000" not in text


def test_completion_table_matches_report_for_that_sunday(chinese, city, tmp_path):
    import json

    zs("bulletin", "--week", "2026-W16", "--out", str(tmp_path))
    sheet = openpyxl.load_workbook(tmp_path / "2026-W16-bulletin.xlsx")["快报"]
    # A report on 1 January to 30 April differs (later arrivals); the bulletin stops on Sunday.
    zs("arrive", "2026-0001", "100万", "--date", "2026-04-25")
    zs("bulletin", "--week", "2026-W16", "--out", str(tmp_path))  # re-run replaces whole
    again = openpyxl.load_workbook(tmp_path / "2026-W16-bulletin.xlsx")["快报"]
    assert [c.value for c in again["D"]] == [c.value for c in sheet["D"]]
    month = json.loads(zs("report", "--month", "4", "--year", "2026", "-f", "json").stdout)
    assert month["total"]["actual"] == 2600


def test_catch_up_writes_exactly_the_missing_weeks(city, tmp_path, monkeypatch):
    monkeypatch.setenv("ZS_TODAY", "2026-04-20")  # Monday after W16
    zs("bulletin", "--catch-up", "--out", str(tmp_path))
    assert sorted(p.name for p in tmp_path.glob("*.xlsx")) == ["2026-W16-bulletin.xlsx"]
    monkeypatch.setenv("ZS_TODAY", "2026-05-12")  # off for three Mondays
    result = zs("bulletin", "--catch-up", "--out", str(tmp_path))
    assert "2026-W17, 2026-W18, 2026-W19" in result.stdout
    assert sorted(p.name for p in tmp_path.glob("*.xlsx")) == [
        f"2026-W{n}-bulletin.xlsx" for n in (16, 17, 18, 19)
    ]
    mtimes = {p: p.stat().st_mtime_ns for p in tmp_path.glob("*.xlsx")}
    assert "nothing to catch up" in zs("bulletin", "--catch-up", "--out", str(tmp_path)).stdout
    assert {p: p.stat().st_mtime_ns for p in tmp_path.glob("*.xlsx")} == mtimes


def test_second_run_waits_then_gives_up(city, tmp_path):
    live = tmp_path / ".2026-W16-bulletin.abc123.staging"  # the first run's, still at work
    with FileLock(tmp_path / ".zs-bulletin.lock", timeout=0):  # the first run's
        live.mkdir()
        result = fails("bulletin", "--week", "2026-W16", "--out", str(tmp_path), "--wait", "0.3")
        assert live.is_dir()  # not cleaned up under a live run's feet
    assert "Another zs bulletin is writing" in result.stderr
    # The SQLite ledger (none on PostgreSQL), the live run's staging folder, no bulletin file.
    assert [name for name in leftovers(tmp_path) if name != "ledger.db"] == [live.name]


def test_a_run_waits_for_another_process_then_writes(city, tmp_path):
    """The lock is the operating system's: another process holds it, and this run goes on
    once that process lets go; afterwards nothing holds it."""
    lock, letting_go = tmp_path / ".zs-bulletin.lock", tmp_path.parent / "letting-go"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from filelock import FileLock\n"
            f"with FileLock({str(lock)!r}):\n"
            "    print('held', flush=True); time.sleep(3)\n"
            f"    open({str(letting_go)!r}, 'w').close()",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        zs("bulletin", "--week", "2026-W16", "--out", str(tmp_path), "--wait", "30")
        assert letting_go.exists()  # it waited for the holder
    finally:
        holder.wait(timeout=30)
    assert (tmp_path / "2026-W16-bulletin.xlsx").exists()
    with FileLock(lock, timeout=0):  # released by the run
        pass


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != ".zs-bulletin.lock")


def test_failures_exit_nonzero_and_leave_no_file(city, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    before = snapshot(city)
    result = fails("bulletin", "--week", "2026-W48", "--out", str(out))  # not over yet
    assert "not over yet" in result.stderr
    fails("bulletin", "--week", "2026-W99", "--out", str(out))
    assert "does not exist" in fails("bulletin", "--out", str(out / "missing")).stderr
    assert "not writable" in fails("bulletin", "--week", "2026-W16", "--out", "/sys").stderr
    readonly = tmp_path / "ro"
    readonly.mkdir()
    readonly.chmod(0o500)
    if not os.access(readonly, os.W_OK):  # root may write anyway; /sys above covers it
        assert "not writable" in fails("bulletin", "--out", str(readonly)).stderr
    assert leftovers(out) == [] and leftovers(readonly) == []
    assert snapshot(city) == before
    missing = tmp_path / "nowhere.db"
    fails("bulletin", "--week", "2026-W16", "--out", str(out), "--db", str(missing))
    assert not missing.exists() and leftovers(out) == []


def test_ledger_needing_migration_is_refused(ledger_path, tmp_path):
    from zhaoshang_cli.store.ledger import Ledger
    from zhaoshang_cli.store.migrate import upgrade

    upgrade(Ledger(str(ledger_path)), "0002")  # a ledger one revision behind
    out = tmp_path / "out"
    out.mkdir()
    result = fails("bulletin", "--week", "2026-W16", "--out", str(out))
    assert "needs upgrading" in result.stderr and "zs init" in result.stderr
    assert leftovers(out) == []
    zs("init")  # upgrades it; then the bulletin runs
    zs("unit", "add", "全市", "--kind", "city")
    zs("bulletin", "--week", "2026-W16", "--out", str(out))
    assert leftovers(out) == [
        "2026-W16-bulletin.docx",
        "2026-W16-bulletin.md",
        "2026-W16-bulletin.xlsx",
    ]


def test_activity_commands(ledger):
    zs(
        "activity",
        "add",
        "甲县",
        "--date",
        "2026-04-14",
        "--trip-days",
        "3",
        "--visits",
        "5",
        "--leader",
        "王县长",
        "--note",
        "赴苏州招商",
    )
    listed = zs("activity", "list", "--week", "2026-W16", "--format", "json").stdout
    assert '"trip_days": 3' in listed and "王县长" in listed
    assert zs("activity", "list", "--week", "2026-W17", "--format", "json").stdout.strip() == "[]"
    before = snapshot(ledger)
    fails("activity", "add", "甲县", "--date", "2026-04-14")  # nothing to record
    fails("activity", "add", "甲县", "--date", "2026-04-14", "--visits", "-1")
    fails("activity", "add", "丙县", "--date", "2026-04-14", "--visits", "1")
    fails("activity", "add", "甲县", "--date", "2027-01-01", "--visits", "1")
    assert snapshot(ledger) == before


def installed_zs() -> str:
    candidate = Path(sys.executable).with_name("zs")
    return str(candidate) if candidate.exists() else shutil.which("zs") or "zs"


def test_console_script_as_cron_runs_it(city, tmp_path):
    """No terminal, no environment beyond PATH, HOME and ZS_DB; stdin closed."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "ZS_DB": str(city)}
    out = tmp_path / "bulletins"
    out.mkdir()
    # A named week: with the real date, --catch-up (tested above) would write every week since.
    command = [installed_zs(), "bulletin", "--week", "2026-W16", "--out", str(out)]
    done = subprocess.run(
        command, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 1 and "\x1b[" not in done.stdout
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "2026-W16-bulletin.docx",
        "2026-W16-bulletin.md",
        "2026-W16-bulletin.xlsx",
    ]
    env["ZS_DB"] = str(tmp_path / "missing.db")
    failed = subprocess.run(
        command, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120
    )
    assert failed.returncode == 1 and "没有台账" in failed.stderr  # cron has no LANG: Chinese
    assert "Traceback" not in failed.stderr


# --- a read-only ledger, and runs killed on the way ----------------------------------------


@pytest.fixture
def read_only(city):
    """The ledger file made read-only; root ignores file modes, so it gets the immutable flag."""
    city.chmod(0o444)
    immutable = False
    if os.geteuid() == 0:
        done = subprocess.run(["chattr", "+i", str(city)], capture_output=True, check=False)
        immutable = done.returncode == 0
        if not immutable:
            city.chmod(0o644)
            pytest.skip("running as root where chattr +i is not available")
    yield city
    if immutable:
        subprocess.run(["chattr", "-i", str(city)], check=True)
    city.chmod(0o644)


@pytest.mark.sqlite_only  # file modes
def test_read_only_ledger_writes_no_file(read_only, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    before = snapshot(read_only)
    result = fails("bulletin", "--week", "2026-W16", "--out", str(out))
    assert result.stderr == (
        f"zs: The ledger {read_only} is read-only, and the bulletin records each run in it; "
        "nothing was written.\n"
    )
    assert leftovers(out) == []
    assert "nothing was written" in fails("bulletin", "--catch-up", "--out", str(out)).stderr
    assert leftovers(out) == []
    assert snapshot(read_only) == before


@pytest.mark.sqlite_only  # file modes
def test_the_run_is_recorded_before_any_file_is_put_in_place(read_only, tmp_path):
    """Past the up-front check (as if the ledger turned read-only mid-run): the record fails
    first, and the rendered pair is thrown away."""
    from zhaoshang_cli.bulletin.run import write_week
    from zhaoshang_cli.store.ledger import Ledger

    out = tmp_path / "out"
    out.mkdir()
    ledger = Ledger.open(str(read_only))
    try:
        with pytest.raises(Invalid, match="read-only"):
            write_week(ledger, Week(2026, 16), out)
    finally:
        ledger.dispose()
    assert leftovers(out) == []


def test_next_run_finishes_or_clears_what_a_killed_run_left(city, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    zs("bulletin", "--week", "2026-W14", "--out", str(out))
    zs("bulletin", "--week", "2026-W16", "--out", str(out))
    w14 = {p.name: p.read_bytes() for p in out.glob("2026-W14-*")}
    # A re-run of W16 killed between its renames: the old .md removed, the new .xlsx in place,
    # the new .md still in the publishing folder.
    publishing = out / ".2026-W16-bulletin.k1ll3d.publishing"
    publishing.mkdir()
    (out / "2026-W16-bulletin.md").unlink()
    (out / "2026-W16-bulletin.xlsx").write_bytes(b"the new xlsx")
    (publishing / "2026-W16-bulletin.md").write_text("the new summary", encoding="utf-8")
    # W14's run killed after its last rename: an empty publishing folder, the pair whole.
    (out / ".2026-W14-bulletin.q9x2.publishing").mkdir()
    # W15's run killed while rendering: nothing was put in place.
    staging = out / ".2026-W15-bulletin.zz81.staging"
    staging.mkdir()
    (staging / "2026-W15-bulletin.xlsx").write_bytes(b"half a workbook")
    # Earlier versions' temporary files, and files that are not the bulletin's.
    old = [".2026-W16-bulletin.xlsx.ab12cd.tmp", ".2026-W16-bulletin.xlsx.ab12cd.tmp.bulk",
           ".2026-W16-bulletin.md.ef34gh.tmp"]  # fmt: skip
    others = [".report.xlsx.ab12cd.tmp", "notes.md", ".2026-W16-bulletin.xlsx.backup"]
    for name in old + others:
        (out / name).write_bytes(b"x")

    result = zs("bulletin", "--week", "2026-W17", "--out", str(out))
    assert result.stdout.count("\n") == 1
    assert "(and finished 2026-W16, left half in place by a killed run)" in result.stdout
    assert leftovers(out) == sorted(
        [
            *others,
            *w14,
            "2026-W16-bulletin.docx",
            "2026-W16-bulletin.md",
            "2026-W16-bulletin.xlsx",
            "2026-W17-bulletin.docx",
            "2026-W17-bulletin.md",
            "2026-W17-bulletin.xlsx",
        ]
    )
    assert (out / "2026-W16-bulletin.md").read_text(encoding="utf-8") == "the new summary"
    assert (out / "2026-W16-bulletin.xlsx").read_bytes() == b"the new xlsx"
    assert {p.name: p.read_bytes() for p in out.glob("2026-W14-*")} == w14
