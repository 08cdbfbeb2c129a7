"""An official's day: their bookings on one Helsinki day, at every point, for the official's day view."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.domain.catalogue import HELSINKI
from backend.store.booking_models import BookingRow


def bookings_of(s: Session, official_id: str, day: date) -> list[BookingRow]:
    """The official's bookings starting on ``day`` (Helsinki time), in time order, whatever their status."""
    lo = datetime.combine(day, datetime.min.time(), tzinfo=HELSINKI).timestamp()
    hi = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=HELSINKI).timestamp()
    q = select(BookingRow).where(BookingRow.official_id == official_id, BookingRow.start >= lo, BookingRow.start < hi)
    return list(s.scalars(q.order_by(BookingRow.start, BookingRow.id)))
