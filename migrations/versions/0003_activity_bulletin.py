"""Effort records (招商工作量) and the log of weekly bulletins written.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("trip_days", sa.Integer(), nullable=False),
        sa.Column("visits", sa.Integer(), nullable=False),
        sa.Column("leader", sa.String(), nullable=True),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("operator", sa.String(), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name="fk_activity_unit_id_unit"),
        sa.PrimaryKeyConstraint("id", name="pk_activity"),
    )
    op.create_index("ix_activity_unit_id", "activity", ["unit_id"])
    op.create_index("ix_activity_on_date", "activity", ["on_date"])
    op.create_table(
        "bulletin_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week", sa.String(), nullable=False),
        sa.Column("path", sa.String(), nullable=False),
        sa.Column("operator", sa.String(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_bulletin_run"),
    )
    op.create_index("ix_bulletin_run_week", "bulletin_run", ["week"])


def downgrade() -> None:
    op.drop_table("bulletin_run")
    op.drop_table("activity")
