"""The booking follows its call, on SQLite and PostgreSQL: lobby, in call, completed — never a false no-show."""

from __future__ import annotations

import logging

from backend.domain.bookings import BookedVia, Status
from backend.store import bookings
from backend.store.booking_models import BookingRow
from tests.support.bookings import *  # noqa: F403
from tests.support.bookings import NOW, TUESDAY, at


def checked_in(store, hour: int = 10) -> BookingRow:
    req = bookings.BookingRequest("vero-personal", "imatra", "fi", at(TUESDAY, hour), BookedVia.PHONE, "advisor-1")
    row = bookings.book(store, req, NOW)[0]
    assert bookings.check_in(store, row.code, "imatra-1", at(TUESDAY, hour - 1, 58)).result.ok
    return row


def status(store, row: BookingRow) -> str:
    with store() as s:
        return s.get(BookingRow, row.id).status


def actions(store, row: BookingRow) -> list[tuple[str, str]]:
    with store() as s:
        return [(h.action, h.channel) for h in bookings.history(s, row.id)]


def test_the_booking_follows_lobby_call_and_end_with_history(store):
    row = checked_in(store)
    bookings.follow_call(store, row.code, "lobby", False, at(TUESDAY, 9, 59))
    assert status(store, row) == Status.IN_LOBBY
    bookings.follow_call(store, row.code, "lobby", False, at(TUESDAY, 9, 59))  # repeated: nothing new
    bookings.follow_call(store, row.code, "in_call", True, at(TUESDAY, 10, 1))
    assert status(store, row) == Status.IN_CALL
    bookings.follow_call(store, row.code, "ended", True, at(TUESDAY, 10, 25))
    assert status(store, row) == Status.COMPLETED
    assert actions(store, row) == [
        ("created", "phone"),
        ("checked_in", "booth"),
        ("in_lobby", "booth"),
        ("in_call", "booth"),
        ("completed", "booth"),
    ]


def test_an_official_who_joined_is_never_marked_a_no_show(store):
    row = checked_in(store)
    bookings.follow_call(store, row.code, "in_call", True, at(TUESDAY, 10, 2))
    assert bookings.mark_official_no_shows(store, at(TUESDAY, 10, 30), set()) == []
    bookings.follow_call(store, row.code, "ended", True, at(TUESDAY, 10, 30))
    assert bookings.mark_official_no_shows(store, at(TUESDAY, 10, 40), set()) == []
    assert status(store, row) == Status.COMPLETED


def test_a_call_that_ends_unadmitted_leaves_the_booking_alone(store):
    row = checked_in(store)
    bookings.follow_call(store, row.code, "lobby", False, at(TUESDAY, 9, 59))
    bookings.follow_call(store, row.code, "ended", False, at(TUESDAY, 10, 5))
    assert status(store, row) == Status.IN_LOBBY


def test_an_admitted_call_completes_even_if_the_in_call_step_was_missed(store):
    row = checked_in(store)
    bookings.mark_official_no_shows(store, at(TUESDAY, 10, 12), set())
    assert status(store, row) == Status.OFFICIAL_NO_SHOW  # the official came late after all
    bookings.follow_call(store, row.code, "ended", True, at(TUESDAY, 10, 40))
    assert status(store, row) == Status.COMPLETED
    assert [a for a, _ in actions(store, row)][-2:] == ["in_call", "completed"]


def test_refused_steps_and_bad_input_are_logged_never_raised(store, caplog):
    row = checked_in(store)
    bookings.follow_call(store, row.code, "in_call", True, at(TUESDAY, 10))
    caplog.set_level(logging.INFO, logger="etapiste.bookings.calls")
    bookings.follow_call(store, row.code, "lobby", False, at(TUESDAY, 10, 5))  # the official left: stays in_call
    assert status(store, row) == Status.IN_CALL
    assert "cannot become in_lobby" in caplog.text and row.code not in caplog.text
    bookings.follow_call(store, row.code, "ringing", False, at(TUESDAY, 10, 5))
    assert "unknown call phase" in caplog.text
    bookings.follow_call(store, "2222AA", "lobby", False, at(TUESDAY, 10, 5))
    bookings.follow_call(store, "not a code", "lobby", False, at(TUESDAY, 10, 5))
    assert status(store, row) == Status.IN_CALL
    with store() as s:
        booked = s.get(BookingRow, row.id)
        booked.status = Status.CANCELLED.value
        s.commit()
    bookings.follow_call(store, row.code, "in_call", True, at(TUESDAY, 10, 6))
    assert status(store, row) == Status.CANCELLED
