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


def _cells_with(store, secrets: list[str]) -> list[str]:
    """Every table, every column: where does any of ``secrets`` still appear? (``table.column`` names)."""
    from backend.store.all_models import metadata

    found = []
    with store() as s:
        for table in metadata.sorted_tables:
            for row in s.execute(select(table)).mappings():
                for col, value in row.items():
                    if isinstance(value, str) and any(x.casefold() in value.casefold() for x in secrets):
                        found.append(f"{table.name}.{col}")
    return sorted(set(found))


def test_no_contact_data_is_left_anywhere_after_the_schedule_and_the_counts_stay(store):
    """A booking with its messages sent: after each period, no name, phone or e-mail in any table."""
    from backend.notify import outbox
    from backend.notify.outbox import OutboxMessage
    from backend.notify.publisher import outbox_stager
    from backend.store.admin_models import AuditEntry
    from backend.store.retention import erase_outbox_contacts

    contact = ["Maija Meikäläinen", "+358401111111", "maija@example.fi"]
    req = bookings.BookingRequest(
        "vero-personal", "imatra", "fi", at(TUESDAY, 10), BookedVia.PHONE, "advisor-1",
        citizen_name=contact[0], phone=contact[1], email=contact[2],
    )  # fmt: skip
    bookings.book(store, req, NOW, stage=outbox_stager(lambda: NOW.timestamp()))
    assert _cells_with(store, contact), "the booking and its messages hold the contact data at first"
    # The worker settles every message: the confirmations are sent, the reminders after the meeting expire.
    with store() as s:
        for row in outbox.claim(s, "w", at(TUESDAY, 12).timestamp(), 60, limit=100):
            if row.expires_at is not None:
                outbox.mark_failed(s, row.id, "w", "expired")
            else:
                outbox.mark_sent(s, row.id, "w", NOW.timestamp(), "ext")
        settled = s.scalar(select(func.count()).select_from(OutboxMessage))
    assert settled >= 2

    day_after = at(TUESDAY, 10, 30)
    assert erase_contact_data(store, day_after + timedelta(days=30), keep_days=30) == 1
    assert "booking.phone" not in _cells_with(store, contact)
    assert [c for c in _cells_with(store, contact) if c.startswith("outbox.")], "the outbox has its own period"
    assert erase_outbox_contacts(store, NOW + timedelta(days=60) - timedelta(seconds=1), keep_days=60) == 0
    assert erase_outbox_contacts(store, day_after + timedelta(days=60), keep_days=60) == settled
    assert _cells_with(store, contact) == []
    with store() as s:  # what the statistics count is still there
        assert s.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.state == "sent")) >= 1
        assert s.scalar(select(func.count()).select_from(BookingRow)) == 1
        erasures = s.scalars(select(AuditEntry.detail).where(AuditEntry.action == "retention.erase")).all()
        assert erasures == ["contact data of 1", f"recipients of {settled}"]


def test_a_message_not_yet_sent_is_never_blanked(store):
    from backend.notify.outbox import OutboxMessage
    from backend.notify.publisher import outbox_stager
    from backend.store.retention import erase_outbox_contacts

    req = bookings.BookingRequest(
        "vero-personal", "imatra", "fi", at(TUESDAY, 10), BookedVia.PHONE, "advisor-1", phone="+358401111111"
    )
    bookings.book(store, req, NOW, stage=outbox_stager(lambda: NOW.timestamp()))
    assert erase_outbox_contacts(store, NOW + timedelta(days=400), keep_days=0) == 0
    with store() as s:
        assert all(r.recipient == "+358401111111" for r in s.scalars(select(OutboxMessage)))


def test_feedback_free_text_is_erased_after_its_own_period_and_the_scores_stay(store):
    from backend.store.appointment_models import CallFeedbackRow
    from backend.store.models import CallRecord
    from backend.store.retention import erase_feedback_text

    replied = at(TUESDAY, 12)
    with store() as s:
        for i, text in enumerate(["Kiitos, Maija", None]):
            s.add(CallRecord(id=f"fb{i}", booth_id="imatra-1", phase="ended", requested_at=replied.timestamp() - 3600))
            s.flush()
            s.add(CallFeedbackRow(call_id=f"fb{i}", sms_overall=4, sms_text=text, sms_at=replied.timestamp()))
        s.commit()
    assert erase_feedback_text(store, replied + timedelta(days=90) - timedelta(seconds=1), keep_days=90) == 0
    with store() as s:
        assert s.get(CallFeedbackRow, "fb0").sms_text == "Kiitos, Maija"
    assert erase_feedback_text(store, replied + timedelta(days=90), keep_days=90) == 1
    assert erase_feedback_text(store, replied + timedelta(days=91), keep_days=90) == 0  # nothing left
    with store() as s:
        rows = s.scalars(select(CallFeedbackRow)).all()
        assert [r.sms_text for r in rows] == [None, None]
        assert [r.sms_overall for r in rows] == [4, 4]  # the reports still count the scores
