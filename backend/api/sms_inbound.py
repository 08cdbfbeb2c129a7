"""Replies from the citizen's phone: the SMS gateway posts each incoming message here.

``POST /api/sms/inbound`` with ``{"from": "+358...", "text": "..."}`` and
``Authorization: Bearer <ETAPISTE_NOTIFY_SMS_INBOUND_TOKEN>``. Today the only
question asked by SMS is the quick feedback's overall question: a reply is
matched by its number to the latest open question and recorded (the score
1-5 and the citizen's own words). Neither the number nor the text is logged.
"""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session, sessionmaker

from backend.store import feedback


class InboundSms(BaseModel):
    sender: Annotated[str, Field(alias="from", min_length=3, max_length=32)]
    text: Annotated[str, Field(max_length=1600)]


class InboundResult(BaseModel):
    recorded: bool


def router(db: sessionmaker[Session], clock: Callable[[], float], token: str | None) -> APIRouter:
    r = APIRouter(tags=["sms"])

    @r.post(
        "/api/sms/inbound",
        response_model=InboundResult,
        responses={403: {"description": "not the gateway (wrong or no token, or replies are not configured)"}},
    )
    async def inbound(body: InboundSms, authorization: str | None = Header(default=None)) -> InboundResult:
        """An SMS a citizen sent (the gateway's webhook): recorded when it answers a question we asked."""
        given = (authorization or "")[7:].strip() if (authorization or "").lower().startswith("bearer ") else ""
        if not token or not hmac.compare_digest(given.encode(), token.encode()):
            raise HTTPException(403, "only the SMS gateway posts here, with its token")

        def record() -> bool:
            with db() as s:
                return feedback.record_reply(s, body.sender, body.text, clock())

        return InboundResult(recorded=await asyncio.to_thread(record))

    return r
