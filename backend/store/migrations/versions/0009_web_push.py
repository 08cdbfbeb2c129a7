"""The advisor's phone alarms: VAPID key, push subscriptions, deliveries and escalation state.

Revision ID: 0009_web_push
Revises: 0008_admin
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_web_push"
down_revision = "0008_admin"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "push_vapid_key",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("private_pem", sa.Text, nullable=False),
        sa.Column("public_key", sa.String(100), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_table(
        "push_subscription",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("official_id", sa.String(64), sa.ForeignKey("official.id", ondelete="CASCADE"), nullable=False),
        sa.Column("endpoint", sa.String(1000), nullable=False, unique=True),
        sa.Column("p256dh", sa.String(100), nullable=False),
        sa.Column("auth", sa.String(40), nullable=False),
        sa.Column("ack_key", sa.String(64), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_index("ix_push_subscription_official_id", "push_subscription", ["official_id"])
    op.create_table(
        "push_delivery",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("alert_id", sa.String(32), sa.ForeignKey("advisor_alert.id", ondelete="CASCADE"), nullable=False),
        sa.Column("subscription_id", sa.String(32), nullable=False),
        sa.Column("level", sa.Integer, nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_at", sa.Float, nullable=False),
        sa.Column("sent_at", sa.Float, nullable=True),
        sa.UniqueConstraint("alert_id", "subscription_id", "level", name="uq_push_delivery_once"),
    )
    op.create_index("ix_push_delivery_due", "push_delivery", ["state", "next_at"])
    op.create_table(
        "alarm_escalation",
        sa.Column("alert_id", sa.String(32), sa.ForeignKey("advisor_alert.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("level", sa.Integer, nullable=False),
        sa.Column("raised_at", sa.Float, nullable=False),
        sa.Column("open", sa.Boolean, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("alarm_escalation")
    op.drop_index("ix_push_delivery_due", table_name="push_delivery")
    op.drop_table("push_delivery")
    op.drop_index("ix_push_subscription_official_id", table_name="push_subscription")
    op.drop_table("push_subscription")
    op.drop_table("push_vapid_key")
