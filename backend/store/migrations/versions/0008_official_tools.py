"""How each call's citizen was identified (the method only, never the identity).

Revision ID: 0008_official_tools
Revises: 0007_catalogue_checks
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_official_tools"
down_revision = "0007_catalogue_checks"
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


def downgrade() -> None:
    op.drop_table("call_identification")
