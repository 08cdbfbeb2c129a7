"""The advisor's phone alarms over HTTP: the VAPID key, subscriptions, and "I'm on it" from a notification.

``POST /api/push/ack`` is what the phone's service worker calls when the
advisor taps "I'm on it" on a locked screen: it carries no sign-in token (a
service worker has none), but the proof the alarm's payload carried
(``store.push.ack_proof``: an HMAC of the alert id with the subscription's own
secret). The acknowledgement is then the subscription's advisor's, checked by
the access policy like any other, and the hub is told as after ``POST
/api/alerts/{id}/ack``.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session, sessionmaker

from backend.api.alerts import AlertOut
from backend.api.roles import Caller, forbidden
from backend.domain import access
from backend.store import alerts, catalogue
from backend.store import push as store
from protocol.messages import Id, Language

#: base64url, as PushSubscription.toJSON() gives the keys.
B64Url = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]+=*$")]


class KeyOut(BaseModel):
    public_key: str = Field(description="the VAPID public key: PushManager.subscribe's applicationServerKey")


class SubscriptionKeys(BaseModel):
    p256dh: B64Url = Field(min_length=80, max_length=100)
    auth: B64Url = Field(min_length=16, max_length=40)


class SubscriptionIn(BaseModel):
    endpoint: str = Field(min_length=12, max_length=1000, pattern=r"^https?://\S+$")
    keys: SubscriptionKeys
    language: Language = Language.FI


class EndpointIn(BaseModel):
    endpoint: str = Field(min_length=12, max_length=1000)


class SubscriptionOut(BaseModel):
    subscription_id: str


class PushAckIn(BaseModel):
    alert_id: Id
    subscription_id: Id
    proof: str = Field(min_length=40, max_length=40, pattern=r"^[0-9a-f]+$")


def router(db: sessionmaker[Session], clock: Callable[[], float], caller: Callable[..., Caller]) -> APIRouter:
    r = APIRouter(tags=["push"])

    @r.get("/api/push/key", response_model=KeyOut)
    def key() -> KeyOut:
        """Kept in the database: phones subscribed with it keep working after a restart."""
        return KeyOut(public_key=store.vapid_key(db, clock()).public_key)

    @r.post("/api/push/subscriptions", response_model=SubscriptionOut, status_code=201)
    def subscribe(body: SubscriptionIn, who: Caller = Depends(caller)) -> SubscriptionOut:
        """This phone rings for the alarms of the caller's points."""
        if not access.may_receive_alarms(who.standing):
            raise forbidden("alarms are for advisors of a service point and master admins")
        sub = store.subscribe(
            db, who.official_id, body.endpoint, body.keys.p256dh, body.keys.auth, body.language.value, clock()
        )
        return SubscriptionOut(subscription_id=sub.subscription_id)

    @r.post("/api/push/subscriptions/remove", status_code=204, responses={404: {"description": "not yours"}})
    def unsubscribe(body: EndpointIn, who: Caller = Depends(caller)) -> None:
        """Alarms off on this phone."""
        if not store.unsubscribe(db, who.official_id, body.endpoint):
            raise HTTPException(404, "no alarm subscription of yours with that endpoint")

    @r.post(
        "/api/push/ack",
        response_model=AlertOut,
        responses={403: {"description": "the proof does not hold"}, 404: {"description": "no such alert"}},
    )
    async def acknowledge(body: PushAckIn, request: Request) -> AlertOut:
        """ "I'm on it" from the notification: the alarm stops escalating and leaves every list."""
        holder = await asyncio.to_thread(store.proof_holder, db, body.subscription_id, body.alert_id, body.proof)
        if holder is None:
            raise forbidden("this acknowledgement's proof does not hold; open the app and acknowledge there")
        alert = await asyncio.to_thread(alerts.get, db, body.alert_id)
        if alert is None:
            raise HTTPException(404, "no such alert")

        def standing() -> access.Standing:
            with db() as s:
                return catalogue.standing(s, holder)

        st = await asyncio.to_thread(standing)
        if not access.may_ack_alert(st, access.AlertRef(alert.point_id)):
            raise forbidden("only the advisor of the alert's point (or a master admin) can acknowledge it")
        done = await asyncio.to_thread(alerts.acknowledge, db, body.alert_id, holder, clock())
        assert done is not None
        hook = getattr(request.app.state, "alert_acknowledged", None)
        if hook is not None:
            result = hook(done)
            if inspect.isawaitable(result):
                await result
        return AlertOut.of(done)

    return r
