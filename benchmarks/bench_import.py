"""How long `zs import arrivals` takes for a county-sized year many times over.

Builds a ledger with 1,000 projects, writes an xlsx of 100,000 arrival rows (every fifth
without a voucher, so both matching rules are exercised), then times, each as a real `zs`
process: the import, the same import again (everything skipped), and `zs export`.

    .venv/bin/python benchmarks/bench_import.py [--rows 100000] [--projects 1000]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path


def build_ledger(db: Path, projects: int) -> None:
    """A city of five counties and ``projects`` signed projects."""
    from zhaoshang_cli.projects.register import add_project
    from zhaoshang_cli.store.ledger import Ledger
    from zhaoshang_cli.store.migrate import init_ledger
    from zhaoshang_cli.units.tree import add_unit

    init_ledger(str(db))
    ledger = Ledger.open(str(db))
    with ledger.write("bench") as session:
        add_unit(session, "全市", "city")
        counties = [f"{n}县" for n in "甲乙丙丁戊"]
        for county in counties:
            add_unit(session, county, "county", "全市")
        for number in range(projects):
            add_project(
                session,
                name=f"项目{number}",
                units=[counties[number % len(counties)]],
                investor=f"某某{number}有限公司",
                code=f"B-{number:05d}",
                contract_fen=50_000_000_000,
                signed_on=date(2025, 1, 1),
            )
    ledger.dispose()


def write_arrivals(path: Path, rows: int, projects: int) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("到位资金")
    sheet.append(["项目编号", "到位金额(万元)", "到位日期", "凭证号", "备注"])
    start = date(2026, 1, 1)
    for number in range(rows):
        ref = None if number % 5 == 0 else f"V{number:07d}"
        amount = 10 + (number % 997) / 100  # 万元 with fen-level decimals
        on = start + timedelta(days=number % 300)
        sheet.append([f"B-{number % projects:05d}", amount, on, ref, "银行回单"])
    workbook.save(path)


def zs(*args: str, env: dict[str, str]) -> float:
    began = time.perf_counter()
    subprocess.run([sys.executable, "-m", "zhaoshang_cli", *args], env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--projects", type=int, default=1_000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zs-bench-") as directory:
        db, sheet = Path(directory) / "ledger.db", Path(directory) / "到位资金.xlsx"
        env = {**os.environ, "ZS_DB": str(db), "ZS_OPERATOR": "bench", "ZS_TODAY": "2026-12-31"}
        began = time.perf_counter()
        build_ledger(db, options.projects)
        write_arrivals(sheet, options.rows, options.projects)
        print(f"setup ({options.projects} projects, {options.rows} rows): "
              f"{time.perf_counter() - began:.1f} s")  # fmt: skip
        print(
            f"zs import arrivals:           {zs('import', 'arrivals', str(sheet), env=env):.1f} s"
        )
        print(
            f"zs import arrivals (again):   {zs('import', 'arrivals', str(sheet), env=env):.1f} s"
        )
        out = str(Path(directory) / "全市台账.xlsx")
        print(f"zs export:                    {zs('export', '-o', out, env=env):.1f} s")


if __name__ == "__main__":
    main()
