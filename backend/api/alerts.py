"""Advisor alerts over HTTP: the open alerts of one's points, and acknowledging one.

The websocket hub delivers alerts live; this API is for a desk screen that
loads its list on start or polls, and for acknowledging without a websocket.
An advisor sees and acknowledges only their own points' alerts; a master admin
sees every point. After an acknowledgement here, ``app.state.alert_acknowledged``
(if the app sets it; sync or async, taking the StoredAlert) lets the hub take
the alert off the other advisors' screens.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session, sessionmaker

from backend.api.roles import Caller, forbidden
from backend.domain import access
from backend.store import alerts as store
from protocol.messages import AlertKind, Id


class AlertOut(BaseModel):
    alert_id: str
    kind: AlertKind
    point_id: str
    point_name: str
    booth_id: str | None
    booth_name: str | None
    at: datetime
    messages: dict[Literal["fi", "sv", "en"], str]
    booking_code: str | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None

    @classmethod
    def of(cls, a: store.StoredAlert) -> AlertOut:
        return cls(
            alert_id=a.alert_id,
            kind=a.kind,
            point_id=a.point_id,
            point_name=a.point_name,
            booth_id=a.booth_id,
            booth_name=a.booth_name,
            at=datetime.fromtimestamp(a.at, UTC),
            messages={"fi": a.message_fi, "sv": a.message_sv, "en": a.message_en},
            booking_code=a.booking_code,
            acknowledged_at=None if a.acknowledged_at is None else datetime.fromtimestamp(a.acknowledged_at, UTC),
            acknowledged_by=a.acknowledged_by,
        )


def router(db: sessionmaker[Session], clock: Callable[[], float], caller: Callable[..., Caller]) -> APIRouter:
    r = APIRouter(tags=["alerts"])

    @r.get("/api/alerts", response_model=list[AlertOut])
    def open_alerts(
        who: Caller = Depends(caller),
        point_id: Id | None = Query(default=None, description="one point; default: all you advise"),
    ) -> list[AlertOut]:
        """Unacknowledged alerts, oldest first."""
        if point_id is not None:
            if not access.sees_alert(who.standing, access.AlertRef(point_id)):
                raise forbidden("only the point's advisor or a master admin can see its alerts")
            points: set[str] | None = {point_id}
        else:
            points = access.alert_points(who.standing)
            if points is not None and not points:
                raise forbidden("alerts are for advisors of a service point and master admins")
        return [AlertOut.of(a) for a in store.pending(db, points)]

    @r.post(
        "/api/alerts/{alert_id}/ack",
        response_model=AlertOut,
        responses={403: {"description": "another point's alert"}, 404: {"description": "no such alert"}},
    )
    async def acknowledge(alert_id: Id, request: Request, who: Caller = Depends(caller)) -> AlertOut:
        """I take care of it: the alert leaves every advisor's list. Acknowledging again is fine."""
        alert = await asyncio.to_thread(store.get, db, alert_id)
        if alert is None:
            raise HTTPException(404, f"no alert {alert_id!r}; list the open ones with GET /api/alerts")
        if not access.may_ack_alert(who.standing, access.AlertRef(alert.point_id)):
            raise forbidden("only the advisor of the alert's point (or a master admin) can acknowledge it")
        done = await asyncio.to_thread(store.acknowledge, db, alert_id, who.official_id, clock())
        if done is None:  # pragma: no cover - alerts are never deleted
            raise HTTPException(404, f"no alert {alert_id!r}")
        hook = getattr(request.app.state, "alert_acknowledged", None)
        if hook is not None:
            result = hook(done)
            if inspect.isawaitable(result):
                await result
        return AlertOut.of(done)

    return r
