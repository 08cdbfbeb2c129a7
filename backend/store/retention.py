"""Personal data lifecycle: citizen contact data goes, the anonymous counts stay.

A booking's citizen name, phone and e-mail are needed only to send its messages
and to reach the citizen about it. ``erase_contact_data`` blanks them once the
booking ended more than ``keep_days`` ago (cancelled bookings count from their
booked end time too). The booking row itself stays — service, point, times,
status, channel — so statistics ("how many Tax bookings at Imatra in May, how
many official no-shows") still add up, but nothing in it names a person.

Run it daily from the backend (the lead schedules it); ``now`` is passed in.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, update
from sqlalchemy.orm import Session, sessionmaker

from backend.store.booking_models import BookingRow

DEFAULT_KEEP_DAYS = 30


def erase_contact_data(db: sessionmaker[Session], now: datetime, keep_days: int = DEFAULT_KEEP_DAYS) -> int:
    """Blank contact data of bookings that ended before ``now - keep_days``; return how many."""
    if keep_days < 0:
        raise ValueError("keep_days must be 0 or more")
    cutoff = now.timestamp() - keep_days * 86400
    with db() as s:
        result = s.execute(
            update(BookingRow)
            .where(
                BookingRow.end <= cutoff,
                or_(BookingRow.citizen_name.is_not(None), BookingRow.phone.is_not(None), BookingRow.email.is_not(None)),
            )
            .values(citizen_name=None, phone=None, email=None, contact_erased_at=now.timestamp())
        )
        s.commit()
        return result.rowcount or 0
