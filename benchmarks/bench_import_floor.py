"""An arrivals import against the write floor, on a realistic city (issue 26).

The data are `../shared/bench/gen.py`'s: 100,000 projects under 48 units and arrivals drawn
at random among them (many before the signing date, many over the contract: warnings), each
with a voucher. The arrivals CSV is written as an xlsx by XlsxWriter. The floor is measured
in the same run, each part in a process of its own, CPU seconds (user + system, os.wait4):

- read: python-calamine reading the workbook into Python lists;
- write: SQLite's own ``executemany`` of the rows the import wrote, the arrivals and their
  audit records (the ``audit`` entry and the ``audit_chain`` row sealing it), into a copy of
  the ledger as it was before the import (its schema, indexes, triggers, the same page cache).

Printed as ratios against it, with peak memory (max RSS), the goals of issue 26:

- 100,000 arrival rows from xlsx: ≤ 1.5× read + write, under 300 MB;
- the same file again (nothing new): ≤ 2× read + start-up (``zs --version``, and a command
  that opens the ledger: ``zs unit list``);
- ``--big N`` (e.g. 1000000): N rows under 500 MB (a workbook that big is streamed).

    .venv/bin/python benchmarks/bench_import_floor.py [--rows 100000] [--projects 100000]
        [--big 1000000] [--profile]

``--profile`` runs the 100,000-row import once more under cProfile (into a fresh copy of the
ledger) and prints its top functions. Never run as a test.
"""

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from bench_import_taizhang import FLOOR, run  # this script's folder is on sys.path

# SQLite alone writing what the import wrote: its arrival rows, their audit entries and the
# chain rows that seal them, read out of the imported ledger and inserted with executemany
# into a copy of the ledger as it was before the import (same schema, indexes, triggers,
# foreign keys and page cache as ``store.ledger``), in a process of its own.
WRITES = """
import resource, sqlite3, sys
done = sqlite3.connect(sys.argv[1])
mark = int(sys.argv[3])
rows = {
    "arrival": done.execute("SELECT * FROM arrival").fetchall(),
    "audit": done.execute("SELECT * FROM audit WHERE id > ?", (mark,)).fetchall(),
    "audit_chain": done.execute("SELECT * FROM audit_chain WHERE audit_id > ?", (mark,)).fetchall(),
}
db = sqlite3.connect(sys.argv[2], isolation_level=None)
db.execute("PRAGMA foreign_keys=ON")
db.execute("PRAGMA cache_size=-32768")
before = resource.getrusage(resource.RUSAGE_SELF)
db.execute("BEGIN")
for table, values in rows.items():
    db.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(values[0]))})", values)
db.execute("COMMIT")
after = resource.getrusage(resource.RUSAGE_SELF)
print(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
"""

GEN = Path(__file__).resolve().parents[2] / "shared" / "bench" / "gen.py"


def zs(*args: str) -> list[str]:
    return [sys.executable, "-m", "zhaoshang_cli", *args]


def generate(folder: Path, projects: int, arrivals: int) -> Path:
    """gen.py's CSVs for ``projects`` and ``arrivals``, in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, str(GEN), str(folder), "--projects", str(projects),
               "--arrivals", str(arrivals)]  # fmt: skip
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    (folder / "ledger.journal").unlink()
    return folder


def to_xlsx(source: Path, target: Path) -> None:
    """The arrivals CSV as an office saves it from Excel: dates as dates, amounts as numbers."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(target), {"constant_memory": True})
    sheet = workbook.add_worksheet("到位资金")
    dated = workbook.add_format({"num_format": "yyyy-mm-dd"})
    with source.open(newline="", encoding="utf-8") as handle:
        rows = csv.reader(handle)
        sheet.write_row(0, 0, next(rows))
        for index, (code, on, amount, ref) in enumerate(rows, start=1):
            sheet.write_string(index, 0, code)
            sheet.write_datetime(index, 1, date.fromisoformat(on), dated)
            sheet.write_number(index, 2, int(amount))
            sheet.write_string(index, 3, ref)
    workbook.close()


def build_ledger(data: Path, db: Path, env: dict[str, str]) -> None:
    """A ledger with gen.py's units and projects, imported as an office would."""
    ledger_env = {**env, "ZS_DB": str(db)}
    subprocess.run(zs("init"), env=ledger_env, check=True, stdout=subprocess.DEVNULL)
    for kind, name in (("units", "units.csv"), ("projects", "projects.csv")):
        command = zs("import", kind, str(data / name))
        subprocess.run(command, env=ledger_env, check=True, stdout=subprocess.DEVNULL)


def writes(db: Path, empty: Path, folder: Path) -> float:
    """SQLite alone writing what the import wrote into ``db`` (from ``empty``), best of 3."""
    import sqlite3

    with sqlite3.connect(empty) as before:
        mark = before.execute("SELECT coalesce(max(id), 0) FROM audit").fetchone()[0]
    best = float("inf")
    for _ in range(3):
        copy = folder / "writes.db"
        shutil.copyfile(empty, copy)
        command = [sys.executable, "-c", WRITES, str(db), str(copy), str(mark)]
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        best = min(best, float(done.stdout))
        copy.unlink()
    return best


def show(what: str, cpu: float, mb: float, base: float, floor: str, goal: str) -> None:
    print(f"  {what:<36} CPU {cpu:7.2f} s  peak {mb:5.0f} MB  {cpu / base:5.2f}× {floor}  "
          f"(goal {goal})")  # fmt: skip


def profile(db: Path, sheet: Path, env: dict[str, str], folder: Path) -> None:
    copy = folder / "profiled.db"
    shutil.copyfile(db, copy)
    out = folder / "import.prof"
    command = [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "zhaoshang_cli",
               "import", "arrivals", str(sheet)]  # fmt: skip
    subprocess.run(command, env={**env, "ZS_DB": str(copy)}, check=True, stdout=subprocess.DEVNULL)
    import pstats

    pstats.Stats(str(out)).sort_stats("cumulative").print_stats(45)


def measure(rows: int, projects: int, folder: Path, env: dict[str, str], again: bool) -> Path:
    data = generate(folder / f"data-{rows}", projects, rows)
    sheet = folder / f"到位资金-{rows}.xlsx"
    to_xlsx(data / "arrivals.csv", sheet)
    empty = folder / f"empty-{rows}.db"
    build_ledger(data, empty, env)
    db = folder / f"ledger-{rows}.db"
    shutil.copyfile(empty, db)
    run_env = {**env, "ZS_DB": str(db)}
    read = min(run([sys.executable, "-c", FLOOR, str(sheet)], env)[0] for _ in range(3))
    cpu, _wall, mb = run(zs("import", "arrivals", str(sheet)), run_env)
    write = writes(db, empty, folder)
    base = read + write
    print(f"{rows:,} arrival rows ({sheet.stat().st_size / 1e6:.1f} MB xlsx), {projects:,} "
          f"projects; floor: read {read:.2f} s + SQLite's executemany {write:.2f} s = "
          f"{base:.2f} s CPU")  # fmt: skip
    show("import arrivals", cpu, mb, base, "the floor", "≤ 1.5×, < 300 MB" if again else "< 500 MB")
    if again:
        start = min(run(zs("--version"), run_env)[0] for _ in range(3))
        opened = min(run(zs("unit", "list"), run_env)[0] for _ in range(3))
        cpu, _wall, mb = run(zs("import", "arrivals", str(sheet)), run_env)
        print(f"  start-up: zs --version {start:.2f} s, zs unit list {opened:.2f} s CPU")
        show("again, nothing new", cpu, mb, read + start, "read + --version", "≤ 2×")
        print(f"  {'':<36} {cpu / (read + opened):5.2f}× read + unit list")
    return empty


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--big", type=int, default=0, help="also import this many rows")
    parser.add_argument("--profile", action="store_true")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zs-bench-") as directory:
        folder = Path(directory)
        env = {**os.environ, "ZS_OPERATOR": "bench", "ZS_TODAY": "2026-12-31", "ZS_LANG": "en"}
        empty = measure(options.rows, options.projects, folder, env, again=True)
        if options.profile:
            profile(empty, folder / f"到位资金-{options.rows}.xlsx", env, folder)
        if options.big:
            measure(options.big, options.projects, folder, env, again=False)


if __name__ == "__main__":
    main()
