"""Polling for something another process or task will do, with a clear failure."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def wait_for(what: str, check: Callable[[], Any], timeout: float = 30, every: float = 0.1) -> Any:
    """Poll until ``check`` returns something other than None or False; fail naming ``what``."""
    deadline = time.monotonic() + timeout
    last_exc: Exception | None = None
    while time.monotonic() < deadline:
        try:
            result = check()
            if result is not None and result is not False:
                return result
        except Exception as exc:
            last_exc = exc
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}" + (f" ({last_exc})" if last_exc else ""))


def wait_while_advancing(
    what: str,
    read: Callable[[], Any],
    done: Callable[[Any], bool],
    progress: Callable[[Any], Any],
    stalled_after: float = 10,
    every: float = 0.1,
) -> Any:
    """Poll ``read`` until ``done(reading)``; fail only once ``progress(reading)`` stops changing.

    For counters on a loaded machine (frames decoded, packets received): a
    slow machine takes longer to get there and that is fine; nothing changing
    for ``stalled_after`` seconds is a stuck call, and fails naming ``what``
    and the last reading. ``read`` may return None (not there yet).
    """
    last_change = time.monotonic()
    marker: Any = None
    reading: Any = None
    while True:
        reading = read()
        if reading is not None and done(reading):
            return reading
        now = time.monotonic()
        current = None if reading is None else progress(reading)
        if current != marker:
            marker, last_change = current, now
        elif now - last_change > stalled_after:
            raise AssertionError(f"waiting for {what}: nothing advanced for {stalled_after:.0f} s (last: {reading})")
        time.sleep(every)
