"""What a crash left open is put right at start-up, on SQLite and on PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from backend.domain.bookings import BookedVia, Status
from backend.store import bookings, reconcile
from backend.store.booking_models import BookingRow, QueueRow
from backend.store.models import CallParticipantRow, CallRecord
from tests.support.bookings import *  # noqa: F403
from tests.support.bookings import NOW, TUESDAY, at

RESTART = at(TUESDAY, 11).timestamp()


def _call(s, call_id: str, phase: str, ended_at: float | None = None) -> None:
    s.add(CallRecord(id=call_id, booth_id="imatra-1", phase=phase, requested_at=1.0, ended_at=ended_at))
    s.flush()
    s.add(CallParticipantRow(call_id=call_id, peer="booth", role="booth", booth_id="imatra-1", joined_at=1.0))
    s.add(CallParticipantRow(call_id=call_id, peer="o1", role="official", official_id="official-1", joined_at=2.0))


def test_a_crash_leaves_nothing_open_after_the_restart(store):
    row, _ = bookings.book(
        store,
        bookings.BookingRequest("vero-personal", "imatra", "fi", at(TUESDAY, 10), BookedVia.ADVISOR, "advisor-1"),
        NOW,
    )
    checked = bookings.check_in(store, row.code, "imatra-1", at(TUESDAY, 9, 55))
    booth_walk_in = bookings.enqueue_walk_in(store, "imatra", "vero-taxcard", "fi", "imatra-1", NOW)
    desk = bookings.enqueue_walk_in(store, "imatra", "vero-taxcard", "sv", None, NOW, origin="desk")
    offered_desk = bookings.enqueue_walk_in(store, "imatra", "vero-taxcard", "fi", "imatra-1", NOW, origin="desk")
    with store() as s:
        for step in (Status.IN_LOBBY, Status.IN_CALL):
            bookings.set_status(s, s.get(BookingRow, row.id), step, at(TUESDAY, 10), "booth", None)
        s.get(QueueRow, offered_desk).state, s.get(QueueRow, offered_desk).offered_to = "offered", "official-1"
        s.get(QueueRow, checked.queue_entry_id).state = "served"
        _call(s, "s-open", "in_call")
        _call(s, "s-lobby", "lobby")
        _call(s, "s-done", "ended", ended_at=5.0)
        s.commit()

    done = reconcile.after_restart(store, RESTART)

    assert (done.queue_left, done.calls_ended, done.bookings_completed) == (1, 2, 1)
    assert done.desk_waiting == tuple(sorted((desk, offered_desk)))  # same arrival time: by id
    with store() as s:
        states = {r.id: (r.state, r.offered_to) for r in s.scalars(select(QueueRow))}
        assert states == {
            checked.queue_entry_id: ("served", None),
            booth_walk_in: ("left", None),
            desk: ("waiting", None),
            offered_desk: ("waiting", None),
        }
        calls = {r.id: (r.phase, r.ended_at, r.end_reason) for r in s.scalars(select(CallRecord))}
        assert calls == {
            "s-open": ("ended", RESTART, reconcile.RESTART_REASON),
            "s-lobby": ("ended", RESTART, reconcile.RESTART_REASON),
            "s-done": ("ended", 5.0, None),
        }
        left = {(p.call_id, p.peer): p.left_at for p in s.scalars(select(CallParticipantRow))}
        assert left[("s-open", "o1")] == RESTART and left[("s-done", "o1")] is None  # a finished call is not touched
        assert s.get(BookingRow, row.id).status == Status.COMPLETED
        assert [h.action for h in bookings.history(s, row.id)][-1] == "completed"
    again = reconcile.after_restart(store, RESTART + 60)  # idempotent: a second restart changes nothing more
    assert (again.queue_left, again.calls_ended, again.bookings_completed) == (0, 0, 0)
