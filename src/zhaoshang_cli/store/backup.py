"""Backups that can be trusted: a consistent copy, checked, and only then given its name.

A copy is taken with SQLite's backup API inside one read transaction (never ``cp``: recent
commits may sit in the ``-wal`` file), so it holds exactly the rows counted in that snapshot.
It is written to a temporary name beside the target, flushed to disk, reopened and checked —
``integrity_check``, the same schema revision, the same number of rows in every table — and
only then linked to its final name, which is never overwritten. A kill or a full disk leaves
at worst a temporary file, never a ``.bak`` that looks good and is not.
"""

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, col, select

from zhaoshang_cli.core import dates
from zhaoshang_cli.core.errors import Invalid, LedgerDamaged, LedgerError
from zhaoshang_cli.core.files import clear_leftovers, sync_folder
from zhaoshang_cli.core.i18n import _, os_reason
from zhaoshang_cli.store import audit
from zhaoshang_cli.store.ledger import Ledger, is_damage
from zhaoshang_cli.store.models import Backup


@dataclass
class TakenBackup:
    path: Path
    revision: str
    counts: dict[str, int]
    size_bytes: int


def default_name(ledger_path: Path, revision: str | None = None) -> Path:
    """Beside the ledger, stamped with the time (UTC): ledger.db.20261123T080000.bak; an
    upgrade's backup also names the revision it was taken at."""
    stamp = dates.utcnow().strftime("%Y%m%dT%H%M%S")
    middle = f"{revision}.{stamp}" if revision else stamp
    return ledger_path.with_name(f"{ledger_path.name}.{middle}.bak")


def is_backup_of(ledger_path: Path, name: str) -> bool:
    return name.startswith(f"{ledger_path.name}.") and name.endswith(".bak")


def table_counts(connection: sqlite3.Connection) -> dict[str, int]:
    names = connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    return {
        name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
        for (name,) in names
    }


def revision_of(connection: sqlite3.Connection) -> str:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return "none"
    return row[0] if row else "none"


def take_backup(source: Path, target: Path) -> TakenBackup:
    """Copy the ledger at ``source`` to ``target`` (which must not exist) and check the copy."""
    if target.exists():
        raise Invalid(
            _("{target} already exists; a backup never overwrites a file.").format(target=target)
        )
    if not target.parent.is_dir():
        raise Invalid(
            _("There is no folder {folder} to write the backup into.").format(folder=target.parent)
        )
    clear_leftovers(target.parent, lambda name: is_backup_of(source, name))
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        revision, counts = copy_snapshot(source, temporary)
        problem = copy_problem(temporary, revision, counts)
        if problem:
            raise LedgerError(
                _("The backup of {source} failed its check ({problem}); not kept.").format(
                    source=source, problem=problem
                )
            )
        size = temporary.stat().st_size
        publish(temporary, target)
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            raise LedgerDamaged(
                _(
                    "The ledger at {source} is damaged, so no backup was written; run `zs check` "
                    "and restore it from an earlier backup."
                ).format(source=source)
            ) from None
        raise LedgerError(
            _("The backup to {target} could not be written: {reason}.").format(
                target=target, reason=exc
            )
        ) from None
    except OSError as exc:
        raise LedgerError(
            _("The backup to {target} could not be written: {reason}.").format(
                target=target, reason=os_reason(exc)
            )
        ) from None
    finally:
        for leftover in (temporary, *(Path(f"{temporary}{s}") for s in ("-journal", "-wal"))):
            leftover.unlink(missing_ok=True)
    return TakenBackup(target, revision, counts, size)


def copy_snapshot(source: Path, temporary: Path) -> tuple[str, dict[str, int]]:
    """The copy and the row counts come from one read transaction: the same snapshot."""
    reader = sqlite3.connect(source, isolation_level=None)
    try:
        reader.execute("BEGIN")
        revision, counts = revision_of(reader), table_counts(reader)
        copy = sqlite3.connect(temporary, isolation_level=None)
        try:
            reader.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            copy.close()
        reader.execute("COMMIT")
    finally:
        reader.close()
    with temporary.open("rb") as file:
        os.fsync(file.fileno())
    return revision, counts


def copy_problem(path: Path, revision: str, counts: dict[str, int]) -> str | None:
    """Why the copy at ``path`` is not the snapshot it should be, or None."""
    if path.stat().st_size == 0:
        return _("the copy is empty")
    copy = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        (result,) = copy.execute("PRAGMA integrity_check").fetchone()
        if result != "ok":
            return f"integrity_check: {result}"
        if revision_of(copy) != revision:
            return _("schema revision {found} instead of {wanted}").format(
                found=revision_of(copy), wanted=revision
            )
        copied = table_counts(copy)
    finally:
        copy.close()
    for table in sorted(set(counts) | set(copied)):
        if copied.get(table) != counts.get(table):
            return _("{found} rows in {table} instead of {wanted}").format(
                found=copied.get(table, 0), table=table, wanted=counts.get(table, 0)
            )
    return None


def publish(temporary: Path, target: Path) -> None:
    """Give the checked copy its name in one step, never over an existing file."""
    try:
        os.link(temporary, target)  # fails if target exists: no check-then-rename race
    except FileExistsError:
        raise Invalid(
            _("{target} already exists; a backup never overwrites a file.").format(target=target)
        ) from None
    except OSError:  # a file system without hard links (a FAT stick): rename instead
        if target.exists():
            raise Invalid(
                _("{target} already exists; a backup never overwrites a file.").format(
                    target=target
                )
            ) from None
        os.rename(temporary, target)
    sync_folder(target.parent)


def record_backup(session: Session, taken: TakenBackup, reason: str) -> Backup:
    """Remember the backup in the ledger (and the audit trail) for `zs info`."""
    backup = Backup(
        path=str(taken.path.resolve()),
        reason=reason,
        revision=taken.revision,
        size_bytes=taken.size_bytes,
        operator=session.info.get("operator", "unknown"),
        taken_at=dates.utcnow(),
    )
    session.add(backup)
    session.flush()
    after = {"path": backup.path, "reason": reason, "revision": taken.revision}
    audit.record(session, "ledger.backup", "backup", backup.id, after=after)
    return backup


def last_backup(session: Session) -> Backup | None:
    query = select(Backup).order_by(col(Backup.taken_at).desc(), col(Backup.id).desc())
    return session.exec(query.limit(1)).first()


def backup_ledger(ledger: Ledger, target: Path | None, operator: str | None) -> TakenBackup:
    """`zs backup`: to ``target`` (a new file, or a folder), else beside the ledger; recorded."""
    path = ledger.path
    if path is None:
        raise Invalid(
            _("`zs backup` copies SQLite ledgers; back up a PostgreSQL one with pg_dump.")
        )
    if target is None or target.is_dir():
        name = default_name(path)
        target = name if target is None else target / name.name
    taken = take_backup(path, target)
    with ledger.write(operator) as session:
        record_backup(session, taken, "backup")
    return taken
