"""The booking code's shape, shared by the booth (keypad, QR) and the backend (issuing, checking).

One definition so the booth's keypad offers exactly the characters the
backend issues, and a QR code the backend prints is one the booth accepts.
The alphabet avoids look-alikes (no 0/O, 1/I/L, Z): what a citizen reads off
a letter they can find on the keypad. The check character and the lookup
stay in ``backend.domain.bookings``; these helpers only say whether text has
the shape of a code, so the booth never sends what cannot be one.

Pure functions, no I/O. A code identifies a person's appointment: callers
must not log it.
"""

from __future__ import annotations

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXY"
CODE_LENGTH = 6
#: A booking QR code's payload is this prefix and the code ("ETP1:K7M2QX").
QR_PREFIX = "ETP1:"

#: The keypad's erase key (every other key is one character of the alphabet).
ERASE = "erase"
#: Characters people put inside a code when copying it ("K7M 2QX", "K7M-2QX").
_SEPARATORS = " -"


def keypad_input(current: str, key: str) -> str:
    """The code after one key press.

    A character of the alphabet (either case) is appended while the code is
    shorter than ``CODE_LENGTH``; ``ERASE`` removes the last character;
    anything else changes nothing. ``current`` is trusted to come from earlier
    calls, so it is only trimmed, never re-checked.
    """
    current = current[:CODE_LENGTH]
    if key == ERASE:
        return current[:-1]
    ch = key.upper()
    if len(ch) == 1 and ch in CODE_ALPHABET and len(current) < CODE_LENGTH:
        return current + ch
    return current


def normalise(text: str) -> str:
    """``text`` upper-cased without separators; not checked (see ``is_code``)."""
    return "".join(ch for ch in text.strip().upper() if ch not in _SEPARATORS)


def is_code(text: str) -> bool:
    """True when ``text`` is exactly ``CODE_LENGTH`` characters of the alphabet (already normalised)."""
    return len(text) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in text)


def code_from_qr(payload: str) -> str | None:
    """The code in a booking QR payload, or None when the payload is not a booking QR code.

    A QR code is machine-printed, so anything after the prefix that is not a
    well-formed code means "not ours" (another QR code on the same letter),
    not "typing error".
    """
    if not payload.upper().startswith(QR_PREFIX):
        return None
    code = normalise(payload[len(QR_PREFIX) :])
    return code if is_code(code) else None


def grouped(code: str, placeholder: str = "") -> str:
    """How the booth shows a code being typed: two groups of three ("K7M 2QX").

    With ``placeholder`` the missing characters are shown as it ("K7M 2··"),
    so the citizen sees how many are left.
    """
    code = code[:CODE_LENGTH]
    padded = code + placeholder * (CODE_LENGTH - len(code))
    half = CODE_LENGTH // 2
    return f"{padded[:half]} {padded[half:]}".strip()
