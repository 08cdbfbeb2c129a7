"""Administration: the audit log, set-password links, account state, retired booths.

- ``audit_entry``: append-only and hash-chained (``backend.store.audit``). The
  database refuses UPDATE and DELETE on it (a trigger on SQLite and on
  PostgreSQL), so only someone who drops the trigger can change it — and then
  ``etapiste audit verify`` names the first entry that no longer fits the chain.
- ``password_setup``: one-time set-password links (only the token's hash).
- ``account_state``: an account's work e-mail (where invitations and reset links go; staff, not
  citizens) and ``deactivated_at`` (a deactivated account cannot sign in; its history stays);
- ``booth_retirement``: a retired booth cannot connect; its call records stay.

New tables rather than new columns of ``official`` and ``booth``: the ORM models of those keep
working on older schemas (migration tests seed the demo at 0006), and SQLite cannot drop a column
of a table others' foreign keys point at without rebuilding it.

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
    op.create_table(
        "account_state",
        sa.Column("official_id", sa.String(64), sa.ForeignKey("official.id"), primary_key=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("deactivated_at", sa.Float, nullable=True),
    )
    op.create_table(
        "booth_retirement",
        sa.Column("booth_id", sa.String(64), sa.ForeignKey("booth.id"), primary_key=True),
        sa.Column("retired_at", sa.Float, nullable=False),
    )
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
    op.drop_table("booth_retirement")
    op.drop_table("account_state")
    op.drop_table("password_setup")
    op.drop_index("ix_audit_entry_resource", table_name="audit_entry")
    op.drop_table("audit_entry")
