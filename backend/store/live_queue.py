"""The queue rows and bookings follow the live calls.

The hub routes citizens in memory (``backend.domain.calls``); these rows are
the record of it — the advisors' live queue view, the statistics, and the
booking's status (in lobby, in call, completed) — written by the hub's one
ordered record writer after each session change.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from backend.domain.calls import CallPhase, CallSession
from backend.store import bookings
from backend.store.booth_models import QueueRow

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
