"""Bookings in the database, and why there is never a double booking.

The guarantee is a UNIQUE constraint, not a Python lock (a lock would not
cover two backend processes, nor a PostgreSQL shared by several): every booking
that holds its booth and official inserts one ``resource_slot`` row per
5-minute unit it covers, for the booth *and* for the official, in the same
transaction as the booking row. Two overlapping bookings of one resource share
at least one unit, so the second INSERT violates
``UNIQUE(resource_kind, resource_id, slot_start)`` and its whole transaction
rolls back: "slot taken". This behaves the same on SQLite (writers serialise;
the loser sees the constraint after the winner commits) and on PostgreSQL (the
loser's INSERT waits on the winner's uncommitted row, then fails). Rows are
inserted in one global order (kind, id, unit) so two PostgreSQL transactions
cannot deadlock on each other's rows. Cancelling deletes the rows, freeing the
time; rescheduling swaps them inside one transaction.

The pure slot search runs first (it picks a free booth and official and gives
a helpful refusal for closed hours etc.); the constraint is what makes the
race safe. Times are UTC epoch seconds in the database and aware datetimes in
the API of this module; ``now`` is always passed in.
"""

from __future__ import annotations

import logging
import math
import time as _time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from backend.domain import bookings as rules
from backend.domain import checkin as door
from backend.domain import queue as queue_rules
from backend.domain.bookings import BookedVia, BookingRuleError, Status
from backend.domain.catalogue import HELSINKI
from backend.domain.events import (
    BookingCancelled,
    BookingCreated,
    BookingFacts,
    BookingRescheduled,
    CheckinRefused,
    CitizenCheckedIn,
    DomainEvent,
    OfficialNoShow,
)
from backend.domain.slots import DEFAULT_GRID_MIN, Busy, Slot, free_slots
from backend.store import catalogue, organisation_settings
from backend.store.booking_models import BookingHistory, BookingRow, QueueRow, ResourceSlot
from backend.store.models import LoginSession, ServicePoint

UNIT_S = 300  # resource_slot granularity: 5 minutes
ATTEMPTS = 5

T = TypeVar("T")


class DatabaseBusy(RuntimeError):
    """Every attempt met a lock or deadlock, not a taken slot: say so (HTTP 503), never "slot taken"."""


class SlotTaken(rules.ConflictError):
    """The time was free when searched but another booking got it first."""


@dataclass(frozen=True)
class BookingRequest:
    service_id: str
    point_id: str
    language: str
    start: datetime
    channel: BookedVia
    booked_by: str | None = None
    booth_id: str | None = None
    official_id: str | None = None
    citizen_name: str | None = None
    phone: str | None = None
    email: str | None = None


def ts(dt: datetime) -> float:
    if dt.tzinfo is None:
        raise BookingRuleError("times must carry a timezone (e.g. 2026-11-24T10:00:00+02:00)")
    return dt.timestamp()


def dt(t: float) -> datetime:
    return datetime.fromtimestamp(t, UTC)


def units(start: float, end: float) -> list[int]:
    first = math.floor(start / UNIT_S) * UNIT_S
    return list(range(int(first), int(math.ceil(end / UNIT_S) * UNIT_S), UNIT_S))


#: Called inside a booking's transaction with the event it produced, so what the
#: event causes (the citizen's messages in the outbox) commits with the booking.
Stager = Callable[[Session, DomainEvent], None]


def _staged(s: Session, stage: Stager | None, event: DomainEvent) -> None:
    if stage is not None:
        stage(s, event)


def with_retries(db: sessionmaker[Session], work: Callable[[Session], T], attempts: int = ATTEMPTS) -> T:
    """Run ``work`` in a transaction; retry on a lost race (unique violation, lock, deadlock).

    ``work`` re-reads everything, so a retry sees the winner's booking and either
    picks another free booth/official or refuses with SlotTaken.
    """
    last: Exception | None = None
    for attempt in range(attempts):
        with db() as s:
            try:
                result = work(s)
                s.commit()
                return result
            except (IntegrityError, OperationalError) as exc:
                s.rollback()
                last = exc
                _time.sleep(0.01 * (attempt + 1))
    if isinstance(last, OperationalError):
        raise DatabaseBusy("the booking database is busy right now; try again in a moment") from last
    raise SlotTaken(
        "that time was just taken by another booking; search the free slots again and pick another time"
    ) from last


def _busy(
    s: Session,
    booth_ids: Sequence[str],
    official_ids: Sequence[str],
    first: float,
    last: float,
    ignore: str | None = None,
) -> list[Busy]:
    q = select(BookingRow).where(
        BookingRow.status.in_([x.value for x in rules.OCCUPIES_TIME]),
        BookingRow.start < last,
        BookingRow.end > first,
        (BookingRow.booth_id.in_(booth_ids)) | (BookingRow.official_id.in_(official_ids)),
    )
    out: list[Busy] = []
    for b in s.scalars(q):
        if b.id == ignore:
            continue
        out.append(Busy("booth", b.booth_id, dt(b.start), dt(b.end)))
        out.append(Busy("official", b.official_id, dt(b.start), dt(b.end)))
    return out


def search(
    s: Session,
    service_id: str,
    point_id: str,
    language: str,
    first_day: date,
    last_day: date,
    now: datetime,
    grid_min: int = DEFAULT_GRID_MIN,
    ignore_booking: str | None = None,
) -> list[Slot]:
    if last_day < first_day:
        raise BookingRuleError("the search's last day is before its first day; swap them")
    if (last_day - first_day).days > 92:
        raise BookingRuleError("search at most 93 days at a time")
    svc = catalogue.service(s, service_id)
    pt = catalogue.point(s, point_id)
    if language not in svc.languages:
        raise BookingRuleError(
            f"{svc.name('en')} is offered in {', '.join(sorted(svc.languages))}, not in {language!r}"
        )
    booths = catalogue.booth_ids(s, point_id)
    people = catalogue.officials_for(s, service_id)
    lo = datetime.combine(first_day, datetime.min.time(), tzinfo=HELSINKI).timestamp()
    hi = datetime.combine(last_day + timedelta(days=1), datetime.min.time(), tzinfo=HELSINKI).timestamp()
    busy = _busy(s, booths, [p.official_id for p in people], lo, hi, ignore_booking)
    closed = organisation_settings.closure_days(s, svc.organisation_id)
    return free_slots(svc, pt, booths, people, busy, language, first_day, last_day, now, grid_min, closed)


def _pick(slots: list[Slot], start: datetime, booth_id: str | None, official_id: str | None) -> tuple[str, str]:
    slot = next((x for x in slots if x.start == start), None)
    if slot is None:
        raise SlotTaken(
            "that time is not free (closed, nobody qualified working, or already booked); "
            "pick one of the free slots from the slot search"
        )
    if booth_id is not None and booth_id not in slot.booth_ids:
        raise SlotTaken(f"booth {booth_id} is not free then; free booths: {', '.join(slot.booth_ids)}")
    if official_id is not None and official_id not in slot.official_ids:
        raise SlotTaken("that official is not free or not qualified then; leave the official out to take any")
    return booth_id or slot.booth_ids[0], official_id or slot.official_ids[0]


def _not_closed(s: Session, service_id: str, day: date) -> None:
    """A clear refusal for a day the service's organisation is closed (the slot search offers none then)."""
    org = organisation_settings.organisation_of_service(s, service_id)
    if day in organisation_settings.closure_days(s, org):
        raise SlotTaken(
            f"start: the service's organisation is closed on {day.isoformat()} (a closure day); pick another day"
        )


def _claim(s: Session, booking_id: str, booth_id: str, official_id: str, start: float, end: float) -> None:
    rows = sorted(
        (kind, rid, u) for kind, rid in (("booth", booth_id), ("official", official_id)) for u in units(start, end)
    )
    for kind, rid, u in rows:
        s.add(ResourceSlot(resource_kind=kind, resource_id=rid, slot_start=u, booking_id=booking_id))
        s.flush()  # one at a time, in order: no deadlock cycles on PostgreSQL


def _release(s: Session, booking_id: str) -> None:
    s.execute(delete(ResourceSlot).where(ResourceSlot.booking_id == booking_id))


def _history(s: Session, b: BookingRow, action: str, at: float, channel: str, by: str | None) -> None:
    s.add(
        BookingHistory(
            booking_id=b.id,
            at=at,
            action=action,
            status=b.status,
            start=b.start,
            booth_id=b.booth_id,
            official_id=b.official_id,
            channel=channel,
            by=by,
        )
    )


def facts(s: Session, b: BookingRow) -> BookingFacts:
    svc = catalogue.service(s, b.service_id)
    pt = s.get(ServicePoint, b.point_id)
    return BookingFacts(
        booking_id=b.id,
        code=b.code,
        qr_payload=rules.qr_payload(b.code),
        service_names=dict(svc.names),
        point_name=pt.name if pt else b.point_id,
        point_address=pt.address if pt else "",
        booth_id=b.booth_id,
        official_id=b.official_id,
        start=dt(b.start),
        end=dt(b.end),
        language=b.language,
        phone=b.phone,
        email=b.email,
        service_id=b.service_id,
    )


def book(
    db: sessionmaker[Session],
    req: BookingRequest,
    now: datetime,
    grid_min: int = DEFAULT_GRID_MIN,
    stage: Stager | None = None,
) -> tuple[BookingRow, BookingCreated]:
    """Book the slot starting at ``req.start``, or raise SlotTaken / BookingRuleError / NotFound."""
    start_ts = ts(req.start)
    day = req.start.astimezone(HELSINKI).date()

    def work(s: Session) -> tuple[BookingRow, BookingCreated]:
        _not_closed(s, req.service_id, day)
        slots = search(s, req.service_id, req.point_id, req.language, day, day, now, grid_min)
        booth_id, official_id = _pick(slots, req.start.astimezone(UTC), req.booth_id, req.official_id)
        svc = catalogue.service(s, req.service_id)
        end_ts = start_ts + svc.duration_min * 60
        b = BookingRow(
            id=uuid.uuid4().hex,
            code=rules.new_code(),
            service_id=svc.id,
            organisation_id=svc.organisation_id,
            point_id=req.point_id,
            booth_id=booth_id,
            official_id=official_id,
            language=req.language,
            start=start_ts,
            end=end_ts,
            status=Status.BOOKED.value,
            channel=req.channel.value,
            booked_by=req.booked_by,
            created_at=now.timestamp(),
            citizen_name=req.citizen_name,
            phone=req.phone,
            email=req.email,
        )
        s.add(b)
        s.flush()
        _claim(s, b.id, booth_id, official_id, start_ts, end_ts)
        _history(s, b, "created", now.timestamp(), req.channel.value, req.booked_by)
        event = BookingCreated(facts(s, b), req.channel.value)
        _staged(s, stage, event)
        return b, event

    return with_retries(db, work)


def by_code(s: Session, code: str) -> BookingRow | None:
    return s.scalar(select(BookingRow).where(BookingRow.code == rules.normalise_code(code)))


def _must(s: Session, code: str) -> BookingRow:
    b = by_code(s, code)
    if b is None:
        raise catalogue.NotFound("no booking with that code; check the code")
    return b


def reschedule(
    db: sessionmaker[Session],
    code: str,
    new_start: datetime,
    channel: BookedVia,
    by: str | None,
    now: datetime,
    grid_min: int = DEFAULT_GRID_MIN,
    stage: Stager | None = None,
) -> tuple[BookingRow, BookingRescheduled]:
    new_ts = ts(new_start)

    def work(s: Session) -> tuple[BookingRow, BookingRescheduled]:
        b = _must(s, code)
        rules.may_reschedule(Status(b.status))
        previous = dt(b.start)
        day = new_start.astimezone(HELSINKI).date()
        _not_closed(s, b.service_id, day)
        slots = search(s, b.service_id, b.point_id, b.language, day, day, now, grid_min, ignore_booking=b.id)
        booth_id, official_id = _pick(slots, new_start.astimezone(UTC), None, None)
        # keep the same booth/official when they are free, so the citizen's official stays theirs
        slot = next(x for x in slots if x.start == new_start.astimezone(UTC))
        booth_id = b.booth_id if b.booth_id in slot.booth_ids else booth_id
        official_id = b.official_id if b.official_id in slot.official_ids else official_id
        _release(s, b.id)
        s.flush()
        duration = b.end - b.start
        b.start, b.end, b.booth_id, b.official_id = new_ts, new_ts + duration, booth_id, official_id
        _claim(s, b.id, booth_id, official_id, b.start, b.end)
        _history(s, b, "rescheduled", now.timestamp(), channel.value, by)
        event = BookingRescheduled(facts(s, b), previous, channel.value)
        _staged(s, stage, event)
        return b, event

    return with_retries(db, work)


def cancel(
    db: sessionmaker[Session],
    code: str,
    channel: BookedVia,
    by: str | None,
    now: datetime,
    stage: Stager | None = None,
) -> tuple[BookingRow, BookingCancelled]:
    def work(s: Session) -> tuple[BookingRow, BookingCancelled]:
        b = _must(s, code)
        b.status = rules.transition(Status(b.status), Status.CANCELLED).value
        _release(s, b.id)
        _history(s, b, "cancelled", now.timestamp(), channel.value, by)
        event = BookingCancelled(facts(s, b), channel.value)
        _staged(s, stage, event)
        return b, event

    return with_retries(db, work, attempts=2)


def set_status(s: Session, b: BookingRow, new: Status, now: datetime, channel: str, by: str | None) -> None:
    b.status = rules.transition(Status(b.status), new).value
    if new not in rules.OCCUPIES_TIME:
        _release(s, b.id)
    _history(s, b, new.value, now.timestamp(), channel, by)


def history(s: Session, booking_id: str) -> list[BookingHistory]:
    return list(
        s.scalars(select(BookingHistory).where(BookingHistory.booking_id == booking_id).order_by(BookingHistory.id))
    )


@dataclass(frozen=True)
class CheckinOutcome:
    result: door.CheckinResult
    booking_id: str | None
    queue_entry_id: str | None
    events: list[DomainEvent]


def check_in(
    db: sessionmaker[Session], text: str, booth_id: str, now: datetime, window: door.Window = door.Window()
) -> CheckinOutcome:
    """Check in at a booth with a typed code or a scanned QR payload.

    On success the booking becomes checked_in and joins the point's queue as an
    appointment for its official (CitizenCheckedIn tells that official now);
    a late arrival joins the queue as a walk-in.
    """
    with db() as s:
        point_id = catalogue.booth_point(s, booth_id)
        try:
            b = by_code(s, text)
        except BookingRuleError:
            b = None
        seen = (
            None
            if b is None
            else door.BookingAtDoor(Status(b.status), b.point_id, _point_name(s, b.point_id), dt(b.start))
        )
        result = door.check_in(seen, point_id, now, window)
        events: list[DomainEvent] = []
        entry_id = None
        if result.ok and b is not None:
            set_status(s, b, Status.CHECKED_IN, now, BookedVia.BOOTH.value, None)
            entry_id = _enqueue(s, b.point_id, b.service_id, b.language, now, booth_id, b)
            events.append(CitizenCheckedIn(facts(s, b), booth_id, now))
        elif result.to_queue and b is not None:
            entry_id = _enqueue(s, b.point_id, b.service_id, b.language, now, booth_id, None)
        if result.tell_advisor and b is not None:
            events.append(CheckinRefused(result.result.value, booth_id, point_id, b.code, now))
        s.commit()
        return CheckinOutcome(result, b.id if b else None, entry_id, events)


def _point_name(s: Session, point_id: str) -> str:
    p = s.get(ServicePoint, point_id)
    return p.name if p else point_id


def _enqueue(
    s: Session,
    point_id: str,
    service_id: str,
    language: str,
    now: datetime,
    booth_id: str | None,
    appointment: BookingRow | None,
    origin: str = "booth",
) -> str:
    row = QueueRow(
        id=uuid.uuid4().hex,
        point_id=point_id,
        service_id=service_id,
        language=language,
        enqueued_at=now.timestamp(),
        booking_id=appointment.id if appointment else None,
        official_id=appointment.official_id if appointment else None,
        appointment_start=appointment.start if appointment else None,
        state="waiting",
        booth_id=booth_id,
        origin=origin,
    )
    s.add(row)
    return row.id


def mark_official_no_shows(
    db: sessionmaker[Session], now: datetime, joined_booking_ids: set[str], rule: rules.NoShowRule = rules.NoShowRule()
) -> list[OfficialNoShow]:
    """Mark checked-in bookings whose official has not joined in time; return the advisor alerts."""
    events: list[OfficialNoShow] = []
    with db() as s:
        waiting = s.scalars(
            select(BookingRow).where(
                BookingRow.status.in_([Status.CHECKED_IN.value, Status.IN_LOBBY.value]),
                BookingRow.start <= now.timestamp() - rule.grace_min * 60,
            )
        )
        for b in waiting:
            if rule.official_missing(Status(b.status), dt(b.start), b.id in joined_booking_ids, now):
                set_status(s, b, Status.OFFICIAL_NO_SHOW, now, "system", None)
                late = int((now.timestamp() - b.start) // 60)
                events.append(OfficialNoShow(facts(s, b), late, now))
        s.commit()
    return events


# --- walk-in queue -----------------------------------------------------------


def present_officials(s: Session, now: datetime) -> list[str]:
    """Officials signed in right now: the default notion of "present" until the hub's presence is wired in."""
    return sorted(set(s.scalars(select(LoginSession.official_id).where(LoginSession.expires_at > now.timestamp()))))


def enqueue_walk_in(
    db: sessionmaker[Session],
    point_id: str,
    service_id: str,
    language: str,
    booth_id: str | None,
    now: datetime,
    origin: str = "booth",
) -> str:
    """A walk-in's queue row. ``origin``: "booth" (the citizen chose at a booth) or "desk" (the
    advisor queued them; they wait in the room, so they survive a backend restart)."""
    with db() as s:
        svc = catalogue.service(s, service_id)
        catalogue.point(s, point_id)
        if language not in svc.languages:
            raise BookingRuleError(
                f"{svc.name('en')} is offered in {', '.join(sorted(svc.languages))}, not in {language!r}"
            )
        if booth_id is not None and catalogue.booth_point(s, booth_id) != point_id:
            raise BookingRuleError(f"booth {booth_id} is not at point {point_id}")
        entry_id = _enqueue(s, point_id, service_id, language, now, booth_id, None, origin)
        s.commit()
        return entry_id


def _entry(row: QueueRow) -> queue_rules.QueueEntry:
    return queue_rules.QueueEntry(
        row.id,
        row.service_id,
        row.language,
        dt(row.enqueued_at),
        None if row.appointment_start is None else dt(row.appointment_start),
        row.official_id,
    )


@dataclass(frozen=True)
class QueueLine:
    row: QueueRow
    estimate: queue_rules.Estimate


def queue_snapshot(
    db: sessionmaker[Session],
    point_id: str,
    now: datetime,
    present: Sequence[str] | None = None,
    window: door.Window = door.Window(),
) -> list[QueueLine]:
    """The point's waiting citizens in serving order, each with position and waiting estimate."""
    with db() as s:
        catalogue.point(s, point_id)
        rows = list(
            s.scalars(select(QueueRow).where(QueueRow.point_id == point_id, QueueRow.state.in_(("waiting", "offered"))))
        )
        ids = present if present is not None else present_officials(s, now)
        officials = [catalogue.skills(s, i) for i in ids]
        durations = {r.service_id: catalogue.service(s, r.service_id).duration_min for r in rows}
    entries = [_entry(r) for r in rows]
    by_id = {r.id: r for r in rows}
    return [
        QueueLine(by_id[e.entry_id], queue_rules.estimate(e.entry_id, entries, officials, durations, now, window))
        for e in queue_rules.ordered(entries, now, window)
    ]


def list_bookings(
    s: Session,
    point_id: str,
    day: date,
    organisation_id: str | None = None,
    official_id: str | None = None,
) -> list[BookingRow]:
    """One local day's bookings at a point, optionally only one organisation's or one official's."""
    lo = datetime.combine(day, datetime.min.time(), tzinfo=HELSINKI).timestamp()
    hi = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=HELSINKI).timestamp()
    q = select(BookingRow).where(BookingRow.point_id == point_id, BookingRow.start >= lo, BookingRow.start < hi)
    if organisation_id is not None:
        q = q.where(BookingRow.organisation_id == organisation_id)
    if official_id is not None:
        q = q.where(BookingRow.official_id == official_id)
    return list(s.scalars(q.order_by(BookingRow.start, BookingRow.id)))


def change_status(
    db: sessionmaker[Session], code: str, new: Status, channel: str, by: str | None, now: datetime
) -> BookingRow:
    """Move a booking along its lifecycle (the official admits, completes, or marks a citizen no-show)."""
    with db() as s:
        b = _must(s, code)
        set_status(s, b, new, now, channel, by)
        s.commit()
        return b


# --- the booking follows the call ------------------------------------------------

_call_log = logging.getLogger("etapiste.bookings.calls")


def _call_steps(status: Status, phase: str, admitted: bool) -> list[Status]:
    """The lifecycle steps a call phase asks of a booking that is ``status`` (empty: nothing to do)."""
    if phase == "lobby":
        return [] if status is Status.IN_LOBBY else [Status.IN_LOBBY]
    if phase == "in_call":
        return [] if status is Status.IN_CALL else [Status.IN_CALL]
    if phase == "ended":
        if not admitted or status is Status.COMPLETED:
            return []  # never admitted: the citizen left, the booking stays as it was for the advisor to see
        if status in (Status.CHECKED_IN, Status.IN_LOBBY, Status.OFFICIAL_NO_SHOW):
            return [Status.IN_CALL, Status.COMPLETED]  # the in_call step was missed (or raced the no-show check)
        return [Status.COMPLETED]
    raise BookingRuleError(f"unknown call phase {phase!r}; phases are lobby, in_call, ended")


def follow_call(db: sessionmaker[Session], booking_code: str, phase: str, admitted: bool, now: datetime) -> None:
    """The call session of a checked-in booking moved to ``phase``: move the booking along with it.

    lobby -> in_lobby, in_call -> in_call, ended -> completed if the official
    had admitted the citizen (otherwise it is left as it is). Every step goes
    through the lifecycle and is written to the history (channel "booth").
    Nothing here raises: a step the lifecycle refuses, an unknown code or a
    database problem is logged and ignored, because a bookkeeping problem must
    never break a call that is going on. Logs name the booking id, never the
    code (it identifies a person).
    """
    booking_id = "?"
    try:
        with db() as s:
            b = by_code(s, booking_code)
            if b is None:
                _call_log.warning("call phase %s for a booking that does not exist; ignored", phase)
                return
            booking_id = b.id
            for step in _call_steps(Status(b.status), phase, admitted):
                set_status(s, b, step, now, BookedVia.BOOTH.value, None)
            s.commit()
    except BookingRuleError as exc:
        _call_log.warning("booking %s not moved by call phase %s: %s", booking_id, phase, exc)
    except Exception:
        _call_log.exception("booking %s: recording call phase %s failed; the call goes on", booking_id, phase)
