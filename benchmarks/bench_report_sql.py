"""Benchmark (issue 12): the monthly report beside its raw-SQL twin, in one run.

On the ledger of bench_report.py (100,000 projects, 1,000,000 arrivals over 2025–2027), for
January–April and January–December 2026 it times
- the raw-SQL twin: the figures the JSON report carries — each unit's money this year and
  the same months last year, credited by share; the project facts the breakdowns split (来源,
  产业, 规模, 新开工/结转续建…); the year's cohort for the follow-through rates — as plain
  GROUP BYs run by Python's sqlite3 (no ORM, no Decimal, no JSON), and checks that its
  figures are the report's;
- the headline alone: the one GROUP BY of arrivals by unit the completion table rests on;
- ``zs report --month M --format json``: its ratio to the twin (goals, issue 26:
  ≤ 2× at month 4, ≤ 1.3× at month 12), and to the headline alone;
- ``zs report --month M --format json --xlsx F``: its ratio to the JSON report (goal ≤ 1.3×);
and ``zs project list`` of 200 projects: the time of its table rendering (goal < 0.1 s).

Every figure is the best of ``--runs`` runs of a fresh process (the twin's included), as wall
seconds and as CPU seconds (user + system): on a machine shared with other work the CPU
ratios are the steadier ones.

The ledgers take minutes to build, so they are kept in ``~/.cache/zs-bench/`` (or
``$ZS_BENCH_CACHE``), named after their size, the schema revision and the builder's code;
``--rebuild`` makes them again.
Run: .venv/bin/python benchmarks/bench_report_sql.py [--runs 3] [--projects N --arrivals N]
"""

import argparse
import calendar
import hashlib
import inspect
import json
import os
import resource
import sqlite3
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

YEAR = 2026
MONTHS = (4, 12)

HEADLINE = """
WITH per_project AS (
  SELECT project_id, SUM(cny_fen) AS this, 0 AS last FROM arrival
  WHERE arrived_on BETWEEN :start AND :end GROUP BY project_id
  UNION ALL
  SELECT project_id, 0, SUM(cny_fen) FROM arrival
  WHERE arrived_on BETWEEN :last_start AND :last_end GROUP BY project_id)
SELECT pu.unit_id, pu.share_bp, SUM(pp.this), SUM(pp.last)
FROM per_project pp JOIN project p ON p.id = pp.project_id
JOIN project_unit pu ON pu.project_id = pp.project_id
WHERE coalesce(p.origin, '') != 'local'
GROUP BY pu.unit_id, pu.share_bp
"""
FACTS = """
WITH credit AS (
  SELECT project_id, SUM(share_bp) AS share_bp FROM project_unit GROUP BY project_id),
money AS (
  SELECT project_id, SUM(cny_fen) AS fen FROM arrival
  WHERE arrived_on BETWEEN :start AND :end GROUP BY project_id),
fact AS (
  SELECT p.origin, p.industry, p.industrial, p.contract_fen, c.share_bp,
    CASE WHEN p.contract_fen >= 100000000000 THEN '10yi' WHEN p.contract_fen >= 10000000000
      THEN '1yi' WHEN p.contract_fen >= 5000000000 THEN '5000wan' WHEN p.contract_fen
      >= 1000000000 THEN '1000wan' WHEN p.contract_fen >= 100000000 THEN '100wan'
      ELSE 'below' END AS tier,
    CASE WHEN p.started_on BETWEEN :start AND :end THEN 'new'
      WHEN p.started_on < :start AND (p.completed_on IS NULL OR p.completed_on >= :start)
        AND (p.terminated_on IS NULL OR p.terminated_on >= :start) THEN 'carried'
      WHEN p.started_on IS NULL OR p.started_on > :end THEN 'not_started'
      ELSE 'finished' END AS status,
    p.signed_on BETWEEN :start AND :end AS signed,
    coalesce(m.fen, 0) AS fen
  FROM project p JOIN credit c ON c.project_id = p.id
  LEFT JOIN money m ON m.project_id = p.id
  WHERE coalesce(p.origin, '') != 'local')
SELECT origin, industry, industrial, tier, status, signed, share_bp, COUNT(*),
  SUM(fen != 0), SUM(contract_fen), SUM(fen)
FROM fact WHERE signed OR status IN ('new', 'carried') OR fen != 0
GROUP BY origin, industry, industrial, tier, status, signed, share_bp
"""
COHORT = """
WITH cohort AS (
  SELECT id, started_on, producing_on, contract_fen FROM project
  WHERE signed_on BETWEEN :start AND :end AND coalesce(origin, '') != 'local'
    AND id IN (SELECT project_id FROM project_unit)),
arrived AS (
  SELECT project_id, SUM(cny_fen) AS fen FROM arrival
  WHERE project_id IN (SELECT id FROM cohort) AND arrived_on <= :end GROUP BY project_id)
SELECT COUNT(*), SUM(c.started_on <= :end OR coalesce(a.fen, 0) > 0),
  SUM(c.started_on <= :end), SUM(c.producing_on <= :end), SUM(c.contract_fen), SUM(a.fen)
FROM cohort c LEFT JOIN arrived a ON a.project_id = c.id
"""
TWIN = {"headline": [HEADLINE], "all": [HEADLINE, FACTS, COHORT]}


def period(month: int) -> dict[str, str]:
    def end(year: int) -> str:
        return f"{year}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"

    return {
        "start": f"{YEAR}-01-01",
        "end": end(YEAR),
        "last_start": f"{YEAR - 1}-01-01",
        "last_end": end(YEAR - 1),
    }


def twin(path: str, month: int, which: str) -> None:
    """The twin itself, run in a child process: the queries, then their figures as JSON."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    dates = period(month)
    results = [conn.execute(sql, dates).fetchall() for sql in TWIN[which]]
    print(json.dumps(results))


def run_seconds(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one run of a command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def best(
    commands: dict[str, list[str]], runs: int, env: dict[str, str] | None = None
) -> dict[str, tuple[float, float]]:
    """Best wall and best CPU seconds of each command over ``runs`` rounds, the commands taking
    turns within a round, so a burst of other work on the machine falls on all of them."""
    times = {name: (float("inf"), float("inf")) for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            wall, cpu = run_seconds(command, env)
            times[name] = (min(times[name][0], wall), min(times[name][1], cpu))
    return times


def cached_ledger(cache: Path, projects: int, arrivals: int, rebuild: bool) -> Path:
    """The benchmark ledger, built by bench_report.build once per size, schema and builder."""
    sys.path.insert(0, str(Path(__file__).parent))
    import bench_report

    from zhaoshang_cli.store.ledger import SCHEMA_HEAD

    code = hashlib.sha256(inspect.getsource(bench_report.build).encode()).hexdigest()[:10]
    path = cache / f"ledger-{projects}-{arrivals}-{SCHEMA_HEAD}-{code}.db"
    if rebuild or not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        building = path.with_suffix(".building")
        for stale in (building, Path(f"{building}-wal"), Path(f"{building}-shm")):
            stale.unlink(missing_ok=True)
        began = time.perf_counter()
        bench_report.build(building, projects, arrivals)
        building.rename(path)
        print(f"built {path} in {time.perf_counter() - began:.0f} s")
    return path


def same_figures(report: dict, figures: list) -> list[str]:
    """Where the twin's figures and the report's differ (nothing, if the twin is its twin)."""
    headline, facts, cohort = figures
    wan = Decimal(10_000 * 1_000_000)  # share in basis points, fen in one 万
    this = sum(Decimal(row[2]) * row[1] for row in headline) / wan
    last = sum(Decimal(row[3]) * row[1] for row in headline) / wan
    arrived = sum(Decimal(row[10]) * row[6] for row in facts) / wan
    checks = [
        ("this year", this, Decimal(str(report["total"]["actual"]))),
        ("last year", last, Decimal(str(report["total"]["last_year"]))),
        ("projects' money", arrived, Decimal(str(report["projects"]["arrived"]))),
        ("cohort", cohort[0][0], report["rates"]["signed"]),
    ]
    return [f"{name}: twin {a}, zs {b}" for name, a, b in checks if a != b]


def listing_render_seconds(path: Path, runs: int) -> tuple[float, int]:
    """CPU seconds to lay out and print the table of `zs project list` (rows already read)."""
    os.environ["COLUMNS"] = "120"
    from zhaoshang_cli.cli.common import Col, Listing, OutputFormat, reading, render
    from zhaoshang_cli.cli.projects import PROJECT_COLUMNS
    from zhaoshang_cli.projects.register import list_projects

    with reading(str(path)) as session:
        rows = list_projects(session, unit=None, stage=None, year=None)
    listing = Listing([Col("id", "#", "int", drop=3), *PROJECT_COLUMNS], rows, title="项目")
    seconds = float("inf")
    stdout = sys.stdout
    with open(os.devnull, "w") as nowhere:
        sys.stdout = nowhere
        try:
            for _ in range(runs):
                began = time.process_time()
                render(listing, OutputFormat.table)
                seconds = min(seconds, time.process_time() - began)
        finally:
            sys.stdout = stdout
    return seconds, len(rows)


COLUMNS = ("twin", "headline", "json", "xlsx")
RATIOS = (("json", "twin"), ("json", "headline"), ("xlsx", "json"))


def ratio(a: tuple[float, float], b: tuple[float, float]) -> str:
    return f"{a[0] / b[0]:5.2f}/{a[1] / b[1]:5.2f}x"


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--twin":
        twin(sys.argv[2], int(sys.argv[3]), sys.argv[4])
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--arrivals", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(os.environ.get("ZS_BENCH_CACHE", Path.home() / ".cache" / "zs-bench")),
    )
    options = parser.parse_args()
    zs = str(Path(sys.executable).with_name("zs"))
    ledger = cached_ledger(options.cache, options.projects, options.arrivals, options.rebuild)
    small = cached_ledger(options.cache, 200, 2_000, options.rebuild)
    runs = options.runs
    print(f"ledger {ledger}; best of {runs} runs; seconds as wall / cpu")
    header = f"{'':>9}  {'twin':>11}  {'headline':>11}  {'zs json':>11}  {'zs xlsx':>11}"
    print(header + "    json/twin    json/headline  xlsx/json")
    for month in MONTHS:
        twin_command = [sys.executable, __file__, "--twin", str(ledger), str(month)]
        figures = json.loads(
            subprocess.run([*twin_command, "all"], check=True, capture_output=True).stdout
        )
        report = [zs, "report", "--db", str(ledger), "--month", str(month), "--year", str(YEAR)]
        shown = subprocess.run([*report, "--format", "json"], check=True, capture_output=True)
        for problem in same_figures(json.loads(shown.stdout), figures):
            print(f"  month {month}: the twin differs from the report: {problem}")
        xlsx = options.cache / "report.xlsx"
        commands = {
            "twin": [*twin_command, "all"],
            "headline": [*twin_command, "headline"],
            "json": [*report, "--format", "json"],
            "xlsx": [*report, "--format", "json", "--xlsx", str(xlsx)],
        }
        times = best(commands, runs)
        xlsx.unlink(missing_ok=True)
        cells = "  ".join(f"{times[key][0]:5.2f}/{times[key][1]:5.2f}" for key in COLUMNS)
        ratios = "  ".join(ratio(times[a], times[b]) for a, b in RATIOS)
        print(f"{f'1-{month}月':>9}  {cells}    {ratios}")
    print("goals: json/twin <= 2x at month 4, <= 1.3x at month 12 (issue 26); xlsx/json <= 1.3x")
    start = best({"help": [zs, "report", "--help"]}, runs)["help"]
    print(f"start-up (zs report --help): {start[0]:.2f}/{start[1]:.2f}, in every zs figure above")
    seconds, rows = listing_render_seconds(small, runs)
    listing = [zs, "project", "list", "--db", str(small)]
    env = {**os.environ, "COLUMNS": "120"}
    listed = best({"table": listing, "json": [*listing, "--format", "json"]}, runs, env)
    table, as_json = listed["table"], listed["json"]
    print(
        f"zs project list, {rows} rows: table rendering {seconds:.3f} s cpu (goal < 0.1 s); "
        f"the whole command {table[1]:.2f} s cpu as a table, {as_json[1]:.2f} s as JSON"
    )


if __name__ == "__main__":
    main()
