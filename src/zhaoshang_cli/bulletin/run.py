"""Writing bulletins unattended: one at a time (a lock), whole files (atomic renames), and
each missing week once (``--catch-up`` remembers in the ledger what was written)."""

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlmodel import select

from zhaoshang_cli import audit, dates
from zhaoshang_cli.bulletin.weeks import Week, check_complete, last_complete_week, parse_week
from zhaoshang_cli.errors import Invalid
from zhaoshang_cli.ledger import Ledger
from zhaoshang_cli.models import BulletinRun
from zhaoshang_cli.xlsx import check_writable_folder, write_all_atomically

LOCK_NAME = ".zs-bulletin.lock"


@dataclass
class Written:
    week: Week
    xlsx: Path
    markdown: Path


def bulletin_paths(out: Path, week: Week) -> tuple[Path, Path]:
    return out / f"{week.label}-bulletin.xlsx", out / f"{week.label}-bulletin.md"


@contextmanager
def exclusive(out: Path, wait_seconds: float) -> Iterator[None]:
    """Only one bulletin run writes into a folder at a time; a second waits, then gives up."""
    handle = open(out / LOCK_NAME, "a")  # noqa: SIM115 (held for the whole block)
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Invalid(
                        f"Another zs bulletin is writing to {out}; gave up after waiting "
                        f"{wait_seconds:g} s."
                    ) from None
                time.sleep(0.1)
        yield
    finally:
        handle.close()  # closing releases the lock


@contextmanager
def exclusive_in_ledger(ledger: Ledger, wait_seconds: float) -> Iterator[None]:
    """On a shared PostgreSQL ledger, one bulletin run at a time across machines (a folder
    lock only sees its own machine): a session-level advisory lock, released when this
    connection ends even if the run dies."""
    if ledger.backend != "postgresql":
        yield
        return
    from zhaoshang_cli.postgres import BULLETIN_LOCK, lock_keys

    deadline = time.monotonic() + wait_seconds
    options = {"zs_begin": "DEFERRED", "isolation_level": "AUTOCOMMIT"}
    with ledger.engine.connect().execution_options(**options) as connection:
        query = f"SELECT pg_try_advisory_lock({lock_keys(BULLETIN_LOCK)})"
        while not connection.exec_driver_sql(query).scalar():
            if time.monotonic() >= deadline:
                raise Invalid(
                    f"Another zs bulletin is running on {ledger.shown}; gave up after waiting "
                    f"{wait_seconds:g} s."
                )
            time.sleep(0.1)
        try:
            yield
        finally:
            connection.exec_driver_sql(f"SELECT pg_advisory_unlock({lock_keys(BULLETIN_LOCK)})")


def written_weeks(ledger: Ledger) -> list[Week]:
    with ledger.read() as session:
        return sorted({parse_week(week) for week in session.exec(select(BulletinRun.week))})


def weeks_to_catch_up(ledger: Ledger, today: date) -> list[Week]:
    """Every week after the last one written, up to the last complete week; with none written
    yet, just the last complete week."""
    latest = last_complete_week(today)
    written = written_weeks(ledger)
    if not written:
        return [latest]
    weeks, week = [], written[-1].next()
    while week <= latest:
        weeks.append(week)
        week = week.next()
    return weeks


def write_week(ledger: Ledger, week: Week, out: Path, operator: str | None = None) -> Written:
    from zhaoshang_cli.bulletin.compute import build_bulletin
    from zhaoshang_cli.bulletin.render import markdown, workbook

    with ledger.read() as session:
        bulletin = build_bulletin(session, week)
    xlsx_path, md_path = bulletin_paths(out, week)
    book = workbook(bulletin)
    text = markdown(bulletin)
    write_all_atomically(
        {
            xlsx_path: book,
            md_path: lambda temporary: temporary.write_text(text, encoding="utf-8"),
        }
    )
    with ledger.write(operator) as session:
        run = BulletinRun(
            week=week.label,
            path=str(xlsx_path.resolve()),
            operator=session.info["operator"],
            written_at=dates.utcnow(),
        )
        session.add(run)
        session.flush()
        audit.record(
            session,
            "bulletin.write",
            "bulletin_run",
            run.id,
            after={"week": week.label, "xlsx": str(xlsx_path), "markdown": str(md_path)},
        )
    return Written(week, xlsx_path, md_path)


def run_bulletins(
    db: str | None,
    out: Path,
    *,
    week: str | None = None,
    catch_up: bool = False,
    wait_seconds: float = 10.0,
    operator: str | None = None,
) -> list[Written]:
    """Checks everything that can fail before any file is written."""
    if week and catch_up:
        raise Invalid("Give either --week or --catch-up, not both.")
    today = dates.today()
    chosen = parse_week(week) if week else None
    if chosen:
        check_complete(chosen, today)
    check_writable_folder(out)
    ledger = Ledger.open(db)
    try:
        with exclusive(out, wait_seconds), exclusive_in_ledger(ledger, wait_seconds):
            weeks = (
                weeks_to_catch_up(ledger, today)
                if catch_up
                else [chosen or last_complete_week(today)]
            )
            return [write_week(ledger, w, out, operator) for w in weeks]
    finally:
        ledger.dispose()
