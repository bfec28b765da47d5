"""The users of a shared (PostgreSQL) ledger: each login with its role (clerk, viewer, admin)
and the unit it works for (issue 24). The logins themselves, their grants and the row-level
security policies are PostgreSQL's, kept in step by `zs init` and `zs user`
(``store/access.py``); a ledger file has no users (it is guarded by who can open it).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("operator", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name="fk_ledger_user_unit_id_unit"),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_user"),
        sa.UniqueConstraint("name", name="uq_ledger_user_name"),
    )


def downgrade() -> None:
    op.drop_table("ledger_user")
