"""Clerks entering arrivals while a big import runs: is any of them refused, how long do they wait?

Builds a ledger with 1,000 projects and a file of 100,000 arrival rows, starts W writers that
each run `zs arrive` again and again (at least N times, and until the import is over), and
once the first of them has stored an arrival starts `zs import arrivals` beside them. Every
command is a real `zs` process. Prints how many arrivals were stored and refused, how long
the longest `zs arrive` took, and what `zs check` says afterwards.

    .venv/bin/python benchmarks/bench_writers.py [--rows 100000] [--writers 8] [--each 20]
"""

import argparse
import csv
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_import import build_ledger, write_arrivals


@dataclass
class Writer:
    number: int
    results: list[tuple[int, float, str]] = field(default_factory=list)  # code, seconds, stderr


def write_csv(path: Path, rows: int, projects: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["项目编号", "到位金额(万元)", "到位日期", "凭证号", "备注"])
        for number in range(rows):
            on = date(2026, 1, 1) + timedelta(days=number % 300)
            amount = f"{10 + number % 97}.{number % 100:02d}"
            out.writerow([f"B-{number % projects:05d}", amount, on, f"V{number:07d}", "银行回单"])


def zs(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "zhaoshang_cli", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)


def count(db: Path, where: str) -> int:
    connection = sqlite3.connect(db, timeout=60)
    try:
        return connection.execute(f"SELECT count(*) FROM arrival WHERE {where}").fetchone()[0]
    finally:
        connection.close()


def run(folder: Path, *, rows: int, projects: int, writers: int, each: int, xlsx: bool) -> dict:
    db = folder / "ledger.db"
    sheet = folder / ("到位资金.xlsx" if xlsx else "到位资金.csv")
    env = {**os.environ, "ZS_DB": str(db), "ZS_OPERATOR": "导入员", "ZS_TODAY": "2026-12-31"}
    env.pop("ZS_DEBUG", None)
    build_ledger(db, projects)
    (write_arrivals if xlsx else write_csv)(sheet, rows, projects)
    importing = threading.Event()
    finished = threading.Event()

    def clerk(writer: Writer) -> None:
        own = {**env, "ZS_OPERATOR": f"会计{writer.number}"}
        number = 0
        while number < each or not finished.is_set():
            project = f"B-{(writer.number * 37 + number * 11) % projects:05d}"
            ref = f"W-{writer.number}-{number}"
            began = time.perf_counter()
            done = zs("arrive", project, "1万", "--date", "2026-06-01", "--ref", ref, env=own)
            writer.results.append((done.returncode, time.perf_counter() - began, done.stderr))
            number += 1
            if done.returncode == 0:
                importing.set()  # the import starts once a clerk's arrival is in

    clerks = [Writer(number) for number in range(writers)]
    threads = [threading.Thread(target=clerk, args=(writer,)) for writer in clerks]
    for thread in threads:
        thread.start()
    importing.wait(timeout=600)
    began = time.perf_counter()
    imported = zs("import", "arrivals", str(sheet), env=env)
    import_seconds = time.perf_counter() - began
    finished.set()
    for thread in threads:
        thread.join()
    results = [result for writer in clerks for result in writer.results]
    began = time.perf_counter()
    checked = zs("check", env=env)
    check_seconds = time.perf_counter() - began
    connection = sqlite3.connect(db)
    try:
        first, last = connection.execute(
            "SELECT MIN(id), MAX(id) FROM arrival WHERE operator = '导入员'"
        ).fetchone()
        around = connection.execute(
            "SELECT SUM(id < ?), SUM(id > ?) FROM arrival WHERE ref LIKE 'W-%'", (first, last)
        ).fetchone()
        # The import's rows are stamped as its write begins; the next clerk's arrival is
        # stamped once the import has let go of the lock.
        held = connection.execute(
            "SELECT (julianday(MIN(w.entered_at)) - julianday(i.entered_at)) * 86400"
            " FROM arrival w, arrival i WHERE w.id > ? AND w.ref LIKE 'W-%' AND i.id = ?",
            (last, last),
        ).fetchone()[0]
    finally:
        connection.close()
    return {
        "rows": rows,
        "import_code": imported.returncode,
        "import_stderr": imported.stderr,
        "import_seconds": round(import_seconds, 1),
        "imported": count(db, "operator = '导入员'"),
        "attempted": len(results),
        "stored": count(db, "ref LIKE 'W-%'"),
        "refused": [stderr.strip() for code, _, stderr in results if code != 0],
        "longest_arrive_seconds": round(max(seconds for _, seconds, _ in results), 1),
        "lock_held_at_most_seconds": round(held, 1) if held is not None else None,
        "waiting_notices": sum("waiting for another writer" in err for _, _, err in results),
        "stored_before_and_after_the_import": [int(around[0] or 0), int(around[1] or 0)],
        "check_code": checked.returncode,
        "check": checked.stdout.strip().splitlines()[-1:],
        "check_seconds": round(check_seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--projects", type=int, default=1_000)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--each", type=int, default=20)
    parser.add_argument("--csv", action="store_true", help="import a CSV file, not an xlsx")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zs-bench-") as directory:
        summary = run(
            Path(directory),
            rows=options.rows,
            projects=options.projects,
            writers=options.writers,
            each=options.each,
            xlsx=not options.csv,
        )
    print(json.dumps(summary, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
