"""Advisor alerts, kept until acknowledged.

Revision ID: 0004_alerts
Revises: 0003_outbox (and needs 0002_bookings for the booking foreign key)
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_alerts"
down_revision = "0003_outbox"
branch_labels = None
# booking_id references booking, created on the parallel 0002 branch.
depends_on = "0002_bookings"


def upgrade() -> None:
    op.create_table(
        "advisor_alert",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("point_id", sa.String(64), sa.ForeignKey("service_point.id"), nullable=False),
        sa.Column("booth_id", sa.String(64), sa.ForeignKey("booth.id"), nullable=True),
        sa.Column("booking_id", sa.String(64), sa.ForeignKey("booking.id"), nullable=True),
        sa.Column("booking_code", sa.String(8), nullable=True),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("message_fi", sa.String(500), nullable=False),
        sa.Column("message_sv", sa.String(500), nullable=False),
        sa.Column("message_en", sa.String(500), nullable=False),
        sa.Column("acknowledged_at", sa.Float, nullable=True),
        sa.Column("acknowledged_by", sa.String(64), nullable=True),
    )
    op.create_index("ix_advisor_alert_open", "advisor_alert", ["acknowledged_at", "point_id"])


def downgrade() -> None:
    op.drop_index("ix_advisor_alert_open", table_name="advisor_alert")
    op.drop_table("advisor_alert")
