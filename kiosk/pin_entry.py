"""The ID card PIN as the citizen types it on the booth's keypad.

Pure logic behind ``kiosk/screens/pin.py``: digits go into a ``bytearray``
(never a ``str``) so the buffer can be overwritten with zeros when the PIN has
been used or abandoned. Python may still have copied it elsewhere (the PKCS#11
binding needs a ``str`` for a moment), so this is "as far as Python allows",
not a guarantee; the PIN is never logged, stored or sent from here.

Finnish ID card PINs are 4–8 digits; PKCS#11 tokens in general allow up to
12 here, which is the keypad's limit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

MIN_DIGITS = 4
MAX_DIGITS = 12
MASK = "●"

T = TypeVar("T")


class PinEntry:
    """Digits typed so far. ``repr`` never shows them."""

    def __init__(self, min_digits: int = MIN_DIGITS, max_digits: int = MAX_DIGITS) -> None:
        if not 1 <= min_digits <= max_digits:
            raise ValueError("need 1 <= min_digits <= max_digits")
        self.min_digits, self.max_digits = min_digits, max_digits
        self._buf = bytearray(max_digits)  # fixed size: appending never reallocates and leaves copies behind
        self._len = 0

    def __repr__(self) -> str:
        return f"PinEntry(<{self._len} digits hidden>)"

    def __len__(self) -> int:
        return self._len

    def press(self, key: str) -> bool:
        """A digit key; returns False (and changes nothing) when full or not a digit."""
        if len(key) != 1 or key not in "0123456789" or self._len >= self.max_digits:
            return False
        self._buf[self._len] = ord(key)
        self._len += 1
        return True

    def erase(self) -> bool:
        """Remove the last digit; False when there is none."""
        if self._len == 0:
            return False
        self._len -= 1
        self._buf[self._len] = 0
        return True

    def clear(self) -> None:
        """Forget every digit: the buffer is overwritten, not just shortened."""
        wipe(self._buf)
        self._len = 0

    @property
    def masked(self) -> str:
        """What the screen shows: one dot per digit."""
        return MASK * self._len

    @property
    def complete(self) -> bool:
        """Long enough to submit (the OK key is enabled)."""
        return self.min_digits <= self._len <= self.max_digits

    @property
    def problem(self) -> str | None:
        """Why OK is not possible yet, as a stable code for the translated hint, or None."""
        if self._len < self.min_digits:
            return "pin_too_short"
        return None

    def take(self) -> bytearray:
        """Move the PIN out as a new bytearray and clear the entry; the receiver must ``wipe`` it.

        ``drivers.idcard.Pkcs11IdCard.identify`` wipes the PIN it is given, so the usual chain is
        keypad -> ``take()`` -> ``identify`` (in a worker thread) with no copy left on the screen.
        Raises ``ValueError`` if the PIN is not complete, so a short PIN never reaches the card
        (a card counts every wrong try).
        """
        if not self.complete:
            raise ValueError(f"PIN must have {self.min_digits}–{self.max_digits} digits")
        pin = bytearray(self._buf[: self._len])
        self.clear()
        return pin

    @contextmanager
    def taken(self) -> Iterator[bytearray]:
        """Lend the PIN as a bytearray for one use; both it and the entry are zeroed afterwards."""
        pin = self.take()
        try:
            yield pin
        finally:
            wipe(pin)

    def use(self, action: Callable[[bytearray], T]) -> T:
        """Call ``action`` with the PIN and wipe it afterwards, whatever happens."""
        with self.taken() as pin:
            return action(pin)


def wipe(buf: bytearray) -> None:
    """Overwrite a PIN buffer with zeros in place."""
    for i in range(len(buf)):
        buf[i] = 0
