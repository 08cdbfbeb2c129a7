"""Whether the booth shows its screen to the support provider: the decision, kept apart from Kivy.

A screenshot may show a citizen's matter, so the booth sends one at once only
when no citizen is at it (the Start screen untouched, idle, offline, or the
technician's enrollment screen); otherwise it asks the citizen on the screen
("Support asks to see this screen. Allow / Do not allow"), and no answer
within ``CONSENT_TIMEOUT_S`` is a no. Pure: the controller feeds requests,
answers and ticks with the time and carries the commands out (take the
picture on the UI thread, show or hide the question, send the result).
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

from PIL import Image

from kiosk import session as sm
from protocol.messages import ScreenshotOutcome

#: How long the question stays on the screen before it counts as "not allowed".
CONSENT_TIMEOUT_S = 30.0
#: The picture travels in one websocket frame (128 KiB): its base64 text at most this long.
MAX_PNG_CHARS = 120_000
#: The widest picture sent; smaller when the screen's PNG would not fit.
FIRST_WIDTH = 1280


@dataclass(frozen=True)
class Capture:
    """Take the picture of the screen now and send it for ``request_id``."""

    request_id: str


@dataclass(frozen=True)
class Ask:
    """Show the question to the citizen, in ``language`` (one language, large buttons)."""

    language: str


@dataclass(frozen=True)
class CloseQuestion:
    pass


@dataclass(frozen=True)
class Reply:
    """Tell the backend why no picture comes."""

    request_id: str
    outcome: ScreenshotOutcome


Command = Capture | Ask | CloseQuestion | Reply


def citizen_present(state: sm.State, enrolling: bool = False) -> bool:
    """A citizen is at the booth unless it shows the untouched Start screen, is offline, or is enrolling."""
    if enrolling:
        return False
    return not (state.phase in (sm.Phase.IDLE, sm.Phase.OFFLINE) and state.language is None)


class ScreenshotConsent:
    """One question at a time (the controller's loop only)."""

    def __init__(self) -> None:
        self.asking: str | None = None  # the request the question on the screen is for
        self.until: float | None = None

    def requested(self, request_id: str, state: sm.State, now: float, enrolling: bool = False) -> list[Command]:
        if not citizen_present(state, enrolling):
            return [Capture(request_id)]
        if self.asking is not None:
            return [Reply(request_id, ScreenshotOutcome.FAILED)]  # already asking: the first one stands
        self.asking, self.until = request_id, now + CONSENT_TIMEOUT_S
        return [Ask(state.language or "fi")]

    def answered(self, allow: bool) -> list[Command]:
        """The citizen pressed Allow or Do not allow (a stale press, after the timeout, does nothing)."""
        if self.asking is None:
            return []
        request_id, self.asking, self.until = self.asking, None, None
        if allow:
            return [CloseQuestion(), Capture(request_id)]  # the question is gone before the picture
        return [CloseQuestion(), Reply(request_id, ScreenshotOutcome.DECLINED)]

    def tick(self, now: float) -> list[Command]:
        if self.asking is None or self.until is None or now < self.until:
            return []
        request_id, self.asking, self.until = self.asking, None, None
        return [CloseQuestion(), Reply(request_id, ScreenshotOutcome.DECLINED)]


def encode_png(width: int, height: int, rgb: bytes) -> str | None:
    """The window's pixels (RGB rows bottom first, as OpenGL reads them) as a base64 PNG that fits in a frame:
    scaled to ``FIRST_WIDTH``, then to 256 colours, then smaller until it fits; None for unusable pixels."""
    if width <= 0 or height <= 0 or len(rgb) < width * height * 3:
        return None
    stride = len(rgb) // height  # OpenGL pads each row to 4 bytes
    picture = Image.frombytes("RGB", (width, height), rgb, "raw", "RGB", stride, -1)  # -1: bottom row first
    size = min(FIRST_WIDTH, max(width, height))
    while size >= 160:
        shot = picture.copy()
        shot.thumbnail((size, size))
        for candidate in (shot, shot.quantize(256)):
            out = io.BytesIO()
            candidate.save(out, "PNG")
            text = base64.b64encode(out.getvalue()).decode("ascii")
            if len(text) <= MAX_PNG_CHARS:
                return text
        size = size * 3 // 4
    return None
