"""Live sessions and resume tokens, so a backend restart does not end a lobby wait or a call.

Revision ID: 0012_live_sessions
Revises: 0011_organisation_settings
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_live_sessions"
down_revision = "0011_organisation_settings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "live_session",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("booth_id", sa.String(64), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
    )
    op.create_index("ix_live_session_booth_id", "live_session", ["booth_id"])
    op.create_table(
        "resume_token",
        sa.Column("hash", sa.String(128), primary_key=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("party_id", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.Float, nullable=True),
    )
    op.create_index("ix_resume_token_party_id", "resume_token", ["party_id"])


def downgrade() -> None:
    op.drop_index("ix_resume_token_party_id", table_name="resume_token")
    op.drop_table("resume_token")
    op.drop_index("ix_live_session_booth_id", table_name="live_session")
    op.drop_table("live_session")
