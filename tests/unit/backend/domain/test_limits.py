"""The limit counters: pure, with ``now`` passed in."""

from __future__ import annotations

from backend.domain.limits import FailureWindow, TokenBucket


def test_a_bucket_allows_a_burst_then_its_rate():
    bucket = TokenBucket(rate=2.0, burst=3)
    assert [bucket.take(0.0) for _ in range(4)] == [True, True, True, False]
    assert bucket.take(0.5) and not bucket.take(0.5)  # one token per half second
    assert [bucket.take(100.0) for _ in range(4)] == [True, True, True, False]  # saved up to the burst only


def test_failures_make_a_key_wait_until_the_oldest_leaves_the_window():
    window = FailureWindow(limit=3, window_s=60)
    for t in (0.0, 10.0, 20.0):
        assert window.wait("k", t) == 0
        window.fail("k", t)
    assert window.wait("k", 20.0) == 40 and window.wait("other", 20.0) == 0
    assert window.wait("k", 59.5) == 1
    assert window.wait("k", 60.0) == 0  # the first failure left the window: one more try
    window.clear("k")
    assert window.wait("k", 61.0) == 0


def test_failure_keys_are_bounded():
    window = FailureWindow(limit=1, window_s=60, max_keys=100)
    for i in range(1000):
        window.fail(f"user{i}", 0.0)
    assert len(window._failures) == 100 and window.wait("user999", 1.0) > 0
