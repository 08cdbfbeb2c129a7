"""Persisting what the broker decides about sessions: times, participants and the matter (service) only."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.domain.calls import CallSession
from backend.store.call_service_models import CallServiceRow
from backend.store.models import CallParticipantRow, CallRecord
from protocol.messages import ParticipantRole, Role


def record_call(db: Session, s: CallSession) -> None:
    """Upsert the session's row and one row per participant (the broker keeps those who left)."""
    rec = db.get(CallRecord, s.id) or CallRecord(id=s.id, booth_id=s.booth_id, requested_at=s.requested_at)
    rec.phase = s.phase.value
    rec.admitted_at = s.admitted_at if s.admitted_at is not None else rec.admitted_at
    rec.ended_at = s.ended_at
    rec.end_reason = s.end_reason.value if s.end_reason else None
    db.merge(rec)
    db.flush()
    if s.service_id and db.get(CallServiceRow, s.id) is None:  # the matter, for the reports' service filter
        db.add(CallServiceRow(call_id=s.id, service_id=s.service_id))
    for p in s.participants:
        row = db.get(CallParticipantRow, (s.id, p.peer)) or CallParticipantRow(call_id=s.id, peer=p.peer)
        booth = p.role is ParticipantRole.BOOTH
        row.role = p.role.value
        row.booth_id = p.party.id if booth else None
        # a guest is an invitation, not an account: their stay is on ``guest_invitation``
        row.official_id = p.party.id if p.party.role is Role.OFFICIAL else None
        row.joined_at = p.joined_at
        row.left_at = p.left_at
        db.merge(row)
    db.commit()


def participants_of(db: Session, call_id: str) -> list[CallParticipantRow]:
    """A call's participants in joining order (statistics and fault finding)."""
    q = select(CallParticipantRow).where(CallParticipantRow.call_id == call_id)
    return list(db.scalars(q.order_by(CallParticipantRow.joined_at, CallParticipantRow.peer)))
