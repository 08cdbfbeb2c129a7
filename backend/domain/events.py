"""Domain events: what happened to a booking, carrying what a message needs.

The pure rules return these instead of sending anything; the shell (the lead's
outbox wiring, the websocket hub) turns them into SMS, e-mail and alerts. They
hold personal data (phone, e-mail) *for delivery only* — never log them whole;
``__repr__`` hides the contact fields for that reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class BookingFacts:
    """Everything a confirmation, reminder or alert about one booking needs."""

    booking_id: str
    code: str
    qr_payload: str
    #: service name per language code ("fi", "sv", "en").
    service_names: dict[str, str]
    point_name: str
    point_address: str
    booth_id: str
    official_id: str
    start: datetime  # timezone-aware, UTC
    end: datetime
    language: str
    phone: str | None = field(default=None, repr=False)
    email: str | None = field(default=None, repr=False)
    service_id: str = ""


@dataclass(frozen=True)
class BookingCreated:
    booking: BookingFacts
    channel: str


@dataclass(frozen=True)
class BookingRescheduled:
    booking: BookingFacts
    previous_start: datetime
    channel: str


@dataclass(frozen=True)
class BookingCancelled:
    booking: BookingFacts
    channel: str


@dataclass(frozen=True)
class CitizenCheckedIn:
    """The booked official is to be told now (replaces the pilots' manual refresh)."""

    booking: BookingFacts
    booth_id: str
    at: datetime


@dataclass(frozen=True)
class OfficialNoShow:
    """No official joined in time: the advisor of the point is alerted."""

    booking: BookingFacts
    minutes_late: int
    at: datetime


@dataclass(frozen=True)
class CheckinRefused:
    """A check-in the advisor should hear about (wrong point, too late, ...)."""

    result: str
    booth_id: str
    point_id: str
    code: str
    at: datetime


DomainEvent = (
    BookingCreated | BookingRescheduled | BookingCancelled | CitizenCheckedIn | OfficialNoShow | CheckinRefused
)
