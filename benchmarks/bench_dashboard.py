"""Benchmark (issue 27): the dashboard's first page beside the JSON report, and a cache hit.

On the ledger of bench_report.py (100,000 projects, 1,000,000 arrivals by default; built once
and kept in ``~/.cache/zs-bench/``, see bench_report_sql.py), for January–April and
January–December 2026 it times, as the best of ``--runs`` fresh processes (wall and CPU
seconds, user + system):
- ``zs report --month M --format json``;
- the dashboard's first page, ``/?month=M&year=2026``, in a process that builds the app
  (the ledger opened read-only) and asks for the page once through Starlette's test client:
  its ratio to the JSON report (goal ≤ 1.5×). The first page is what the browser paints
  first: every view of the period (headline, completion by unit, money by month, funnel,
  breakdowns, 黄牌 units);
- the page and its deferred views, in the same way: the first page, then ``/part/warnings``
  (the 督查 list, tens of thousands of rows here) and ``/part/score`` (the latest quarter's
  红黑榜), which the page's script fetches after the first paint — the whole dashboard;
and, in the first page's process, the same page asked again of the unchanged ledger: a cache
hit (the ledger's version read, the page served from memory).

Run: .venv/bin/python benchmarks/bench_dashboard.py [--runs 3] [--projects N --arrivals N]
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_report_sql import best, cached_ledger

YEAR = 2026
MONTHS = (4, 12)


def page(path: str, month: int, deferred: bool = False) -> None:
    """Run in a child: the first page, then the same again; the repeat's seconds as JSON. With
    ``deferred``: the first page and the views fetched after it, and nothing more."""
    from starlette.testclient import TestClient

    from zhaoshang_cli.web.app import Settings, create_app

    app = create_app(Settings(path, "zh_CN"))
    with TestClient(app) as client:
        address = f"/?month={month}&year={YEAR}"
        assert client.get(address).status_code == 200
        if deferred:
            for part in (f"/part/warnings?month={month}&year={YEAR}", "/part/score"):
                assert client.get(part).status_code == 200
            return
        began = time.perf_counter()
        repeat = client.get(address)
        seconds = time.perf_counter() - began
        assert repeat.status_code == 200 and app.state.cache.hits == 1
    print(json.dumps({"hit": seconds}))


def main() -> None:
    if len(sys.argv) in (4, 5) and sys.argv[1] == "--page":
        page(sys.argv[2], int(sys.argv[3]), deferred=sys.argv[4:] == ["--deferred"])
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
    print(f"ledger {ledger}; best of {options.runs} runs; seconds as wall / cpu")
    print(
        f"{'':>9}  {'zs json':>11}  {'first page':>11}  page/json (goal ≤ 1.5×)  cache hit"
        f"  {'+ deferred':>11}  all/json"
    )
    for month in MONTHS:
        report = [zs, "report", "--db", str(ledger), "--month", str(month), "--year", str(YEAR)]
        first = [sys.executable, __file__, "--page", str(ledger), str(month)]
        whole = [*first, "--deferred"]
        commands = {"json": [*report, "--format", "json"], "page": first, "all": whole}
        times = best(commands, options.runs)
        hit = json.loads(subprocess.run(first, check=True, capture_output=True, text=True).stdout)[
            "hit"
        ]
        (jw, jc), (pw, pc), (aw, ac) = times["json"], times["page"], times["all"]
        print(
            f"1–{month}月".rjust(9)
            + f"  {jw:5.2f}/{jc:5.2f}  {pw:5.2f}/{pc:5.2f}  {pw / jw:5.2f}× / {pc / jc:5.2f}×"
            + f"     {hit * 1000:7.1f} ms"
            + f"  {aw:5.2f}/{ac:5.2f}  {aw / jw:4.1f}× / {ac / jc:4.1f}×"
        )


if __name__ == "__main__":
    main()
