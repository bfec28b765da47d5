"""How close `zs` starts to the floor its libraries set: the start-up check of issue 12.

In one run, each as a fresh process of this interpreter, interleaved so that a busy machine
slows every one alike, and the best of several runs kept:

    floor for help     python -c "import typer, rich"
    floor for writes   python -c "import sqlmodel"
    zs --help, zs arrive --help, zs report --help      goal: ≤ 1.5× the help floor
    zs arrive P-1 1万 (on a small ledger)              goal: ≤ 1.1× the write floor

Prints the times and each ratio against its goal; exits 1 if a goal is missed.

    .venv/bin/python benchmarks/bench_startup.py [--runs 15]
"""

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    import resource
except ImportError:  # Windows: wall time only
    resource = None  # type: ignore[assignment]

HELP_GOAL = 1.5
WRITE_GOAL = 1.1


def zs_script() -> str:
    return str(Path(sys.executable).parent / ("zs.exe" if os.name == "nt" else "zs"))


def children_cpu() -> float:
    """CPU seconds used by finished child processes (wall time where not measurable)."""
    if resource is None:
        return time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def processor() -> str:
    """The CPU's model name where the system says it, else the architecture."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """CPU and wall seconds of one process."""
    cpu, wall = children_cpu(), time.perf_counter()
    result = subprocess.run(command, capture_output=True, env=env, check=False)
    wall, cpu = time.perf_counter() - wall, children_cpu() - cpu
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stderr.decode(errors='replace')}")
    return cpu, wall


def small_ledger(folder: Path, env: dict[str, str]) -> None:
    """A ledger with one unit and one project: what a clerk's `zs arrive` opens."""
    zs = zs_script()
    for args in (
        ["init"],
        ["unit", "add", "全市", "--kind", "city"],
        ["add-project", "--name", "示范项目", "--unit", "全市", "--code", "P-1", "--amount", "1亿"],
    ):
        run([zs, *args], env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each command; best kept")
    options = parser.parse_args()

    zs, python = zs_script(), sys.executable
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "ZS_DB": str(Path(folder) / "ledger.db"), "ZS_OPERATOR": "bench"}
        # As installed: pip compiles every module once, so no run compiles source.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        small_ledger(Path(folder), env)
        commands = {
            "floor: import typer, rich": [python, "-c", "import typer, rich"],
            "floor: import sqlmodel": [python, "-c", "import sqlmodel"],
            "zs --help": [zs, "--help"],
            "zs arrive --help": [zs, "arrive", "--help"],
            "zs report --help": [zs, "report", "--help"],
            "zs arrive P-1 1万": [zs, "arrive", "P-1", "1万"],
        }
        cpu: dict[str, list[float]] = {name: [] for name in commands}
        wall: dict[str, list[float]] = {name: [] for name in commands}
        for command in commands.values():  # a first run of each writes bytecode, warms caches
            run(command, env)
        for _ in range(options.runs):
            for name, command in commands.items():
                used, elapsed = run(command, env)
                cpu[name].append(used)
                wall[name].append(elapsed)

    best = {name: min(values) for name, values in cpu.items()}
    print(
        f"{processor()}, {os.cpu_count()} cores, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}; "
        f"best of {options.runs} runs"
    )
    print(f"  {'':28} {'CPU ms':>7} {'wall ms':>8}")
    for name in commands:
        print(f"  {name:28} {best[name] * 1000:7.0f} {min(wall[name]) * 1000:8.0f}")
    checks = [
        (name, "floor: import typer, rich", HELP_GOAL)
        for name in ("zs --help", "zs arrive --help", "zs report --help")
    ] + [("zs arrive P-1 1万", "floor: import sqlmodel", WRITE_GOAL)]
    missed = False
    print("  ratios of CPU time (a busy machine stretches wall time, not CPU time):")
    for name, floor, goal in checks:
        ratio = best[name] / best[floor]
        ok = ratio <= goal
        missed |= not ok
        print(
            f"  {name:28} {ratio:5.2f}× {floor.removeprefix('floor: ')!r:22} "
            f"goal ≤ {goal}×  {'ok' if ok else 'MISSED'}"
        )
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
