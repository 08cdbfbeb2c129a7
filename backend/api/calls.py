"""The official's tools over HTTP: recording that a citizen was identified in person.

An HTTP action rather than a websocket message so the point's advisor (whose
desk app may not hold a socket) can use it too; who may is
``access.may_identify`` (the officials in the call, the point's advisors). The
hub tells the call, and the method (never the identity) lands on the call's
record for the statistics.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Literal

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel

from backend.api.roles import Caller
from backend.domain import access
from backend.domain.appointment import NotYours
from protocol.messages import Id


class IdentificationIn(BaseModel):
    #: Only in person here: identification with the ID card happens at the booth.
    method: Literal["in_person"]


class IdentificationOut(BaseModel):
    session_id: str
    method: str


def router(
    caller: Callable[..., Caller],
    identified_in_person: Callable[[access.Standing, str], Awaitable[None]],
) -> APIRouter:
    r = APIRouter(tags=["calls"])

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

    return r
