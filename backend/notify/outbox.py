"""The outbox: every message to a citizen is a row here before it is sent.

Why a table and not a queue in memory: a gateway or mail server that is down
must delay a message, never lose it, and a backend restart must not forget
what was still to be sent. A row is only ever marked — sent, failed (with the
reason, for an admin to see) or cancelled (a reminder of a time that moved) —
never deleted while unsent.

Claiming uses a lease written by a conditional UPDATE (compare-and-set on
``lease_until``), which is atomic on SQLite and PostgreSQL alike, so two
workers never hold the same row at once. Times are epoch seconds (floats), as
elsewhere in the store.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Float, Index, Integer, String, Text, or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Mapped, Session, mapped_column

from backend.domain.notify import REMINDER_KINDS, Plan, PlannedMessage
from backend.store.models import Base

PENDING, SENT, FAILED, CANCELLED = "pending", "sent", "failed", "cancelled"


class OutboxMessage(Base):
    """One message to one recipient on one channel (sms or email)."""

    __tablename__ = "outbox"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    #: Same message, same key: storing an event twice stores one row.
    dedupe_key: Mapped[str] = mapped_column(String(64), unique=True)
    booking_code: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(10))
    language: Mapped[str] = mapped_column(String(2))
    #: Personal data: the phone number or e-mail address. Never logged.
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str | None] = mapped_column(String(300), nullable=True)
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(12), default=PENDING)
    due_at: Mapped[float] = mapped_column(Float)
    #: After this, sending is pointless (a reminder of a time already past).
    expires_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(64), nullable=True)
    lease_until: Mapped[float | None] = mapped_column(Float, nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    #: The gateway's or mail server's id of the delivered message, for support.
    external_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[float] = mapped_column(Float)
    sent_at: Mapped[float | None] = mapped_column(Float, nullable=True)

    __table_args__ = (Index("ix_outbox_state_due", "state", "due_at"),)


@dataclass(frozen=True)
class Claimed:
    """A row a worker holds the lease of: everything needed to send it, detached from the session."""

    id: str
    kind: str
    channel: str
    recipient: str
    subject: str | None
    body: str
    attempts: int
    expires_at: float | None


def _ts(dt: datetime) -> float:
    return dt.timestamp()


# Phone numbers and e-mail addresses a gateway may echo in its error text.
_PERSONAL = re.compile(r"\+?\d[\d\s\-]{5,}\d|[^\s@<>\"']+@[^\s@<>\"']+")


def redact(text: str, limit: int = 500) -> str:
    """``text`` without anything that looks like a phone number or e-mail address, cut to ``limit``."""
    return _PERSONAL.sub("[redacted]", text)[:limit]


def enqueue(session: Session, message: PlannedMessage, now: float) -> str:
    """Store ``message`` unless the same message is already stored; return its row id. Commits.

    A cancelled row with the same key (a reminder withdrawn by a reschedule and
    then the booking moved back) is revived with the new text and time.
    """
    row_id = stage(session, message, now)
    try:
        session.commit()
    except IntegrityError:  # another process stored the same message first
        session.rollback()
        return session.scalars(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == message.dedupe_key)).one()
    return row_id


def stage(session: Session, message: PlannedMessage, now: float) -> str:
    """``enqueue`` without committing: the row joins the caller's transaction.

    Used inside a booking's own transaction, so the booking and its messages
    land together or not at all. A concurrent identical insert surfaces as an
    ``IntegrityError`` at the caller's commit, which then retries as a whole.
    """
    existing = session.scalars(select(OutboxMessage).where(OutboxMessage.dedupe_key == message.dedupe_key)).first()
    if existing is not None:
        if existing.state == CANCELLED:
            existing.state, existing.body, existing.subject = PENDING, message.text, message.subject
            existing.recipient, existing.due_at = message.recipient, _ts(message.send_at)
            existing.expires_at = _ts(message.expires_at) if message.expires_at else None
            existing.attempts, existing.last_error, existing.lease_owner, existing.lease_until = 0, None, None, None
        return existing.id
    row = OutboxMessage(
        id=uuid.uuid4().hex,
        dedupe_key=message.dedupe_key,
        booking_code=message.booking_code,
        kind=str(message.kind),
        channel=str(message.channel),
        language=message.language,
        recipient=message.recipient,
        subject=message.subject,
        body=message.text,
        state=PENDING,
        due_at=_ts(message.send_at),
        expires_at=_ts(message.expires_at) if message.expires_at else None,
        attempts=0,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row.id


def cancel_reminders(session: Session, booking_code: str, now: float) -> int:
    """Withdraw the booking's reminders that have not been sent; return how many. Commits.

    A reminder being sent at this very moment (leased) is withdrawn too; if it
    goes out anyway the worker records it as sent, which is the truth.
    """
    count = withdraw_reminders(session, booking_code)
    session.commit()
    return count


def withdraw_reminders(session: Session, booking_code: str) -> int:
    """``cancel_reminders`` without committing (inside the caller's transaction)."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.booking_code == booking_code,
            OutboxMessage.state == PENDING,
            OutboxMessage.kind.in_([str(k) for k in REMINDER_KINDS]),
        )
        .values(state=CANCELLED, last_error="withdrawn: booking moved or cancelled")
    )
    return result.rowcount or 0


def apply_plan(session: Session, plan: Plan, now: float) -> list[str]:
    """Withdraw what the plan withdraws, then store its messages; return the row ids. Commits."""
    if plan.cancel_reminders_of:
        cancel_reminders(session, plan.cancel_reminders_of, now)
    return [enqueue(session, m, now) for m in plan.messages]


def stage_plan(session: Session, plan: Plan, now: float) -> list[str]:
    """``apply_plan`` inside the caller's transaction (no commit)."""
    if plan.cancel_reminders_of:
        withdraw_reminders(session, plan.cancel_reminders_of)
    return [stage(session, m, now) for m in plan.messages]


def claim(session: Session, owner: str, now: float, lease_seconds: float, limit: int = 20) -> list[Claimed]:
    """Take the lease of up to ``limit`` due rows for ``owner``.

    Each row is taken by its own conditional UPDATE in its own transaction, so
    of two workers racing for a row exactly one sees ``rowcount == 1``. A lease
    that ran out (a worker that died mid-send) can be taken again.
    """
    free = or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now)
    candidates = session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.state == PENDING, OutboxMessage.due_at <= now, free)
        .order_by(OutboxMessage.due_at)
        .limit(limit)
    ).all()
    session.commit()  # end the read transaction before writing (SQLite WAL snapshot rules)
    claimed: list[Claimed] = []
    for row_id in candidates:
        try:
            result = session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row_id, OutboxMessage.state == PENDING, free)
                .values(lease_owner=owner, lease_until=now + lease_seconds)
            )
            session.commit()
        except OperationalError:  # database busy: another worker is writing; try this row next round
            session.rollback()
            continue
        if result.rowcount == 1:
            row = session.get(OutboxMessage, row_id, populate_existing=True)
            if row is not None:
                claimed.append(
                    Claimed(
                        row.id,
                        row.kind,
                        row.channel,
                        row.recipient,
                        row.subject,
                        row.body,
                        row.attempts,
                        row.expires_at,
                    )
                )
    session.commit()
    return claimed


def _finish(session: Session, row_id: str, owner: str, **values: object) -> bool:
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id, OutboxMessage.lease_owner == owner)
        .values(lease_owner=None, lease_until=None, **values)
    )
    session.commit()
    return result.rowcount == 1


def mark_sent(session: Session, row_id: str, owner: str, now: float, external_id: str | None) -> bool:
    """Record delivery to the gateway or mail server. False if ``owner`` no longer held the lease."""
    return _finish(
        session, row_id, owner, state=SENT, sent_at=now, external_id=external_id, attempts=OutboxMessage.attempts + 1
    )


def mark_retry(session: Session, row_id: str, owner: str, due_at: float, reason: str) -> bool:
    """Keep the row pending, due again at ``due_at``, with the reason of this failure."""
    return _finish(
        session, row_id, owner, due_at=due_at, last_error=redact(reason), attempts=OutboxMessage.attempts + 1
    )


def mark_failed(session: Session, row_id: str, owner: str, reason: str) -> bool:
    """Give the row up for good, keeping it and the reason visible."""
    return _finish(session, row_id, owner, state=FAILED, last_error=redact(reason), attempts=OutboxMessage.attempts + 1)


def of_booking(session: Session, booking_code: str) -> list[OutboxMessage]:
    """Every message of a booking, oldest first: what the advisor's view shows."""
    return list(
        session.scalars(
            select(OutboxMessage).where(OutboxMessage.booking_code == booking_code).order_by(OutboxMessage.due_at)
        )
    )


def forget_recipients(session: Session, booking_codes: list[str]) -> int:
    """Erase the personal data of finished messages of these bookings; counts stay. Commits.

    For the personal-data lifecycle: once a booking's retention ends, its
    messages keep their kind, channel, state and times but lose the recipient
    and the text (which names the service and time).
    """
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.booking_code.in_(booking_codes), OutboxMessage.state != PENDING)
        .values(recipient="", body="", subject=None)
    )
    session.commit()
    return result.rowcount or 0
