"""A call's timeline and quality over HTTP, for the admin app: the calls of some days with their
verdicts, and one call's events, figures and verdict (``backend.domain.call_quality``).

Who may see which call is ``access.sees_call_quality``; a call one may not see
is answered like one that does not exist (404), leaking nothing. Figures and
codes only: no content, no names of citizens (an official appears as their
peer id and role).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel
from sqlalchemy.orm import Session, sessionmaker

from backend.api.roles import Caller
from backend.api.schemas import Day
from backend.domain import access, call_quality
from backend.domain.catalogue import HELSINKI
from backend.store import call_quality as store
from protocol.messages import Id

#: At most this many days in one list.
MAX_DAYS = 31


class VerdictOut(BaseModel):
    cause: str  # none, network, device, system, person
    code: str
    peer: str | None = None
    at: float | None = None
    detail: str | None = None


class CallOut(BaseModel):
    call_id: str
    booth_id: str
    booth_name: str
    point_id: str
    requested_at: float
    admitted_at: float | None
    ended_at: float | None
    end_reason: str | None
    verdict: VerdictOut


class EventOut(BaseModel):
    at: float
    peer: str
    role: str
    kind: str
    detail: str | None = None
    about_peer: str | None = None


class SampleOut(BaseModel):
    at: float
    peer: str
    role: str
    about_peer: str
    rtt_ms: float | None = None
    loss_pct: float | None = None
    jitter_ms: float | None = None
    fps: float | None = None
    kbps_in: float | None = None
    kbps_out: float | None = None
    width: int | None = None
    height: int | None = None
    concealed_pct: float | None = None
    pair: str | None = None
    level: str
    reasons: list[str]


class LinkOut(BaseModel):
    peer: str
    role: str
    about_peer: str
    reports: int
    median_rtt_ms: float | None
    worst_loss_pct: float | None
    median_fps: float | None
    pair: str | None
    levels: dict[str, int]


class TimelineOut(CallOut):
    participants: list[EventOut]
    events: list[EventOut]
    samples: list[SampleOut]
    links: list[LinkOut]


def _call_out(c: store.StoredCall) -> CallOut:
    f = c.facts
    v = call_quality.verdict(f)
    return CallOut(
        call_id=f.call_id,
        booth_id=c.booth_id,
        booth_name=c.booth_name,
        point_id=c.ref.point_id,
        requested_at=f.requested_at,
        admitted_at=f.admitted_at,
        ended_at=f.ended_at,
        end_reason=f.end_reason,
        verdict=VerdictOut(cause=v.cause.value, code=v.code, peer=v.peer, at=v.at, detail=v.detail),
    )


def router(db: sessionmaker[Session], caller: Callable[..., Caller]) -> APIRouter:
    r = APIRouter(tags=["call quality"])

    @r.get("/api/call-quality", response_model=list[CallOut])
    def calls(
        start: Day = Query(description="first Helsinki day"),
        end: Day = Query(description="last Helsinki day (at most 31 days after start)"),
        who: Caller = Depends(caller),
    ) -> list[CallOut]:
        """The calls asked for on these days that I may review, newest first, each with its verdict."""
        if end < start:
            raise HTTPException(422, "end: must not be before start")
        if (end - start).days >= MAX_DAYS:
            raise HTTPException(422, f"end: at most {MAX_DAYS} days after start")
        with db() as s:
            found = [store.facts(s, cid) for cid in store.calls_between(s, *_span(start, end))]
        return [_call_out(c) for c in found if c is not None and access.sees_call_quality(who.standing, c.ref)]

    @r.get(
        "/api/call-quality/{call_id}",
        response_model=TimelineOut,
        responses={404: {"description": "no call you may review"}},
    )
    def timeline(call_id: Id, who: Caller = Depends(caller)) -> TimelineOut:
        """One call's events and figures over time, and its verdict: whose trouble it was, if any."""
        with db() as s:
            c = store.facts(s, call_id)
        if c is None or not access.sees_call_quality(who.standing, c.ref):
            raise HTTPException(404, "no such call")
        f = c.facts
        everything = call_quality.timeline(f)
        own = {"requested", "joined", "left"}
        return TimelineOut(
            **_call_out(c).model_dump(),
            participants=[_event(e) for e in everything if e.kind in own],
            events=[_event(e) for e in everything if e.kind not in own],
            samples=[_sample(x) for x in f.samples],
            links=[LinkOut(**vars(x)) for x in call_quality.summaries(f)],
        )

    return r


def _span(start: date, end: date) -> tuple[float, float]:
    first = datetime.combine(start, time(0), tzinfo=HELSINKI)
    after = datetime.combine(end + timedelta(days=1), time(0), tzinfo=HELSINKI)
    return first.timestamp(), after.timestamp()


def _event(e: call_quality.Event) -> EventOut:
    return EventOut(at=e.at, peer=e.peer, role=e.role, kind=e.kind, detail=e.detail, about_peer=e.about_peer)


def _sample(x: call_quality.Sample) -> SampleOut:
    g = call_quality.grade(x)
    return SampleOut(**vars(x), level=g.level.value, reasons=list(g.reasons))
