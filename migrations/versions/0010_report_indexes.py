"""The index of projects by signing date carries what the report's passes over a period's
signed projects test (issue 26): the cohort of the follow-through rates reads the index alone,
and 合同外资 and the warnings of projects signed with no amount fetch only the rows that pass
its columns (origin, contract) — at a province's million projects, not a random row read for
each project signed in the year. It replaces the plain index on signed_on, its first column.

Revision ID: 0010
Revises: 0009
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

COLUMNS = ["signed_on", "origin", "voided_at", "contract_fen", "started_on", "producing_on"]


def upgrade() -> None:
    op.create_index("ix_project_signed_facts", "project", COLUMNS)
    op.drop_index("ix_project_signed_on", table_name="project")


def downgrade() -> None:
    op.create_index("ix_project_signed_on", "project", ["signed_on"])
    op.drop_index("ix_project_signed_facts", table_name="project")
