"""Alembic environment: runs on the connection ``backend.store.database`` hands in."""

from alembic import context

from backend.store.all_models import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
