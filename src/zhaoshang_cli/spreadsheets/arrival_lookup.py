"""What an arrivals import reads of the ledger before its first row: every project, loaded
once as plain attributes and found by code or name (``ProjectLookup``), and the arrivals
already there by both matching keys (``ledger_arrivals``), so a row already imported is
skipped without a query of its own."""

from collections import defaultdict
from typing import Any

from sqlmodel import Session, col, select

from zhaoshang_cli.core.i18n import _
from zhaoshang_cli.spreadsheets.arrival_plan import ArrivalKey, arrival_key
from zhaoshang_cli.spreadsheets.reading import Row, Table
from zhaoshang_cli.spreadsheets.refresh import named_units
from zhaoshang_cli.store.models import Arrival, Project, ProjectUnit, Unit


def ledger_arrivals(
    session: Session, only: set[int] | None = None
) -> tuple[dict[ArrivalKey, int], set[int]]:
    """Arrivals already in the ledger (of the projects in ``only``) by both keys (voucher, and
    project-date-amount), and the ids that were reversed. Reversal rows themselves are not
    arrivals to match."""
    query = select(
        Arrival.id,
        Arrival.project_id,
        Arrival.ref,
        Arrival.arrived_on,
        Arrival.currency,
        Arrival.amount_minor,
    ).where(col(Arrival.reverses_id).is_(None))
    reversed_query = select(Arrival.reverses_id).where(col(Arrival.reverses_id).is_not(None))
    if only is not None:
        query = query.where(col(Arrival.project_id).in_(only))
        reversed_query = reversed_query.where(col(Arrival.project_id).in_(only))
    rows = session.exec(query)
    keys: dict[ArrivalKey, int] = {}
    for arrival_id, project_id, ref, on, currency, amount in rows:
        if ref:
            keys[arrival_key(project_id, ref, on, currency, amount)] = arrival_id
        keys[arrival_key(project_id, None, on, currency, amount)] = arrival_id
    reversed_ids = set(session.exec(reversed_query))
    return keys, reversed_ids  # type: ignore[return-value]


class ProjectFacts:
    """What the checks of an arrival read of its project, as plain attributes (an ORM
    project's are looked up through its instrumentation, a dozen times per row)."""

    FIELDS = (
        "id",
        "code",
        "name",
        "voided_at",
        "stage",
        "signed_on",
        "terminated_on",
        "contract_fen",
    )
    __slots__ = FIELDS

    def __init__(self, *values: Any) -> None:
        for name, value in zip(self.FIELDS, values, strict=True):
            setattr(self, name, value)


class ProjectLookup:
    """Every project loaded once: by code, or by name where the file gives no code. A voided
    project is found by its code only: entered by mistake, it makes no name ambiguous."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.credited: dict[int, set[str]] | None = None  # units by project, read when needed
        self.by_code: dict[str, Project] = {}
        self.by_name: dict[str, list[Project]] = defaultdict(list)
        self.voided: dict[str, Project] = {}  # by name: the one a name finds only voided
        columns = [getattr(Project, name) for name in ProjectFacts.FIELDS]
        for row in session.exec(select(*columns)):
            project: Any = ProjectFacts(*row)
            self.by_code[project.code] = project
            if project.voided_at is None:
                self.by_name[project.name].append(project)
            else:
                self.voided[project.name] = project

    def find(self, table: Table, row: Row) -> Project | None:
        code, name = row.values.get("project"), row.values.get("project_name")
        if code:
            project = self.by_code.get(code)
            if project is None:
                table.problem(
                    row, "project", _("there is no project with code {code!r}").format(code=code)
                )
            elif name and name != project.name:
                table.problem(
                    row,
                    "project_name",
                    _("{code} is {name!r} in the ledger").format(code=code, name=project.name),
                )
                return None
            return project
        if not name:
            table.problem(
                row,
                "project",
                _("a {code} (or {name}) is needed").format(
                    code=table.column_name("project"), name=table.column_name("project_name")
                ),
            )
            return None
        found = self.by_name.get(name, [])
        if len(found) > 1 and row.values.get("units"):  # one name under several units
            found = self.under(found, row.values["units"]) or found
        if not found and name in self.voided:
            voided = _("Project {code} was voided; no money can arrive for it.")
            table.problem(row, "project_name", voided.format(code=self.voided[name].code))
            return None
        if len(found) != 1:
            reason = (
                _("several projects named {name!r} ({codes}); give the {column}")
                if found
                else _("no project named {name!r}; give the {column}")
            )
            codes = _(", ").join(project.code for project in found)
            column = table.column_name("project")
            table.problem(row, "project_name", reason.format(name=name, codes=codes, column=column))
            return None
        return found[0]

    def under(self, found: list[Project], cell: str) -> list[Project]:
        """The projects of ``found`` credited to a unit the 责任单位 cell names."""
        if self.credited is None:
            self.credited = defaultdict(set)
            query = select(ProjectUnit.project_id, Unit.name).join(
                Unit, col(Unit.id) == col(ProjectUnit.unit_id)
            )
            for project_id, unit in self.session.exec(query):
                self.credited[project_id].add(unit)
        units = named_units(cell)
        return [project for project in found if units & self.credited[project.id]]  # type: ignore[index]
