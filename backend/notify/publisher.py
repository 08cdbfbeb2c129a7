"""Putting the citizen's messages for a booking event into the outbox.

``outbox_stager`` runs inside the booking's own transaction (the booking
store calls it before committing), so a booking and its messages land
together or not at all: a lost race or a crash leaves neither. After that
the worker delivers: a gateway or mail server that is down delays a message,
never loses it, and never sends it twice.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from backend.domain.events import DomainEvent
from backend.domain.notices import notices_for
from backend.domain.notify import BookingNotice, NoticeError, NoticeKind, plan
from backend.notify import outbox
from backend.store import organisation_settings

log = logging.getLogger("etapiste.notify")


def _notices(session: Session, event: DomainEvent) -> list[BookingNotice]:
    """The event's notices, each carrying the wording the booking's organisation set for its language
    (the admin app's message texts); a text it did not set stays the catalogue's."""
    booking = getattr(event, "booking", None)
    org = organisation_settings.organisation_of_service(session, getattr(booking, "service_id", None))
    return [replace(n, own_texts=organisation_settings.own_texts(session, org, n.language)) for n in notices_for(event)]


def outbox_stager(clock: Callable[[], float]) -> Callable[[Session, DomainEvent], None]:
    def stage(session: Session, event: DomainEvent) -> None:
        now = clock()
        for notice in _notices(session, event):
            try:
                planned = plan(notice, datetime.fromtimestamp(now, UTC))
            except NoticeError as exc:  # e.g. a phone number no gateway can reach: the booking still stands
                log.warning("no message for %s: %s", type(event).__name__, str(exc).split(":", 1)[0])
                continue
            ids = outbox.stage_plan(session, planned, now)
            log.info("%s: %d message(s) staged", type(event).__name__, len(ids))

    return stage


def resend_confirmation(session: Session, event: DomainEvent, now: float) -> int:
    """Stage the booking's confirmation again (the citizen lost it), inside the caller's transaction.

    Only the confirmation itself: its reminders are already in the outbox and
    are not doubled. Each resend is a message of its own (its own dedupe key),
    so the outbox does not take it for the one already sent. Returns how many
    messages (SMS, e-mail) were staged; 0 when the booking has no contact data.
    """
    at = datetime.fromtimestamp(now, UTC)
    staged = 0
    for notice in _notices(session, event):
        try:
            planned = plan(notice, at)
        except NoticeError as exc:
            log.warning("no resend for %s: %s", type(event).__name__, str(exc).split(":", 1)[0])
            continue
        for message in planned.messages:
            if message.kind is not NoticeKind.CONFIRMATION:
                continue
            key = hashlib.sha256(f"{message.dedupe_key}|resend|{now!r}".encode()).hexdigest()[:40]
            outbox.stage(session, replace(message, dedupe_key=key), now)
            staged += 1
    return staged
