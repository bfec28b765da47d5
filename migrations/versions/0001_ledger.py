"""The ledger: units, projects, contacts, credit, stage history, rates, arrivals, audit.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("rank", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["unit.id"], name="fk_unit_parent_id_unit"),
        sa.PrimaryKeyConstraint("id", name="pk_unit"),
        sa.UniqueConstraint("parent_id", "name", name="uq_unit_parent_name"),
    )
    op.create_index("ix_unit_parent_id", "unit", ["parent_id"])
    op.create_table(
        "project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("investor", sa.String(), nullable=True),
        sa.Column("origin", sa.String(), nullable=True),
        sa.Column("industry", sa.String(), nullable=True),
        sa.Column("industrial", sa.Boolean(), nullable=False),
        sa.Column("contract_fen", sa.BigInteger(), nullable=True),
        sa.Column("total_investment_fen", sa.BigInteger(), nullable=True),
        sa.Column("stage", sa.String(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("producing_on", sa.Date(), nullable=True),
        sa.Column("terminated_on", sa.Date(), nullable=True),
        sa.Column("termination_reason", sa.String(), nullable=True),
        sa.Column("occasion", sa.String(), nullable=True),
        sa.Column("leader", sa.String(), nullable=True),
        sa.Column("recruiter", sa.String(), nullable=True),
        sa.Column("informant", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_project"),
        sa.UniqueConstraint("code", name="uq_project_code"),
    )
    op.create_index("ix_project_signed_on", "project", ["signed_on"])
    op.create_table(
        "project_contact",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("contact", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name="fk_project_contact_project_id_project"
        ),
        sa.PrimaryKeyConstraint("project_id", name="pk_project_contact"),
    )
    op.create_table(
        "project_unit",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("share_bp", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name="fk_project_unit_project_id_project"
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name="fk_project_unit_unit_id_unit"),
        sa.PrimaryKeyConstraint("project_id", "unit_id", name="pk_project_unit"),
    )
    op.create_index("ix_project_unit_unit_id", "project_unit", ["unit_id"])
    op.create_table(
        "stage_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(), nullable=False),
        sa.Column("previous_stage", sa.String(), nullable=True),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("correction", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("operator", sa.String(), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name="fk_stage_event_project_id_project"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_stage_event"),
    )
    op.create_index("ix_stage_event_project_id", "stage_event", ["project_id"])
    op.create_table(
        "exchange_rate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(), nullable=False),
        sa.Column("month", sa.String(), nullable=False),
        sa.Column("rate_micro", sa.Integer(), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("operator", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_exchange_rate"),
        sa.UniqueConstraint("currency", "month", name="uq_exchange_rate_month"),
    )
    op.create_table(
        "arrival",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("arrived_on", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("rate_micro", sa.Integer(), nullable=True),
        sa.Column("cny_fen", sa.BigInteger(), nullable=False),
        sa.Column("usd_cents", sa.BigInteger(), nullable=True),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("ref", sa.String(), nullable=True),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.Column("warnings", sa.String(), nullable=True),
        sa.Column("operator", sa.String(), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name="fk_arrival_project_id_project"
        ),
        sa.ForeignKeyConstraint(
            ["reverses_id"], ["arrival.id"], name="fk_arrival_reverses_id_arrival"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_arrival"),
        sa.UniqueConstraint("reverses_id", name="uq_arrival_reverses_id"),
    )
    op.create_index("ix_arrival_project_date", "arrival", ["project_id", "arrived_on", "cny_fen"])
    op.create_index("ix_arrival_date_project", "arrival", ["arrived_on", "project_id", "cny_fen"])
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("operator", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("before", sa.String(), nullable=True),
        sa.Column("after", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_audit"),
    )
    op.create_index("ix_audit_at", "audit", ["at"])
    op.create_index("ix_audit_project_id", "audit", ["project_id"])


def downgrade() -> None:
    for table in (
        "audit",
        "arrival",
        "exchange_rate",
        "stage_event",
        "project_unit",
        "project_contact",
        "project",
        "unit",
    ):
        op.drop_table(table)
