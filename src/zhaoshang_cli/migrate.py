"""Creating and upgrading the ledger schema with Alembic (imported only here: it is slow)."""

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from zhaoshang_cli.backup import default_name, record_backup, take_backup
from zhaoshang_cli.errors import LedgerError
from zhaoshang_cli.i18n import _
from zhaoshang_cli.ledger import SCHEMA_HEAD, Ledger, cut_short, is_damage, make_engine


def migrations_dir() -> Path:
    """Beside the package in a wheel; at the top of the source tree in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "migrations", here.parents[1] / "migrations"):
        if (candidate / "env.py").exists():
            return candidate
    raise LedgerError(_("The zs migrations are missing from this installation; reinstall zs."))


def alembic_config():  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    return config


def script_revisions() -> list[str]:
    """Every revision in order from the first, as Alembic sees the scripts."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


@dataclass
class InitResult:
    location: str
    before: str | None
    after: str
    backup: Path | None


def quick_check(path: Path) -> bool:
    """Whether SQLite's quick_check passes: every page readable, every record well formed."""
    connection = sqlite3.connect(path)
    try:
        return connection.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            return False
        raise
    finally:
        connection.close()


def upgrade(ledger: Ledger, revision: str = "head") -> None:
    from alembic import command

    # Foreign keys off for batch migrations: the PRAGMA is ignored inside a transaction.
    engine = make_engine(ledger.url, foreign_keys=False)
    try:
        with engine.connect() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            connection.commit()
            problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise LedgerError(
                    _("The upgrade left {count} broken references.").format(count=len(problems))
                )
    finally:
        engine.dispose()


def init_ledger(location: str, operator: str | None = None) -> InitResult:
    """Create the ledger, or upgrade an existing one after a checked backup; a damaged
    ledger is neither upgraded nor called up to date."""
    ledger = Ledger(location)
    path = ledger.path
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    before = ledger.revision() if path is None or path.exists() else None
    backup = None
    if before is not None and path is not None and (cut_short(path) or not quick_check(path)):
        ledger.dispose()
        raise ledger.damaged()
    if before == SCHEMA_HEAD:
        ledger.dispose()
        return InitResult(location, before, SCHEMA_HEAD, None)
    if before is not None and before not in script_revisions():
        raise LedgerError(
            _(
                "{location} has schema revision {revision}, which this zs does not know; "
                "it was made by a newer version."
            ).format(location=location, revision=before)
        )
    taken = None
    if before is not None and path is not None:
        taken = take_backup(path, default_name(path, before))
        backup = taken.path
    ledger.dispose()
    upgrade(ledger)
    if taken is not None:
        with ledger.write(operator) as session:
            record_backup(session, taken, "upgrade")
        ledger.dispose()
    return InitResult(location, before, SCHEMA_HEAD, backup)
