"""Writing bulletins unattended: one at a time (a lock), whole pairs, and each missing week
once (``--catch-up`` remembers in the ledger what was written).

A week's pair is written into a hidden staging folder beside the bulletins; then, in one
write transaction, the run is recorded (a read-only ledger fails here, before any file is in
place), the folder is renamed to ``….publishing`` and the transaction commits; only then do the
files go into place: the old .md is removed first and the new .md renamed in last, so an .md
always sits beside its own .xlsx. A run killed on the way leaves its folder, and the next run
(holding the folder's lock, so no live run owns it) finishes a ``….publishing`` folder and
removes a ``….staging`` one, with any other temporary file of an earlier bulletin.
"""

import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from filelock import FileLock, Timeout
from sqlalchemy import delete, false
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from zhaoshang_cli.bulletin.compute import build_bulletin
from zhaoshang_cli.bulletin.render import document, markdown, workbook
from zhaoshang_cli.bulletin.weeks import Week, check_complete, last_complete_week, parse_week
from zhaoshang_cli.core import dates
from zhaoshang_cli.core.errors import CannotWrite, Invalid
from zhaoshang_cli.core.files import check_writable_folder, sync_file
from zhaoshang_cli.core.i18n import N_, _, os_reason
from zhaoshang_cli.core.text import clean_text
from zhaoshang_cli.store import audit
from zhaoshang_cli.store.ledger import Ledger
from zhaoshang_cli.store.models import BulletinRun
from zhaoshang_cli.store.postgres import BULLETIN_LOCK, lock_keys

LOCK_NAME = ".zs-bulletin.lock"
MAX_WAIT = 3600


@dataclass
class Written:
    week: Week
    xlsx: Path
    markdown: Path
    docx: Path


@dataclass
class Run:
    written: list[Written]
    finished: list[Week]  # pairs a killed run had left half in place, now whole


def bulletin_paths(out: Path, week: Week) -> tuple[Path, Path]:
    return out / f"{week.label}-bulletin.xlsx", out / f"{week.label}-bulletin.md"


@contextmanager
def exclusive(out: Path, wait_seconds: float) -> Iterator[None]:
    """Only one bulletin run writes into a folder at a time; a second waits, then gives up.
    The operating system's lock on a file in the folder (flock on Linux and macOS, a locked
    byte range on Windows), so a run that dies releases it with its process."""

    lock = FileLock(out / LOCK_NAME, timeout=wait_seconds, poll_interval=0.1)
    try:
        lock.acquire()
    except Timeout:
        raise Invalid(
            _(
                "Another zs bulletin is writing to {folder}; gave up after waiting {seconds} s."
            ).format(folder=out, seconds=f"{wait_seconds:g}")
        ) from None
    try:
        yield
    finally:
        lock.release()


@contextmanager
def exclusive_in_ledger(ledger: Ledger, wait_seconds: float) -> Iterator[None]:
    """On a shared PostgreSQL ledger, one bulletin run at a time across machines (a folder
    lock only sees its own machine): a session-level advisory lock, released when this
    connection ends even if the run dies."""
    if ledger.backend != "postgresql":
        yield
        return

    deadline = time.monotonic() + wait_seconds
    options = {"zs_begin": "DEFERRED", "isolation_level": "AUTOCOMMIT"}
    with ledger.engine.connect().execution_options(**options) as connection:
        query = f"SELECT pg_try_advisory_lock({lock_keys(BULLETIN_LOCK)})"
        while not connection.exec_driver_sql(query).scalar():
            if time.monotonic() >= deadline:
                raise Invalid(
                    _(
                        "Another zs bulletin is running on {ledger}; gave up after waiting "
                        "{seconds} s."
                    ).format(ledger=ledger.shown, seconds=f"{wait_seconds:g}")
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


STAGING, PUBLISHING = ".staging", ".publishing"
# Temporary names of bulletin runs: this one's folders, and the files earlier versions wrote
# beside the bulletin (``write_all_atomically``'s ``.NAME.XXXX.tmp`` and its ``.bulk``).
LEFT_BEHIND = re.compile(
    r"^\.(?P<week>\d{4}-W\d{2})-bulletin\.(?:[^.]+(?P<folder>\.staging|\.publishing)"
    r"|(?:xlsx|md)\.[^.]+\.tmp(?:\.bulk)?)$"
)


def write_week(ledger: Ledger, week: Week, out: Path, operator: str | None = None) -> Written:
    with ledger.read() as session:
        bulletin = build_bulletin(session, week)
    xlsx_path, md_path = bulletin_paths(out, week)
    docx_path = xlsx_path.with_suffix(".docx")
    folder = Path(tempfile.mkdtemp(dir=out, prefix=f".{week.label}-bulletin.", suffix=STAGING))
    committed = False
    failure: str | None = None
    try:
        workbook(bulletin)(folder / xlsx_path.name)
        (folder / md_path.name).write_text(markdown(bulletin), encoding="utf-8")
        document(bulletin)(folder / docx_path.name)
        for path in (xlsx_path, md_path, docx_path):
            sync_file(folder / path.name)  # on disk before the run is recorded
        with read_only_sentence(ledger), ledger.write(operator) as session:
            # Written (flushed) before any file moves: a ledger that cannot take it stops here.
            record_run(session, week, xlsx_path, md_path)
            publishing = folder.with_name(folder.name.removesuffix(STAGING) + PUBLISHING)
            os.rename(folder, publishing)
            folder = publishing
        committed = True
        publish(folder, xlsx_path, md_path)
    except OSError as exc:
        if not committed:
            failure = _("Could not write {file}: {reason}; no file was written.").format(
                file=xlsx_path, reason=os_reason(exc)
            )
        else:
            failure = _(
                "The bulletin for {week} is recorded but could not be put in place in {folder} "
                "({reason}); the next run finishes it."
            ).format(week=week, folder=out, reason=os_reason(exc))
    finally:
        if not committed:
            shutil.rmtree(folder, ignore_errors=True)
    if failure is not None:  # raised outside the handler, so the OSError's frames are gone
        raise (Invalid if committed else CannotWrite)(failure)
    return Written(week, xlsx_path, md_path, docx_path)


def record_run(session: Session, week: Week, xlsx_path: Path, md_path: Path) -> None:
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


def publish(folder: Path, xlsx_path: Path, md_path: Path) -> bool:
    """Out of a ``….publishing`` folder into place; safe to repeat after a kill at any step.
    Says whether anything was left to move."""
    staged_md = folder / md_path.name
    moved = staged_md.exists()  # else all are in place already
    if moved:
        md_path.unlink(missing_ok=True)  # the old summary first: no .md beside a newer .xlsx
        for path in (xlsx_path, xlsx_path.with_suffix(".docx")):
            if (folder / path.name).exists():
                os.replace(folder / path.name, path)
        os.replace(staged_md, md_path)
    shutil.rmtree(folder, ignore_errors=True)
    return moved


def clean_up(out: Path) -> list[Week]:
    """What runs killed on the way left in ``out``; call it holding the folder's lock. Returns
    the weeks whose pair it finished putting in place."""
    finished = []
    for entry in sorted(out.iterdir()):
        match = LEFT_BEHIND.match(entry.name)
        if match is None:
            continue
        if match["folder"] == PUBLISHING:
            week = parse_week(match["week"])
            if publish(entry, *bulletin_paths(out, week)):
                finished.append(week)
        elif match["folder"] == STAGING:
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
    return finished


@contextmanager
def read_only_sentence(ledger: Ledger) -> Iterator[None]:
    try:
        yield
    except OperationalError as exc:
        if "readonly" not in str(exc):
            raise
        raise Invalid(
            _(
                "The ledger {ledger} is read-only, and the bulletin records each run in it; "
                "nothing was written."
            ).format(ledger=ledger.shown)
        ) from None


def check_ledger_writable(ledger: Ledger) -> None:
    """Before anything is computed or written: a no-op write in a write transaction."""

    with read_only_sentence(ledger), ledger.write() as session:
        session.connection().execute(delete(BulletinRun).where(false()))


def run_bulletins(
    db: str | None,
    out: Path,
    *,
    week: str | None = None,
    catch_up: bool = False,
    wait_seconds: float = 10.0,
    operator: str | None = None,
) -> "Run":
    """Checks everything that can fail before any file is written."""
    if week is not None and catch_up:
        raise Invalid(_("Give either --week or --catch-up, not both."))
    operator = clean_text(operator, N_("operator"))
    if not 0 <= wait_seconds <= MAX_WAIT:  # NaN too: a cron job must never wait for ever
        raise Invalid(
            _("--wait takes 0 to {most} seconds, not {value}.").format(
                most=MAX_WAIT, value=wait_seconds
            )
        )
    today = dates.today()
    chosen = parse_week(week) if week is not None else None
    if chosen:
        check_complete(chosen, today)
    check_writable_folder(out)
    ledger = Ledger.open(db)
    try:
        check_ledger_writable(ledger)
        with exclusive(out, wait_seconds), exclusive_in_ledger(ledger, wait_seconds):
            finished = clean_up(out)
            weeks = (
                weeks_to_catch_up(ledger, today)
                if catch_up
                else [chosen or last_complete_week(today)]
            )
            return Run([write_week(ledger, w, out, operator) for w in weeks], finished)
    finally:
        ledger.dispose()
