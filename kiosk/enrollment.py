"""The enrollment screen's logic: the token typed on the booth's own keypad, and what the screen says.

The token is 16 characters of base32 (A–Z, 2–7) in four groups, as the admin
app shows it; the keypad offers exactly those characters, groups what was
typed, and allows OK only when it is complete. The controller drives the rest
(``Controller.enroll_first``): send, then either the booth's Start screen or
the backend's reason on this screen. Kept apart from Kivy so it is tested
without a window.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

#: The characters a token is made of (RFC 4648 base32), in keypad order.
KEYS = tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
TOKEN_LENGTH = 16


class EnrollStatus(Enum):
    WAITING = "enroll_waiting"  # for the token
    SENDING = "enroll_sending"
    REFUSED = "enroll_refused"  # the backend's reason follows
    UNREACHABLE = "enroll_unreachable"


@dataclass(frozen=True)
class EnrollView:
    """What the enrollment screen shows: the booth's short code, the state, and the backend's reason."""

    code: str
    status: EnrollStatus
    reason: str = ""


class TokenEntry:
    """The characters typed so far (UI thread only)."""

    def __init__(self) -> None:
        self._chars: list[str] = []

    def press(self, key: str) -> None:
        if key in KEYS and len(self._chars) < TOKEN_LENGTH:
            self._chars.append(key)

    def erase(self) -> None:
        if self._chars:
            self._chars.pop()

    def clear(self) -> None:
        self._chars.clear()

    @property
    def complete(self) -> bool:
        return len(self._chars) == TOKEN_LENGTH

    @property
    def shown(self) -> str:
        """``ABCD-EF`` as typed; dashes between the groups of four."""
        text = "".join(self._chars)
        return "-".join(text[i : i + 4] for i in range(0, len(text), 4))

    def take(self) -> str:
        token = self.shown
        self.clear()
        return token
