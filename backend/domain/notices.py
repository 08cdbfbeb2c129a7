"""Which booking events become which messages to the citizen.

The booking domain reports what happened (``backend.domain.events``); the
messages domain (``backend.domain.notify``) knows how to tell a citizen. This
is the one mapping between the two. Pure: no I/O.
"""

from __future__ import annotations

from backend.domain.events import (
    BookingCancelled,
    BookingCreated,
    BookingFacts,
    BookingRescheduled,
    DomainEvent,
)
from backend.domain.notify import BookingNotice, NoticeKind


def notices_for(event: DomainEvent) -> list[BookingNotice]:
    """The citizen notices for ``event``; events that concern staff only give none."""
    match event:
        case BookingCreated(booking=b):
            return [_notice(NoticeKind.CONFIRMATION, b)]
        case BookingRescheduled(booking=b, previous_start=old):
            return [_notice(NoticeKind.RESCHEDULE, b, old_starts_at=old)]
        case BookingCancelled(booking=b):
            return [_notice(NoticeKind.CANCELLATION, b)]
    return []


def _notice(kind: NoticeKind, b: BookingFacts, **extra: object) -> BookingNotice:
    return BookingNotice(
        kind=kind,
        booking_code=b.code,
        service_name=dict(b.service_names),
        point_name=b.point_name,
        point_address=b.point_address,
        starts_at=b.start,
        language=b.language,
        phone=b.phone,
        email=b.email,
        qr_payload=b.qr_payload,
        **extra,  # type: ignore[arg-type]
    )
