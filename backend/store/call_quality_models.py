"""Tables of how a call went, per participant: periodic figures and events. No content.

``call_stats``: one row per report a participant sent about one of its peer
connections (round trip, loss, jitter, frame rate, bit rates, resolution,
concealed audio, the candidate pair's type). ``call_event``: what a
participant told of its side (ICE and connection states, reconnects, device
faults). Who joined and left, and who ended the call and why, are the call's
own record (``call_record``, ``call_participant``). Both hang on the call's
record (a foreign key) and live as long as it does: call records hold no
personal data and are kept for the statistics; whatever retention they get
must delete these rows first.
"""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.store.models import Base


class CallStatsRow(Base):
    """One interval's figures of one peer connection, as ``peer`` measured it (about ``about_peer``)."""

    __tablename__ = "call_stats"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("call_record.id"), index=True)
    peer: Mapped[str] = mapped_column(String(16))  # who measured: the reporter's peer id in the call
    role: Mapped[str] = mapped_column(String(20))  # the reporter's ParticipantRole
    about_peer: Mapped[str] = mapped_column(String(16))  # the other end of the connection
    at: Mapped[float] = mapped_column(Float)
    rtt_ms: Mapped[float | None] = mapped_column(Float, nullable=True)
    loss_pct: Mapped[float | None] = mapped_column(Float, nullable=True)
    jitter_ms: Mapped[float | None] = mapped_column(Float, nullable=True)
    fps: Mapped[float | None] = mapped_column(Float, nullable=True)
    kbps_in: Mapped[float | None] = mapped_column(Float, nullable=True)
    kbps_out: Mapped[float | None] = mapped_column(Float, nullable=True)
    width: Mapped[int | None] = mapped_column(Integer, nullable=True)
    height: Mapped[int | None] = mapped_column(Integer, nullable=True)
    concealed_pct: Mapped[float | None] = mapped_column(Float, nullable=True)
    pair: Mapped[str | None] = mapped_column(String(16), nullable=True)


class CallEventRow(Base):
    """Something a participant told of its side of the call: a kind and a code, never free text."""

    __tablename__ = "call_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("call_record.id"), index=True)
    peer: Mapped[str] = mapped_column(String(16))
    role: Mapped[str] = mapped_column(String(20))
    about_peer: Mapped[str | None] = mapped_column(String(16), nullable=True)
    at: Mapped[float] = mapped_column(Float)
    kind: Mapped[str] = mapped_column(String(24))
    detail: Mapped[str | None] = mapped_column(String(40), nullable=True)
