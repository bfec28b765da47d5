"""`zs check`: is the file sound, and does the ledger keep its own rules?

First SQLite's view (``integrity_check``, ``foreign_key_check``), then the invariants the
commands maintain and a hand edit or a bad restore could break: credit shares that add up to
100% (today's, and those kept from before each change of credit), reversals that cancel one original of the same project exactly, a stage history that
ends at the project's stage, and an audit entry for every row written. Each problem is one
line; an invariant that fails many times lists the first few and counts the rest.
"""

import sqlite3
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session

from zhaoshang_cli.core.errors import LedgerDamaged, LedgerError
from zhaoshang_cli.core.files import describe, leftovers
from zhaoshang_cli.core.i18n import N_, _
from zhaoshang_cli.store.ledger import Ledger, cut_short, is_damage
from zhaoshang_cli.store.verification import Finding, walk

LISTED = 10  # problems listed one by one per rule; the rest are counted

# What to call the rows of each audited entity (``chain.ROW_TABLES``, projects, settings).
WHAT = {
    "unit": N_("unit"),
    "project": N_("project"),
    "arrival": N_("arrival"),
    "target": N_("target"),
    "exchange_rate": N_("exchange rate"),
    "activity": N_("activity record"),
    "bulletin_run": N_("bulletin run"),
    "backup": N_("backup record"),
    "user": N_("user"),
    "setting": N_("settings"),
}


def check_ledger(ledger: Ledger) -> list[str]:
    """Every problem found, one sentence each; an empty list means the ledger is sound."""
    path = ledger.path
    if path is not None:
        if not path.exists():
            raise LedgerError(_("There is no ledger at {path}.").format(path=path))
        problems = file_problems(path)
        if problems:
            return problems  # the rules cannot be read reliably from a damaged file
    ledger.check()  # a zs ledger at the current revision
    try:
        with ledger.read() as session:
            return rule_problems(session)
    except LedgerDamaged:
        return [_("SQLite could not read the ledger: it is damaged.")]


def leftover_notes(ledger: Ledger) -> list[str]:
    """Temporaries that killed runs (a backup, an upgrade, an export) left beside the ledger:
    not a fault of the ledger, but space nobody will reclaim unless told."""
    if ledger.path is None:
        return []
    return describe(leftovers(ledger.path.parent))


def file_problems(path: Path) -> list[str]:
    if cut_short(path):
        return [_("The file is shorter than its header says: it was cut short.")]
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute("PRAGMA integrity_check").fetchall()
        problems = [f"integrity_check: {row[0]}" for row in rows if row != ("ok",)]
        for table, rowid, parent, _key in connection.execute("PRAGMA foreign_key_check"):
            problems.append(
                _("{table} row {rowid} refers to a missing {parent} row.").format(
                    table=table, rowid=rowid, parent=parent
                )
            )
    except sqlite3.DatabaseError as exc:
        if not is_damage(exc):
            raise
        problems = [_("SQLite could not read the ledger: it is damaged.")]
    finally:
        connection.close()
    return problems


def rule_problems(session: Session) -> list[str]:
    problems: list[str] = []
    for rule in (chain_problems, share_problems, reversal_problems, stage_problems, audit_problems):
        problems += rule(session)
    return problems


def chain_problems(session: Session) -> list[str]:
    """The hash chain recomputed, and every row against what its latest entry sealed: an
    edited amount, an edited or backdated entry, a row deleted or added behind zs's back."""
    found = walk(session.connection()).findings
    links = [finding_text(f) for f in found if not f.kind.startswith("row_")]
    rows_ = [finding_text(f) for f in found if f.kind.startswith("row_")]
    return listed(links, N_("broken links in the audit chain")) + listed(
        rows_, N_("rows that differ from the audit chain")
    )


def finding_text(finding: Finding) -> str:
    what = _(WHAT.get(finding.entity or "", finding.entity or ""))
    texts = {
        "unsealed": N_(
            "Audit entry {audit} is not sealed in the chain: it was written outside zs."
        ),
        "missing": N_(
            "Audit entry {audit} is missing: the entry after it ({detail}) was sealed after it;"
            " it was deleted."
        ),
        "inserted": N_(
            "Audit entry {audit} does not belong in the chain: it was inserted after the fact."
        ),
        "changed": N_(
            "Audit entry {audit} was changed after it was written: its seal no longer matches."
        ),
        "row_changed": N_(
            "The {what} with id {id} was changed outside zs ({detail}); audit entry {audit}"
            " sealed it as it was."
        ),
        "row_unaudited": N_("The {what} with id {id} has no entry in the audit trail."),
        "row_deleted": N_(
            "The {what} with id {id} was deleted outside zs; audit entry {audit} sealed it."
        ),
    }
    if finding.kind == "row_changed" and finding.entity == "setting":
        return _(
            "The settings were changed outside zs ({detail}); audit entry {audit} sealed them."
        ).format(detail=finding.detail, audit=finding.audit_id)
    return _(texts[finding.kind]).format(
        audit=finding.audit_id, what=what, id=finding.entity_id, detail=finding.detail
    )


def listed(lines: list[str], what: str) -> list[str]:
    """At most LISTED lines of one rule, then one line counting the rest."""
    if len(lines) <= LISTED:
        return lines
    return [
        *lines[:LISTED],
        _("… and {count} more {what}.").format(count=len(lines) - LISTED, what=_(what)),
    ]


def rows(session: Session, statement: str) -> list[tuple]:
    return [tuple(row) for row in session.connection().execute(text(statement))]


def share_problems(session: Session) -> list[str]:
    found = rows(
        session,
        "SELECT p.code, COUNT(pu.unit_id), COALESCE(SUM(pu.share_bp), 0),"
        " SUM(CASE WHEN pu.share_bp <= 0 THEN 1 ELSE 0 END)"
        " FROM project p LEFT JOIN project_unit pu ON pu.project_id = p.id"
        " GROUP BY p.id, p.code ORDER BY p.id",
    )
    lines = []
    for code, units, total, not_positive in found:
        if units == 0:
            lines.append(_("Project {code} credits no unit.").format(code=code))
        elif total != 10_000:
            lines.append(
                _("Project {code}: the units' shares add up to {total}%, not 100%.").format(
                    code=code, total=f"{total / 100:g}"
                )
            )
        elif not_positive:
            lines.append(
                _("Project {code} credits a unit with a share of 0% or less.").format(code=code)
            )
    earlier = rows(  # the credit each change of credit replaced, kept for earlier periods
        session,
        "SELECT p.code, c.id, COALESCE(SUM(b.share_bp), 0) FROM project_change c"
        " JOIN project p ON p.id = c.project_id"
        " LEFT JOIN credit_before b ON b.change_id = c.id"
        " WHERE c.field = 'credit' GROUP BY p.code, c.id ORDER BY c.id",
    )
    for code, change, total in earlier:
        if total != 10_000:
            lines.append(
                _(
                    "Project {code}: the credit kept before change {change} adds up to "
                    "{total}%, not 100%."
                ).format(code=code, change=change, total=f"{total / 100:g}")
            )
    return listed(lines, N_("projects with wrong shares"))


def reversal_problems(session: Session) -> list[str]:
    found = rows(
        session,
        "SELECT r.id, r.reverses_id, o.id, o.reverses_id,"
        " r.project_id = o.project_id,"
        " r.amount_minor = -o.amount_minor AND r.cny_fen = -o.cny_fen"
        " AND r.currency = o.currency"
        " FROM arrival r LEFT JOIN arrival o ON o.id = r.reverses_id"
        " WHERE r.reverses_id IS NOT NULL ORDER BY r.id",
    )
    lines = []
    for reversal, target, original, original_reverses, same_project, negated in found:
        if original is None:
            lines.append(
                _("Arrival {reversal} reverses arrival {target}, which does not exist.").format(
                    reversal=reversal, target=target
                )
            )
        elif original_reverses is not None:
            lines.append(
                _("Arrival {reversal} reverses arrival {target}, itself a reversal.").format(
                    reversal=reversal, target=target
                )
            )
        elif not same_project:
            lines.append(
                _("Arrival {reversal} reverses arrival {target} of another project.").format(
                    reversal=reversal, target=target
                )
            )
        elif not negated:
            lines.append(
                _("Arrival {reversal} does not cancel arrival {target} exactly.").format(
                    reversal=reversal, target=target
                )
            )
    for original, times in rows(
        session,
        "SELECT reverses_id, COUNT(*) FROM arrival WHERE reverses_id IS NOT NULL"
        " GROUP BY reverses_id HAVING COUNT(*) > 1 ORDER BY reverses_id",
    ):
        lines.append(
            _("Arrival {original} is reversed {times} times.").format(
                original=original, times=times
            )
        )
    for (arrival,) in rows(
        session,
        "SELECT id FROM arrival WHERE reverses_id IS NULL AND (amount_minor <= 0 OR cny_fen < 0)"
        " ORDER BY id",
    ):
        lines.append(
            _("Arrival {arrival} is not positive and reverses nothing.").format(arrival=arrival)
        )
    return listed(lines, N_("problems with reversals"))


def stage_problems(session: Session) -> list[str]:
    """The latest stage event is where the project stands; every project has one."""
    found = rows(
        session,
        "SELECT p.code, p.stage, e.stage FROM project p"
        " LEFT JOIN stage_event e ON e.id = ("
        "   SELECT MAX(id) FROM stage_event WHERE project_id = p.id)"
        " ORDER BY p.id",
    )
    lines = []
    for code, stage, latest in found:
        if latest is None:
            lines.append(_("Project {code} has no stage history.").format(code=code))
        elif latest != stage:
            lines.append(
                _("Project {code} is at stage {stage} but its history ends at {latest}.").format(
                    code=code, stage=stage, latest=latest
                )
            )
    return listed(lines, N_("projects with a broken stage history"))


def audit_problems(session: Session) -> list[str]:
    """Every stage change of a project has its entry, and the trail names no missing project."""
    lines = []
    unaudited = []
    for code, events, audited in rows(
        session,
        "SELECT p.code, e.events, COALESCE(a.audited, 0) FROM project p"
        " JOIN (SELECT project_id, COUNT(*) AS events FROM stage_event GROUP BY project_id) e"
        "   ON e.project_id = p.id"
        " LEFT JOIN (SELECT project_id, COUNT(*) AS audited FROM audit"
        "   WHERE action = 'project.add' OR action LIKE 'project.stage%' GROUP BY project_id) a"
        "   ON a.project_id = p.id"
        " WHERE e.events > COALESCE(a.audited, 0) ORDER BY p.id",
    ):
        if events > audited:
            unaudited.append(
                _(
                    "Project {code} has {events} stage changes but {audited} in the audit trail."
                ).format(code=code, events=events, audited=audited)
            )
    lines += listed(unaudited, N_("projects with unaudited stage changes"))
    for (orphan,) in rows(
        session,
        "SELECT d.project_id FROM (SELECT DISTINCT project_id FROM audit"
        "   WHERE project_id IS NOT NULL) d"
        " WHERE NOT EXISTS (SELECT 1 FROM project p WHERE p.id = d.project_id)"
        " ORDER BY d.project_id",
    ):
        lines.append(
            _("The audit trail names project id {id}, which does not exist.").format(id=orphan)
        )
    return lines
