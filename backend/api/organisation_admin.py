"""An organisation's own settings in the admin app: its wording of the citizen messages, its closure days.

Both are the organisation's authority admin's (or the master admin's):
``access.may_administer`` with ``AdminRef("message_text" | "closure_day", org)``.
An authority admin of another organisation gets 403, the same answer whether
the organisation exists or not.

A message text is checked at this boundary with the domain's own rules
(``backend.domain.message_texts.check``: not empty, only the message's
placeholders, the ones it needs present, within its SMS budget); a refusal is
a 422 naming the field and the rule, never echoing the text, and nothing is
stored. The preview answers the same check with the text filled with sample
values, so the page shows exactly what would be refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, field_validator
from sqlalchemy.orm import Session, sessionmaker

from backend.api.roles import Caller, forbidden
from backend.api.schemas import Day
from backend.domain import access, message_texts
from backend.domain.access import AdminRef
from backend.domain.message_texts import MessageTextError
from backend.store import organisation_settings
from protocol.messages import Id, Language

#: The keys of the editable texts, as a type: an unknown key is a 422 naming ``key``.
TextKey = Annotated[
    str, Path(pattern="^(" + "|".join(re.escape(k) for k in message_texts.SPECS) + ")$", description="<kind>.<part>")
]


class TextIn(BaseModel):
    #: the wording with its {placeholders}; the rules are the domain's (checked in the handler, a 422 on ``text``)
    text: str = Field(max_length=2000)


class TextPreviewOut(BaseModel):
    text: str
    encoding: str
    segments: int
    characters: int


class MessageTextOut(BaseModel):
    """One editable text: its rules, the catalogue's default and the organisation's own wording per language."""

    key: str
    kind: str
    part: str
    placeholders: list[str]
    required: list[str]
    max_segments: int | None
    max_chars: int
    default: dict[str, str]
    own: dict[str, str]


Reason = Annotated[str, Field(min_length=1, max_length=200)]


class ClosureIn(BaseModel):
    day: Day
    reason: Reason


class ClosuresIn(BaseModel):
    closures: list[ClosureIn] = Field(default_factory=list, max_length=366)

    @field_validator("closures")
    @classmethod
    def _one_per_day(cls, closures: list[ClosureIn]) -> list[ClosureIn]:
        days = [c.day for c in closures]
        if len(days) != len(set(days)):
            raise ValueError("each day at most once")
        return closures


class ClosureOut(BaseModel):
    day: str
    reason: str


def _closures(s: Session, org_id: str) -> list[ClosureOut]:
    return [ClosureOut(day=c.day.isoformat(), reason=c.reason) for c in organisation_settings.closures(s, org_id)]


def router(db: sessionmaker[Session], clock: Callable[[], float], caller: Callable[..., Caller]) -> APIRouter:
    r = APIRouter(tags=["admin"])

    def need(who: Caller, kind: str, org: str, why: str) -> None:
        if not access.may_administer(who.standing, AdminRef(kind, org)):
            raise forbidden(why)

    texts_why = "only the organisation's authority admin words its messages"
    closures_why = "only the organisation's authority admin sets its closure days"

    @r.get("/api/admin/organisations/{org_id}/texts", response_model=list[MessageTextOut])
    def list_texts(org_id: Id, who: Caller = Depends(caller)) -> list[MessageTextOut]:
        """Every message text the organisation may word, with the default and its own wording."""
        need(who, "message_text", org_id, texts_why)
        with db() as s:
            own = organisation_settings.all_own_texts(s, org_id)
        return [
            MessageTextOut(
                key=spec.key,
                kind=spec.kind,
                part=spec.part,
                placeholders=sorted(spec.allowed),
                required=sorted(spec.required),
                max_segments=spec.max_segments,
                max_chars=spec.max_chars,
                default={lang: message_texts.default_text(spec.key, lang) for lang in message_texts.LANGUAGES},
                own={lang: own[(spec.key, lang)] for lang in message_texts.LANGUAGES if (spec.key, lang) in own},
            )
            for spec in message_texts.SPECS.values()
        ]

    @r.post("/api/admin/organisations/{org_id}/texts/{key}/{language}/preview", response_model=TextPreviewOut)
    def preview(
        org_id: Id, key: TextKey, language: Language, body: TextIn, who: Caller = Depends(caller)
    ) -> TextPreviewOut:
        """The text filled with sample values and its SMS size, or the 422 storing it would get."""
        need(who, "message_text", org_id, texts_why)
        p = message_texts.check(key, language.value, body.text)
        return TextPreviewOut(text=p.text, encoding=p.encoding, segments=p.segments, characters=p.characters)

    @r.put("/api/admin/organisations/{org_id}/texts/{key}/{language}", response_model=TextPreviewOut)
    def put_text(
        org_id: Id, key: TextKey, language: Language, body: TextIn, who: Caller = Depends(caller)
    ) -> TextPreviewOut:
        """Store the organisation's wording; the outbox uses it for messages staged from now on."""
        need(who, "message_text", org_id, texts_why)
        p = message_texts.check(key, language.value, body.text)
        with db() as s:
            organisation_settings.set_text(s, who.official_id, org_id, key, language.value, body.text, clock())
            s.commit()
        return TextPreviewOut(text=p.text, encoding=p.encoding, segments=p.segments, characters=p.characters)

    @r.delete("/api/admin/organisations/{org_id}/texts/{key}/{language}", status_code=204)
    def default_text(org_id: Id, key: TextKey, language: Language, who: Caller = Depends(caller)) -> None:
        """Back to the catalogue's default wording."""
        need(who, "message_text", org_id, texts_why)
        with db() as s:
            organisation_settings.reset_text(s, who.official_id, org_id, key, language.value, clock())
            s.commit()

    @r.get("/api/admin/organisations/{org_id}/closures", response_model=list[ClosureOut])
    def list_closures(org_id: Id, who: Caller = Depends(caller)) -> list[ClosureOut]:
        need(who, "closure_day", org_id, closures_why)
        with db() as s:
            return [
                ClosureOut(day=c.day.isoformat(), reason=c.reason) for c in organisation_settings.closures(s, org_id)
            ]

    @r.put("/api/admin/organisations/{org_id}/closures", response_model=list[ClosureOut])
    def put_closures(org_id: Id, body: ClosuresIn, who: Caller = Depends(caller)) -> list[ClosureOut]:
        """Replace the closure days: the organisation's services cannot be booked on them at any point."""
        need(who, "closure_day", org_id, closures_why)
        days = [organisation_settings.Closure(c.day, c.reason) for c in body.closures]
        with db() as s:
            organisation_settings.set_closures(s, who.official_id, org_id, days, clock())
            s.commit()
            return [
                ClosureOut(day=c.day.isoformat(), reason=c.reason) for c in organisation_settings.closures(s, org_id)
            ]

    return r


def include(app: FastAPI, db: sessionmaker[Session], clock: Callable[[], float], caller: Callable[..., Caller]) -> None:
    app.include_router(router(db, clock, caller))

    @app.exception_handler(MessageTextError)
    async def _refused(_r: Request, exc: MessageTextError) -> JSONResponse:
        """A 422 in pydantic's shape, so the page puts the rule beside the field it names."""
        field, _sep, rule = str(exc).partition(": ")
        return JSONResponse({"detail": [{"type": "value_error", "loc": ["body", field], "msg": rule}]}, status_code=422)
