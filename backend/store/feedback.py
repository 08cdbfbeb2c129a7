"""Storing a call's quick feedback: the citizen's answers and the official's, one row per call."""

from __future__ import annotations

from sqlalchemy.orm import Session

from backend.store.appointment_models import CallFeedbackRow


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
