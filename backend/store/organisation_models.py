"""Tables of an organisation's own settings: its wording of the citizen messages, its closure days.

Both belong to one organisation and are changed by its authority admin
(``backend.domain.access.may_administer``); the shared structure (points and
their closure days) stays the master admin's in ``booking_models``.
"""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.store.models import Base


class OrganisationText(Base):
    """An organisation's wording of one message text in one language (checked by
    ``backend.domain.message_texts.check`` before it is stored); no row means the catalogue's default."""

    __tablename__ = "organisation_text"
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    #: ``<kind>.<part>``: ``confirmation.sms``, ``cancellation.subject``, ``feedback_request.sms`` …
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    language: Mapped[str] = mapped_column(String(2), primary_key=True)
    text: Mapped[str] = mapped_column(String(500))
    changed_at: Mapped[float] = mapped_column(Float)
    changed_by: Mapped[str] = mapped_column(String(64))


class OrganisationClosure(Base):
    """A day the organisation serves nobody (a holiday of its own, a training day): its services cannot be
    booked on it at any point."""

    __tablename__ = "organisation_closure"
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # ISO date, Helsinki
    reason: Mapped[str] = mapped_column(String(200))
