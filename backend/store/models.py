"""Tables of the backend, as SQLAlchemy 2 declarative models.

The schema itself is owned by the Alembic migrations in ``migrations/``; these
models must match them (a unit test compares the two).

What is *not* here is deliberate: no call content, no SDP, no citizen data.
A call record holds times, who took part (booth, officials, guests) and why
it ended.
"""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Organisation(Base):
    """An authority: Kela, the Tax Administration, DVV, the Police, ..."""

    __tablename__ = "organisation"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))


class ServicePoint(Base):
    """A municipal service point (Suomi-piste) that hosts booths."""

    __tablename__ = "service_point"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(200), default="")


class Booth(Base):
    __tablename__ = "booth"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    point_id: Mapped[str] = mapped_column(ForeignKey("service_point.id"))
    #: scrypt hash of the per-booth credential; replaced by enrollment later.
    secret_hash: Mapped[str] = mapped_column(String(200))


class Official(Base):
    __tablename__ = "official"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(120), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"))
    password_hash: Mapped[str] = mapped_column(String(200))


class LoginSession(Base):
    """An official's signed-in browser. Only the token's hash is stored."""

    __tablename__ = "login_session"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    official_id: Mapped[str] = mapped_column(ForeignKey("official.id"), index=True)
    created_at: Mapped[float] = mapped_column(Float)
    expires_at: Mapped[float] = mapped_column(Float)


class CallRecord(Base):
    """One session from Start to end: for statistics and fault finding."""

    __tablename__ = "call_record"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    booth_id: Mapped[str] = mapped_column(ForeignKey("booth.id"), index=True)
    phase: Mapped[str] = mapped_column(String(20))
    requested_at: Mapped[float] = mapped_column(Float)
    admitted_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    ended_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    end_reason: Mapped[str | None] = mapped_column(String(40), nullable=True)


class CallParticipantRow(Base):
    """Who was in a call, under which peer id, from when to when. No content.

    One row per participant: the booth, each official and guest (a second
    official, an interpreter). Someone who left and came back has a row per
    stay, since the broker gives every stay a fresh peer id.
    """

    __tablename__ = "call_participant"
    call_id: Mapped[str] = mapped_column(ForeignKey("call_record.id"), primary_key=True)
    peer: Mapped[str] = mapped_column(String(16), primary_key=True)
    role: Mapped[str] = mapped_column(String(20))
    booth_id: Mapped[str | None] = mapped_column(ForeignKey("booth.id"), nullable=True)
    official_id: Mapped[str | None] = mapped_column(ForeignKey("official.id"), nullable=True, index=True)
    joined_at: Mapped[float] = mapped_column(Float)
    left_at: Mapped[float | None] = mapped_column(Float, nullable=True)
