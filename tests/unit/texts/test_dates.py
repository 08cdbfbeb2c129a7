"""Dates and times in Helsinki time, as people in Finland write them, across the clock changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from texts import TextError, format_clock, format_date, format_when

THURSDAY_10_EET = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fi", "to 26.11.2026 klo 10.00"),
        ("sv", "tors 26.11.2026 kl. 10.00"),
        ("en", "Thu 26 Nov 2026 at 10:00"),
    ],
)
def test_a_booking_time_in_each_language(lang: str, text: str):
    assert format_when(THURSDAY_10_EET, lang) == text


def test_any_zone_is_shown_in_helsinki_time():
    new_york = THURSDAY_10_EET.astimezone(ZoneInfo("America/New_York"))
    assert format_when(new_york, "fi") == "to 26.11.2026 klo 10.00"


def test_a_naive_time_is_taken_as_helsinki_wall_clock_not_utc():
    assert format_when(datetime(2026, 6, 5, 9, 5), "fi") == "pe 5.6.2026 klo 9.05"


def test_the_hour_is_not_padded_in_finnish_and_swedish_but_is_in_english():
    morning = datetime(2026, 6, 5, 6, 5, tzinfo=UTC)  # 9.05 EEST
    assert format_clock(morning) == "9.05"
    assert format_when(morning, "sv").endswith("kl. 9.05")
    assert format_when(morning, "en").endswith("at 09:05")


def test_spring_forward_in_helsinki():
    # Sunday 29 March 2026: 03.00 EET becomes 04.00 EEST (01.00 UTC).
    before = datetime(2026, 3, 29, 0, 59, tzinfo=UTC)
    assert format_clock(before) == "2.59"
    assert format_clock(before + timedelta(minutes=1)) == "4.00"
    assert format_when(before + timedelta(minutes=1), "en") == "Sun 29 Mar 2026 at 04:00"


def test_fall_back_in_helsinki_shows_the_same_wall_clock_twice():
    # Sunday 25 October 2026: 04.00 EEST becomes 03.00 EET (01.00 UTC).
    first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    second = first + timedelta(hours=1)
    assert format_clock(first) == format_clock(second) == "3.30"
    assert format_when(second + timedelta(hours=1), "fi") == "su 25.10.2026 klo 4.30"


def test_the_date_changes_at_helsinki_midnight_not_utc_midnight():
    late_utc = datetime(2026, 11, 30, 22, 30, tzinfo=UTC)  # 00.30 on 1 December in Helsinki
    assert format_date(late_utc) == "1.12.2026"
    assert format_when(late_utc, "sv") == "tis 1.12.2026 kl. 0.30"


def test_an_unknown_language_is_refused_by_name():
    with pytest.raises(TextError, match="language: 'de' is not offered"):
        format_when(THURSDAY_10_EET, "de")
