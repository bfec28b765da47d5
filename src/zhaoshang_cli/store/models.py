"""Ledger tables. The schema itself is created only by the migrations in ``migrations/``.

Money columns end in ``_fen`` (CNY 分) or ``_minor`` (minor units of ``currency``);
never floats. Tables are append-mostly: arrivals are never updated or deleted, stage
moves and targets keep history, and every write is mirrored in ``audit``.
"""

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Index, MetaData, UniqueConstraint
from sqlmodel import Field, SQLModel

# Named constraints, so batch migrations on SQLite can find and keep them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _money(nullable: bool = False) -> Column:
    return Column(BigInteger, nullable=nullable)


class Unit(SQLModel, table=True):
    """A 责任单位: city, county, zone, department, group, town, office or person."""

    __table_args__ = (UniqueConstraint("parent_id", "name", name="uq_unit_parent_name"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str
    kind: str
    parent_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    rank: str | None = None  # persons only: 副科级以上, 科员 …
    created_at: datetime


class Project(SQLModel, table=True):
    # The report's passes over the projects signed in a period test these columns (0010).
    __table_args__ = (
        Index(
            "ix_project_signed_facts",
            "signed_on",
            "origin",
            "voided_at",
            "contract_fen",
            "started_on",
            "producing_on",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    name: str
    investor: str | None = None
    origin: str | None = None  # outside_province / outside_city / local / foreign
    industry: str | None = None
    industrial: bool = False
    contract_fen: int | None = Field(default=None, sa_column=_money(nullable=True))
    total_investment_fen: int | None = Field(default=None, sa_column=_money(nullable=True))
    stage: str
    signed_on: date | None = None  # indexed first in ix_project_signed_facts
    started_on: date | None = None
    completed_on: date | None = None
    producing_on: date | None = None
    terminated_on: date | None = None
    termination_reason: str | None = None
    occasion: str | None = None  # 签约活动: an investment fair, a campaign
    leader: str | None = None  # 包保领导
    recruiter: str | None = None  # 招商人
    informant: str | None = None  # 信息提供者
    created_at: datetime
    # A USD contract (合同外资): its amount in cents; ``contract_fen`` is its CNY value.
    contract_currency: str | None = None
    contract_minor: int | None = Field(default=None, sa_column=_money(nullable=True))
    # 不重复统计: investor and name normalised (``text.duplicate_key``), to find a second entry.
    duplicate_key: str | None = Field(default=None, index=True)
    # 作废: entered by mistake. The project stays in the ledger; from ``voided_at`` (when the
    # void was entered) it leaves every figure of every period.
    voided_at: datetime | None = None
    void_reason: str | None = None
    note: str | None = None  # 备注, as the office's 台账 writes it


class ProjectContact(SQLModel, table=True):
    """Investor contacts live apart from projects so no report can join them by accident."""

    __tablename__ = "project_contact"

    project_id: int = Field(foreign_key="project.id", primary_key=True)
    contact: str


class ProjectUnit(SQLModel, table=True):
    """Credit for a project (共同引进): shares in basis points that add up to 10000."""

    __tablename__ = "project_unit"

    project_id: int = Field(foreign_key="project.id", primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", primary_key=True, index=True)
    share_bp: int = 10_000


class StageEvent(SQLModel, table=True):
    __tablename__ = "stage_event"

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    stage: str
    previous_stage: str | None = None
    on_date: date
    correction: bool = False
    reason: str | None = None
    operator: str
    entered_at: datetime


class ProjectChange(SQLModel, table=True):
    """One change to a project after it was added: an edit, an increase (增资), a new credit,
    a stage move's dates. ``old_*``/``new_*`` hold the value in the column of its type (text,
    a number — 分, basis points, 0/1 — or a date).

    A change with ``effective_on`` took effect that day (更换业主, a new credit); one without
    corrects the record for every period. A field's changes stand in entry order on its own
    timeline (a dated change may not come before the latest one, and a correction takes the
    latest one's date), so a project's value on day D as the ledger stood at time T is the
    ``old_*`` of its first change not yet in force then, or else the project's own column.
    An increase (增资) is a dated change of ``contract_fen`` of kind ``increase``."""

    __tablename__ = "project_change"
    __table_args__ = (
        Index("ix_project_change_project_field", "project_id", "field"),
        Index("ix_project_change_effective_on", "effective_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id")
    field: str
    kind: str  # edit (zs project edit), increase (增资), stage (a stage move's dates)
    old_text: str | None = None
    new_text: str | None = None
    old_number: int | None = Field(default=None, sa_column=_money(nullable=True))
    new_number: int | None = Field(default=None, sa_column=_money(nullable=True))
    old_date: date | None = None
    new_date: date | None = None
    effective_on: date | None = None
    reason: str | None = None
    operator: str
    entered_at: datetime


class CreditBefore(SQLModel, table=True):
    """The credit (共同引进 shares) a project had before a change of its credit."""

    __tablename__ = "credit_before"

    change_id: int = Field(foreign_key="project_change.id", primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", primary_key=True, index=True)
    share_bp: int


class ExchangeRate(SQLModel, table=True):
    __tablename__ = "exchange_rate"
    __table_args__ = (UniqueConstraint("currency", "month", name="uq_exchange_rate_month"),)

    id: int | None = Field(default=None, primary_key=True)
    currency: str
    month: str  # YYYY-MM
    rate_micro: int  # CNY per one unit of currency, in millionths
    set_at: datetime
    operator: str


class Arrival(SQLModel, table=True):
    """Money that actually arrived. A reversal is a row with the negated amounts, the
    original's date and ``reverses_id`` set: sums net it out in every period, and
    ``entered_at`` lets a report be reproduced as it stood on an earlier day."""

    __table_args__ = (
        # Covering indexes: sums by date range, and per project up to a date.
        Index("ix_arrival_date_project", "arrived_on", "project_id", "cny_fen"),
        Index("ix_arrival_project_date", "project_id", "arrived_on", "cny_fen"),
        # 实际使用外资: arrivals from abroad by date, without reading every arrival.
        Index("ix_arrival_source_date", "source", "arrived_on", "project_id", "usd_cents"),
        UniqueConstraint("reverses_id", name="uq_arrival_reverses_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id")
    arrived_on: date
    currency: str = "CNY"
    amount_minor: int = Field(sa_column=_money())
    rate_micro: int | None = None
    cny_fen: int = Field(sa_column=_money())
    usd_cents: int | None = Field(default=None, sa_column=_money(nullable=True))
    source: str = "domestic"  # domestic (境内) / foreign (境外)
    ref: str | None = None
    note: str | None = None
    reverses_id: int | None = Field(default=None, foreign_key="arrival.id")
    warnings: str | None = None
    operator: str
    entered_at: datetime


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    operator: str
    action: str
    entity: str
    entity_id: int | None = None
    project_id: int | None = Field(default=None, index=True)
    before: str | None = None  # JSON
    after: str | None = None  # JSON


class AuditChain(SQLModel, table=True):
    """The seal of one audit entry (``store/chain.py``): appended with it, never changed."""

    __tablename__ = "audit_chain"

    audit_id: int = Field(
        primary_key=True, foreign_key="audit.id", sa_column_kwargs={"autoincrement": False}
    )
    prev_id: int | None = None  # the entry sealed before it: a gap names a deleted entry
    row: str | None = None  # JSON: the rows the entry concerns, as its transaction left them
    hash: str  # SHA-256 (hex) over the previous hash, the entry and ``row``


class Target(SQLModel, table=True):
    """A 目标任务 in force from a date. Rows are never changed: re-setting or re-allocating
    adds a row, and the target on date D is the latest row effective on or before D."""

    __table_args__ = (Index("ix_target_lookup", "year", "metric", "unit_id", "level"),)

    id: int | None = Field(default=None, primary_key=True)
    year: int
    unit_id: int = Field(foreign_key="unit.id")
    metric: str  # funds (分), fdi (US cents), projects, major, leads (counts)
    level: str = "must"  # must (确保) / strive (力争)
    amount: int = Field(sa_column=_money())
    effective_from: date
    basis: str = "set"  # set, split, equal, weights, rank: how the figure was arrived at
    reason: str | None = None
    operator: str
    set_at: datetime


class Activity(SQLModel, table=True):
    """Effort (招商工作量): trip days (外出招商天数) and companies visited (拜访企业个数)."""

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    on_date: date = Field(index=True)
    trip_days: int = 0
    visits: int = 0
    leader: str | None = None
    note: str | None = None
    operator: str
    entered_at: datetime


class BulletinRun(SQLModel, table=True):
    """Which weekly bulletins were written, so ``--catch-up`` writes each missing week once."""

    __tablename__ = "bulletin_run"

    id: int | None = Field(default=None, primary_key=True)
    week: str = Field(index=True)  # ISO week, 2026-W16
    path: str
    operator: str
    written_at: datetime


class Backup(SQLModel, table=True):
    """A checked copy of the ledger (`zs backup`, or `zs init` before an upgrade), so `zs info`
    can say when the last one was taken."""

    id: int | None = Field(default=None, primary_key=True)
    path: str
    reason: str  # backup (asked for) / upgrade (taken by zs init)
    revision: str  # the schema revision of the copy
    size_bytes: int = Field(sa_column=Column(BigInteger, nullable=False))
    operator: str
    taken_at: datetime = Field(index=True)


class Setting(SQLModel, table=True):
    """A ledger setting (``zs config``): one value per known key, changes in the audit trail."""

    key: str = Field(primary_key=True)
    value: str
    operator: str
    set_at: datetime


class LedgerUser(SQLModel, table=True):
    """A login of a shared (PostgreSQL) ledger (``zs user``): its role — clerk (writes below
    its unit), viewer (reads its unit's subtree), admin (holds the whole ledger, no unit) — and
    the PostgreSQL role of the same name, whose grants and policies ``store/access.py`` keeps."""

    __tablename__ = "ledger_user"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)  # the PostgreSQL role (session_user)
    role: str  # clerk / viewer / admin
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    created_at: datetime
    operator: str
