"""Check-in at the booth: may this booking start here, now?

The citizen types the code or shows the QR. Every refusal has its own result
code and a kind message in Finnish, Swedish and English that tells them what
to do next, and says whether the advisor at the desk should be told. A late
arrival is not simply turned away: as in Qmatic, they fall back to the walk-in
queue (``to_queue``). No clock is read here; ``now`` is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from backend.domain.bookings import Status
from backend.domain.catalogue import HELSINKI


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
    messages: dict[str, str]
    tell_advisor: bool
    to_queue: bool = False

    @property
    def ok(self) -> bool:
        return self.result is Result.OK


def _clock(dt: datetime) -> str:
    local = dt.astimezone(HELSINKI)
    return f"{local.hour}.{local.minute:02d}"  # Finnish style: 9.45, 10.00


def _date(dt: datetime) -> str:
    local = dt.astimezone(HELSINKI)
    return f"{local.day}.{local.month}.{local.year}"


def check_in(
    booking: BookingAtDoor | None, booth_point_id: str, now: datetime, window: Window = Window()
) -> CheckinResult:
    """Decide; the caller then moves the booking to checked_in (or queues a late arrival)."""
    if booking is None:
        return CheckinResult(
            Result.UNKNOWN_CODE,
            {
                "fi": "Emme löytäneet varausta tällä koodilla. Tarkista koodi tai kysy neuvojalta.",
                "sv": "Vi hittade ingen bokning med den koden. Kontrollera koden eller fråga rådgivaren.",
                "en": "We could not find a booking with this code. Please check the code or ask the advisor.",
            },
            tell_advisor=False,
        )
    if booking.status is Status.CANCELLED:
        return CheckinResult(
            Result.CANCELLED,
            {
                "fi": "Tämä varaus on peruttu. Neuvoja auttaa sinua mielellään.",
                "sv": "Den här bokningen har avbokats. Rådgivaren hjälper dig gärna.",
                "en": "This booking has been cancelled. The advisor will be glad to help you.",
            },
            tell_advisor=True,
        )
    if booking.status in (Status.CHECKED_IN, Status.IN_LOBBY, Status.IN_CALL):
        return CheckinResult(
            Result.ALREADY_CHECKED_IN,
            {
                "fi": "Olet jo ilmoittautunut. Virkailija on pian tavattavissa.",
                "sv": "Du har redan anmält dig. Handläggaren är snart här.",
                "en": "You have already checked in. The official will be with you shortly.",
            },
            tell_advisor=False,
        )
    if booking.status is not Status.BOOKED:
        return CheckinResult(
            Result.FINISHED,
            {
                "fi": "Tämä varaus on jo päättynyt. Neuvoja auttaa sinua mielellään.",
                "sv": "Den här bokningen har redan avslutats. Rådgivaren hjälper dig gärna.",
                "en": "This booking has already ended. The advisor will be glad to help you.",
            },
            tell_advisor=True,
        )
    if booking.point_id != booth_point_id:
        where = booking.point_name
        return CheckinResult(
            Result.WRONG_POINT,
            {
                "fi": f"Varauksesi on toisessa palvelupisteessä: {where}. Neuvoja auttaa sinua.",
                "sv": f"Din bokning gäller ett annat serviceställe: {where}. Rådgivaren hjälper dig.",
                "en": f"Your booking is at another service point: {where}. The advisor will help you.",
            },
            tell_advisor=True,
        )
    day, today = booking.start.astimezone(HELSINKI).date(), now.astimezone(HELSINKI).date()
    at = _clock(booking.start)
    if day != today:
        if day == today + timedelta(days=1):
            fi, sv, en = f"huomenna klo {at}", f"i morgon kl. {at}", f"tomorrow at {at}"
        else:
            d = _date(booking.start)
            fi, sv, en = f"{d} klo {at}", f"den {d} kl. {at}", f"on {d} at {at}"
        if day > today:
            msgs = {
                "fi": f"Varauksesi on {fi} — tervetuloa silloin!",
                "sv": f"Din bokning är {sv} — välkommen då!",
                "en": f"Your booking is {en} — welcome then!",
            }
        else:
            msgs = {
                "fi": f"Varauksesi oli {fi}. Neuvoja auttaa sinua varaamaan uuden ajan.",
                "sv": f"Din bokning var {sv}. Rådgivaren hjälper dig att boka en ny tid.",
                "en": f"Your booking was {en}. The advisor will help you book a new time.",
            }
        # The advisor is told of every refusal at the door (the citizen may be standing
        # at the desk next): a wrong day, too early, too late, a wrong point, cancelled.
        return CheckinResult(Result.WRONG_DAY, msgs, tell_advisor=True)
    if now < booking.start - timedelta(minutes=window.early_min):
        opens = _clock(booking.start - timedelta(minutes=window.early_min))
        return CheckinResult(
            Result.TOO_EARLY,
            {
                "fi": f"Varauksesi on tänään klo {at}. Voit ilmoittautua klo {opens} alkaen.",
                "sv": f"Din bokning är i dag kl. {at}. Du kan anmäla dig från kl. {opens}.",
                "en": f"Your booking is today at {at}. You can check in from {opens}.",
            },
            tell_advisor=True,
        )
    if now > booking.start + timedelta(minutes=window.late_min):
        return CheckinResult(
            Result.TOO_LATE,
            {
                "fi": f"Varauksesi alkoi klo {at}. Sinut on siirretty jonoon — palvelemme sinut heti kun voimme.",
                "sv": f"Din bokning började kl. {at}. Du har flyttats till kön — vi betjänar dig så snart vi kan.",
                "en": f"Your booking started at {at}. You are now in the queue — we will serve you as soon as we can.",
            },
            tell_advisor=True,
            to_queue=True,
        )
    return CheckinResult(
        Result.OK,
        {
            "fi": "Kiitos, olet ilmoittautunut. Virkailija on pian tavattavissa.",
            "sv": "Tack, du har anmält dig. Handläggaren är snart här.",
            "en": "Thank you, you are checked in. The official will be with you shortly.",
        },
        tell_advisor=False,
    )
