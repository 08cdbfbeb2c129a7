"""The table of third parties invited into a call (interpreters, support persons).

One row per invitation. The name, phone and e-mail are personal data that
``backend.store.retention.erase_guest_contacts`` blanks on the retention
schedule (``contact_erased_at`` records when); role, language, times and the
appointment stay for the statistics (third parties per appointment and role).
Only hashes of the link token, the one-time code and the device token are
kept: a database dump opens no call.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.store.models import Base


class GuestInvitationRow(Base):
    __tablename__ = "guest_invitation"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(24))
    language: Mapped[str | None] = mapped_column(String(3), nullable=True)
    #: what the invitation is for: a booking, or a call in progress (its session id)
    booking_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    session_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    organisation_id: Mapped[str] = mapped_column(String(64), index=True)
    point_id: Mapped[str] = mapped_column(String(64))
    service_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    invited_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[float] = mapped_column(Float)
    valid_from: Mapped[float] = mapped_column(Float)
    valid_until: Mapped[float] = mapped_column(Float, index=True)
    #: personal data, blanked by retention
    name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    contact_erased_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    #: the one-time code and the device it bound the link to (hashes only)
    code_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    code_sent_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    codes_sent: Mapped[int] = mapped_column(Integer, default=0)
    tries: Mapped[int] = mapped_column(Integer, default=0)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    device_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    verified_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    admitted_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    removed_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    revoked_at: Mapped[float | None] = mapped_column(Float, nullable=True)
