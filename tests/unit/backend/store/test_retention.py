"""Personal data lifecycle on SQLite and PostgreSQL: contact data goes after N days, counts stay."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from backend.domain.bookings import BookedVia
from backend.store import bookings
from backend.store.booking_models import BookingRow
from backend.store.retention import erase_contact_data
from tests.support.bookings import *  # noqa: F403
from tests.support.bookings import NOW, TUESDAY, at


def test_contact_data_is_erased_after_the_retention_period_and_counts_stay(store):
    def book(hour: int, **contact):
        req = bookings.BookingRequest(
            "vero-personal", "imatra", "fi", at(TUESDAY, hour), BookedVia.PHONE, "advisor-1", **contact
        )
        return bookings.book(store, req, NOW)[0]

    old = book(10, citizen_name="Maija Meikäläinen", phone="+358401111111", email="maija@example.fi")
    later = book(11, citizen_name="Matti Meikäläinen", phone="+358402222222")
    bookings.cancel(store, later.code, BookedVia.PHONE, None, NOW)
    ended = at(TUESDAY, 11, 30)

    assert erase_contact_data(store, ended + timedelta(days=30) - timedelta(seconds=1), keep_days=30) == 1
    with store() as s:
        assert s.get(BookingRow, old.id).phone is None and s.get(BookingRow, old.id).contact_erased_at is not None
        assert s.get(BookingRow, later.id).phone == "+358402222222"  # 30 days not yet over for this one

    assert erase_contact_data(store, ended + timedelta(days=30), keep_days=30) == 1
    assert erase_contact_data(store, ended + timedelta(days=31), keep_days=30) == 0  # nothing left to erase
    with store() as s:
        rows = s.scalars(select(BookingRow)).all()
        assert all(r.citizen_name is None and r.phone is None and r.email is None for r in rows)
        # what statistics need is still there
        assert (
            s.scalar(select(func.count()).select_from(BookingRow).where(BookingRow.service_id == "vero-personal")) == 2
        )
        assert sorted(r.status for r in rows) == ["booked", "cancelled"]
