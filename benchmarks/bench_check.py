"""Benchmark (issue 24): `zs check`, which recomputes the audit chain and compares every row with
its seal, beside reading those rows, in one run.

On the ledger of bench_report.py (100,000 projects, 1,000,000 arrivals), given an audit entry
for every row and sealed into the chain as zs seals its own writes, it times
- the floor: a fresh Python process that reads, through sqlite3 and without looking at them,
  every row `zs check` reads — the audit trail with its seals, the arrivals, the projects with
  their credit, stages and dated changes, the units and targets;
- `zs check` on the same file: its ratio to the floor (goal ≤ 2×).

Best of ``--runs`` runs of a fresh process each, CPU seconds (user + system) and wall seconds.
The ledger is built once and kept in ``~/.cache/zs-bench/`` (or ``$ZS_BENCH_CACHE``).
Run: .venv/bin/python benchmarks/bench_check.py [--runs 3] [--projects N --arrivals N]
"""

import argparse
import hashlib
import inspect
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ZS = str(Path(sys.executable).with_name("zs"))
FLOOR = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
for statement in (
    "SELECT * FROM audit a LEFT JOIN audit_chain c ON c.audit_id = a.id ORDER BY a.id",
    "SELECT * FROM arrival ORDER BY id",
    "SELECT * FROM project ORDER BY id",
    "SELECT * FROM project_unit ORDER BY project_id, unit_id",
    "SELECT * FROM stage_event ORDER BY project_id, id",
    "SELECT * FROM project_change ORDER BY project_id, id",
    "SELECT * FROM unit ORDER BY id",
    "SELECT * FROM target ORDER BY id",
):
    for _ in conn.execute(statement):
        pass
"""


def audit_everything(path: Path) -> None:
    """A stage history and an entry for every row the builder wrote by hand, sealed the way
    zs seals its own writes."""
    from zhaoshang_cli.store.chain import seal
    from zhaoshang_cli.store.ledger import Ledger

    conn = sqlite3.connect(path)
    at = "2026-11-01 00:00:00.000000"
    conn.execute(  # the builder writes each project's stage, not its history
        "INSERT INTO stage_event (project_id, stage, on_date, correction, operator, entered_at)"
        f" SELECT id, stage, signed_on, FALSE, 'bench', '{at}' FROM project ORDER BY id"
    )
    for table, action in (
        ("unit", "unit.add"),
        ("project", "project.add"),
        ("arrival", "arrival.record"),
        ("target", "target.set"),
    ):
        project = "id" if table == "project" else "project_id" if table == "arrival" else "NULL"
        conn.execute(
            "INSERT INTO audit (at, operator, action, entity, entity_id, project_id)"
            f" SELECT '{at}', 'bench', '{action}', '{table}', id, {project} FROM {table}"
            " ORDER BY id"
        )
    conn.commit()
    conn.close()
    ledger = Ledger(str(path))
    with ledger.engine.begin() as connection:
        seal(connection)
    ledger.dispose()


def cached(cache: Path, projects: int, arrivals: int, rebuild: bool) -> Path:
    sys.path.insert(0, str(Path(__file__).parent))
    import bench_report

    from zhaoshang_cli.store import chain
    from zhaoshang_cli.store.ledger import SCHEMA_HEAD

    source = "".join(
        inspect.getsource(part) for part in (bench_report.build, audit_everything, chain)
    )
    code = hashlib.sha256(source.encode()).hexdigest()[:10]
    path = cache / f"chained-{projects}-{arrivals}-{SCHEMA_HEAD}-{code}.db"
    if rebuild or not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        building = path.with_suffix(".building")
        for stale in (building, Path(f"{building}-wal"), Path(f"{building}-shm")):
            stale.unlink(missing_ok=True)
        began = time.perf_counter()
        bench_report.build(building, projects, arrivals)
        audit_everything(building)
        building.rename(path)
        print(f"built {path} in {time.perf_counter() - began:.0f} s")
    return path


def run(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run (``wait4``: this child's own usage)."""
    began = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - began
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise subprocess.CalledProcessError(child.returncode, command)
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--arrivals", type=int, default=1_000_000)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(os.environ.get("ZS_BENCH_CACHE", Path.home() / ".cache" / "zs-bench")),
    )
    options = parser.parse_args()
    path = cached(options.cache, options.projects, options.arrivals, options.rebuild)
    commands = {
        "floor (read the rows)": [sys.executable, "-c", FLOOR, str(path)],
        "zs check": [ZS, "check", "--db", str(path)],
    }
    best = {name: (float("inf"), float("inf")) for name in commands}
    for _ in range(options.runs):
        for name, command in commands.items():
            wall, cpu = run(command)
            best[name] = (min(best[name][0], wall), min(best[name][1], cpu))
    entries = sqlite3.connect(path).execute("SELECT COUNT(*) FROM audit").fetchone()[0]
    print(f"{options.projects:,} projects, {options.arrivals:,} arrivals, {entries:,} entries")
    print("| | wall s | CPU s |")
    print("| --- | ---: | ---: |")
    for name, (wall, cpu) in best.items():
        print(f"| {name} | {wall:.2f} | {cpu:.2f} |")
    floor, check = best["floor (read the rows)"], best["zs check"]
    print(
        f"zs check ÷ floor: {check[1] / floor[1]:.2f}× CPU, {check[0] / floor[0]:.2f}× wall (goal ≤ 2×)"
    )


if __name__ == "__main__":
    main()
