"""Persisting what the broker decides about sessions: times and parties only."""

from __future__ import annotations

from sqlalchemy.orm import Session

from backend.domain.calls import CallSession
from backend.store.models import CallRecord


def record_call(db: Session, s: CallSession) -> None:
    rec = db.get(CallRecord, s.id) or CallRecord(id=s.id, booth_id=s.booth_id, requested_at=s.requested_at)
    rec.phase = s.phase.value
    rec.official_id = s.official_id if s.official_id is not None else rec.official_id
    rec.admitted_at = s.admitted_at if s.admitted_at is not None else rec.admitted_at
    rec.ended_at = s.ended_at
    rec.end_reason = s.end_reason.value if s.end_reason else None
    db.merge(rec)
    db.commit()
