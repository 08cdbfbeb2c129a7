"""How each call's citizen was identified (the method only, never the identity), and its quick feedback.

Revision ID: 0010_official_tools
Revises: 0009_web_push
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_official_tools"
down_revision = "0009_web_push"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "call_identification",
        sa.Column("call_id", sa.String(64), sa.ForeignKey("call_record.id"), primary_key=True),
        sa.Column("method", sa.String(20), primary_key=True),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("recorded_by", sa.String(64), nullable=True),
    )
    op.create_table(
        "call_feedback",
        sa.Column("call_id", sa.String(64), sa.ForeignKey("call_record.id"), primary_key=True),
        sa.Column("citizen_service", sa.Integer, nullable=True),
        sa.Column("citizen_ease", sa.Integer, nullable=True),
        sa.Column("citizen_overall", sa.Integer, nullable=True),
        sa.Column("citizen_skipped", sa.Boolean, nullable=True),
        sa.Column("citizen_at", sa.Float, nullable=True),
        sa.Column("official_id", sa.String(64), nullable=True),
        sa.Column("official_technical", sa.Integer, nullable=True),
        sa.Column("official_handled", sa.Integer, nullable=True),
        sa.Column("official_at", sa.Float, nullable=True),
        sa.Column("sms_asked_at", sa.Float, nullable=True),
        sa.Column("sms_phone_hash", sa.String(64), nullable=True),
        sa.Column("sms_overall", sa.Integer, nullable=True),
        sa.Column("sms_text", sa.String(500), nullable=True),
        sa.Column("sms_at", sa.Float, nullable=True),
    )
    op.create_index("ix_call_feedback_sms_phone_hash", "call_feedback", ["sms_phone_hash"])


def downgrade() -> None:
    op.drop_index("ix_call_feedback_sms_phone_hash", table_name="call_feedback")
    op.drop_table("call_feedback")
    op.drop_table("call_identification")
