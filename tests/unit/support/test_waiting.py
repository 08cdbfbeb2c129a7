"""The tests' own waiting: slow progress is waited for, a stall fails and says what it last saw."""

from __future__ import annotations

import itertools
import time

import pytest

from tests.support.waiting import wait_while_advancing


def test_slow_but_steady_progress_is_waited_for_longer_than_the_stall_limit():
    counter = itertools.count()
    started = time.monotonic()
    reading = wait_while_advancing(
        "the counter to reach 12",
        lambda: next(counter),
        lambda n: n >= 12,
        lambda n: n,
        stalled_after=0.05,
        every=0.01,
    )
    assert reading == 12
    assert time.monotonic() - started > 0.05  # longer than a stall, and it did not fail


def test_a_counter_that_stops_fails_naming_what_and_the_last_reading():
    readings = iter([1, 2, 3])
    with pytest.raises(AssertionError, match=r"the frames to advance.*nothing advanced.*last: 3"):
        wait_while_advancing(
            "the frames to advance",
            lambda: next(readings, 3),
            lambda n: n > 10,
            lambda n: n,
            stalled_after=0.05,
            every=0.01,
        )
