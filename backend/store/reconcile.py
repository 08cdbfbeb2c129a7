"""Putting right, at start-up, what a backend crash left in the database.

The broker (``backend.domain.calls``) keeps the live sessions in memory and the
hub's record writer mirrors each change into the database. A crash (kill -9,
power loss) stops that mirror mid-stream: queue rows stay "waiting" or
"offered", call records stay open and bookings stay "in_call" for ever, so the
advisor's queue shows citizens who are gone and the statistics count calls
that never end. A clean shutdown leaves nothing of the kind: the booths'
sockets close first and every session ends through the broker.

At start-up, before any socket is served, nothing is live but the sessions the
hub restored from the store (``backend.store.live_sessions``: they wait for a
resume, and end through the broker if nobody resumes them); everything else
still open is what a crash (or a stop that could not finish its records) left. This
holds because one backend process owns the live state (the broker is in its
memory); a second process sharing the database would have to run this only
for what it owned.

- a queue row of a citizen at a booth (``origin`` booth) is ``left``: their
  session died with the backend (the booth shows the backend as gone and
  starts afresh when it is back);
- a walk-in the advisor queued at the desk (``origin`` desk) still stands in
  the room: its row waits again, without the offer it may have had, and the
  hub hands it to the broker again (``Reconciled.desk_waiting``);
- an open call record ends at the restart with reason ``backend_restarted``,
  and its participants leave then (the crash's moment is not known; the
  restart is the first moment the backend knows it was over);
- a booking whose call was in progress is completed, as when its call ends
  (``bookings.follow_call``): the citizen was served.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from backend.domain.bookings import BookedVia, Status
from backend.store import bookings
from backend.store.booking_models import BookingRow, QueueRow
from backend.store.live_models import LiveSessionRow
from backend.store.models import CallParticipantRow, CallRecord

log = logging.getLogger("etapiste.reconcile")

#: ``call_record.end_reason`` of a call the backend's restart found still open.
RESTART_REASON = "backend_restarted"

_OPEN_QUEUE = ("waiting", "offered")


@dataclass(frozen=True)
class Kept:
    """What the hub restored and so is not the crash's leftovers: session ids (= call record
    ids), their queue rows and their bookings."""

    sessions: frozenset[str] = frozenset()
    queue_entries: frozenset[str] = frozenset()
    bookings: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Reconciled:
    """What was put right (counts for the log) and the desk walk-ins to route again."""

    queue_left: int
    desk_waiting: tuple[str, ...]
    calls_ended: int
    bookings_completed: int


def after_restart(db: sessionmaker[Session], now: float, kept: Kept = Kept()) -> Reconciled:
    """Close what a crash left open (see the module's docstring), except what the hub restored
    (``kept``); one transaction, idempotent."""
    with db() as s:
        s.execute(delete(LiveSessionRow).where(LiveSessionRow.id.not_in(kept.sessions)))
        left = s.execute(
            update(QueueRow)
            .where(QueueRow.state.in_(_OPEN_QUEUE), QueueRow.origin != "desk", QueueRow.id.not_in(kept.queue_entries))
            .values(state="left", offered_to=None)
        ).rowcount
        s.execute(
            update(QueueRow)
            .where(QueueRow.state.in_(_OPEN_QUEUE), QueueRow.origin == "desk")
            .values(state="waiting", offered_to=None)
        )
        desk = tuple(
            s.scalars(
                select(QueueRow.id)
                .where(QueueRow.state == "waiting", QueueRow.origin == "desk")
                .order_by(QueueRow.enqueued_at, QueueRow.id)
            )
        )
        open_calls = list(
            s.scalars(select(CallRecord.id).where(CallRecord.ended_at.is_(None), CallRecord.id.not_in(kept.sessions)))
        )
        if open_calls:
            s.execute(
                update(CallParticipantRow)
                .where(CallParticipantRow.call_id.in_(open_calls), CallParticipantRow.left_at.is_(None))
                .values(left_at=now)
            )
            s.execute(
                update(CallRecord)
                .where(CallRecord.id.in_(open_calls))
                .values(phase="ended", ended_at=now, end_reason=RESTART_REASON)
            )
        when = datetime.fromtimestamp(now, UTC)
        in_call = list(
            s.scalars(
                select(BookingRow).where(BookingRow.status == Status.IN_CALL.value, BookingRow.id.not_in(kept.bookings))
            )
        )
        for b in in_call:
            bookings.set_status(s, b, Status.COMPLETED, when, BookedVia.BOOTH.value, None)
        s.commit()
    done = Reconciled(left, desk, len(open_calls), len(in_call))
    if left or desk or open_calls or in_call:
        log.warning(
            "the last run left open: %d booth citizens' queue rows (now left), %d calls (now ended, %s), "
            "%d bookings in a call (now completed); %d desk walk-ins wait again",
            done.queue_left,
            done.calls_ended,
            RESTART_REASON,
            done.bookings_completed,
            len(done.desk_waiting),
        )
    return done
