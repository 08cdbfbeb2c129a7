"""Document stills in a call: ordered by the official, uploaded by the booth, held in memory for the call.

Pure (``now`` and the random source passed in). A still is *ordered* (the
official pressed "Take a picture"): it gets an id and a one-time upload token
that only the call's booth hears, over its authenticated websocket. The booth
uploads the picture once, within ``UPLOAD_TTL_S``, with that token; the bytes
stay in this object's memory — never on disk, never in a log — until the call
ends (``forget_call``) or the call has more than ``MAX_PER_CALL`` (the oldest
go first). A page costs a few hundred kilobytes as JPEG, so a call's stills
are a few megabytes at most.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

#: Largest still accepted, bytes: an A4 page at 300 dpi is well under 4 MB as JPEG quality 92.
MAX_STILL_BYTES = 16 * 1024 * 1024
#: Stills kept per call; a 30-page pile is beyond any appointment.
MAX_PER_CALL = 30
#: How long an order may wait for its upload.
UPLOAD_TTL_S = 60.0
MIMES = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n"}


class StillRefused(Exception):
    """An upload that is not taken; ``code`` for programs, the message for people."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code


@dataclass
class Still:
    still_id: str
    session_id: str
    token: str = field(repr=False)
    ordered_at: float
    data: bytes | None = field(default=None, repr=False)
    mime: str = ""
    width: int = 0
    height: int = 0


class StillBox:
    def __init__(self, token: Callable[[int], str] = secrets.token_urlsafe) -> None:
        self._token = token
        self._stills: dict[str, Still] = {}

    def order(self, session_id: str, now: float) -> Still:
        """A new still for this call: its id and upload token."""
        still = Still("st-" + self._token(12), session_id, self._token(24), now)
        self._stills[still.still_id] = still
        return still

    def accept(self, still_id: str, token: str, data: bytes, mime: str, width: int, height: int, now: float) -> Still:
        """The booth's upload; raises ``StillRefused`` naming what was wrong (never echoing the bytes)."""
        still = self._stills.get(still_id)
        if still is None or not hmac.compare_digest(still.token.encode(), token.encode()):
            raise StillRefused("unknown", "no still was ordered under this id and token")
        if still.data is not None:
            raise StillRefused("already_uploaded", "this still was uploaded already")
        if now > still.ordered_at + UPLOAD_TTL_S:
            raise StillRefused("expired", f"the order expired ({UPLOAD_TTL_S:.0f} s); the official asks again")
        if mime not in MIMES:
            raise StillRefused("mime", "Content-Type: must be image/jpeg or image/png")
        if not data.startswith(MIMES[mime]):
            raise StillRefused("content", f"body: is not a {mime} image")
        if len(data) > MAX_STILL_BYTES:
            raise StillRefused("too_large", f"body: over {MAX_STILL_BYTES} bytes")
        if not (1 <= width <= 20_000 and 1 <= height <= 20_000):
            raise StillRefused("size", "X-Still-Width, X-Still-Height: whole numbers 1-20000")
        still.data, still.mime, still.width, still.height = data, mime, width, height
        self._trim(still.session_id)
        return still

    def fail(self, still_id: str, session_id: str) -> None:
        """The booth could not take it: the order is void."""
        still = self._stills.get(still_id)
        if still is not None and still.session_id == session_id and still.data is None:
            del self._stills[still_id]

    def get(self, still_id: str) -> Still | None:
        """An uploaded still (None for an unknown one or one still awaited)."""
        still = self._stills.get(still_id)
        return still if still is not None and still.data is not None else None

    def of_call(self, session_id: str) -> list[Still]:
        return [s for s in self._stills.values() if s.session_id == session_id and s.data is not None]

    def forget_call(self, session_id: str) -> None:
        """The call ended: its pictures are gone (the bytes are released with the objects)."""
        for still_id in [i for i, s in self._stills.items() if s.session_id == session_id]:
            del self._stills[still_id]

    def held_bytes(self) -> int:
        return sum(len(s.data or b"") for s in self._stills.values())

    def _trim(self, session_id: str) -> None:
        held = self.of_call(session_id)
        for old in held[: max(0, len(held) - MAX_PER_CALL)]:
            del self._stills[old.still_id]
