"""Tables of administration: the audit log, one-time set-password links, account state, retired booths.

The audit log holds who did what to which resource and when — never call
content, never a citizen's contact data (``backend.store.audit`` says why it is
chained). A set-password link stores only its token's hash, like sign-ins.

An account's e-mail and deactivation, and a booth's retirement, are tables of
their own rather than new columns of ``official`` and ``booth``: code that
runs on an older schema (the migration tests seed the demo at revision 0006)
keeps working, and the core tables stay as other branches know them.
"""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.store.models import Base


class AuditEntry(Base):
    """One change or one access to personal data; append-only (triggers refuse UPDATE and DELETE)."""

    __tablename__ = "audit_entry"
    #: 1, 2, 3, ... without gaps: a gap is a deleted entry.
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[float] = mapped_column(Float)
    #: the account's id, or "system" for the backend's own jobs.
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(60))
    resource_kind: Mapped[str] = mapped_column(String(40))
    resource_id: Mapped[str] = mapped_column(String(64))
    #: what changed, as field names and catalogue values — never personal data.
    detail: Mapped[str] = mapped_column(String(500))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_audit_entry_resource", "resource_kind", "resource_id"),)


class PasswordSetup(Base):
    """A one-time link to set an account's password (an invitation or a reset)."""

    __tablename__ = "password_setup"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    official_id: Mapped[str] = mapped_column(ForeignKey("official.id"), index=True)
    created_at: Mapped[float] = mapped_column(Float)
    expires_at: Mapped[float] = mapped_column(Float)
    used_at: Mapped[float | None] = mapped_column(Float, nullable=True)


class AccountState(Base):
    """What administration knows of an account beyond signing in: its work e-mail, whether it is deactivated."""

    __tablename__ = "account_state"
    official_id: Mapped[str] = mapped_column(ForeignKey("official.id"), primary_key=True)
    #: the work address set-password links go to (staff, not citizens).
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    #: set when an admin deactivates the account: it cannot sign in; its history stays.
    deactivated_at: Mapped[float | None] = mapped_column(Float, nullable=True)


class BoothRetirement(Base):
    """A retired booth cannot connect again; its call records and bookings stay."""

    __tablename__ = "booth_retirement"
    booth_id: Mapped[str] = mapped_column(ForeignKey("booth.id"), primary_key=True)
    retired_at: Mapped[float] = mapped_column(Float)
