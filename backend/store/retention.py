"""Personal data lifecycle: citizen contact data goes, the anonymous counts stay.

A booking's citizen name, phone and e-mail are needed only to send its messages
and to reach the citizen about it. ``erase_contact_data`` blanks them once the
booking ended more than ``keep_days`` ago (cancelled bookings count from their
booked end time too). The booking row itself stays — service, point, times,
status, channel — so statistics ("how many Tax bookings at Imatra in May, how
many official no-shows") still add up, but nothing in it names a person.

The outbox keeps every message's recipient and text until it is sent; after
that they serve no one. ``erase_outbox_contacts`` blanks the recipient, subject
and body of rows that are settled (sent, failed or cancelled) for longer than
their own period, keeping kind, channel, language, state and times for the
counts. A row still waiting to be sent is never blanked: a message is never
dropped.

Each erasure appends one entry to the audit log (``backend.store.audit``) with
the number of rows, never what was erased.

``backend.jobs`` runs them daily, each on its own schedule
(``ETAPISTE_JOBS_*_RETENTION_DAYS``); ``now`` is passed in.

Quick feedback's free text (``call_feedback.sms_text``, the citizen's own words
in the SMS reply) may name a person; ``erase_feedback_text`` blanks it once the
reply is older than its own period. The scores stay, so the reports' feedback
counts still add up. Third parties' (interpreters', support persons') name,
phone and e-mail go like citizens': ``erase_guest_contacts`` blanks them once
their link closed more than its own period ago; role, language and times stay
for the reports.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, update
from sqlalchemy.orm import Session, sessionmaker

from backend.notify.outbox import CANCELLED, FAILED, SENT, OutboxMessage
from backend.store import audit
from backend.store.appointment_models import CallFeedbackRow
from backend.store.booking_models import BookingRow
from backend.store.guest_models import GuestInvitationRow

DEFAULT_KEEP_DAYS = 30
DEFAULT_FEEDBACK_TEXT_KEEP_DAYS = 90


def erase_contact_data(db: sessionmaker[Session], now: datetime, keep_days: int = DEFAULT_KEEP_DAYS) -> int:
    """Blank contact data of bookings that ended before ``now - keep_days``; return how many."""
    if keep_days < 0:
        raise ValueError("keep_days must be 0 or more")
    cutoff = now.timestamp() - keep_days * 86400
    with db() as s:
        result = s.execute(
            update(BookingRow)
            .where(
                BookingRow.end <= cutoff,
                or_(BookingRow.citizen_name.is_not(None), BookingRow.phone.is_not(None), BookingRow.email.is_not(None)),
            )
            .values(citizen_name=None, phone=None, email=None, contact_erased_at=now.timestamp())
        )
        erased = result.rowcount or 0
        if erased:
            audit.record(
                s, audit.SYSTEM, "retention.erase", "booking", "*", now.timestamp(), f"contact data of {erased}"
            )
        s.commit()
        return erased


def erase_outbox_contacts(db: sessionmaker[Session], now: datetime, keep_days: int = DEFAULT_KEEP_DAYS) -> int:
    """Blank recipient, subject and body of outbox rows settled before ``now - keep_days``; return how many."""
    if keep_days < 0:
        raise ValueError("keep_days must be 0 or more")
    cutoff = now.timestamp() - keep_days * 86400
    settled_at = func.coalesce(OutboxMessage.sent_at, OutboxMessage.created_at)
    with db() as s:
        result = s.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.state.in_((SENT, FAILED, CANCELLED)),
                settled_at <= cutoff,
                OutboxMessage.recipient != "",
            )
            .values(recipient="", subject=None, body="")
            .execution_options(synchronize_session=False)
        )
        erased = result.rowcount or 0
        if erased:
            audit.record(s, audit.SYSTEM, "retention.erase", "outbox", "*", now.timestamp(), f"recipients of {erased}")
        s.commit()
        return erased


def erase_feedback_text(
    db: sessionmaker[Session], now: datetime, keep_days: int = DEFAULT_FEEDBACK_TEXT_KEEP_DAYS
) -> int:
    """Blank the free text of feedback replies received before ``now - keep_days``; return how many."""
    if keep_days < 0:
        raise ValueError("keep_days must be 0 or more")
    cutoff = now.timestamp() - keep_days * 86400
    received = func.coalesce(CallFeedbackRow.sms_at, CallFeedbackRow.sms_asked_at, CallFeedbackRow.citizen_at, 0.0)
    with db() as s:
        result = s.execute(
            update(CallFeedbackRow)
            .where(CallFeedbackRow.sms_text.is_not(None), received <= cutoff)
            .values(sms_text=None)
            .execution_options(synchronize_session=False)
        )
        erased = result.rowcount or 0
        if erased:
            audit.record(
                s, audit.SYSTEM, "retention.erase", "call_feedback", "*", now.timestamp(), f"free text of {erased}"
            )
        s.commit()
        return erased


def erase_guest_contacts(db: sessionmaker[Session], now: datetime, keep_days: int = DEFAULT_KEEP_DAYS) -> int:
    """Blank name, phone and e-mail of invited third parties whose link closed before ``now - keep_days``."""
    if keep_days < 0:
        raise ValueError("keep_days must be 0 or more")
    cutoff = now.timestamp() - keep_days * 86400
    with db() as s:
        result = s.execute(
            update(GuestInvitationRow)
            .where(
                GuestInvitationRow.valid_until <= cutoff,
                or_(
                    GuestInvitationRow.name.is_not(None),
                    GuestInvitationRow.phone.is_not(None),
                    GuestInvitationRow.email.is_not(None),
                ),
            )
            .values(name=None, phone=None, email=None, contact_erased_at=now.timestamp())
            .execution_options(synchronize_session=False)
        )
        erased = result.rowcount or 0
        if erased:
            audit.record(
                s,
                audit.SYSTEM,
                "retention.erase",
                "guest_invitation",
                "*",
                now.timestamp(),
                f"contact data of {erased}",
            )
        s.commit()
        return erased
