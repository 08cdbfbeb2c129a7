"""Check-in at the booth: may this booking start here, now?

The citizen types the code or shows the QR. Every refusal has its own result
code and a kind message in Finnish, Swedish and English that tells them what
to do next, and says whether the advisor at the desk should be told. A late
arrival is not simply turned away: as in Qmatic, they fall back to the walk-in
queue (``to_queue``). No clock is read here; ``now`` is passed in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

import texts
from backend.domain.bookings import Status
from texts import HELSINKI, Language


class Result(StrEnum):
    OK = "ok"
    UNKNOWN_CODE = "unknown_code"
    WRONG_POINT = "wrong_point"
    WRONG_DAY = "wrong_day"
    TOO_EARLY = "too_early"
    TOO_LATE = "too_late"
    CANCELLED = "cancelled"
    ALREADY_CHECKED_IN = "already_checked_in"
    FINISHED = "finished"
    TOO_MANY_TRIES = "too_many_tries"


@dataclass(frozen=True)
class Window:
    """Check-in is accepted from ``early_min`` before to ``late_min`` after the start."""

    early_min: int = 15
    late_min: int = 10


@dataclass(frozen=True)
class BookingAtDoor:
    """The parts of a booking that check-in looks at."""

    status: Status
    point_id: str
    point_name: str
    start: datetime  # UTC


@dataclass(frozen=True)
class CheckinResult:
    result: Result
    messages: dict[Language, str]
    tell_advisor: bool
    to_queue: bool = False

    @property
    def ok(self) -> bool:
        return self.result is Result.OK


_ = texts.Domain("backend").gettext
_all = texts.Domain("backend").in_all


def _messages(say: Callable[[Language], str]) -> dict[Language, str]:
    """One message per language, Finnish first, as the booth shows them."""
    return {lang: say(lang) for lang in Language}


def _when(lang: Language, start: datetime, today: date) -> str:
    """A day other than today, and the time: "tomorrow at 10.00" or "on 24.11.2026 at 10.00"."""
    at = texts.format_clock(start, lang)
    if start.astimezone(HELSINKI).date() == today + timedelta(days=1):
        return _(lang, "tomorrow at {time}", time=at)
    return _(lang, "on {date} at {time}", date=texts.format_date(start, lang), time=at)


def too_many_tries(wait_s: int) -> CheckinResult:
    """The booth tried too many codes that did not lead here (``backend.domain.limits``):
    the next try waits, so booking codes cannot be guessed at a booth."""
    return CheckinResult(
        Result.TOO_MANY_TRIES,
        _all(
            "Too many codes were tried at this booth. Please try again in {seconds} s or ask the advisor.",
            seconds=wait_s,
        ),
        tell_advisor=False,
    )


def check_in(
    booking: BookingAtDoor | None, booth_point_id: str, now: datetime, window: Window = Window()
) -> CheckinResult:
    """Decide; the caller then moves the booking to checked_in (or queues a late arrival)."""
    if booking is None:
        return CheckinResult(
            Result.UNKNOWN_CODE,
            _all("We could not find a booking with this code. Please check the code or ask the advisor."),
            tell_advisor=False,
        )
    if booking.point_id != booth_point_id:
        # First, and naming nothing: a code from another point must not tell whoever typed
        # it where, when or in what state someone else's booking is. The advisor's alert
        # names the point (backend.domain.alerts); the advisor helps the citizen in person.
        return CheckinResult(
            Result.WRONG_POINT,
            _all("Your booking is at another service point. The advisor will help you."),
            tell_advisor=True,
        )
    if booking.status is Status.CANCELLED:
        return CheckinResult(
            Result.CANCELLED,
            _all("This booking has been cancelled. The advisor will be glad to help you."),
            tell_advisor=True,
        )
    if booking.status in (Status.CHECKED_IN, Status.IN_LOBBY, Status.IN_CALL):
        return CheckinResult(
            Result.ALREADY_CHECKED_IN,
            _all("You have already checked in. The official will be with you shortly."),
            tell_advisor=False,
        )
    if booking.status is not Status.BOOKED:
        return CheckinResult(
            Result.FINISHED,
            _all("This booking has already ended. The advisor will be glad to help you."),
            tell_advisor=True,
        )
    day, today = booking.start.astimezone(HELSINKI).date(), now.astimezone(HELSINKI).date()
    at = texts.format_clock(booking.start)
    if day != today:
        if day > today:
            msgs = _messages(
                lambda lang: _(lang, "Your booking is {when} — welcome then!", when=_when(lang, booking.start, today))
            )
        else:
            msgs = _messages(
                lambda lang: _(
                    lang,
                    "Your booking was {when}. The advisor will help you book a new time.",
                    when=_when(lang, booking.start, today),
                )
            )
        # The advisor is told of every refusal at the door (the citizen may be standing
        # at the desk next): a wrong day, too early, too late, a wrong point, cancelled.
        return CheckinResult(Result.WRONG_DAY, msgs, tell_advisor=True)
    if now < booking.start - timedelta(minutes=window.early_min):
        opens = texts.format_clock(booking.start - timedelta(minutes=window.early_min))
        return CheckinResult(
            Result.TOO_EARLY,
            _all("Your booking is today at {time}. You can check in from {opens}.", time=at, opens=opens),
            tell_advisor=True,
        )
    if now > booking.start + timedelta(minutes=window.late_min):
        return CheckinResult(
            Result.TOO_LATE,
            _all(
                "Your booking started at {time}. You are now in the queue — we will serve you as soon as we can.",
                time=at,
            ),
            tell_advisor=True,
            to_queue=True,
        )
    return CheckinResult(
        Result.OK,
        _all("Thank you, you are checked in. The official will be with you shortly."),
        tell_advisor=False,
    )
