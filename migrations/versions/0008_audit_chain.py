"""The audit trail becomes a hash chain, and arrivals and the trail append-only (issue 24).

Every audit entry gets its seal in ``audit_chain``; entries already in the ledger are sealed
as found, after an entry that says the chain began here. On SQLite, triggers refuse UPDATE
and DELETE of arrivals, audit entries and seals; on PostgreSQL the roles' privileges do.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

from zhaoshang_cli.store.chain import append_only_sql, start_chain
from zhaoshang_cli.store.ledger import default_operator

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_chain",
        sa.Column("audit_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("prev_id", sa.Integer(), nullable=True),
        sa.Column("row", sa.String(), nullable=True),
        sa.Column("hash", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["audit_id"], ["audit.id"], name="fk_audit_chain_audit_id_audit"),
        sa.PrimaryKeyConstraint("audit_id", name="pk_audit_chain"),
    )
    connection = op.get_bind()
    postgres = connection.dialect.name == "postgresql"
    operator = (
        connection.exec_driver_sql("SELECT session_user").scalar() if postgres else None
    ) or default_operator()
    start_chain(connection, operator)
    if not postgres:
        for statement in append_only_sql():
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in ("arrival", "audit", "audit_chain"):
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS zs_{table}_no_{verb}")
    op.drop_table("audit_chain")
