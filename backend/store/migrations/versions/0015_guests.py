"""Third parties invited into a call: one-time links, codes (hashed) and their contact data.

Revision ID: 0015_guests
Revises: 0014_call_quality
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_guests"
down_revision = "0014_call_quality"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "guest_invitation",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("role", sa.String(24), nullable=False),
        sa.Column("language", sa.String(3), nullable=True),
        sa.Column("booking_id", sa.String(64), nullable=True),
        sa.Column("session_id", sa.String(64), nullable=True),
        sa.Column("organisation_id", sa.String(64), nullable=False),
        sa.Column("point_id", sa.String(64), nullable=False),
        sa.Column("service_id", sa.String(64), nullable=True),
        sa.Column("invited_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("valid_from", sa.Float, nullable=False),
        sa.Column("valid_until", sa.Float, nullable=False),
        sa.Column("name", sa.String(120), nullable=True),
        sa.Column("phone", sa.String(40), nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("contact_erased_at", sa.Float, nullable=True),
        sa.Column("code_hash", sa.String(64), nullable=True),
        sa.Column("code_sent_at", sa.Float, nullable=True),
        sa.Column("codes_sent", sa.Integer, nullable=False),
        sa.Column("tries", sa.Integer, nullable=False),
        sa.Column("locked", sa.Boolean, nullable=False),
        sa.Column("device_hash", sa.String(64), nullable=True, unique=True),
        sa.Column("verified_at", sa.Float, nullable=True),
        sa.Column("admitted_at", sa.Float, nullable=True),
        sa.Column("removed_at", sa.Float, nullable=True),
        sa.Column("revoked_at", sa.Float, nullable=True),
    )
    op.create_index("ix_guest_invitation_booking_id", "guest_invitation", ["booking_id"])
    op.create_index("ix_guest_invitation_session_id", "guest_invitation", ["session_id"])
    op.create_index("ix_guest_invitation_organisation_id", "guest_invitation", ["organisation_id"])
    op.create_index("ix_guest_invitation_valid_until", "guest_invitation", ["valid_until"])


def downgrade() -> None:
    op.drop_table("guest_invitation")
