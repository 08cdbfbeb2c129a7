"""Per-call statistics and events of each participant (no content).

Revision ID: 0014_call_quality
Revises: 0013_screen_languages
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_call_quality"
down_revision = "0013_screen_languages"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "call_stats",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("call_id", sa.String(64), sa.ForeignKey("call_record.id"), nullable=False),
        sa.Column("peer", sa.String(16), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("about_peer", sa.String(16), nullable=False),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("rtt_ms", sa.Float, nullable=True),
        sa.Column("loss_pct", sa.Float, nullable=True),
        sa.Column("jitter_ms", sa.Float, nullable=True),
        sa.Column("fps", sa.Float, nullable=True),
        sa.Column("kbps_in", sa.Float, nullable=True),
        sa.Column("kbps_out", sa.Float, nullable=True),
        sa.Column("width", sa.Integer, nullable=True),
        sa.Column("height", sa.Integer, nullable=True),
        sa.Column("concealed_pct", sa.Float, nullable=True),
        sa.Column("pair", sa.String(16), nullable=True),
    )
    op.create_index("ix_call_stats_call_id", "call_stats", ["call_id"])
    op.create_table(
        "call_event",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("call_id", sa.String(64), sa.ForeignKey("call_record.id"), nullable=False),
        sa.Column("peer", sa.String(16), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("about_peer", sa.String(16), nullable=True),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("detail", sa.String(40), nullable=True),
    )
    op.create_index("ix_call_event_call_id", "call_event", ["call_id"])


def downgrade() -> None:
    op.drop_index("ix_call_event_call_id", table_name="call_event")
    op.drop_table("call_event")
    op.drop_index("ix_call_stats_call_id", table_name="call_stats")
    op.drop_table("call_stats")
