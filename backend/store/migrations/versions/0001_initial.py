"""Initial schema: catalogue stubs, accounts, login sessions, call records.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organisation",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
    )
    op.create_table(
        "service_point",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("address", sa.String(200), nullable=False),
    )
    op.create_table(
        "booth",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("point_id", sa.String(64), sa.ForeignKey("service_point.id"), nullable=False),
        sa.Column("secret_hash", sa.String(200), nullable=False),
    )
    op.create_table(
        "official",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("username", sa.String(120), nullable=False, unique=True),
        sa.Column("display_name", sa.String(120), nullable=False),
        sa.Column("organisation_id", sa.String(64), sa.ForeignKey("organisation.id"), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
    )
    op.create_table(
        "login_session",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("official_id", sa.String(64), sa.ForeignKey("official.id"), nullable=False, index=True),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
    )
    op.create_table(
        "call_record",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("booth_id", sa.String(64), sa.ForeignKey("booth.id"), nullable=False, index=True),
        sa.Column("official_id", sa.String(64), sa.ForeignKey("official.id"), nullable=True),
        sa.Column("phase", sa.String(20), nullable=False),
        sa.Column("requested_at", sa.Float, nullable=False),
        sa.Column("admitted_at", sa.Float, nullable=True),
        sa.Column("ended_at", sa.Float, nullable=True),
        sa.Column("end_reason", sa.String(40), nullable=True),
    )


def downgrade() -> None:
    for table in ("call_record", "login_session", "official", "booth", "service_point", "organisation"):
        op.drop_table(table)
