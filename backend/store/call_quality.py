"""Storing and reading what participants reported about their calls (figures and events, no content).

``record`` writes one report (``backend.domain.call_reports.QualityReported``);
``facts`` reads back everything about one call for the timeline and its
verdict (``backend.domain.call_quality``), with where it happened and whose
officials took part, which ``backend.domain.access.sees_call_quality`` needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.domain.access import CallQualityRef
from backend.domain.call_quality import CallFacts, Event, Sample, Stay
from backend.domain.call_reports import QualityReported
from backend.store.call_quality_models import CallEventRow, CallStatsRow
from backend.store.models import Booth, CallParticipantRow, CallRecord, Official
from protocol.messages import CallStats

#: The figures a ``call.stats`` carries, stored under the same names.
_FIGURES = (
    "rtt_ms",
    "loss_pct",
    "jitter_ms",
    "fps",
    "kbps_in",
    "kbps_out",
    "width",
    "height",
    "concealed_pct",
)


def record(db: Session, r: QualityReported) -> None:
    m = r.report
    if isinstance(m, CallStats):
        row = CallStatsRow(call_id=r.call_id, peer=r.peer, role=r.role, about_peer=m.peer, at=r.at)
        for name in _FIGURES:
            setattr(row, name, getattr(m, name))
        row.pair = m.pair.value if m.pair else None
        db.add(row)
    else:
        db.add(
            CallEventRow(
                call_id=r.call_id,
                peer=r.peer,
                role=r.role,
                about_peer=m.peer,
                at=r.at,
                kind=m.kind.value,
                detail=m.detail,
            )
        )
    db.commit()


@dataclass(frozen=True)
class StoredCall:
    facts: CallFacts
    ref: CallQualityRef
    booth_id: str
    booth_name: str


def facts(db: Session, call_id: str) -> StoredCall | None:
    """Everything stored about one call, or None when there is no such call."""
    rec = db.get(CallRecord, call_id)
    if rec is None:
        return None
    booth = db.get(Booth, rec.booth_id)
    stays = list(
        db.execute(
            select(CallParticipantRow, Official.organisation_id)
            .outerjoin(Official, Official.id == CallParticipantRow.official_id)
            .where(CallParticipantRow.call_id == call_id)
            .order_by(CallParticipantRow.joined_at, CallParticipantRow.peer)
        )
    )
    samples = db.scalars(select(CallStatsRow).where(CallStatsRow.call_id == call_id).order_by(CallStatsRow.at))
    events = db.scalars(select(CallEventRow).where(CallEventRow.call_id == call_id).order_by(CallEventRow.at))
    call = CallFacts(
        call_id=rec.id,
        requested_at=rec.requested_at,
        admitted_at=rec.admitted_at,
        ended_at=rec.ended_at,
        end_reason=rec.end_reason,
        stays=tuple(Stay(p.peer, p.role, p.joined_at, p.left_at) for p, _ in stays),
        samples=tuple(
            Sample(
                at=s.at,
                peer=s.peer,
                role=s.role,
                about_peer=s.about_peer,
                pair=s.pair,
                **{name: getattr(s, name) for name in _FIGURES},
            )
            for s in samples
        ),
        events=tuple(Event(e.at, e.peer, e.role, e.kind, e.detail, e.about_peer) for e in events),
    )
    point_id = booth.point_id if booth is not None else ""
    ref = CallQualityRef(call_id, point_id, frozenset(org for _, org in stays if org))
    return StoredCall(call, ref, rec.booth_id, booth.name if booth is not None else rec.booth_id)


def calls_between(db: Session, start: float, end: float, limit: int = 500) -> list[str]:
    """Ids of the calls asked for between ``start`` and ``end`` (unix times), newest first."""
    q = (
        select(CallRecord.id)
        .where(CallRecord.requested_at >= start, CallRecord.requested_at < end)
        .order_by(CallRecord.requested_at.desc())
        .limit(limit)
    )
    return list(db.scalars(q))
