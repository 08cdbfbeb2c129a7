"""What the advisor's desk needs beyond the booking API: their points, resending a confirmation,
and checking in a citizen who came to the desk.

The booking itself, moving and cancelling it, the walk-in queue ("serve now")
and the alerts are the existing endpoints (``backend.api.bookings``,
``queue``, ``alerts``): the advisor's app has no booking path of its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from backend.api.bookings import Code, ref
from backend.api.roles import Caller, forbidden
from backend.domain import access
from backend.domain.checkin import CheckinResult
from backend.domain.events import BookingCreated
from backend.notify.publisher import resend_confirmation
from backend.store import bookings as repo
from backend.store import catalogue
from backend.store.models import Booth
from protocol.messages import Id


class PointRef(BaseModel):
    id: str
    name: str
    booths: list[BoothRef]


class BoothRef(BaseModel):
    id: str
    name: str


class ResentOut(BaseModel):
    messages: int


class DeskCheckinIn(BaseModel):
    booth_id: Id


class DeskCheckinOut(BaseModel):
    result: str
    ok: bool
    messages: dict[str, str]


PointRef.model_rebuild()


def router(
    db: sessionmaker[Session],
    clock: Callable[[], float],
    caller: Callable[..., Caller],
    check_in_at_desk: Callable[[str, str], Awaitable[CheckinResult]] | None = None,
    booth_free: Callable[[str], str | None] | None = None,
) -> APIRouter:
    """``check_in_at_desk(code, booth_id)`` and ``booth_free(booth_id)`` are the hub's (the booth's lobby)."""
    r = APIRouter(tags=["desk"])

    @r.get("/api/advisor/points", response_model=list[PointRef])
    def my_points(who: Caller = Depends(caller)) -> list[PointRef]:
        """The points whose desk the caller keeps (every point for a master admin), with their booths."""
        mine = access.alert_points(who.standing)
        with db() as s:
            points = [p for p in catalogue.points(s) if mine is None or p.id in mine]
            booths = {
                p.id: [
                    (b.id, b.name) for b in s.scalars(select(Booth).where(Booth.point_id == p.id).order_by(Booth.id))
                ]
                for p in points
            }
        return [
            PointRef(id=p.id, name=p.name, booths=[BoothRef(id=b, name=n) for b, n in booths[p.id]]) for p in points
        ]

    def _booking(code: str, who: Caller):  # noqa: ANN202 - a BookingRow
        with db() as s:
            b = repo.by_code(s, code)
        if b is None or not access.sees_booking(who.standing, ref(b)):
            raise HTTPException(404, "no booking with that code that you can see; check the code")
        if not access.may_change_booking_status(who.standing, ref(b)):
            raise forbidden("only the booked official or the point's advisor can do this")
        return b

    @r.post("/api/bookings/{code}/resend", response_model=ResentOut, status_code=202)
    def resend(code: Code, who: Caller = Depends(caller)) -> ResentOut:
        """Send the confirmation again (SMS and/or e-mail, as booked); its reminders are not doubled."""
        b = _booking(code, who)
        with db() as s:
            row = repo.by_code(s, b.code)
            assert row is not None
            n = resend_confirmation(s, BookingCreated(repo.facts(s, row), "advisor"), clock())
            s.commit()
        if n == 0:
            raise HTTPException(409, "the booking has no phone number or e-mail address to send to")
        return ResentOut(messages=n)

    @r.post(
        "/api/bookings/{code}/desk-checkin",
        response_model=DeskCheckinOut,
        responses={409: {"description": "the booth is not connected or in use"}},
    )
    async def desk_checkin(code: Code, body: DeskCheckinIn, who: Caller = Depends(caller)) -> DeskCheckinOut:
        """The citizen came to the desk: check them in at the booth they will use (the booth's own
        check-in rules); the booth shows its lobby and the booked official is told."""
        b = await asyncio.to_thread(_booking, code, who)

        def point_of_booth() -> str | None:
            with db() as s:
                booth = s.get(Booth, body.booth_id)
                return None if booth is None else booth.point_id

        if await asyncio.to_thread(point_of_booth) != b.point_id:
            raise HTTPException(422, "booth_id: must be a booth of the booking's service point")
        if check_in_at_desk is None or booth_free is None:
            raise HTTPException(503, "checking in from the desk needs the live hub")
        busy = booth_free(body.booth_id)
        if busy:
            raise HTTPException(409, f"{busy}; choose another booth or wait")
        result = await check_in_at_desk(b.code, body.booth_id)
        return DeskCheckinOut(result=result.result.value, ok=result.ok, messages=dict(result.messages))

    return r
