"""The walk-in queue over HTTP: enqueue and the live snapshot for advisors and admins.

There is one router, the hub's broker (``backend.domain.calls``): a walk-in the
advisor queues here is recorded, then handed to it (``queue_at_desk``) and
offered to the next free qualified official in the same order as the citizens
at the booths. The snapshot shows who it was offered to.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy.orm import Session, sessionmaker

from backend.api.roles import Caller, forbidden
from backend.api.schemas import BoothEnqueueIn, EnqueueIn, QueueEntryOut, QueueOut
from backend.domain import access
from backend.domain.calls import DeskWalkIn
from backend.store import accounts, catalogue, live_queue
from backend.store import bookings as repo
from backend.store.booking_models import QueueRow
from protocol.messages import Id

HOW = (
    "position counts the people ahead who need the same officials; wait_min = their service durations summed, "
    "divided by the qualified officials connected now; none present means no estimate"
)


def router(
    db: sessionmaker[Session],
    clock: Callable[[], float],
    caller: Callable[..., Caller],
    present: Callable[[], list[str]] | None = None,
    queue_at_desk: Callable[[DeskWalkIn], Awaitable[None]] | None = None,
) -> APIRouter:
    """``present``: the officials connected right now (the hub's view); None falls back to "signed in".
    ``queue_at_desk``: hands an advisor-queued walk-in to the hub's router."""
    r = APIRouter(tags=["queue"])

    def officials() -> list[str] | None:
        return present() if present is not None else None

    def now() -> datetime:
        return datetime.fromtimestamp(clock(), UTC)

    def out(line: repo.QueueLine) -> QueueEntryOut:
        return entry_out(line.row, line.estimate.position, line.estimate.wait_min)

    @r.post("/api/queue", response_model=QueueEntryOut, status_code=201)
    async def enqueue(body: EnqueueIn, who: Caller = Depends(caller)) -> QueueEntryOut:
        """The advisor puts a walk-in citizen in the queue ("serve now"); the hub offers them
        to the next free official who serves that matter in that language."""
        if not access.may_queue_at(who.standing, body.point_id):
            raise forbidden("only the point's advisor can queue citizens there")
        at = now()
        entry_id = await asyncio.to_thread(
            repo.enqueue_walk_in, db, body.point_id, body.service_id, body.language.value, body.booth_id, at, "desk"
        )
        lines = await asyncio.to_thread(repo.queue_snapshot, db, body.point_id, at, officials())
        line = next(x for x in lines if x.row.id == entry_id)
        if queue_at_desk is not None:
            await queue_at_desk(await asyncio.to_thread(live_queue.desk_walk_in, db, entry_id))
        return out(line)

    @r.post("/api/queue/booth", response_model=QueueEntryOut, status_code=201)
    def enqueue_from_booth(body: BoothEnqueueIn) -> QueueEntryOut:
        """The citizen at the booth chooses "serve now": answer with their position and honest wait."""
        with db() as s:
            booth = accounts.booth_by_credential(s, body.booth_id, body.booth_secret)
            point_id = catalogue.booth_point(s, body.booth_id) if booth else ""
        if booth is None:
            raise HTTPException(401, "wrong booth id or booth credential; re-enroll the booth")
        entry_id = repo.enqueue_walk_in(db, point_id, body.service_id, body.language.value, body.booth_id, now())
        line = next(x for x in repo.queue_snapshot(db, point_id, now(), officials()) if x.row.id == entry_id)
        return out(line)

    @r.get("/api/queue/{point_id}", response_model=QueueOut)
    def snapshot(point_id: Id, who: Caller = Depends(caller)) -> QueueOut:
        """Live view: the point's advisor sees everyone; an authority admin only their organisation's services."""
        if not access.sees_queue_of(who.standing, point_id):
            raise forbidden("only the point's advisor or an authority admin can see the queue")
        lines = repo.queue_snapshot(db, point_id, now(), officials())
        with db() as s:
            whose = {x.id: x.organisation_id for x in catalogue.services(s)}
        shown = [x for x in lines if access.sees_queued(who.standing, point_id, whose.get(x.row.service_id, "?"))]
        return QueueOut(point_id=point_id, entries=[out(x) for x in shown], how_estimated=HOW)

    return r


def entry_out(row: QueueRow, position: int, wait_min: int | None) -> QueueEntryOut:
    """A queue row as the API shows it."""
    return QueueEntryOut(
        entry_id=row.id,
        service_id=row.service_id,
        language=row.language,
        enqueued_at=repo.dt(row.enqueued_at),
        appointment=row.booking_id is not None,
        state=row.state,
        position=position,
        wait_min=wait_min,
        offered_to=row.offered_to,
    )
