"""Storing a call's quick feedback: the citizen's answers and the official's, one row per call."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.domain import message_texts
from backend.domain.message_texts import SMS_QUESTION
from backend.domain.notify import NoticeChannel, PlannedMessage
from backend.notify import outbox
from backend.store import organisation_settings
from backend.store.appointment_models import CallFeedbackRow
from backend.store.booking_models import BookingRow


def _row(db: Session, call_id: str) -> CallFeedbackRow:
    row = db.get(CallFeedbackRow, call_id)
    if row is None:
        row = CallFeedbackRow(call_id=call_id)
        db.add(row)
    return row


def record_citizen(
    db: Session, call_id: str, answers: tuple[int | None, int | None, int | None], skipped: bool, at: float
) -> None:
    """The citizen's answers (service, ease, overall); the latest answer of a call stands."""
    row = _row(db, call_id)
    row.citizen_service, row.citizen_ease, row.citizen_overall = answers
    row.citizen_skipped, row.citizen_at = skipped, at
    db.commit()


def record_official(db: Session, call_id: str, official_id: str, technical: int, handled: int, at: float) -> None:
    row = _row(db, call_id)
    row.official_id, row.official_technical, row.official_handled, row.official_at = official_id, technical, handled, at
    db.commit()


def feedback_of(db: Session, call_id: str) -> CallFeedbackRow | None:
    return db.get(CallFeedbackRow, call_id)


# --- the SMS fallback -------------------------------------------------------------------------------------------------


class FeedbackNotice(StrEnum):
    """The outbox row's kind (beside the booking notices of ``backend.domain.notify.NoticeKind``)."""

    FEEDBACK_REQUEST = "feedback_request"  # one SMS after a call whose citizen skipped the quick feedback


#: A reply later than this after the question is not matched to it.
REPLY_WINDOW_S = 7 * 24 * 3600.0


def phone_hash(phone: str) -> str:
    """A number as the reply's sender will give it, hashed: +358 40 123 4567 == +358401234567."""
    digits = "".join(ch for ch in phone if ch.isdigit() or ch == "+")
    return hashlib.sha256(digits.encode()).hexdigest()


def ask_by_sms(db: Session, call_id: str, booking_id: str, now: float) -> bool:
    """One SMS with the overall question to the booking's phone, if there is one; True when queued."""
    booking = db.get(BookingRow, booking_id)
    if booking is None or not booking.phone or booking.contact_erased_at is not None:
        return False
    row = _row(db, call_id)
    if row.sms_asked_at is not None:
        return False  # one SMS per call
    language = booking.language if booking.language in SMS_QUESTION else "fi"
    own = organisation_settings.own_texts(db, booking.organisation_id, language)
    question = message_texts.own_text(own, f"{message_texts.FEEDBACK_REQUEST}.sms") or SMS_QUESTION[language]
    message = PlannedMessage(
        kind=FeedbackNotice.FEEDBACK_REQUEST,  # type: ignore[arg-type]  # stored as its value, like NoticeKind
        channel=NoticeChannel.SMS,
        recipient=booking.phone,
        subject=None,
        text=question,
        send_at=datetime.fromtimestamp(now, UTC),
        booking_code=booking.code,
        language=language,
        dedupe_key=f"feedback:{call_id}",
        expires_at=datetime.fromtimestamp(now + 24 * 3600, UTC),
    )
    outbox.stage(db, message, now)
    row.sms_asked_at, row.sms_phone_hash = now, phone_hash(booking.phone)
    db.commit()
    return True


def parse_reply(text: str) -> tuple[int | None, str]:
    """Pure: the score (the first digit 1-5 standing on its own) and the rest as free text."""
    match = re.search(r"(?<!\d)([1-5])(?!\d)", text)
    score = int(match.group(1)) if match else None
    separators = " .,:;-\n\t"
    rest = f"{text[: match.start()].rstrip(separators)} {text[match.end() :].lstrip(separators)}" if match else text
    return score, " ".join(rest.split()).strip(separators)[:500]


def record_reply(db: Session, sender: str, text: str, now: float) -> bool:
    """The citizen's SMS answer, matched by the number to the latest open question; True when recorded."""
    q = (
        select(CallFeedbackRow)
        .where(CallFeedbackRow.sms_phone_hash == phone_hash(sender), CallFeedbackRow.sms_overall.is_(None))
        .order_by(CallFeedbackRow.sms_asked_at.desc())
    )
    row = db.scalars(q).first()
    if row is None or row.sms_asked_at is None or now - row.sms_asked_at > REPLY_WINDOW_S:
        return False
    score, words = parse_reply(text)
    if score is None and not words:
        return False
    row.sms_overall, row.sms_text, row.sms_at = score, words or None, now
    row.sms_phone_hash = None  # matched: the number's trace goes
    db.commit()
    return True
