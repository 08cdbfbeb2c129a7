"""Check-in rules: each situation at the booth gets its own result and a kind message in fi/sv/en."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.domain.bookings import Status
from backend.domain.catalogue import HELSINKI
from backend.domain.checkin import BookingAtDoor, Result, Window, check_in, too_many_tries

START = datetime.combine(datetime(2026, 11, 24).date(), time(10), tzinfo=HELSINKI).astimezone(UTC)  # Tue 10.00


def booking(status: Status = Status.BOOKED, point: str = "imatra") -> BookingAtDoor:
    return BookingAtDoor(
        status, point, "Suomi-piste Imatra" if point == "imatra" else "Suomi-piste Lappeenranta", START
    )


def assert_three_languages(messages: dict[str, str]) -> None:
    assert set(messages) == {"fi", "sv", "en"}
    assert len(set(messages.values())) == 3 and all(m.strip() for m in messages.values())


def test_on_time_is_ok():
    r = check_in(booking(), "imatra", START - timedelta(minutes=5))
    assert r.ok and r.result is Result.OK and not r.tell_advisor and not r.to_queue
    assert_three_languages(r.messages)


def test_the_day_before_says_tomorrow_with_the_time_and_tells_the_advisor():
    r = check_in(booking(), "imatra", START - timedelta(days=1))
    assert r.result is Result.WRONG_DAY and r.tell_advisor
    assert r.messages["fi"] == "Varauksesi on huomenna klo 10.00 — tervetuloa silloin!"
    assert "i morgon kl. 10.00" in r.messages["sv"] and "tomorrow at 10.00" in r.messages["en"]


def test_a_later_day_names_the_date_and_a_past_day_tells_the_advisor():
    r = check_in(booking(), "imatra", START - timedelta(days=3))
    assert r.result is Result.WRONG_DAY and "24.11.2026 klo 10.00" in r.messages["fi"]
    past = check_in(booking(), "imatra", START + timedelta(days=2))
    assert past.result is Result.WRONG_DAY and past.tell_advisor and "oli" in past.messages["fi"]


def test_wrong_point_names_nothing_of_the_other_booking_and_tells_the_advisor():
    """Whoever types a code from another point learns neither that point nor the booking's state or time."""
    for status in (Status.BOOKED, Status.CANCELLED, Status.COMPLETED):
        r = check_in(booking(status, point="lappeenranta"), "imatra", START - timedelta(days=3))
        assert r.result is Result.WRONG_POINT and r.tell_advisor
        assert not any("Lappeenranta" in m or "24.11" in m for m in r.messages.values())
        assert_three_languages(r.messages)


def test_too_many_tries_says_how_long_to_wait_in_three_languages():
    r = too_many_tries(42)
    assert (r.result, r.ok) == (Result.TOO_MANY_TRIES, False)
    assert all("42" in m for m in r.messages.values())
    assert_three_languages(r.messages)


def test_too_early_says_from_when_and_tells_the_advisor():
    r = check_in(booking(), "imatra", START - timedelta(minutes=16))
    assert r.result is Result.TOO_EARLY and "alkaen" in r.messages["fi"] and "klo 9.45" in r.messages["fi"]
    assert r.tell_advisor


def test_too_late_falls_back_to_the_queue_and_tells_the_advisor():
    r = check_in(booking(), "imatra", START + timedelta(minutes=11))
    assert r.result is Result.TOO_LATE and r.to_queue and r.tell_advisor and not r.ok
    assert_three_languages(r.messages)


@pytest.mark.parametrize(
    ("status", "result", "tell"),
    [
        (Status.CANCELLED, Result.CANCELLED, True),
        (Status.CHECKED_IN, Result.ALREADY_CHECKED_IN, False),
        (Status.COMPLETED, Result.FINISHED, True),
        (Status.OFFICIAL_NO_SHOW, Result.FINISHED, True),
    ],
)
def test_status_decides_before_time(status: Status, result: Result, tell: bool):
    """At the booking's own point; at another point the place decides first and says nothing more."""
    r = check_in(booking(status), "imatra", START - timedelta(days=3))
    assert r.result is result and r.tell_advisor is tell
    assert_three_languages(r.messages)


def test_unknown_code():
    r = check_in(None, "imatra", START)
    assert r.result is Result.UNKNOWN_CODE and not r.tell_advisor
    assert_three_languages(r.messages)


@settings(deadline=None)  # shared, noisy machine: no per-example time limit
@given(st.integers(-24 * 60, 24 * 60), st.integers(0, 60), st.integers(0, 60))
def test_window_edges_are_inclusive_and_ok_exactly_inside(offset_min: int, early: int, late: int):
    w = Window(early, late)
    r = check_in(booking(), "imatra", START + timedelta(minutes=offset_min), w)
    same_day = (START + timedelta(minutes=offset_min)).astimezone(HELSINKI).date() == START.astimezone(HELSINKI).date()
    expected_ok = same_day and -early <= offset_min <= late
    assert r.ok is expected_ok
    if same_day and offset_min < -early:
        assert r.result is Result.TOO_EARLY
    if same_day and offset_min > late:
        assert r.result is Result.TOO_LATE
