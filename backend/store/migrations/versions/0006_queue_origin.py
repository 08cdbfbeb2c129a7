"""Queue rows say where the citizen was queued: at a booth, or at the desk by the advisor.

Needed to put right what a backend crash leaves (``backend.store.reconcile``):
a citizen waiting at a booth is gone with the booth's session, while a walk-in
the advisor queued at the desk still stands in the room and waits. Existing
rows without a booth were queued at the desk; those with one, at a booth.

Revision ID: 0006_queue_origin
Revises: 0005_participants
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_queue_origin"
down_revision = "0005_participants"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("queue_entry") as batch:
        batch.add_column(sa.Column("origin", sa.String(10), nullable=False, server_default="booth"))
    op.execute("UPDATE queue_entry SET origin = 'desk' WHERE booth_id IS NULL")


def downgrade() -> None:
    with op.batch_alter_table("queue_entry") as batch:
        batch.drop_column("origin")
