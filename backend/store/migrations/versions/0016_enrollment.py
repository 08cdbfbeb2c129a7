"""Booth enrollment: one-time enrollment tokens (hashed) and the booths' client certificates; and what each
booth last reported of its software (image version, slot, update state).

Revision ID: 0016_enrollment
Revises: 0015_guests
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_enrollment"
down_revision = "0015_guests"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "enrollment_token",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("booth_id", sa.String(64), sa.ForeignKey("booth.id"), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
        sa.Column("used_at", sa.Float, nullable=True),
    )
    op.create_index("ix_enrollment_token_booth_id", "enrollment_token", ["booth_id"])
    op.create_table(
        "booth_certificate",
        sa.Column("serial", sa.String(64), primary_key=True),
        sa.Column("booth_id", sa.String(64), sa.ForeignKey("booth.id"), nullable=False),
        sa.Column("key_fingerprint", sa.String(64), nullable=False),
        sa.Column("issued_at", sa.Float, nullable=False),
        sa.Column("not_after", sa.Float, nullable=False),
    )
    op.create_index("ix_booth_certificate_booth_id", "booth_certificate", ["booth_id"])
    op.create_index("ix_booth_certificate_key_fingerprint", "booth_certificate", ["key_fingerprint"])
    op.create_table(
        "booth_software",
        sa.Column("booth_id", sa.String(64), sa.ForeignKey("booth.id"), primary_key=True),
        sa.Column("version", sa.String(80), nullable=False),
        sa.Column("slot", sa.String(16), nullable=False),
        sa.Column("update_state", sa.String(80), nullable=False),
        sa.Column("started_at", sa.Float, nullable=False),
        sa.Column("reported_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("booth_software")
    op.drop_table("booth_certificate")
    op.drop_table("enrollment_token")
