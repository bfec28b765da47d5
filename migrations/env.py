"""Alembic environment for zs: runs on the connection zs hands it (see zhaoshang_cli.store.migrate)."""

from alembic import context

connection = context.config.attributes["connection"]
# Batch mode copies a table where SQLite cannot ALTER it; on PostgreSQL the same batch
# operations are plain ALTER statements, all inside one transaction (transactional DDL).
context.configure(connection=connection, render_as_batch=True, transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()
