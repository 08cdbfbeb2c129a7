"""The official's tools over HTTP: recording that a citizen was identified in person, and my day.

An HTTP action rather than a websocket message so the point's advisor (whose
desk app may not hold a socket) can use it too; who may is
``access.may_identify`` (the officials in the call, the point's advisors). The
hub tells the call, and the method (never the identity) lands on the call's
record for the statistics. The desk knows booths, not sessions: it records it
for "the citizen in booth X" (``/api/booths/{id}/identification``), which the
broker resolves to that citizen's session and then takes the same path.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel
from sqlalchemy.orm import Session, sessionmaker

from backend.api.roles import Caller, forbidden
from backend.api.schemas import Day
from backend.domain import access
from backend.domain.appointment import NotYours, Refused
from backend.domain.catalogue import HELSINKI
from backend.store import catalogue
from backend.store.day import bookings_of
from protocol.messages import Id


class IdentificationIn(BaseModel):
    #: Only in person here: identification with the ID card happens at the booth.
    method: Literal["in_person"]


class IdentificationOut(BaseModel):
    session_id: str
    method: str


class DayEntry(BaseModel):
    """One of my bookings, as the day view shows it: no contact data (the booking itself has it)."""

    code: str
    start: datetime
    end: datetime
    status: str
    service_names: dict[Literal["fi", "sv", "en"], str]
    language: str
    point_id: str
    booth_id: str


def router(
    caller: Callable[..., Caller],
    identified_in_person: Callable[[access.Standing, str], Awaitable[None]],
    db: sessionmaker[Session] | None = None,
    today: Callable[[], date] | None = None,
    identified_at_booth: Callable[[access.Standing, str], Awaitable[str]] | None = None,
) -> APIRouter:
    r = APIRouter(tags=["calls"])

    @r.get("/api/my-day", response_model=list[DayEntry])
    def my_day(
        who: Caller = Depends(caller), day: Day | None = Query(default=None, description="default: today (Helsinki)")
    ) -> list[DayEntry]:
        """My bookings of a day (today by default), every point, in time order, with their status."""
        if not who.standing.is_official:
            raise forbidden("the day view is an official's own bookings")
        assert db is not None and today is not None
        with db() as s:
            rows = bookings_of(s, who.official_id, day or today())
            names = {x.id: x for x in catalogue.services(s)}
        return [
            DayEntry(
                code=b.code,
                start=datetime.fromtimestamp(b.start, HELSINKI),
                end=datetime.fromtimestamp(b.end, HELSINKI),
                status=b.status,
                service_names={lang: names[b.service_id].name(lang) for lang in ("fi", "sv", "en")}
                if b.service_id in names
                else {"fi": b.service_id, "sv": b.service_id, "en": b.service_id},
                language=b.language,
                point_id=b.point_id,
                booth_id=b.booth_id,
            )
            for b in rows
            if access.sees_booking(who.standing, access.BookingRef(b.point_id, b.organisation_id, b.official_id))
        ]

    @r.post(
        "/api/calls/{session_id}/identification",
        response_model=IdentificationOut,
        responses={404: {"description": "no live session whose citizen you may identify"}},
    )
    async def identify(session_id: Id, body: IdentificationIn, who: Caller = Depends(caller)) -> IdentificationOut:
        """I saw the citizen's ID in person (the official in the call, or the point's advisor)."""
        try:
            await identified_in_person(who.standing, session_id)
        except NotYours as exc:
            raise HTTPException(404, str(exc)) from None
        return IdentificationOut(session_id=session_id, method=body.method)

    @r.post(
        "/api/booths/{booth_id}/identification",
        response_model=IdentificationOut,
        responses={
            403: {"description": "you may not identify this citizen (not the point's advisor nor in the call)"},
            404: {"description": "no booth you may see, or no citizen in it now"},
        },
    )
    async def identify_at_booth(
        booth_id: Id, body: IdentificationIn, who: Caller = Depends(caller)
    ) -> IdentificationOut:
        """I saw the ID of the citizen in this booth in person (the point's advisor at the desk)."""
        assert identified_at_booth is not None
        try:
            session_id = await identified_at_booth(who.standing, booth_id)
        except NotYours as exc:
            raise HTTPException(404, str(exc)) from None
        except Refused as exc:
            raise forbidden(str(exc)) from None
        return IdentificationOut(session_id=session_id, method=body.method)

    return r
