"""Benchmark (issue 26): the report costs its start-up and its SQL — `zs report --month 4
--format json` beside `zs arrive` on the demo ledger, in one run (goal ≤ 1.3×).

`zs arrive` is the floor: the lightest command that opens a ledger (SQLAlchemy Core, no ORM,
no pydantic). The report reads through Core too (``Ledger.snapshot``); what it adds is its
own queries. Also printed: ``import sqlalchemy`` alone, the part of both that is neither's.

The demo ledger is made once by `zs demo` under ``$ZS_BENCH_CACHE`` (default /tmp/zs-bench);
each `zs arrive` writes to a copy of it. Every figure is the best of ``--runs`` runs taking
turns, after one run of each not counted, CPU seconds (user + system) of the child alone.
The children may write bytecode whatever ``PYTHONDONTWRITEBYTECODE`` says: an installed zs
has its modules compiled, and compiling them on every run would charge the report, which
loads more of zs's own modules, for what no user pays.

Run: .venv/bin/python benchmarks/bench_report_start.py [--runs 15]
"""

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path


def cpu_seconds(command: list[str], env: dict[str, str]) -> float:
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _pid, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise subprocess.CalledProcessError(os.waitstatus_to_exitcode(status), command)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--cache", type=Path, default=Path(os.environ.get("ZS_BENCH_CACHE", "/tmp/zs-bench"))
    )
    options = parser.parse_args()
    zs = str(Path(sys.executable).with_name("zs"))
    env = {**os.environ, "ZS_LANG": "en", "ZS_TODAY": "2026-11-23", "ZS_OPERATOR": "bench"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    from zhaoshang_cli.store.ledger import SCHEMA_HEAD

    demo = options.cache / f"demo-{SCHEMA_HEAD}.db"
    if not demo.exists():
        options.cache.mkdir(parents=True, exist_ok=True)
        subprocess.run([zs, "demo", "--db", str(demo)], check=True, capture_output=True, env=env)
    written = options.cache / "demo-arrive.db"
    shutil.copyfile(demo, written)
    with sqlite3.connect(demo) as conn:
        query = "SELECT code FROM project WHERE signed_on IS NOT NULL AND voided_at IS NULL"
        code = conn.execute(query).fetchone()[0]
    commands = {
        "import sqlalchemy": [sys.executable, "-c", "import sqlalchemy"],
        "zs arrive": [zs, "arrive", "--db", str(written), code, "1万", "--date", "2026-04-10"],
        "zs report": [zs, "report", "--db", str(demo), "--month", "4", "--format", "json"],
    }
    for command in commands.values():
        cpu_seconds(command, env)  # compiles what is not yet compiled
    best = {name: float("inf") for name in commands}
    for _ in range(options.runs):
        for name, command in commands.items():
            best[name] = min(best[name], cpu_seconds(command, env))
    print(f"demo ledger {demo.name}; best of {options.runs} runs; CPU seconds")
    for name, seconds in best.items():
        print(f"{name:>18}: {seconds:.3f}")
    ratio = best["zs report"] / best["zs arrive"]
    print(f"report / arrive: {ratio:.2f}x (goal <= 1.3x)")
    written.unlink()


if __name__ == "__main__":
    main()
