"""What one sheet of an import added (or would add), skipped and changed, row by row.

Each importer (``unit_import``, ``project_import``, ``target_import``, ``rate_import``,
``activity_import``, ``arrival_import``) walks its table in order and calls what the CLI
commands call (add_unit, add_project and move_stage, add_target, set_rate, add_activity), so
the checks and the audit trail are the same. A refusal becomes a problem at its row and the
walk goes on, so one run reports everything; rows already in the ledger are skipped and listed.
"""

from dataclasses import dataclass, field
from typing import Any, TextIO

from zhaoshang_cli.spreadsheets.columns import Kind


@dataclass
class Outcome:
    """What one sheet added (or would add) and skipped, row by row."""

    kind: Kind
    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    plan: list[Any] = field(default_factory=list)  # projects: a ``refresh.PlanRow`` per row
    # Arrivals: a text file every line is written to (``zs import arrivals --report``); in
    # memory only the first lines of each kind are written out, the rest counted.
    report: TextIO | None = None
