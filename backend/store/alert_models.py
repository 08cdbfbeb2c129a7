"""The table of advisor alerts: kept until an advisor acknowledges them.

An alert is a row before anyone is told, so a desk browser that was closed, a
backend restart or a dropped websocket never loses it: the hub sends every
unacknowledged alert again to each advisor who connects. Rows are never
deleted; ``acknowledged_at``/``acknowledged_by`` record who took care of it.

The texts are stored as built (they name booth and service, never the
citizen), so an alert reads the same later even if a name changes. Times are
UTC epoch seconds like the rest of the schema.
"""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.store.models import Base


class AdvisorAlertRow(Base):
    __tablename__ = "advisor_alert"
    __table_args__ = (Index("ix_advisor_alert_open", "acknowledged_at", "point_id"),)
    #: uuid hex: the alert_id on the wire, and not guessable from another alert's.
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    #: protocol.messages.AlertKind: checkin_refused, official_no_show.
    kind: Mapped[str] = mapped_column(String(20))
    point_id: Mapped[str] = mapped_column(ForeignKey("service_point.id"))
    booth_id: Mapped[str | None] = mapped_column(ForeignKey("booth.id"), nullable=True)
    booking_id: Mapped[str | None] = mapped_column(ForeignKey("booking.id"), nullable=True)
    booking_code: Mapped[str | None] = mapped_column(String(8), nullable=True)
    created_at: Mapped[float] = mapped_column(Float)
    message_fi: Mapped[str] = mapped_column(String(500))
    message_sv: Mapped[str] = mapped_column(String(500))
    message_en: Mapped[str] = mapped_column(String(500))
    acknowledged_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    acknowledged_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
