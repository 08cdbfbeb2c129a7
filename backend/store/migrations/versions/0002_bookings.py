"""Bookings: catalogue details, roles, bookings with history, resource slots, walk-in queue.

Revision ID: 0002_bookings
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_bookings"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "service",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("organisation_id", sa.String(64), sa.ForeignKey("organisation.id"), nullable=False, index=True),
        sa.Column("name_fi", sa.String(200), nullable=False),
        sa.Column("name_sv", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("description_fi", sa.String(1000), nullable=False),
        sa.Column("description_sv", sa.String(1000), nullable=False),
        sa.Column("description_en", sa.String(1000), nullable=False),
        sa.Column("duration_min", sa.Integer, nullable=False),
        sa.Column("identification", sa.String(20), nullable=False),
        sa.Column("languages", sa.String(40), nullable=False),
    )
    op.create_table(
        "point_hours",
        sa.Column("point_id", sa.String(64), sa.ForeignKey("service_point.id"), primary_key=True),
        sa.Column("weekday", sa.Integer, primary_key=True),
        sa.Column("opens_min", sa.Integer, nullable=False),
        sa.Column("closes_min", sa.Integer, nullable=False),
    )
    op.create_table(
        "point_closure",
        sa.Column("point_id", sa.String(64), sa.ForeignKey("service_point.id"), primary_key=True),
        sa.Column("day", sa.String(10), primary_key=True),
    )
    op.create_table(
        "official_service",
        sa.Column("official_id", sa.String(64), sa.ForeignKey("official.id"), primary_key=True),
        sa.Column("service_id", sa.String(64), sa.ForeignKey("service.id"), primary_key=True),
    )
    op.create_table(
        "official_language",
        sa.Column("official_id", sa.String(64), sa.ForeignKey("official.id"), primary_key=True),
        sa.Column("language", sa.String(8), primary_key=True),
    )
    op.create_table(
        "official_hours",
        sa.Column("official_id", sa.String(64), sa.ForeignKey("official.id"), primary_key=True),
        sa.Column("weekday", sa.Integer, primary_key=True),
        sa.Column("starts_min", sa.Integer, primary_key=True),
        sa.Column("ends_min", sa.Integer, nullable=False),
    )
    op.create_table(
        "role_grant",
        sa.Column("official_id", sa.String(64), sa.ForeignKey("official.id"), primary_key=True),
        sa.Column("role", sa.String(20), primary_key=True),
        sa.Column("scope", sa.String(64), primary_key=True),
    )
    op.create_table(
        "booking",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("code", sa.String(8), nullable=False, unique=True),
        sa.Column("service_id", sa.String(64), sa.ForeignKey("service.id"), nullable=False, index=True),
        sa.Column("organisation_id", sa.String(64), sa.ForeignKey("organisation.id"), nullable=False, index=True),
        sa.Column("point_id", sa.String(64), sa.ForeignKey("service_point.id"), nullable=False, index=True),
        sa.Column("booth_id", sa.String(64), sa.ForeignKey("booth.id"), nullable=False, index=True),
        sa.Column("official_id", sa.String(64), sa.ForeignKey("official.id"), nullable=False, index=True),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("start", sa.Float, nullable=False, index=True),
        sa.Column("end", sa.Float, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("booked_by", sa.String(64), nullable=True),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("citizen_name", sa.String(200), nullable=True),
        sa.Column("phone", sa.String(40), nullable=True),
        sa.Column("email", sa.String(200), nullable=True),
        sa.Column("contact_erased_at", sa.Float, nullable=True),
    )
    op.create_table(
        "booking_history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("booking_id", sa.String(64), sa.ForeignKey("booking.id"), nullable=False, index=True),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("start", sa.Float, nullable=False),
        sa.Column("booth_id", sa.String(64), nullable=False),
        sa.Column("official_id", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("by", sa.String(64), nullable=True),
    )
    op.create_table(
        "resource_slot",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("resource_kind", sa.String(10), nullable=False),
        sa.Column("resource_id", sa.String(64), nullable=False),
        sa.Column("slot_start", sa.Integer, nullable=False),
        sa.Column("booking_id", sa.String(64), sa.ForeignKey("booking.id"), nullable=False, index=True),
        sa.UniqueConstraint("resource_kind", "resource_id", "slot_start", name="uq_resource_slot"),
    )
    op.create_table(
        "queue_entry",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("point_id", sa.String(64), sa.ForeignKey("service_point.id"), nullable=False, index=True),
        sa.Column("service_id", sa.String(64), sa.ForeignKey("service.id"), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("enqueued_at", sa.Float, nullable=False),
        sa.Column("booking_id", sa.String(64), sa.ForeignKey("booking.id"), nullable=True),
        sa.Column("official_id", sa.String(64), nullable=True),
        sa.Column("appointment_start", sa.Float, nullable=True),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("offered_to", sa.String(64), nullable=True),
        sa.Column("booth_id", sa.String(64), nullable=True),
    )


def downgrade() -> None:
    for table in (
        "queue_entry",
        "resource_slot",
        "booking_history",
        "booking",
        "role_grant",
        "official_hours",
        "official_language",
        "official_service",
        "point_closure",
        "point_hours",
        "service",
    ):
        op.drop_table(table)
