"""Tables of what happens in an appointment that statistics count: how the citizen was identified.

Never who: the identity read from the ID card lives only in the backend's
memory while the call lasts (``backend.domain.identification``). A call is
identified at most once per method; identifying again with the same method
changes nothing, so a count per method is a count of calls.
"""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, String
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
