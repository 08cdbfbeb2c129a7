"""Tables of booth enrollment: one-time tokens (hashed) and the client certificates signed for booths.

Tables of their own rather than columns of ``booth``: code on older schemas
keeps working, and a booth's history of certificates stays for the audit.
A booth with any certificate is *enrolled*: its per-booth secret is no
longer accepted (``backend.store.enrollment.booth_login``).
"""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.store.models import Base


class EnrollmentToken(Base):
    """A one-time token a master admin made for one booth; only its SHA-256 is stored."""

    __tablename__ = "enrollment_token"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    booth_id: Mapped[str] = mapped_column(ForeignKey("booth.id"), index=True)
    created_at: Mapped[float] = mapped_column(Float)
    expires_at: Mapped[float] = mapped_column(Float)
    #: set when a booth enrolled with it, or when a newer token for the same booth replaced it.
    used_at: Mapped[float | None] = mapped_column(Float, nullable=True)


class BoothCertificate(Base):
    """A client certificate signed for a booth (the first by a token, later ones by renewal)."""

    __tablename__ = "booth_certificate"
    serial: Mapped[str] = mapped_column(String(64), primary_key=True)  # hex, as in the certificate
    booth_id: Mapped[str] = mapped_column(ForeignKey("booth.id"), index=True)
    #: SHA-256 of the public key's DER: a renewal request must carry the same key.
    key_fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    issued_at: Mapped[float] = mapped_column(Float)
    not_after: Mapped[float] = mapped_column(Float)
