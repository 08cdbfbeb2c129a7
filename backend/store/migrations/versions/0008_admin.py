"""Administration: the audit log, set-password links, deactivated accounts, retired booths, erased outbox rows.

- ``audit_entry``: append-only and hash-chained (``backend.store.audit``). The
  database refuses UPDATE and DELETE on it (a trigger on SQLite and on
  PostgreSQL), so only someone who drops the trigger can change it — and then
  ``etapiste audit verify`` names the first entry that no longer fits the chain.
- ``password_setup``: one-time set-password links (only the token's hash).
- ``official.deactivated_at``: a deactivated account cannot sign in; its row stays for history;
  ``official.email``: the work address invitations and reset links go to (staff, not citizens).
- ``booth.retired_at``: a retired booth cannot connect; its call records stay.
- ``outbox.contact_erased_at``: when retention blanked the row's recipient and texts.

Revision ID: 0008_admin
Revises: 0007_catalogue_checks
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_admin"
down_revision = "0007_catalogue_checks"
branch_labels = None
depends_on = None

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_entry is append-only';
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    op.create_table(
        "audit_entry",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("resource_kind", sa.String(40), nullable=False),
        sa.Column("resource_id", sa.String(64), nullable=False),
        sa.Column("detail", sa.String(500), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_audit_entry_resource", "audit_entry", ["resource_kind", "resource_id"])
    op.create_table(
        "password_setup",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("official_id", sa.String(64), sa.ForeignKey("official.id"), nullable=False, index=True),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
        sa.Column("used_at", sa.Float, nullable=True),
    )
    with op.batch_alter_table("official") as t:
        t.add_column(sa.Column("deactivated_at", sa.Float, nullable=True))
        t.add_column(sa.Column("email", sa.String(254), nullable=True))
    with op.batch_alter_table("booth") as t:
        t.add_column(sa.Column("retired_at", sa.Float, nullable=True))
    with op.batch_alter_table("outbox") as t:
        t.add_column(sa.Column("contact_erased_at", sa.Float, nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        op.execute(
            "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
            "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_entry_no_{verb.lower()} BEFORE {verb} ON audit_entry "
                "BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry")
        op.execute("DROP FUNCTION IF EXISTS audit_entry_append_only()")
    with op.batch_alter_table("outbox") as t:
        t.drop_column("contact_erased_at")
    with op.batch_alter_table("booth") as t:
        t.drop_column("retired_at")
    with op.batch_alter_table("official") as t:
        t.drop_column("email")
        t.drop_column("deactivated_at")
    op.drop_table("password_setup")
    op.drop_index("ix_audit_entry_resource", table_name="audit_entry")
    op.drop_table("audit_entry")
