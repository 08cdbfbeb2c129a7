"""The queue rows and bookings follow the live calls.

The hub routes citizens in memory (``backend.domain.calls``) — those at booths
and those an advisor queued at the desk alike; these rows are the record of
it — the advisors' live queue view, the statistics, and the booking's status
(in lobby, in call, completed) — written by the hub's one ordered record
writer after each change.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from backend.domain.calls import CallPhase, CallSession, DeskWalkIn
from backend.store import bookings
from backend.store.booking_models import QueueRow
from backend.store.models import Booth, ServicePoint

log = logging.getLogger("etapiste.queue")


def queue_state(session: CallSession) -> tuple[str, str | None]:
    """The queue row's state for a session: waiting, offered (to whom), served or left."""
    if session.phase is CallPhase.IN_CALL or session.admitted_at is not None:
        return "served", session.official_id
    if session.phase is CallPhase.ENDED:
        return "left", None
    if session.offered_to is not None:
        return "offered", session.offered_to
    return "waiting", None


def desk_walk_in(db: sessionmaker[Session], entry_id: str) -> DeskWalkIn:
    """A queue row the advisor made, as the broker routes it."""
    with db() as s:
        row = s.get(QueueRow, entry_id)
        if row is None:
            raise LookupError(f"no queue entry {entry_id!r}")
        point = s.get(ServicePoint, row.point_id)
        booth = s.get(Booth, row.booth_id) if row.booth_id else None
        return DeskWalkIn(
            entry_id=row.id,
            point_id=row.point_id,
            point=point.name if point else row.point_id,
            service_id=row.service_id,
            language=row.language,
            enqueued_at=row.enqueued_at,
            booth_name=booth.name if booth else None,
        )


def follow_entry(db: sessionmaker[Session], entry_id: str, state: str, official_id: str | None) -> None:
    """Mirror a desk walk-in's routing (waiting, offered to whom, served) into its queue row."""
    with db() as s:
        s.execute(
            update(QueueRow)
            .where(QueueRow.id == entry_id, QueueRow.state != "served")
            .values(state=state, offered_to=official_id)
        )
        s.commit()


def follow_session(db: sessionmaker[Session], session: CallSession) -> None:
    """Mirror one session change into its queue row and its booking."""
    if session.queue_entry_id is not None:
        state, official = queue_state(session)
        with db() as s:
            s.execute(
                update(QueueRow)
                .where(QueueRow.id == session.queue_entry_id, QueueRow.state != "served")
                .values(state=state, offered_to=official)
            )
            s.commit()
    if session.booking_code is not None:
        at = session.ended_at or session.admitted_at or session.requested_at
        bookings.follow_call(
            db,
            session.booking_code,
            session.phase.value,
            session.admitted_at is not None,
            datetime.fromtimestamp(at, UTC),
        )
