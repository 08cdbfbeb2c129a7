"""The support provider's screenshot requests and the booths' answers, held briefly in memory.

A booth's screen may show a citizen's matter (the booth asks the citizen first
when one is there: ``kiosk/screenshot.py``), so the picture is never stored:
it waits here until the support provider's page fetches it once, or
``KEEP_S`` passes, whichever is first. Only the request and its outcome are
audited (``backend.hub``), never the picture. Pure: the time is passed in.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from dataclasses import dataclass
from enum import StrEnum

from protocol.messages import ScreenshotOutcome, ScreenshotResult

#: How long a request waits for the booth's answer, and an answer for its reader.
KEEP_S = 120.0


class ShotState(StrEnum):
    WAITING = "waiting"  # the booth takes the picture or the citizen is deciding
    SENT = "sent"
    DECLINED = "declined"
    FAILED = "failed"
    NONE = "none"  # no such request (never asked, fetched already, or expired)


@dataclass
class _Request:
    request_id: str
    official_id: str
    asked_at: float
    outcome: ScreenshotOutcome | None = None
    png: bytes | None = None
    answered_at: float | None = None


@dataclass(frozen=True)
class Answered:
    """What to audit when a booth answers: who asked, and what came (never the picture)."""

    official_id: str
    outcome: ScreenshotOutcome
    size: int


class BoothScreens:
    """One request per booth at a time: a newer request replaces an older one."""

    def __init__(self) -> None:
        self._requests: dict[str, _Request] = {}

    def ask(self, booth_id: str, official_id: str, now: float) -> str:
        request_id = "shot-" + secrets.token_urlsafe(12)
        self._requests[booth_id] = _Request(request_id, official_id, now)
        return request_id

    def answer(self, booth_id: str, msg: ScreenshotResult, now: float) -> Answered | None:
        """The booth's result; None when nobody is waiting for it (stale or unknown: dropped unread)."""
        req = self._requests.get(booth_id)
        if req is None or req.request_id != msg.request_id or req.outcome is not None:
            return None
        outcome, png = msg.outcome, None
        if outcome is ScreenshotOutcome.SENT:
            try:
                png = base64.b64decode(msg.png, validate=True)
            except (binascii.Error, ValueError):
                png = None
            if not png or not png.startswith(b"\x89PNG\r\n\x1a\n"):
                outcome, png = ScreenshotOutcome.FAILED, None
        req.outcome, req.png, req.answered_at = outcome, png, now
        return Answered(req.official_id, outcome, len(png or b""))

    def take(self, booth_id: str, request_id: str, now: float) -> tuple[ShotState, bytes | None]:
        """Where the request stands; a picture is handed out once, then forgotten."""
        self.expire(now)
        req = self._requests.get(booth_id)
        if req is None or req.request_id != request_id:
            return ShotState.NONE, None
        if req.outcome is None:
            return ShotState.WAITING, None
        del self._requests[booth_id]
        return ShotState(req.outcome.value), req.png

    def expire(self, now: float) -> None:
        for booth_id, req in list(self._requests.items()):
            if now - (req.answered_at if req.answered_at is not None else req.asked_at) > KEEP_S:
                del self._requests[booth_id]
