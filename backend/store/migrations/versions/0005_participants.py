"""Call participants: who was in a call, under which peer id, from when to when.

Replaces ``call_record.official_id`` (one official per call) with one row per
participant. Existing records keep their data: each becomes a booth row and,
when an official had been in it, an official row ``o1``. Downgrade puts the
latest official back on the call record.

Also the merge of the two branches (0002_bookings and 0004_alerts).

Revision ID: 0005_participants
Revises: 0002_bookings, 0004_alerts
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_participants"
down_revision = ("0002_bookings", "0004_alerts")
branch_labels = None
depends_on = None


#: Holds the officials across the rebuild of ``call_record``: SQLite rebuilds a
#: table to change its columns, and cannot drop one that rows of another table
#: point at (foreign keys are on), so ``call_participant`` is filled afterwards.
_STASH = "call_official_0005"


def upgrade() -> None:
    op.execute(
        f"CREATE TABLE {_STASH} AS SELECT id, official_id, COALESCE(admitted_at, requested_at) AS joined_at, "
        "ended_at FROM call_record WHERE official_id IS NOT NULL"
    )
    with op.batch_alter_table("call_record") as batch:
        batch.drop_column("official_id")
    op.create_table(
        "call_participant",
        sa.Column("call_id", sa.String(64), sa.ForeignKey("call_record.id"), primary_key=True),
        sa.Column("peer", sa.String(16), primary_key=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("booth_id", sa.String(64), sa.ForeignKey("booth.id"), nullable=True),
        sa.Column("official_id", sa.String(64), sa.ForeignKey("official.id"), nullable=True),
        sa.Column("joined_at", sa.Float, nullable=False),
        sa.Column("left_at", sa.Float, nullable=True),
    )
    op.create_index("ix_call_participant_official_id", "call_participant", ["official_id"])
    # The booth was in every call from the citizen's Start to the end.
    op.execute(
        "INSERT INTO call_participant (call_id, peer, role, booth_id, official_id, joined_at, left_at) "
        "SELECT id, 'booth', 'booth', booth_id, NULL, requested_at, ended_at FROM call_record"
    )
    # The official (the record kept the last one): from admission to the end.
    op.execute(
        "INSERT INTO call_participant (call_id, peer, role, booth_id, official_id, joined_at, left_at) "
        f"SELECT id, 'o1', 'official', NULL, official_id, joined_at, ended_at FROM {_STASH}"
    )
    op.drop_table(_STASH)


def downgrade() -> None:
    # The latest official to join is the one the old single column would have held.
    op.execute(
        f"CREATE TABLE {_STASH} AS SELECT p.call_id AS id, p.official_id FROM call_participant p "
        "WHERE p.role = 'official' AND p.official_id IS NOT NULL AND NOT EXISTS ("
        "SELECT 1 FROM call_participant q WHERE q.call_id = p.call_id AND q.role = 'official' "
        "AND q.official_id IS NOT NULL "
        "AND (q.joined_at > p.joined_at OR (q.joined_at = p.joined_at AND q.peer > p.peer)))"
    )
    op.drop_index("ix_call_participant_official_id", table_name="call_participant")
    op.drop_table("call_participant")
    with op.batch_alter_table("call_record") as batch:
        fk = sa.ForeignKey("official.id", name="call_record_official_id_fkey")  # the name PostgreSQL gave it
        batch.add_column(sa.Column("official_id", sa.String(64), fk, nullable=True))
    op.execute(
        f"UPDATE call_record SET official_id = (SELECT s.official_id FROM {_STASH} s WHERE s.id = call_record.id)"
    )
    op.drop_table(_STASH)
