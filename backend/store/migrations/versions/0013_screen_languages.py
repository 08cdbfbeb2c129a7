"""A service's names and descriptions in the booth's screen-only languages (Russian).

Revision ID: 0013_screen_languages
Revises: 0012_live_sessions
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_screen_languages"
down_revision = "0012_live_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "service_screen_text",
        sa.Column("service_id", sa.String(64), sa.ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("language", sa.String(3), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.String(1000), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("service_screen_text")
