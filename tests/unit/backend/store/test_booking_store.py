"""Bookings in a real database, on SQLite and on PostgreSQL: book, move, cancel, check in, never double-book."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from backend.domain.bookings import BookedVia, BookingRuleError, Status, normalise_code
from backend.domain.checkin import Result
from backend.domain.events import CheckinRefused, CitizenCheckedIn
from backend.store import bookings
from backend.store.booking_models import BookingRow, QueueRow, ResourceSlot
from tests.support.bookings import *  # noqa: F403
from tests.support.bookings import NOW, TUESDAY, at


def request(start, **kw) -> bookings.BookingRequest:
    base = dict(
        service_id="vero-personal",
        point_id="imatra",
        language="fi",
        start=start,
        channel=BookedVia.ADVISOR,
        booked_by="advisor-1",
        citizen_name="Maija Meikäläinen",
        phone="+358401234567",
    )
    return bookings.BookingRequest(**(base | kw))


def overlapping_pairs(db: sessionmaker[Session]) -> int:
    """Independent of the resource_slot table: pairs of live bookings sharing a booth or official in time."""
    with db() as s:
        live = [b for b in s.scalars(select(BookingRow)) if b.status in {"booked", "checked_in", "in_lobby", "in_call"}]
    return sum(
        1
        for i, a in enumerate(live)
        for b in live[i + 1 :]
        if (a.booth_id == b.booth_id or a.official_id == b.official_id) and a.start < b.end and b.start < a.end
    )


def test_booking_stores_who_how_and_returns_what_a_message_needs(store):
    row, event = bookings.book(store, request(at(TUESDAY, 10)), NOW)
    assert normalise_code(row.code) == row.code
    assert (row.booth_id, row.official_id, row.status, row.channel) == ("imatra-1", "official-1", "booked", "advisor")
    assert row.end - row.start == 30 * 60
    f = event.booking
    assert f.code == row.code and f.qr_payload == f"ETP1:{row.code}"
    assert f.service_names["sv"] == "Personbeskattning" and f.point_name == "Suomi-piste Imatra"
    assert f.phone == "+358401234567" and f.start == at(TUESDAY, 10) and f.language == "fi"
    assert "+358" not in repr(f)  # contact data never ends up in a log line via repr
    with store() as s:
        assert bookings.by_code(s, row.code.lower()).id == row.id
        assert [h.action for h in bookings.history(s, row.id)] == ["created"]
        # 30 minutes = 6 five-minute units, for the booth and for the official
        assert s.scalar(select(func.count()).select_from(ResourceSlot)) == 12


def test_a_taken_or_closed_time_is_refused_with_a_reason(store):
    bookings.book(store, request(at(TUESDAY, 10)), NOW)
    with pytest.raises(bookings.SlotTaken, match="not free"):
        bookings.book(store, request(at(TUESDAY, 10, 15), service_id="vero-taxcard"), NOW)
    with pytest.raises(bookings.SlotTaken, match="not free"):
        bookings.book(store, request(at(TUESDAY, 15)), NOW)  # the point closes at 15
    with pytest.raises(BookingRuleError, match="not in 'en'"):
        bookings.book(store, request(at(TUESDAY, 11), service_id="vero-taxcard", language="en"), NOW)
    assert overlapping_pairs(store) == 0


def test_the_database_refuses_the_second_of_two_bookings_that_both_saw_the_slot_free(store):
    """The race the constraint exists for: both transactions pass the free-slot check, then both insert."""
    sessions = [store(), store()]
    rows = []
    for s in sessions:
        slots = bookings.search(s, "vero-personal", "imatra", "fi", TUESDAY, TUESDAY, NOW)
        assert at(TUESDAY, 10) in {x.start for x in slots}  # both see it free
    for _ in sessions:
        b = BookingRow(
            id=uuid.uuid4().hex, code=uuid.uuid4().hex[:6], service_id="vero-personal", organisation_id="vero",
            point_id="imatra", booth_id="imatra-1", official_id="official-1", language="fi",
            start=at(TUESDAY, 10).timestamp(), end=at(TUESDAY, 10, 30).timestamp(), status="booked",
            channel="web", created_at=NOW.timestamp(),
        )  # fmt: skip
        rows.append(b)
    sessions[0].add(rows[0])
    sessions[0].flush()
    bookings._claim(sessions[0], rows[0].id, "imatra-1", "official-1", rows[0].start, rows[0].end)
    sessions[0].commit()
    sessions[1].add(rows[1])
    with pytest.raises(IntegrityError):
        sessions[1].flush()
        bookings._claim(sessions[1], rows[1].id, "imatra-1", "official-1", rows[1].start, rows[1].end)
    sessions[1].rollback()
    for s in sessions:
        s.close()
    assert overlapping_pairs(store) == 0


def test_threads_racing_for_one_slot_get_exactly_one_booking(store):
    n = 16
    gate = threading.Barrier(n)
    outcomes: list[str] = []
    lock = threading.Lock()

    def client(i: int) -> None:
        gate.wait()
        try:
            bookings.book(store, request(at(TUESDAY, 10), phone=f"+35840000{i:04d}"), NOW)
            result = "booked"
        except bookings.SlotTaken:
            result = "taken"
        except (OperationalError, bookings.DatabaseBusy) as exc:  # would be a bug: surfaced, not hidden
            result = f"error {exc}"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["booked"] + ["taken"] * (n - 1)
    assert overlapping_pairs(store) == 0


def test_reschedule_keeps_the_code_and_history_and_frees_the_old_time(store):
    row, _ = bookings.book(store, request(at(TUESDAY, 10)), NOW)
    moved, event = bookings.reschedule(store, row.code, at(TUESDAY, 13), BookedVia.PHONE, "advisor-1", NOW)
    assert moved.code == row.code and moved.start == at(TUESDAY, 13).timestamp()
    assert event.previous_start == at(TUESDAY, 10) and event.booking.start == at(TUESDAY, 13)
    with store() as s:
        hist = bookings.history(s, row.id)
    assert [(h.action, h.start) for h in hist] == [
        ("created", at(TUESDAY, 10).timestamp()),
        ("rescheduled", at(TUESDAY, 13).timestamp()),
    ]
    other, _ = bookings.book(store, request(at(TUESDAY, 10)), NOW)  # the old time is free again
    assert other.code != row.code
    with pytest.raises(bookings.SlotTaken):
        bookings.book(store, request(at(TUESDAY, 13)), NOW)
    # moving onto its own current time, overlapping itself, is allowed
    bookings.reschedule(store, row.code, at(TUESDAY, 13, 15), BookedVia.WEB, None, NOW)
    assert overlapping_pairs(store) == 0


def test_cancel_frees_the_time_and_cannot_be_repeated(store):
    row, _ = bookings.book(store, request(at(TUESDAY, 10)), NOW)
    cancelled, ev = bookings.cancel(store, row.code, BookedVia.WEB, None, NOW)
    assert cancelled.status == "cancelled" and ev.booking.code == row.code
    bookings.book(store, request(at(TUESDAY, 10)), NOW)
    with pytest.raises(BookingRuleError, match="cancelled cannot become cancelled"):
        bookings.cancel(store, row.code, BookedVia.WEB, None, NOW)
    with pytest.raises(BookingRuleError, match="only a booking that is still booked"):
        bookings.reschedule(store, row.code, at(TUESDAY, 12), BookedVia.WEB, None, NOW)


def test_check_in_on_time_joins_the_queue_and_tells_the_official(store):
    row, _ = bookings.book(store, request(at(TUESDAY, 10)), NOW)
    out = bookings.check_in(store, "ETP1:" + row.code, "imatra-1", at(TUESDAY, 9, 50))
    assert out.result.result is Result.OK
    assert [type(e) for e in out.events] == [CitizenCheckedIn]
    assert out.events[0].booking.official_id == "official-1"
    with store() as s:
        assert s.get(BookingRow, row.id).status == "checked_in"
        q = s.get(QueueRow, out.queue_entry_id)
        assert (q.official_id, q.state, q.booking_id) == ("official-1", "waiting", row.id)
    again = bookings.check_in(store, row.code, "imatra-1", at(TUESDAY, 9, 55))
    assert again.result.result is Result.ALREADY_CHECKED_IN


def test_check_in_at_another_point_or_too_late(store):
    row, _ = bookings.book(store, request(at(TUESDAY, 10)), NOW)
    wrong = bookings.check_in(store, row.code, "lpr-1", at(TUESDAY, 10))
    assert wrong.result.result is Result.WRONG_POINT and "Imatra" not in wrong.result.messages["fi"]
    assert [type(e) for e in wrong.events] == [CheckinRefused]
    late = bookings.check_in(store, row.code, "imatra-1", at(TUESDAY, 10, 20))
    assert late.result.result is Result.TOO_LATE and late.queue_entry_id is not None
    with store() as s:
        q = s.get(QueueRow, late.queue_entry_id)
        assert q.official_id is None and q.booking_id is None  # a walk-in now
    unknown = bookings.check_in(store, "2222AA", "imatra-1", at(TUESDAY, 10))
    assert unknown.result.result is Result.UNKNOWN_CODE and unknown.events == []


def test_official_no_show_is_marked_and_alerts(store):
    row, _ = bookings.book(store, request(at(TUESDAY, 10)), NOW)
    bookings.check_in(store, row.code, "imatra-1", at(TUESDAY, 9, 58))
    assert bookings.mark_official_no_shows(store, at(TUESDAY, 10, 9), set()) == []
    assert bookings.mark_official_no_shows(store, at(TUESDAY, 10, 30), {row.id}) == []  # the official joined
    events = bookings.mark_official_no_shows(store, at(TUESDAY, 10, 12), set())
    assert [(e.booking.code, e.minutes_late) for e in events] == [(row.code, 12)]
    with store() as s:
        assert s.get(BookingRow, row.id).status == Status.OFFICIAL_NO_SHOW
    assert bookings.mark_official_no_shows(store, at(TUESDAY, 10, 40), set()) == []  # once only


def test_day_search_after_bookings_no_longer_offers_them(store):
    bookings.book(store, request(at(TUESDAY, 10)), NOW)
    with store() as s:
        slots = bookings.search(s, "vero-personal", "imatra", "fi", TUESDAY, TUESDAY + timedelta(days=1), NOW)
    starts = {x.start for x in slots}
    assert at(TUESDAY, 9, 45) not in starts and at(TUESDAY, 10, 15) not in starts and at(TUESDAY, 10, 30) in starts


def test_a_completed_bookings_time_is_not_offered_again(store):
    """Found using the demo: after the call of a 10:00 booking was completed, the search offered 10:00
    and 10:15 again, and booking them answered 409 "just taken" (the time's rows were kept)."""
    row, _ = bookings.book(store, request(at(TUESDAY, 10)), NOW)
    bookings.check_in(store, row.code, "imatra-1", at(TUESDAY, 9, 50))
    for phase, admitted, when in (("lobby", False, 9), ("in_call", True, 9), ("ended", True, 10)):
        bookings.follow_call(store, row.code, phase, admitted, at(TUESDAY, when, 52 if when == 9 else 5))
    with store() as s:
        assert s.get(BookingRow, row.id).status == Status.COMPLETED
        slots = bookings.search(s, "vero-personal", "imatra", "fi", TUESDAY, TUESDAY, NOW)
    starts = {x.start for x in slots}
    assert at(TUESDAY, 10) not in starts and at(TUESDAY, 10, 15) not in starts and at(TUESDAY, 10, 30) in starts
    with pytest.raises(bookings.SlotTaken, match="not free"):  # the search's refusal, not the race's
        bookings.book(store, request(at(TUESDAY, 10, 15), citizen_name="Toinen"), NOW)
    assert overlapping_pairs(store) == 0


def test_queue_snapshot_orders_and_estimates_with_who_is_present(store):
    a = bookings.enqueue_walk_in(store, "imatra", "vero-personal", "fi", None, NOW)
    b = bookings.enqueue_walk_in(store, "imatra", "vero-taxcard", "sv", None, NOW + timedelta(minutes=1))
    lines = bookings.queue_snapshot(store, "imatra", NOW + timedelta(minutes=2), present=["official-1"])
    assert [(x.row.id, x.estimate.position, x.estimate.wait_min) for x in lines] == [(a, 1, 0), (b, 2, 30)]
    nobody = bookings.queue_snapshot(store, "imatra", NOW + timedelta(minutes=2), present=[])
    assert [x.estimate.wait_min for x in nobody] == [None, None]
