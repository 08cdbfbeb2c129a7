"""Limits on what one client may ask of the backend, as pure code.

Nothing a client sends may break the service for anyone else (issue #15), so
every door has a limit: how big a message or a request body is, how many
connections one address and everyone together hold, how fast a connection
may send, how often a sign-in or a booking code may be tried. The figures are
``LimitSettings`` (``ETAPISTE_LIMITS_*``); they are chosen for a real town hall
(dozens of booths, hundreds of officials, who may all sit behind one
municipal NAT address) with a wide margin; docs/CONFIG.md lists them and bench/limits.py measures them.

The counters here read no clock: ``now`` (seconds, any monotonic origin) is
passed in, so the shells decide which clock and the tests need no sleeping.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

KIB = 1024


class LimitSettings(BaseModel):
    """``ETAPISTE_LIMITS_<FIELD>``; every figure is per backend process."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: Largest websocket message uvicorn reads (``ws_max_size``); bigger ones close the
    #: socket (1009) before they are read. Twice the protocol's 128 KiB, so a message a
    #: little over the protocol's limit is answered with an error instead of a closed socket.
    ws_max_bytes: int = Field(256 * KIB, ge=16 * KIB, le=16 * KIB * KIB)
    #: Largest HTTP request body; bigger ones are answered 413 before they are read whole.
    http_max_body_bytes: int = Field(256 * KIB, ge=4 * KIB, le=64 * KIB * KIB)
    #: Open websockets from one address. A town hall's officials may share one NAT address
    #: (hundreds of officials, a few tabs each), so this is high; it stops one client
    #: from taking every socket.
    connections_per_address: int = Field(500, ge=1)
    #: Open websockets in all (dozens of booths + hundreds of officials with tabs, ×4 margin).
    connections_total: int = Field(2000, ge=1)
    #: Messages a connection may send per second, on average (a call's signalling is a few).
    messages_per_s: float = Field(20.0, gt=0)
    #: ... and in one burst (a browser trickling all its ICE candidates at once).
    messages_burst: int = Field(100, ge=1)
    #: Failed sign-ins per account in ``login_window_s`` before that account must wait.
    login_failures_per_account: int = Field(10, ge=1)
    #: Failed sign-ins per address in ``login_window_s`` (a NAT'd town hall shares one).
    login_failures_per_address: int = Field(50, ge=1)
    login_window_s: int = Field(300, ge=1)
    #: Refused booking codes per booth in ``checkin_window_s`` before the booth must wait.
    checkin_failures_per_booth: int = Field(10, ge=1)
    checkin_window_s: int = Field(300, ge=1)
    #: An official is sent at most one presence snapshot per this interval (the latest
    #: one, at the end of the interval), however chatty the booths are.
    presence_interval_s: float = Field(0.5, ge=0, le=10)


@dataclass
class TokenBucket:
    """``rate`` tokens a second, at most ``burst`` saved up; one message costs one token."""

    rate: float
    burst: int
    tokens: float = field(init=False)
    at: float | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.tokens = float(self.burst)

    def take(self, now: float) -> bool:
        """Spend a token if there is one; False means: refuse this message."""
        if self.at is not None:
            self.tokens = min(float(self.burst), self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


@dataclass
class FailureWindow:
    """Failures per key in a sliding window: after ``limit`` in ``window_s``, the key waits.

    The wait is until the oldest counted failure leaves the window, so a client
    that keeps guessing gets one try per ``window_s / limit`` on average and is
    told exactly how long to wait. Keys with no failure in the window are
    forgotten, and at most ``max_keys`` are kept (the oldest go first), so a
    client inventing usernames cannot grow this without bound.
    """

    limit: int
    window_s: float
    max_keys: int = 100_000
    _failures: dict[str, deque[float]] = field(default_factory=dict)

    def wait(self, key: str, now: float) -> int:
        """Whole seconds ``key`` must wait before its next try; 0: go ahead."""
        times = self._fresh(key, now)
        if times is None or len(times) < self.limit:
            return 0
        return max(1, math.ceil(times[0] + self.window_s - now))

    def fail(self, key: str, now: float) -> None:
        times = self._fresh(key, now)
        if times is None:
            while len(self._failures) >= self.max_keys:
                self._failures.pop(next(iter(self._failures)))
            times = self._failures[key] = deque()
        times.append(now)
        while len(times) > self.limit:
            times.popleft()

    def clear(self, key: str) -> None:
        """A success: the key's failures are forgiven."""
        self._failures.pop(key, None)

    def _fresh(self, key: str, now: float) -> deque[float] | None:
        times = self._failures.get(key)
        if times is None:
            return None
        while times and times[0] <= now - self.window_s:
            times.popleft()
        if not times:
            del self._failures[key]
            return None
        return times
