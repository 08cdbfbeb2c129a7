"""An organisation's own wording of the citizen messages, its closure days, and each call's service (issue 14).

Revision ID: 0011_organisation_settings
Revises: 0010_official_tools
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_organisation_settings"
down_revision = "0010_official_tools"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organisation_text",
        sa.Column("organisation_id", sa.String(64), sa.ForeignKey("organisation.id"), primary_key=True),
        sa.Column("key", sa.String(60), primary_key=True),
        sa.Column("language", sa.String(2), primary_key=True),
        sa.Column("text", sa.String(500), nullable=False),
        sa.Column("changed_at", sa.Float, nullable=False),
        sa.Column("changed_by", sa.String(64), nullable=False),
    )
    op.create_table(
        "organisation_closure",
        sa.Column("organisation_id", sa.String(64), sa.ForeignKey("organisation.id"), primary_key=True),
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("reason", sa.String(200), nullable=False),
    )
    op.create_table(
        "call_service",
        sa.Column("call_id", sa.String(64), sa.ForeignKey("call_record.id"), primary_key=True),
        sa.Column("service_id", sa.String(64), nullable=False),
    )
    op.create_index("ix_call_service_service_id", "call_service", ["service_id"])


def downgrade() -> None:
    op.drop_index("ix_call_service_service_id", table_name="call_service")
    op.drop_table("call_service")
    op.drop_table("organisation_closure")
    op.drop_table("organisation_text")
