"""Benchmark (issue 26): a province — 1,000,000 projects, 10,000,000 arrivals — and the same
shape at a tenth of the size, in one run.

For each size it times ``zs report --month M --year 2026 --format json`` at 1–4月 and 1–12月
against its floor measured in the same run on the same file: a plain GROUP BY of the headline
(each unit's money this period and the same months last year, credited by share) run by
Python's sqlite3 in a process of its own. It prints the ratio to the floor (goal ≤ 3×), the
growth from the small ledger to the large one of the report and of the floor (goal: no worse
than linear, 10× the arrivals in ≤ 10× the time), and the report's peak memory (max RSS,
goal < 500 MB).

The ledgers are SQLite files made with the real migrations (`zs init`), then filled by
executemany in chunks of 200,000 rows with the arrivals' and projects' indexes dropped and
made again afterwards (the schema's own, by their own SQL), then ANALYZEd: about six minutes
and 2.1 GB for the large one on a 2-core VM. They are kept under ``$ZS_BENCH_CACHE`` (default
``/tmp/zs-bench``), named after their size, the schema revision and this builder's code.

The province is one ledger: a top unit (全省, kind city: a ledger has one top) over ten cities
(kind county) of eight towns each; projects signed over 2025–2026, five in a hundred joint
(two units, half each), their arrivals spread from the signing day over the next 300 days.
Every figure is the best of ``--runs`` runs: CPU seconds (user + system) of the child alone,
and wall seconds. On SQLite the ratio is of CPU seconds, the steadier on a shared machine; on
PostgreSQL of wall seconds, since the server's work is in no child's CPU time. With
``--postgres`` it also prints the report on PostgreSQL against the same report on SQLite, in
wall seconds (issue 26's goal: ≤ 1.3×).

Run: .venv/bin/python benchmarks/bench_province.py [--runs 2] [--sizes 1,10] [--rebuild]
"""

import argparse
import calendar
import hashlib
import inspect
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

YEAR = 2026
MONTHS = (4, 12)
CHUNK = 200_000
NOW = "2026-11-01 00:00:00.000000"
TIERS = [(100_000, 300_000), (10_000, 80_000), (5_000, 10_000), (1_000, 5_000), (100, 1_000)]

# The floor: the headline alone, as plain SQL.
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


def period(month: int) -> dict[str, str]:
    def end(year: int) -> str:
        return f"{year}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"

    return {
        "start": f"{YEAR}-01-01",
        "end": end(YEAR),
        "last_start": f"{YEAR - 1}-01-01",
        "last_end": end(YEAR - 1),
    }


def headline(path: str, month: int) -> list[tuple]:
    """The floor itself, run in a child process (and once in this one, for its figures)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT * FROM (" + HEADLINE + ")", period(month)).fetchall()
    finally:
        conn.close()


def same_total(report: list[str], rows: list[tuple]) -> None:
    """The report's 全省合计 this year and last, in 万元, are the floor's rows credited by share:
    a fast report that were wrong would be no result."""
    output = subprocess.run(report, check=True, capture_output=True).stdout
    shown = json.loads(output, parse_float=Decimal)["total"]
    for column, key in ((2, "actual"), (3, "last_year")):
        fen = sum(int(row[column] or 0) * row[1] for row in rows)
        expected = Decimal(fen) / 10_000 / 1_000_000  # share in basis points; fen per 万元
        if Decimal(shown[key]) != expected:
            raise SystemExit(f"the report's {key} {shown[key]} is not the floor's {expected}")


def chunks(rows: Iterable[tuple], size: int = CHUNK) -> Iterator[list[tuple]]:
    """Rows in lists of ``size``: executemany's batches, never all the rows in memory."""
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def build(path: Path, projects: int, arrivals: int) -> None:
    """A province ledger: the schema by `zs init`, the rows by bulk SQL, indexes after."""
    zs = str(Path(sys.executable).with_name("zs"))
    subprocess.run([zs, "init", "--db", str(path)], check=True, capture_output=True)
    rng = random.Random(26)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-262144")
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        " AND tbl_name IN ('arrival', 'project', 'project_unit')"
    ).fetchall()
    for name, _sql in indexes:
        conn.execute(f"DROP INDEX {name}")
    units = [(1, "全省", "city", None)]
    for city in range(10):
        units.append((2 + city, f"{city + 1}号市", "county", 1))
    for city in range(10):
        for town in range(8):
            units.append((len(units) + 1, f"{city + 1}号市{town + 1}镇", "town", 2 + city))
    conn.executemany(
        "INSERT INTO unit (id, name, kind, parent_id, created_at) VALUES (?, ?, ?, ?, ?)",
        [(*u, NOW) for u in units],
    )
    towns = [u[0] for u in units if u[2] == "town"]
    start = date(2025, 1, 1)
    signed_days: list[int] = []

    def project_rows() -> Iterator[tuple]:
        for pid in range(1, projects + 1):
            day = rng.randrange(700)
            signed_days.append(day)
            signed = start + timedelta(days=day)
            started = (
                signed + timedelta(days=rng.randrange(30, 200)) if rng.random() < 0.7 else None
            )
            completed = started + timedelta(days=rng.randrange(90, 400)) if started else None
            if completed and (completed > date(2026, 10, 31) or rng.random() < 0.3):
                completed = None
            low, high = rng.choices(TIERS, weights=[1, 8, 8, 14, 9])[0]
            yield (
                pid,
                f"P{pid:07d}",
                f"项目{pid}",
                rng.choice(("outside_province", "outside_city", "foreign", "local")),
                rng.choice(("装备制造", "新材料", "食品", "新能源")),
                rng.random() < 0.6,
                rng.randrange(low, high) * 1_000_000,
                "completed" if completed else "started" if started else "signed",
                signed.isoformat(),
                started.isoformat() if started else None,
                completed.isoformat() if completed else None,
                NOW,
            )

    for batch in chunks(project_rows()):
        conn.executemany(
            "INSERT INTO project (id, code, name, origin, industry, industrial, contract_fen,"
            " stage, signed_on, started_on, completed_on, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            batch,
        )

    def credit_rows() -> Iterator[tuple]:
        for pid in range(1, projects + 1):
            first = rng.choice(towns)
            if rng.random() < 0.05:  # 共同引进: two units, half each
                second = rng.choice([t for t in towns[:16] if t != first])
                yield (pid, first, 5_000)
                yield (pid, second, 5_000)
            else:
                yield (pid, first, 10_000)

    for batch in chunks(credit_rows()):
        conn.executemany(
            "INSERT INTO project_unit (project_id, unit_id, share_bp) VALUES (?, ?, ?)", batch
        )
    days = [(start + timedelta(days=d)).isoformat() for d in range(1100)]

    def arrival_rows() -> Iterator[tuple]:
        for aid in range(1, arrivals + 1):
            pid = rng.randrange(1, projects + 1)
            fen = rng.randrange(1, 500) * 1_000_000
            on = days[signed_days[pid - 1] + rng.randrange(300)]
            yield (aid, pid, on, "CNY", fen, fen, "domestic", "bench", NOW)

    for batch in chunks(arrival_rows()):
        conn.executemany(
            "INSERT INTO arrival (id, project_id, arrived_on, currency, amount_minor, cny_fen,"
            " source, operator, entered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            batch,
        )
    conn.executemany(
        "INSERT INTO target (year, unit_id, metric, level, amount, effective_from, basis,"
        " operator, set_at) VALUES (2026, ?, 'funds', 'must', ?, '2026-01-01', 'set', 'bench', ?)",
        [(u[0], 10**15, NOW) for u in units if u[3] in (None, 1)],
    )
    conn.commit()
    for _name, sql in indexes:
        conn.execute(sql)
    conn.commit()
    conn.execute("ANALYZE")
    conn.commit()
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()


def cached(cache: Path, projects: int, arrivals: int, rebuild: bool) -> Path:
    from zhaoshang_cli.store.ledger import SCHEMA_HEAD

    code = hashlib.sha256(inspect.getsource(build).encode()).hexdigest()[:10]
    path = cache / f"province-{projects}-{arrivals}-{SCHEMA_HEAD}-{code}.db"
    if rebuild or not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        building = path.with_suffix(".building")
        for stale in (building, Path(f"{building}-wal"), Path(f"{building}-shm")):
            stale.unlink(missing_ok=True)
        began = time.perf_counter()
        # In a process of its own: a child forked from a large parent starts its max RSS at
        # the parent's, which would show in every report's peak memory measured after.
        command = [sys.executable, __file__, "--build", str(building), str(projects)]
        subprocess.run([*command, str(arrivals)], check=True)
        building.rename(path)
        print(f"built {path.name} in {time.perf_counter() - began:.0f} s", flush=True)
    return path


PG_HEADLINE = (
    HEADLINE.replace(":start", "%(start)s")
    .replace(":end", "%(end)s")
    .replace(":last_start", "%(last_start)s")
    .replace(":last_end", "%(last_end)s")
)
COPIED = ("unit", "project", "project_unit", "arrival", "target")


def pg_headline(url: str, month: int) -> list[tuple]:
    """The floor on PostgreSQL, run in a child process (and once in this one)."""
    import psycopg

    with psycopg.connect(url) as conn:
        query = "SELECT * FROM (" + PG_HEADLINE + ") AS h"
        return conn.execute(query, period(month)).fetchall()


def on_postgres(ledger: Path, pgdata: Path) -> str:
    """The same province in a PostgreSQL database of a bundled server (pgserver, kept under
    ``pgdata``; the benchmark's own handle keeps it running until it ends): the schema by
    `zs init`, the rows by COPY from the SQLite file, the indexes after, then VACUUM ANALYZE.
    Returns the database's URL for zs."""
    import pgserver
    import psycopg

    server = pgserver.get_server(pgdata, cleanup_mode=None)
    name = ledger.stem.replace("-", "_")
    plain = server.get_uri(name)
    url = plain.replace("postgresql://", "postgresql+psycopg://", 1)
    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as admin:
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if found is not None:
            return url
        admin.execute(f'CREATE DATABASE "{name}_building"')
    building = server.get_uri(f"{name}_building")
    zs = str(Path(sys.executable).with_name("zs"))
    began = time.perf_counter()
    subprocess.run(
        [zs, "init", "--db", building.replace("postgresql://", "postgresql+psycopg://", 1)],
        check=True,
        capture_output=True,
    )
    lite = sqlite3.connect(f"file:{ledger}?mode=ro", uri=True)
    with psycopg.connect(building) as pg:
        indexes = pg.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
            " AND left(indexname, 3) = 'ix_' AND tablename IN ('arrival', 'project')"
        ).fetchall()
        for index, _definition in indexes:
            pg.execute(f"DROP INDEX {index}")
        for table in COPIED:
            columns = [row[1] for row in lite.execute(f"PRAGMA table_info({table})")]
            listed = ", ".join(columns)
            booleans = {
                row[0]
                for row in pg.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = %s"
                    " AND data_type = 'boolean' AND table_schema = current_schema()",
                    (table,),
                )
            }
            flags = [i for i, column in enumerate(columns) if column in booleans]
            with pg.cursor().copy(f"COPY {table} ({listed}) FROM STDIN") as copy:
                for row in lite.execute(f"SELECT {listed} FROM {table}"):
                    if flags:
                        row = list(row)
                        for i in flags:
                            row[i] = None if row[i] is None else bool(row[i])
                    copy.write_row(row)
            if "id" in columns:
                pg.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" (SELECT coalesce(max(id), 1) FROM {table}))"
                )
        for _index, definition in indexes:
            pg.execute(definition)
        pg.commit()
    with psycopg.connect(building, autocommit=True) as pg:
        pg.execute("VACUUM ANALYZE")
    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}_building" RENAME TO "{name}"')
    seconds = time.perf_counter() - began
    print(f"copied {ledger.name} to PostgreSQL in {seconds:.0f} s", file=sys.stderr, flush=True)
    return url


def run(command: list[str]) -> tuple[float, float, float]:
    """CPU seconds, wall seconds and peak memory (MB) of one run (``wait4``: this child's own
    usage)."""
    began = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - began
    if os.waitstatus_to_exitcode(status) != 0:
        raise subprocess.CalledProcessError(os.waitstatus_to_exitcode(status), command)
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024


def best(commands: dict[str, list[str]], runs: int) -> dict[str, tuple[float, float, float]]:
    """Best CPU and wall seconds and the largest peak memory of each command, taking turns."""
    found = {name: (float("inf"), float("inf"), 0.0) for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            cpu, wall, mb = run(command)
            was = found[name]
            found[name] = (min(was[0], cpu), min(was[1], wall), max(was[2], mb))
    return found


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--headline":
        headline(sys.argv[2], int(sys.argv[3]))
        return
    if len(sys.argv) == 5 and sys.argv[1] == "--build":
        build(Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
        return
    if len(sys.argv) == 4 and sys.argv[1] == "--copy-to-postgres":
        print(on_postgres(Path(sys.argv[2]), Path(sys.argv[3])))
        return
    if len(sys.argv) == 4 and sys.argv[1] == "--pg-headline":
        pg_headline(sys.argv[2], int(sys.argv[3]))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--sizes", default="1,10", help="millions of arrivals, comma-separated")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument(
        "--postgres", action="store_true", help="also in PostgreSQL (a bundled pgserver)"
    )
    parser.add_argument(
        "--cache", type=Path, default=Path(os.environ.get("ZS_BENCH_CACHE", "/tmp/zs-bench"))
    )
    options = parser.parse_args()
    zs = str(Path(sys.executable).with_name("zs"))
    sizes = [int(size) for size in options.sizes.split(",")]
    print(f"best of {options.runs} runs; CPU/wall seconds; peak memory of the report")
    header = f"{'engine':>10} {'arrivals':>10} {'period':>7} {'floor':>11} {'report':>11}"
    print(f"{header} {'ratio':>6} {'MB':>5}")
    seen: dict[tuple[str, int, int], tuple[float, float, float]] = {}
    engines = ("sqlite", "postgresql") if options.postgres else ("sqlite",)
    if options.postgres:
        import pgserver

        # This process's handle on the server the copies go to: the last one to go, at exit,
        # stops it (the data stays for the next run), so no server outlives the benchmark.
        pgserver.get_server(options.cache / "pg", cleanup_mode="stop")
    for engine in engines:
        for size in sizes:
            ledger = cached(options.cache, size * 100_000, size * 1_000_000, options.rebuild)
            where, floor_flag = str(ledger), "--headline"
            if engine == "postgresql":
                copy = [sys.executable, __file__, "--copy-to-postgres", str(ledger)]
                copied = subprocess.run(
                    [*copy, str(options.cache / "pg")],
                    check=True,
                    stdout=subprocess.PIPE,
                    text=True,
                )
                where, floor_flag = copied.stdout.strip().splitlines()[-1], "--pg-headline"
            for month in MONTHS:
                floor_at = where.replace("+psycopg", "")
                floor = [sys.executable, __file__, floor_flag, floor_at, str(month)]
                report = [zs, "report", "--db", where, "--month", str(month)]
                report += ["--year", str(YEAR), "--format", "json"]
                times = best({"floor": floor, "report": report}, options.runs)
                (f_cpu, f_wall, _), (r_cpu, r_wall, r_mb) = times["floor"], times["report"]
                # The floor and report compared as the engine is best measured (see above).
                floor_s, report_s = (f_cpu, r_cpu) if engine == "sqlite" else (f_wall, r_wall)
                seen[(engine, size, month)] = (floor_s, report_s, r_wall)
                print(
                    f"{engine:>10} {size * 1_000_000:>10,} {f'1-{month}月':>7} "
                    f"{f_cpu:5.2f}/{f_wall:5.2f} {r_cpu:5.2f}/{r_wall:5.2f} "
                    f"{report_s / floor_s:5.2f}x {r_mb:5.0f}",
                    flush=True,
                )
                floor_rows = (headline if engine == "sqlite" else pg_headline)(floor_at, month)
                same_total(report, floor_rows)
        if len(sizes) > 1:
            small, large = sizes[0], sizes[-1]
            for month in MONTHS:
                (f0, r0, _), (f1, r1, _) = (
                    seen[(engine, small, month)],
                    seen[(engine, large, month)],
                )
                print(
                    f"{engine}: growth {small}M -> {large}M arrivals ({large / small:.0f}x), "
                    f"1-{month}月: report {r1 / r0:.1f}x, floor {f1 / f0:.1f}x"
                )
    if options.postgres:
        for size in sizes:
            for month in MONTHS:
                lite, pg = seen[("sqlite", size, month)][2], seen[("postgresql", size, month)][2]
                print(
                    f"{size}M arrivals, 1-{month}月: the report on PostgreSQL {pg / lite:.2f}x"
                    " SQLite's (wall; goal <= 1.3x)"
                )
    print("goals: report <= 3x the floor; growth no worse than linear; memory < 500 MB")
    print("the report's 全省合计, this year and last, is the floor's to the fen in every row above")


if __name__ == "__main__":
    main()
