"""Import speed and memory against the floor of reading the file (issue 14).

The floor is measured in the same run: python-calamine reading the same workbook into Python
lists (`CalamineWorkbook.from_path(p).get_sheet_by_index(0).to_python()`), in a process of its
own. Each `zs import` runs as a real process; its CPU time (user + system) and peak memory
(max RSS) are taken from the kernel (os.wait4), so a busy machine stretches neither much.
Ratios are printed against the floor; the goals are issue 14's:

- 100,000 arrival rows from xlsx: ≤ 4× the floor, peak memory under 300 MB;
- the same file again (nothing to add): ≤ 2× the floor;
- 100,000 projects (a new ledger's 台账): ≤ 30 s;
- with --million: 1,000,000 arrival rows under 500 MB (a workbook that big is read a row at
  a time and written chunk by chunk: ``book.STREAM_BYTES``).

Beside the first import it prints what SQLite alone takes to write the same rows (the arrivals
and their audit entries, inserted again with executemany into a copy of the ledger): the part
of the import no Python code can save.

    .venv/bin/python benchmarks/bench_import_taizhang.py [--rows 100000] [--projects 100000]
        [--million] [--skip-projects]

Never run as a test.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench_import import build_ledger  # this script's folder is on sys.path

# What SQLite alone takes to write what the import wrote: the same arrival and audit rows,
# taken out of a copy of the ledger and inserted again with executemany, under the same page
# cache (``ledger.CACHE_KIB``), in a process of its own.
WRITES = """
import resource, sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA cache_size=-32768")
arrivals = db.execute("SELECT * FROM arrival").fetchall()
audit = db.execute("SELECT * FROM audit WHERE entity = 'arrival'").fetchall()
db.execute("DELETE FROM audit WHERE entity = 'arrival'")
db.execute("DELETE FROM arrival")
before = resource.getrusage(resource.RUSAGE_SELF)
db.execute("BEGIN")
db.executemany(f"INSERT INTO arrival VALUES ({', '.join('?' * len(arrivals[0]))})", arrivals)
db.executemany(f"INSERT INTO audit VALUES ({', '.join('?' * len(audit[0]))})", audit)
db.execute("COMMIT")
after = resource.getrusage(resource.RUSAGE_SELF)
print(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
"""
FLOOR = (
    "import sys\n"
    "from python_calamine import CalamineWorkbook\n"
    "rows = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python()\n"
    "assert len(rows) > 1\n"
)


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """CPU seconds, wall seconds and peak memory (MB) of one process."""
    began = time.perf_counter()
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - began
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed: {process.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024


def zs(env: dict[str, str], *args: str) -> list[str]:
    return [sys.executable, "-m", "zhaoshang_cli", *args]


def write_sheet(path: Path, header: list[str], rows) -> None:  # type: ignore[no-untyped-def]
    """An office's workbook: a title and a 单位 line above the header, XlsxWriter streaming."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Sheet1")
    dated = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ["2026年招商引资台账"])
    sheet.write_row(1, 0, ["填报单位：全市招商局", "单位：万元"])
    sheet.write_row(2, 0, header)
    for index, row in enumerate(rows, start=3):
        for column, value in enumerate(row):
            if isinstance(value, date):
                sheet.write_datetime(index, column, value, dated)
            elif value is not None:
                sheet.write(index, column, value)
    workbook.close()


def write_csv(path: Path, header: list[str], rows) -> None:  # type: ignore[no-untyped-def]
    """The same sheet as Chinese Excel saves a CSV (GB18030), dates as text."""
    import csv

    with path.open("w", newline="", encoding="gb18030") as handle:
        writer = csv.writer(handle)
        writer.writerow(["2026年招商引资台账"])
        writer.writerow(header)
        for row in rows:
            writer.writerow([cell_text(value) for value in row])


def cell_text(value: object) -> object:
    """As Excel writes a cell into a CSV: 11.12, not the float's 11.120000000000001."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return f"{value:.2f}" if isinstance(value, float) else value


def arrival_rows(count: int, projects: int):  # type: ignore[no-untyped-def]
    start = date(2026, 1, 1)
    for number in range(count):
        ref = None if number % 5 == 0 else f"V{number:07d}"
        amount = 10 + (number % 997) / 100  # 万元 with fen-level decimals
        on = start + timedelta(days=number % 300)
        yield [number + 1, f"B-{number % projects:05d}", amount, on, ref, "银行回单"]


def project_rows(count: int):  # type: ignore[no-untyped-def]
    counties = [f"{n}县" for n in "甲乙丙丁戊"]
    for number in range(count):
        yield [number + 1, f"新项目{number}", f"某某投资{number}有限公司", counties[number % 5],
               100 + number % 5000, date(2026, 1, 1) + timedelta(days=number % 300), "备注"]  # fmt: skip


def floor(sheet: Path, env: dict[str, str]) -> float:
    return min(run([sys.executable, "-c", FLOOR, str(sheet)], env)[0] for _ in range(3))


def show(what: str, cpu: float, wall: float, mb: float, base: float, goal: str) -> None:
    print(f"  {what:<38} CPU {cpu:7.2f} s  wall {wall:7.2f} s  peak {mb:6.0f} MB  "
          f"{cpu / base:5.1f}× the floor  (goal {goal})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--ledger-projects", type=int, default=1_000)
    parser.add_argument("--million", action="store_true")
    parser.add_argument("--skip-projects", action="store_true")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zs-bench-") as directory:
        folder = Path(directory)
        db = folder / "ledger.db"
        env = {**os.environ, "ZS_DB": str(db), "ZS_OPERATOR": "bench", "ZS_TODAY": "2026-12-31",
               "ZS_LANG": "en"}  # fmt: skip
        build_ledger(db, options.ledger_projects)
        sheet = folder / "到位资金.xlsx"
        header = ["序号", "项目编号", "到位金额", "到位日期", "凭证号", "备注"]
        write_sheet(sheet, header, arrival_rows(options.rows, options.ledger_projects))
        base = floor(sheet, env)
        start = min(run(zs(env, "--version"), env)[0] for _ in range(3))
        print(f"{options.rows:,} arrival rows ({sheet.stat().st_size / 1e6:.1f} MB xlsx); "
              f"floor (calamine reads it): {base:.2f} s CPU; zs start-up {start:.2f} s")  # fmt: skip
        cpu, wall, mb = run(zs(env, "import", "arrivals", str(sheet)), env)
        show("import arrivals", cpu, wall, mb, base, "≤ 4×, < 300 MB")
        copy = folder / "writes.db"
        shutil.copyfile(db, copy)
        command = [sys.executable, "-c", WRITES, str(copy)]
        writes = float(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
        print(f"  {'of which SQLite alone (its inserts)':<38} CPU {writes:7.2f} s  "
              f"{writes / base:5.1f}× the floor")  # fmt: skip
        cpu, wall, mb = run(zs(env, "import", "arrivals", str(sheet)), env)
        show("the same file again (all skipped)", cpu, wall, mb, base, "≤ 2×")
        if options.million:
            big = folder / "百万.xlsx"
            write_sheet(big, header, arrival_rows(1_000_000, options.ledger_projects))
            fresh = folder / "million.db"
            build_ledger(fresh, options.ledger_projects)
            big_env = {**env, "ZS_DB": str(fresh)}
            big_base = floor(big, env)
            print(f"1,000,000 arrival rows; floor {big_base:.2f} s CPU")
            cpu, wall, mb = run(zs(big_env, "import", "arrivals", str(big)), big_env)
            show("import 1,000,000 arrivals", cpu, wall, mb, big_base, "< 500 MB")
            big_csv = folder / "百万.csv"
            write_csv(big_csv, header, arrival_rows(1_000_000, options.ledger_projects))
            fresh = folder / "million-csv.db"
            build_ledger(fresh, options.ledger_projects)
            csv_env = {**env, "ZS_DB": str(fresh)}
            cpu, wall, mb = run(zs(csv_env, "import", "arrivals", str(big_csv)), csv_env)
            show("the same as a GB18030 CSV", cpu, wall, mb, big_base, "< 500 MB")
        if not options.skip_projects:
            projects = folder / "项目台账.xlsx"
            header = ["序号", "项目名称", "投资主体", "引进单位", "协议金额", "签约时间", "备注"]
            write_sheet(projects, header, project_rows(options.projects))
            empty = folder / "projects.db"
            build_ledger(empty, 0)
            project_env = {**env, "ZS_DB": str(empty)}
            project_base = floor(projects, env)
            print(f"{options.projects:,} project rows; floor {project_base:.2f} s CPU")
            cpu, wall, mb = run(zs(project_env, "import", "projects", str(projects)), project_env)
            show("import projects (new ledger)", cpu, wall, mb, project_base, "≤ 30 s")
            cpu, wall, mb = run(zs(project_env, "import", "projects", str(projects)), project_env)
            show("the same 台账 again (nothing changed)", cpu, wall, mb, project_base, "≤ 2×")


if __name__ == "__main__":
    main()
