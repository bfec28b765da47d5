"""What an arrivals import will write, worked out in a read snapshot (``arrival_import``).

A plan is a list of steps in file order (an arrival to insert, or a reversal of one) and
the lines of its outcome, each kept with its row and project, so that the projects someone
wrote to after the snapshot can be planned again under the write lock and swapped in.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from zhaoshang_cli.arrivals.recording import Prepared
from zhaoshang_cli.core.i18n import _
from zhaoshang_cli.spreadsheets.outcome import Outcome
from zhaoshang_cli.spreadsheets.reading import Table

ArrivalKey = tuple[Any, ...]
SHOWN = 100  # lines of an outcome written out (the command lists 20 of each)


def arrival_key(
    project_id: int, ref: str | None, on: date, currency: str, amount: int
) -> ArrivalKey:
    """The same arrival: the same voucher (凭证号) for the project, or without one the same
    project, date and amount."""
    return ("ref", project_id, ref) if ref else ("same", project_id, on, currency, amount)


@dataclass(slots=True)
class FileArrival:
    """An arrival row of the file: ``key`` finds it in the ledger; ``step`` names its step (the
    key with the file's 到位编号, so two equal arrivals of an export stay two)."""

    key: ArrivalKey
    amount: int
    row: int
    step: ArrivalKey


@dataclass(slots=True)
class Step:
    """One row to write: an arrival (``prepared``), or a reversal of the arrival ``original``.
    ``operator`` and ``entered_at`` are set only when a whole ledger is read back."""

    row: int
    project_id: int
    key: ArrivalKey
    prepared: Prepared | None = None
    original: ArrivalKey | None = None
    note: str | None = None
    operator: str | None = None
    entered_at: datetime | None = None


@dataclass(slots=True)
class Said:
    """A line of the outcome (added, skipped or warning), kept with its row and project so
    that re-planning a project replaces exactly its lines."""

    row: int
    project_id: int
    kind: str
    text: Any  # str() gives the line's text: worked out only for the lines printed


@dataclass(slots=True)
class ArrivalPlan:
    table: Table
    mark: int  # the last audit entry the snapshot saw
    keep_provenance: bool
    steps: list[Step] = field(default_factory=list)
    said: list[Said] = field(default_factory=list)
    originals: dict[ArrivalKey, int] = field(default_factory=dict)  # in the ledger: their ids
    period: Any = None  # figures.Period: the month of 本月/累计 rows without a 上报月份

    def tell(self, out: Outcome, shown: int = SHOWN) -> None:
        """The outcome's lines: the first ``shown`` of each kind written out, the rest only
        counted (an empty line each), so 100,000 rows cost no 100,000 sentences, warnings
        included (a city's sheet warns on most rows). With ``out.report`` (a text file)
        every line is written there as well, a chunk at a time."""
        for said in sorted(self.said, key=lambda said: said.row):
            lines = getattr(out, said.kind)
            text = ""
            if len(lines) < shown or out.report is not None:
                text = _("row {row}: {text}").format(row=said.row, text=said.text)
            if out.report is not None:
                out.report.write(f"{report_label(said.kind)}\t{text}\n")
            lines.append(text if len(lines) < shown else "")

    def merge(self, again: "ArrivalPlan", projects: set[int] | None) -> None:
        """Take ``again``'s steps and lines for ``projects`` (None: all) instead of this plan's."""
        kept = [
            step for step in self.steps if projects is not None and step.project_id not in projects
        ]
        self.steps = sorted(kept + again.steps, key=lambda step: step.row)
        said = [
            said for said in self.said if projects is not None and said.project_id not in projects
        ]
        self.said = said + again.said
        self.originals.update(again.originals)


def report_label(kind: str) -> str:
    """A line's kind in the report file, in the user's language."""
    labels = {"added": _("added"), "skipped": _("skipped"), "warnings": _("warning")}
    return labels.get(kind, kind)
