"""What an arrivals import reads of the ledger before its first row: every project, loaded
once as plain attributes and found by code or name (``ProjectLookup``), and the arrivals
already there by both matching keys (``ledger_arrivals``), so a row already imported is
skipped without a query of its own."""

from collections import defaultdict
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from zhaoshang_cli.core.i18n import _
from zhaoshang_cli.spreadsheets.arrival_plan import ArrivalKey, arrival_key
from zhaoshang_cli.spreadsheets.reading import Row, Table
from zhaoshang_cli.spreadsheets.refresh import named_units
from zhaoshang_cli.store.models import Project, ProjectUnit, Unit
from zhaoshang_cli.store.tables import ARRIVAL, PROJECT


def ledger_arrivals(
    session: Session, only: set[int] | None = None
) -> tuple[dict[ArrivalKey, int], set[int]]:
    """Arrivals already in the ledger (of the projects in ``only``) by both keys (voucher, and
    project-date-amount), and the ids that were reversed. Reversal rows themselves are not
    arrivals to match."""
    a = ARRIVAL.c
    query = sa_select(a.id, a.project_id, a.ref, a.arrived_on, a.currency, a.amount_minor).where(
        a.reverses_id.is_(None)
    )
    reversed_query = sa_select(a.reverses_id).where(a.reverses_id.is_not(None))
    if only is not None:
        query = query.where(a.project_id.in_(only))
        reversed_query = reversed_query.where(a.project_id.in_(only))
    connection = session.connection()
    keys: dict[ArrivalKey, int] = {}
    for arrival_id, project_id, ref, on, currency, amount in connection.execute(query):
        if ref:
            keys[arrival_key(project_id, ref, on, currency, amount)] = arrival_id
        keys[arrival_key(project_id, None, on, currency, amount)] = arrival_id
    reversed_ids = set(connection.execute(reversed_query).scalars())
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
        # Core rather than the ORM: the rows stream instead of 100,000 held at once.
        columns = [PROJECT.c[name] for name in ProjectFacts.FIELDS]
        for row in session.connection().execute(sa_select(*columns)):
            project: Any = ProjectFacts(*row)
            self.by_code[project.code] = project
        self.names: tuple[dict[str, list[Project]], dict[str, Project]] | None = None

    def by_name(self) -> tuple[dict[str, list[Project]], dict[str, Project]]:
        """The projects in force by name, and the voided ones (the one a name finds only
        voided): built when a row first gives a name without a code (most files give codes,
        and a city's 100,000 names cost 20 MB)."""
        if self.names is None:
            in_force: dict[str, list[Project]] = defaultdict(list)
            voided: dict[str, Project] = {}
            for project in self.by_code.values():
                if project.voided_at is None:
                    in_force[project.name].append(project)
                else:
                    voided[project.name] = project
            self.names = (in_force, voided)
        return self.names

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
        by_name, voided_by_name = self.by_name()
        found = by_name.get(name, [])
        if len(found) > 1 and row.values.get("units"):  # one name under several units
            found = self.under(found, row.values["units"]) or found
        if not found and name in voided_by_name:
            voided = _("Project {code} was voided; no money can arrive for it.")
            table.problem(row, "project_name", voided.format(code=voided_by_name[name].code))
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
