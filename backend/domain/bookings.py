"""Booking rules: the booking code, the QR payload and the status lifecycle.

The code is what a citizen types on the booth or reads over the phone, so it
avoids look-alikes: no 0/O, 1/I/L, 2/Z. Five random characters from a
30-character alphabet (24 million codes) plus one Luhn mod N check character,
so every single mistyped character and almost every swap of two neighbours is
caught at the booth before any database look-up ("check the code" instead of
"not found"). The 30 characters: digits 2–9 and A–Y without I, L, O.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from protocol.booking_code import CODE_ALPHABET, CODE_LENGTH, QR_PREFIX


class BookingRuleError(ValueError):
    """A rule refused the request; the message says what was wrong and how to fix it."""


class ConflictError(BookingRuleError):
    """The current state (the booking's status, a taken slot) does not allow this: HTTP 409, not 400."""


#: The calendar the booking system works in. Far wider than any booking, and far from the ends of
#: Python's dates, so a day's arithmetic (the next midnight, a UTC offset) can never overflow:
#: a search for 9999-12-31 used to answer 500.
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2199, 12, 31)


def calendar_day(d: date) -> date:
    """``d`` if it lies in the booking calendar (``EARLIEST_DAY``–``LATEST_DAY``), else ValueError saying so."""
    if not EARLIEST_DAY <= d <= LATEST_DAY:
        raise ValueError(f"must be a day from {EARLIEST_DAY} to {LATEST_DAY} (got {d.isoformat()})")
    return d


def calendar_moment(t: datetime) -> datetime:
    """``t`` if its day lies in the booking calendar, else ValueError saying so."""
    calendar_day(t.date())
    return t


class BookedVia(StrEnum):
    """Who made or changed a booking, and how (not how the citizen is told: that is ``notify.NoticeChannel``)."""

    ADVISOR = "advisor"
    OFFICIAL = "official"
    PHONE = "phone"
    WEB = "web"
    BOOTH = "booth"


class Status(StrEnum):
    BOOKED = "booked"
    CHECKED_IN = "checked_in"
    IN_LOBBY = "in_lobby"
    IN_CALL = "in_call"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    CITIZEN_NO_SHOW = "citizen_no_show"
    OFFICIAL_NO_SHOW = "official_no_show"


TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.BOOKED: frozenset({Status.CHECKED_IN, Status.CANCELLED, Status.CITIZEN_NO_SHOW, Status.OFFICIAL_NO_SHOW}),
    Status.CHECKED_IN: frozenset({Status.IN_LOBBY, Status.IN_CALL, Status.OFFICIAL_NO_SHOW, Status.CANCELLED}),
    Status.IN_LOBBY: frozenset({Status.IN_CALL, Status.OFFICIAL_NO_SHOW, Status.CANCELLED}),
    Status.IN_CALL: frozenset({Status.COMPLETED}),
    Status.COMPLETED: frozenset(),
    Status.CANCELLED: frozenset(),
    Status.CITIZEN_NO_SHOW: frozenset(),
    Status.OFFICIAL_NO_SHOW: frozenset({Status.IN_CALL}),  # the official turned up late after all
}

#: Statuses that still hold the booth and the official for the booked time.
HOLDS_RESOURCES = frozenset({Status.BOOKED, Status.CHECKED_IN, Status.IN_LOBBY, Status.IN_CALL})
#: Statuses whose booked time stays taken: those that hold it, and a completed booking (the call
#: used that time, often finishing before it began). Its ``resource_slot`` rows are kept, so the
#: slot search must not offer the time again either, or booking it would be refused as "just taken".
OCCUPIES_TIME = HOLDS_RESOURCES | {Status.COMPLETED}


def transition(current: Status, new: Status) -> Status:
    """Return ``new`` if the lifecycle allows it, else refuse with the reason."""
    if new in TRANSITIONS[current]:
        return new
    allowed = ", ".join(sorted(TRANSITIONS[current])) or "nothing (it is final)"
    raise ConflictError(f"a booking that is {current} cannot become {new}; from {current} it can become {allowed}")


def may_reschedule(status: Status) -> None:
    if status is not Status.BOOKED:
        raise ConflictError(f"only a booking that is still booked can be moved; this one is {status}")


def check_char(body: str) -> str:
    """Luhn mod N check character over ``body``."""
    n = len(CODE_ALPHABET)
    total, factor = 0, 2
    for ch in reversed(body):
        addend = factor * CODE_ALPHABET.index(ch)
        total += addend // n + addend % n
        factor = 1 if factor == 2 else 2
    return CODE_ALPHABET[(n - total % n) % n]


def new_code(randbelow: object = secrets.randbelow) -> str:
    """A fresh random code (the store retries on the rare collision)."""
    body = "".join(CODE_ALPHABET[randbelow(len(CODE_ALPHABET))] for _ in range(CODE_LENGTH - 1))  # type: ignore[operator]
    return body + check_char(body)


def normalise_code(text: str) -> str:
    """Accept what people type or a scanned QR: spaces, dashes, lower case, the ``ETP1:`` prefix.

    Raises BookingRuleError naming what is wrong; never returns an invalid code.
    """
    raw = text.strip()
    if raw.upper().startswith(QR_PREFIX):
        raw = raw[len(QR_PREFIX) :]
    code = "".join(ch for ch in raw.upper() if ch not in " -")
    if len(code) != CODE_LENGTH:
        raise BookingRuleError(f"a booking code has {CODE_LENGTH} characters; got {len(code)}")
    bad = sorted({ch for ch in code if ch not in CODE_ALPHABET})
    if bad:
        raise BookingRuleError(
            f"a booking code never contains {' '.join(bad)}; codes use only {CODE_ALPHABET} — check the code"
        )
    if check_char(code[:-1]) != code[-1]:
        raise BookingRuleError("this booking code has a typing error (its check character does not match)")
    return code


def qr_payload(code: str) -> str:
    return QR_PREFIX + code


@dataclass(frozen=True)
class NoShowRule:
    """How long after the start a missing official counts as a no-show."""

    grace_min: int = 10

    def official_missing(self, status: Status, start: datetime, official_joined: bool, now: datetime) -> bool:
        """True when the booking should become official_no_show (and the advisor be alerted).

        Only once the citizen has checked in: if nobody came at all, that is a
        citizen no-show, not the official's.
        """
        if official_joined or status not in (Status.CHECKED_IN, Status.IN_LOBBY):
            return False
        return now >= start + timedelta(minutes=self.grace_min)
