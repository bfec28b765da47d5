"""A project's whole life (issue 13): changes with their dates (project_change), the credit
a project had before each change of credit (credit_before), USD contracts, voids, and the
normalised investor and name that 不重复统计 compares (filled in for every project).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from zhaoshang_cli.core.text import duplicate_key

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("project") as batch:
        batch.add_column(sa.Column("contract_currency", sa.String(), nullable=True))
        batch.add_column(sa.Column("contract_minor", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("duplicate_key", sa.String(), nullable=True))
        batch.add_column(sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("void_reason", sa.String(), nullable=True))
    op.create_index("ix_project_duplicate_key", "project", ["duplicate_key"])
    op.create_table(
        "project_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("old_text", sa.String(), nullable=True),
        sa.Column("new_text", sa.String(), nullable=True),
        sa.Column("old_number", sa.BigInteger(), nullable=True),
        sa.Column("new_number", sa.BigInteger(), nullable=True),
        sa.Column("old_date", sa.Date(), nullable=True),
        sa.Column("new_date", sa.Date(), nullable=True),
        sa.Column("effective_on", sa.Date(), nullable=True),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("operator", sa.String(), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name="fk_project_change_project_id_project"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_project_change"),
    )
    op.create_index("ix_project_change_project_field", "project_change", ["project_id", "field"])
    op.create_index("ix_project_change_effective_on", "project_change", ["effective_on"])
    op.create_table(
        "credit_before",
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("share_bp", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["change_id"], ["project_change.id"], name="fk_credit_before_change_id_project_change"
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name="fk_credit_before_unit_id_unit"),
        sa.PrimaryKeyConstraint("change_id", "unit_id", name="pk_credit_before"),
    )
    op.create_index("ix_credit_before_unit_id", "credit_before", ["unit_id"])
    fill_duplicate_keys()


def fill_duplicate_keys() -> None:
    """Every project's key, so a project entered before this revision is found too."""
    project = sa.table(
        "project",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("investor", sa.String),
        sa.column("duplicate_key", sa.String),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(project.c.id, project.c.investor, project.c.name)).all()
    keys = [{"pid": pid, "key": duplicate_key(investor, name)} for pid, investor, name in rows]
    if keys:
        connection.execute(
            project.update()
            .where(project.c.id == sa.bindparam("pid"))
            .values(duplicate_key=sa.bindparam("key")),
            keys,
        )


def downgrade() -> None:
    op.drop_table("credit_before")
    op.drop_table("project_change")
    op.drop_index("ix_project_duplicate_key", table_name="project")
    with op.batch_alter_table("project") as batch:
        for column in ("void_reason", "voided_at", "duplicate_key", "contract_minor"):
            batch.drop_column(column)
        batch.drop_column("contract_currency")
