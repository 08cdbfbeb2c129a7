"""Tables of what happens in an appointment that statistics count: identification and quick feedback.

Never who: the identity read from the ID card lives only in the backend's
memory while the call lasts (``backend.domain.identification``). A call is
identified at most once per method; identifying again with the same method
changes nothing, so a count per method is a count of calls.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.store.models import Base


class CallIdentificationRow(Base):
    """A call whose citizen was identified, and how (``id_card`` or ``in_person``)."""

    __tablename__ = "call_identification"
    call_id: Mapped[str] = mapped_column(ForeignKey("call_record.id"), primary_key=True)
    #: backend.domain.identification.Method: id_card, in_person.
    method: Mapped[str] = mapped_column(String(20), primary_key=True)
    at: Mapped[float] = mapped_column(Float)
    #: The official or advisor who recorded an in-person identification (None for the ID card).
    recorded_by: Mapped[str | None] = mapped_column(String(64), nullable=True)


class CallFeedbackRow(Base):
    """Quick feedback of one call (seed 003 l.662-682): the citizen's three answers and the official's two.

    Scores are 1-5 (5 best), None where not answered. ``citizen_skipped``: the
    citizen skipped or walked away; ``sms_*``: the one SMS that then asks the
    overall question, and its answer (free text is the citizen's own words:
    shown to reports, never logged).
    """

    __tablename__ = "call_feedback"
    call_id: Mapped[str] = mapped_column(ForeignKey("call_record.id"), primary_key=True)
    citizen_service: Mapped[int | None] = mapped_column(Integer, nullable=True)
    citizen_ease: Mapped[int | None] = mapped_column(Integer, nullable=True)
    citizen_overall: Mapped[int | None] = mapped_column(Integer, nullable=True)
    citizen_skipped: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    citizen_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    official_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    official_technical: Mapped[int | None] = mapped_column(Integer, nullable=True)
    official_handled: Mapped[int | None] = mapped_column(Integer, nullable=True)
    official_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    #: The one SMS: when it was queued, and a hash of the number it went to (to match the
    #: reply; cleared once the reply is recorded). The number itself is never stored here.
    sms_asked_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    sms_phone_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    sms_overall: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sms_text: Mapped[str | None] = mapped_column(String(500), nullable=True)
    sms_at: Mapped[float | None] = mapped_column(Float, nullable=True)
