"""Ledger settings (zs config): the issuing office, the document number pattern; an index for
实际使用外资 (arrivals from abroad by date), which the 通报 now always states.

Revision ID: 0005
Revises: 0003 (re-chained after 0004 at merge)
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "setting",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.Column("operator", sa.String(), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_setting"),
    )
    op.create_index(
        "ix_arrival_source_date", "arrival", ["source", "arrived_on", "project_id", "usd_cents"]
    )


def downgrade() -> None:
    op.drop_index("ix_arrival_source_date", table_name="arrival")
    op.drop_table("setting")
