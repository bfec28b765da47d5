"""The monthly refresh: a 台账 imported again matches the projects already in the ledger and
applies what changed, through the same audited operations as `zs project stage`, `zs project
edit` and `zs project increase` — never a second project (不重复统计).

A row matches a project by its 项目编号, else by its investor and name as 不重复统计 compares
them (``text.duplicate_key``), else by name alone where the sheet gives no investor (or the
ledger has none) and one project bears it. What a matched row changes is worked out first
(``Change``), shown as the plan, then applied exactly so; a dry run is the same run rolled
back, so its plan is the one a real run applies. A blank cell changes nothing: only values
the sheet gives are compared.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from zhaoshang_cli.core import dates
from zhaoshang_cli.core.errors import ZsError
from zhaoshang_cli.core.glossary import ORIGIN, STAGE
from zhaoshang_cli.core.i18n import _
from zhaoshang_cli.core.money import format_amount
from zhaoshang_cli.core.text import duplicate_key
from zhaoshang_cli.projects.changes import field_label as label
from zhaoshang_cli.projects.changes import increase_contract, void_project
from zhaoshang_cli.projects.credit import credit_from, credit_text, split_spec
from zhaoshang_cli.projects.edit import edit_project
from zhaoshang_cli.projects.register import STAGE_DATE_FIELD, STAGE_ORDER, move_stage
from zhaoshang_cli.spreadsheets.reading import Row, Table
from zhaoshang_cli.store.models import Project, ProjectUnit, Unit

AMOUNT_CHANGES = ("correction", "increase")
# Fields a sheet may correct, as `zs project edit` takes them (sheet key → project field).
EDITED = {
    "investor": "investor",
    "origin": "origin",
    "industry": "industry",
    "industrial": "industrial",
    "total_investment": "total_investment_fen",
    "occasion": "occasion",
    "leader": "leader",
    "recruiter": "recruiter",
    "informant": "informant",
    "note": "note",
}
FORWARD = ("started", "completed", "producing")


@dataclass
class Change:
    """One field of a project: old → new, and how it is applied."""

    field: str  # the project's field (or "credit")
    old: Any
    new: Any
    how: str = "edit"  # edit, increase, stage (a move on ``on``), correct (a stage's date)
    on: date | None = None

    def shown(self) -> str:
        label = _(field_label(self.field))
        if self.how == "void":
            return _("void (作废): {reason}").format(reason=self.new)
        if self.how == "increase":
            mark = _(" (增资)")
        elif self.how == "stage":
            mark = f" ({self.on})"
        else:
            mark = ""
        return _("{field}: {old} → {new}{mark}").format(
            field=label, old=display(self.field, self.old), new=display(self.field, self.new),
            mark=mark,
        )  # fmt: skip


@dataclass
class PlanRow:
    """A line of the plan: a row of the sheet and what it does to the ledger."""

    row: int
    status: str  # new, changed, unchanged, duplicate (of row ``twin``), skipped (a void)
    code: str
    name: str
    changes: list[Change] = field(default_factory=list)
    stage: str | None = None  # a new project's
    twin: int | None = None  # a duplicate's first row

    def lines(self) -> list[str]:
        if self.status == "duplicate":
            return [_("the same as row {row}: counted once").format(row=self.twin)]
        if self.status == "skipped":
            return [_("marked 作废 in the sheet: not added")]
        return [change.shown() for change in self.changes]

    def record(self) -> dict[str, Any]:
        stage = f" ({STAGE.shown(self.stage)})" if self.stage else ""
        return {
            "row": self.row,
            "status": self.status,
            "project": f"{self.code} {self.name}{stage}",
            "changes": _("; ").join(self.lines()),
        }


def field_label(name: str) -> str:
    return {"credit": "credit", "contract_minor": "contract amount in its currency"}.get(
        name
    ) or label(name)


def display(name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if name in ("contract_fen", "total_investment_fen"):
        return f"{format_amount(value)}万"
    if name == "contract_minor":
        return f"{format_amount(value)}万美元"
    if name == "stage":
        return STAGE.shown(value)
    if name == "origin":
        return ORIGIN.shown(value)
    if name == "industrial":
        return _("yes") if value else _("no")
    return str(value)


class Matcher:
    """Every project loaded once: by code, by investor and name, by name alone; and each
    project's credited units, so that a row naming the same project under the same unit with
    another investor is that project (更换业主). Voided projects are found by code only."""

    def __init__(self, session: Session, *, by_key: bool = True) -> None:
        self.by_code: dict[str, Any] = {}
        self.by_key: dict[str, list[Any]] = defaultdict(list)
        self.by_title: dict[str, list[Any]] = defaultdict(list)
        self.use_keys = by_key
        # Each project's credit, read once: (unit id, share, unit name).
        self.credit: dict[Any, list[tuple[int, int, str]]] = defaultdict(list)
        self.unit_names: dict[Any, set[str]] = defaultdict(set)
        self.voided: dict[str, Any] = {}  # by investor and name: what a 作废 row may repeat
        for project in session.exec(select(Project)):
            self.add(project)
        query = select(ProjectUnit.project_id, ProjectUnit.unit_id, ProjectUnit.share_bp, Unit.name)
        for project_id, unit_id, share, name in session.exec(
            query.join(Unit, col(Unit.id) == col(ProjectUnit.unit_id))
        ):
            self.credit[project_id].append((unit_id, share, name))
            self.unit_names[project_id].add(name)

    def add(self, project: Any, units: str | None = None) -> None:
        """A project of the ledger, or one this import adds (``units``: its 责任单位 cell)."""
        self.by_code[project.code] = project
        if units is not None:
            self.unit_names[project.id] = named_units(units)
        key = duplicate_key(project.investor, project.name)
        if project.voided_at is None:
            self.by_key[key].append(project)
            self.by_title[key.split("|", 1)[1]].append(project)
        else:
            self.voided[key] = project

    def void_twin(self, row: Row) -> Any:
        """The voided project a row marked 作废 repeats (the latest of that investor and name)."""
        return self.voided.get(duplicate_key(row.values["investor"], row.values["name"]))

    def find(self, table: Table, row: Row, voids: bool = False) -> Any:
        """The project the row stands for (one of the ledger's, or one added earlier in this
        import); None: a new one; False: a problem was reported. A row that voids (``voids``)
        is never 更换业主: it names the project it voids by code, or by investor and name."""
        code, name, investor = (row.values[key] for key in ("code", "name", "investor"))
        if code and code in self.by_code:
            project = self.by_code[code]
            if duplicate_key(None, project.name) != duplicate_key(None, name):
                table.problem(
                    row,
                    "code",
                    _("the code {code!r} is already in the ledger for {name!r}").format(
                        code=code, name=project.name
                    ),
                )
                return False
            return project
        if not self.use_keys:
            return None
        key = duplicate_key(investor, name)
        titled = self.by_title.get(key.split("|", 1)[1], [])
        found = self.by_key.get(key) or [
            project for project in titled if not investor or not project.investor
        ]
        if not found and investor and not voids:  # 更换业主: the same name, the same unit
            units = named_units(row.values["units"])
            found = [project for project in titled if units & self.unit_names[project.id]]
        if len(found) > 1:
            codes = _(", ").join(project.code for project in found)
            table.problem(
                row,
                "name",
                _("several projects in the ledger match {name!r} ({codes}); give the {column}")
                .format(name=name, codes=codes, column=table.column_name("code")),
            )  # fmt: skip
            return False
        return found[0] if found else None


def named_units(cell: str | None) -> set[str]:
    """The units a 责任单位 cell names, by their own names (甲县/城关镇=60% → 城关镇)."""
    return {
        split_spec(part)[0].rsplit("/", 1)[-1]
        for part in re.split(r"[、,，;；\n]+", cell or "")
        if part.strip()
    }


# 作废 / 终止 as offices write them in 备注 or a status column, unless negated (未终止).
VOID_WORDS = re.compile(r"(?<![未不非无])作废")
END_WORDS = re.compile(r"(?<![未不非无])终止")
REASON = re.compile(r"(?:原因|理由)\s*[:：为是]?\s*(.+)", re.S)


OPENING = {")": "(", "）": "（"}


def unbracketed(reason: str) -> str:
    """终止（原因：企业撤资）: the reason without the bracket that closes around it."""
    reason = reason.strip()
    while reason[-1:] in OPENING and reason.count(reason[-1]) > reason.count(OPENING[reason[-1]]):
        reason = reason[:-1].rstrip()
    return reason


def status_event(values: dict[str, Any]) -> tuple[str, str] | None:
    """("void" | "terminated", its reason) when the row says so: the reason after 原因： in the
    same cell, else a 终止原因 column (for a termination), else the words themselves."""
    for text in (values.get("status"), values.get("note")):
        if not text:
            continue
        for event, words in (("void", VOID_WORDS), ("terminated", END_WORDS)):
            if words.search(text):
                given = REASON.search(text)
                reason = unbracketed(given.group(1)) if given else None
                if event == "terminated":
                    reason = reason or values.get("termination_reason")
                return event, reason or text.strip()
    return None


def read_status(table: Table, row: Row, today: date) -> str | None:
    """A termination the row states becomes its stage (dated today unless a 终止日期 is given);
    returns "void" when the row voids its project. A 项目状态 cell without those words names
    the stage (已开工, 在建 …) when no 阶段 column does."""
    values = row.values
    event = status_event(values)
    if event is None:
        if values.get("status") and values["stage"] is None:
            stage = table.attempt(row, "status", STAGE.parse, values["status"].strip())
            values["stage"] = stage or None
        return None
    what, reason = event
    if what == "void":
        values["void_reason"] = reason
        return "void"
    if values["stage"] in (None, "terminated"):
        values["stage"] = "terminated"
        values["terminated_on"] = values["terminated_on"] or today
        values["termination_reason"] = values["termination_reason"] or reason
    return None


def differences(table: Table, first: Row, later: Row) -> list[str]:
    """The columns in which two rows of the same project disagree (the investor and name as
    不重复统计 compares them; a 备注 left blank in one of them is no disagreement)."""
    columns = []
    for key, value in later.values.items():
        other = first.values.get(key)
        if key == "investor":
            value, other = duplicate_key(value, ""), duplicate_key(other, "")
        elif key == "name":
            value, other = duplicate_key(None, value), duplicate_key(None, other)
        elif key == "note" and (not value or not other):
            continue
        if value != other and key in table.headers:
            columns.append(table.column_name(key))
    return columns


def plan_changes(
    session: Session,
    table: Table,
    row: Row,
    project: Project,
    amount_change: str,
    credit: list[tuple[int, int, str]],
) -> list[Change] | None:
    """What the row changes in the project, in the order it is applied; None: a problem."""
    values = row.values
    changes: list[Change] = []
    ok = stage_changes(table, row, project, changes)
    for key, attribute in EDITED.items():
        new = values.get(key)
        if new is None or new == "":
            continue
        if key == "origin":
            new = ORIGIN.parse(new)
        old = getattr(project, attribute)
        same = duplicate_key(old, "") == duplicate_key(new, "") if key == "investor" else old == new
        if not same:
            changes.append(Change(attribute, old, new))
    new_credit = credit_change(session, table, row, credit)
    if new_credit is False:
        ok = False
    elif new_credit is not None:
        changes.append(new_credit)
    new_usd = values.get("contract_usd")  # 合同金额/万美元: set by `project edit --currency`
    old_usd = project.contract_minor if project.contract_currency == "USD" else None
    if new_usd is not None and new_usd != old_usd:
        changes.append(Change("contract_minor", old_usd, new_usd))
    new_amount = values.get("contract")
    if new_amount is not None and project.contract_currency in (None, "CNY"):
        old_amount = project.contract_fen
        if old_amount != new_amount:
            how = "edit"
            if amount_change == "increase" and old_amount is not None:
                how = "increase"
                if new_amount < old_amount:
                    table.problem(
                        row,
                        "contract",
                        _(
                            "the contract amount went down ({old}万 → {new}万); an increase "
                            "(增资) only adds: import it with --amount-change correction"
                        ).format(old=format_amount(old_amount), new=format_amount(new_amount)),
                    )
                    ok = False
            changes.append(Change("contract_fen", old_amount, new_amount, how))
    return changes if ok else None


def stage_changes(table: Table, row: Row, project: Project, changes: list[Change]) -> bool:
    """Stage moves the row's stage and dates ask for: forward moves with their dates, a
    corrected date of the stage the project is at. Going back is left to `zs project stage
    --correct`, so a sheet never undoes a start by leaving its date blank."""
    values = row.values
    if project.stage == "terminated":
        return True  # the ledger's word; un-terminating is a correction by hand
    given = {stage: values[STAGE_DATE_FIELD[stage]] for stage in STAGE_DATE_FIELD}
    latest = next((s for s in reversed(STAGE_ORDER) if given.get(s)), None)
    wanted = values["stage"] or latest
    current = project.stage
    ok = True
    if wanted == "terminated":
        if not given["terminated"] or not values["termination_reason"]:
            column = "terminated_on" if not given["terminated"] else "termination_reason"
            table.problem(row, column, _("a terminated project needs its date and reason"))
            return False
    elif wanted is not None and STAGE_ORDER.index(wanted) < STAGE_ORDER.index(current):
        if values["stage"]:
            table.problem(
                row,
                "stage",
                _(
                    "project {code} is at stage {current} in the ledger; moving it back is a "
                    "correction: `zs project stage {code} {stage} --correct --reason …`"
                ).format(
                    code=project.code, current=STAGE.shown(current), stage=STAGE.shown(wanted)
                ),
            )
            ok = False
        wanted = current
    for stage, on in given.items():
        if on is None or stage == "terminated":
            continue
        held = getattr(project, STAGE_DATE_FIELD[stage])
        reached = STAGE_ORDER.index(stage) <= STAGE_ORDER.index(current)
        if reached and held is not None and held != on and stage != current:
            table.problem(
                row,
                STAGE_DATE_FIELD[stage],
                _(
                    "the ledger has {old} for project {code}, which has moved on to {current}; "
                    "correct it with `zs project stage {code} {stage} --date {new} --correct`"
                ).format(
                    old=held,
                    new=on,
                    code=project.code,
                    current=STAGE.shown(current),
                    stage=STAGE.shown(stage),
                ),
            )
            ok = False
    if not ok or wanted is None:
        return ok
    if wanted == current and current in STAGE_DATE_FIELD:
        held, on = getattr(project, STAGE_DATE_FIELD[current]), given[current]
        if on is not None and held != on:
            changes.append(Change(STAGE_DATE_FIELD[current], held, on, "correct"))
        return True
    if wanted == current:
        return True
    # Forward: through each stage between, each with its date.
    if wanted == "terminated":
        changes.append(Change("stage", current, "terminated", "stage", given["terminated"]))
        return True
    path = [s for s in STAGE_ORDER if STAGE_ORDER.index(s) > STAGE_ORDER.index(current)]
    before = current
    for stage in path[: path.index(wanted) + 1]:
        if stage == "negotiating":
            if wanted == "negotiating":
                changes.append(Change("stage", before, stage, "stage", dates.today()))
            continue
        on = given.get(stage)
        if on is None and (stage == wanted or stage == "signed"):
            column = STAGE_DATE_FIELD[stage]
            table.problem(
                row,
                column,
                _("a project at stage {stage} needs {column}").format(
                    stage=STAGE.shown(wanted), column=table.column_name(column)
                ),
            )
            return False
        if on is None:
            continue  # a stage passed over: the move goes straight on
        changes.append(Change("stage", before, stage, "stage", on))
        before = stage
    return True


def credit_change(
    session: Session, table: Table, row: Row, current: list[tuple[int, int, str]]
) -> Any:
    """The credit the row's 责任单位 gives, if it differs from ``current``, the ledger's
    (False: a problem)."""

    specs = [part for part in re.split(r"[、,，;；\n]+", row.values["units"]) if part.strip()]
    try:
        credit = credit_from(session, specs)
    except ZsError as exc:
        table.problem(row, "units", str(exc))
        return False
    if sorted((u, s) for u, s, _n in current) == sorted((u.id, s) for u, s in credit):
        return None
    old = credit_text([(name, share) for _u, share, name in current])
    return Change("credit", old, credit_text([(u.name, s) for u, s in credit]), "credit")


def apply_changes(
    session: Session,
    project: Project,
    changes: list[Change],
    *,
    units: list[str],
    reason: str,
    increase_on: date | None,
    termination_reason: str | None = None,
) -> None:
    """Each change through the operation that makes it by hand, each one audited."""

    field_stage = {value: key for key, value in STAGE_DATE_FIELD.items()}
    contract = next((c.new for c in changes if c.field == "contract_fen"), None)
    edits: dict[str, Any] = {}
    amount: int | None = None
    currency: str | None = None
    credit = False
    signed_amount = None
    for change in changes:
        if change.how in ("stage", "correct"):
            stage = change.new if change.how == "stage" else field_stage[change.field]
            on = change.on if change.how == "stage" else change.new
            if stage == "signed" and project.contract_fen is None:
                signed_amount = contract  # the amount signed, as `zs project stage` records it
            if stage == "terminated":
                why = termination_reason
            else:
                why = reason if change.how == "correct" else None
            move_stage(
                session,
                project.code,
                stage,
                on,
                correct=change.how == "correct",
                reason=why,
                contract_fen=signed_amount if stage == "signed" else None,
            )
        elif change.how in ("credit", "void"):
            credit = credit or change.how == "credit"
        elif change.how == "increase":
            increase_contract(
                session,
                project.code,
                change.new - change.old,
                increase_on or dates.today(),
                reason=reason,
            )
        elif change.field == "contract_fen":
            if signed_amount is None:
                amount = change.new
        elif change.field == "contract_minor":
            amount, currency = change.new, "USD"
        else:
            edits[change.field] = change.new
    if edits or amount is not None or credit:
        edit_project(
            session,
            project.code,
            values=edits,
            amount_minor=amount,
            currency=currency,
            units=units if credit else None,
            reason=reason,
        )
    for change in changes:
        if change.how == "void":  # last: a voided project takes no more edits
            void_project(session, project.code, change.new)
