"""Third parties by one-time link over HTTP: inviting (official, advisor) and the guest's link and code.

The inviter's side needs a sign-in and asks ``access.may_invite_to_booking`` /
``access.may_invite_to_call``; the guest's side has no account: the link's
token (in the URL's fragment, so it never reaches a server log) and then the
device token the right code gives are all it holds. Every dead link — unknown,
used on another device, revoked, removed, locked, expired — answers the same
410 "this link is no longer valid", so a forwarded link tells nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session, sessionmaker

from backend.api.bookings import ref
from backend.api.roles import Caller, forbidden
from backend.domain import access
from backend.domain import guests as rules
from backend.domain.calls import CallBroker, CallPhase
from backend.store import bookings as booking_store
from backend.store import guests as store
from backend.store.booking_models import BookingRow
from backend.store.guest_models import GuestInvitationRow
from protocol.messages import Id

Lang = Literal["fi", "sv", "en"]
GONE = "link: this link is no longer valid"


class GuestIn(BaseModel):
    role: Literal["spoken_interpreter", "sign_interpreter", "support_person"]
    name: str = Field(min_length=1, max_length=120)
    language: str | None = Field(default=None, min_length=2, max_length=3, pattern=r"^[a-z]{2,3}$")
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=254)
    #: the language of the SMS or e-mail with the link
    message_language: Lang = "fi"


class GuestOut(BaseModel):
    """An invitation as the inviter sees it: the name and state, never the phone or e-mail."""

    id: str
    role: str
    language: str | None
    name: str | None
    valid_from: float
    valid_until: float
    state: str


class LinkIn(BaseModel):
    token: str = Field(min_length=16, max_length=128)
    device_token: str | None = Field(default=None, min_length=16, max_length=128)


class LinkOut(BaseModel):
    state: Literal["not_yet", "valid", "no_longer_valid"]
    role: str | None = None  # only while valid: what the guest is invited as
    valid_from: float | None = None


class CodeIn(BaseModel):
    token: str = Field(min_length=16, max_length=128)
    language: Lang = "fi"


class VerifyIn(BaseModel):
    token: str = Field(min_length=16, max_length=128)
    code: str = Field(min_length=1, max_length=12, pattern=r"^\s*\d+\s*$")


class VerifyOut(BaseModel):
    device_token: str


def live_target_of(broker: CallBroker, clock: Callable[[], float]) -> Callable[[str], store.Target | None]:
    """The facts of a call in progress an invitation into it needs, from the broker's live state."""

    def target(session_id: str) -> store.Target | None:
        s = broker.sessions.get(session_id)
        booth = broker.booths.get(s.booth_id) if s is not None else None
        if s is None or booth is None or s.phase is not CallPhase.IN_CALL:
            return None
        service = broker.services.get(s.service_id or "")
        in_charge = broker.officials.get(s.official_id or "")
        organisation = (
            service.organisation_id if service else (in_charge.standing.organisation_id if in_charge else None)
        )
        now = clock()
        start, until = rules.live_window(now)
        return store.Target(
            organisation_id=organisation or "",
            point_id=booth.info.point_id,
            valid_from=start,
            valid_until=until,
            starts_at=now,
            service_id=s.service_id,
            booking_id=s.booking_id,
            session_id=s.id,
        )

    return target


def _out(i: store.Invitation) -> GuestOut:
    return GuestOut(
        id=i.id, role=i.role, language=i.language, name=i.name, valid_from=i.valid_from, valid_until=i.valid_until,
        state=i.state,
    )  # fmt: skip


def router(
    db: sessionmaker[Session],
    clock: Callable[[], float],
    caller: Callable[..., Caller],
    public_url: str,
    citizen: Callable[[str], access.Citizen | None],
    live_target: Callable[[str], store.Target | None],
    new_token: Callable[[], str] = lambda: secrets.token_urlsafe(24),
    new_code: Callable[[], str] = lambda: f"{secrets.randbelow(10**rules.CODE_DIGITS):0{rules.CODE_DIGITS}d}",
) -> APIRouter:
    """``citizen`` and ``live_target`` are the hub's view of a call in progress (None when it is gone)."""
    r = APIRouter(tags=["guests"])

    def _contact(body: GuestIn) -> rules.GuestContact:
        try:
            return rules.contact(body.role, body.name, body.language, body.phone, body.email)
        except rules.GuestError as exc:
            raise HTTPException(400, str(exc)) from None

    def _booking(s: Session, code: str, who: Caller) -> BookingRow:
        b = booking_store.by_code(s, code)
        if b is None or not access.sees_booking(who.standing, ref(b)):
            raise HTTPException(404, "no booking with that code that you can see; check the code")
        if not access.may_invite_to_booking(who.standing, ref(b)):
            raise forbidden("only the booked official or the point's advisor invites a third party")
        return b

    def _call(session_id: str, who: Caller) -> access.Citizen:
        c = citizen(session_id)
        if c is None or not access.sees_citizen(who.standing, c):
            raise HTTPException(404, "no such call")
        if not access.may_invite_to_call(who.standing, c):
            raise forbidden("only an official in the call invites a third party into it")
        return c

    @r.post("/api/bookings/{code}/guests", response_model=GuestOut, status_code=201)
    def invite_to_booking(code: str, body: GuestIn, who: Caller = Depends(caller)) -> GuestOut:
        """Invite a third party to a booked appointment: the link goes by SMS and/or e-mail now and is
        valid from 30 minutes before the start to an hour after the booked end."""
        now = clock()
        with db() as s:
            b = _booking(s, code, who)
            guest = _contact(body)
            if b.status in ("cancelled", "completed", "no_show") or b.end + rules.CLOSES_AFTER_S <= now:
                raise HTTPException(409, "the booking is over or cancelled; a third party can no longer join it")
            inv, _link = store.invite(
                s, who.official_id, guest, store.booking_target(s, b), public_url, new_token(), body.message_language,
                now,
            )  # fmt: skip
            s.commit()
        return _out(inv)

    @r.get("/api/bookings/{code}/guests", response_model=list[GuestOut])
    def booking_guests(code: str, who: Caller = Depends(caller)) -> list[GuestOut]:
        with db() as s:
            b = _booking(s, code, who)
            return [_out(i) for i in store.of_booking(s, b.id, clock())]

    @r.post("/api/calls/{session_id}/guests", response_model=GuestOut, status_code=201)
    def invite_to_call(session_id: Id, body: GuestIn, who: Caller = Depends(caller)) -> GuestOut:
        """Invite a third party into the call in progress: the link is valid for two hours, and only
        while the call lasts."""
        _call(session_id, who)
        guest = _contact(body)
        target = live_target(session_id)
        if target is None:
            raise HTTPException(404, "no such call")
        with db() as s:
            inv, _link = store.invite(
                s, who.official_id, guest, target, public_url, new_token(), body.message_language, clock()
            )
            s.commit()
        return _out(inv)

    @r.get("/api/calls/{session_id}/guests", response_model=list[GuestOut])
    def call_guests(session_id: Id, who: Caller = Depends(caller)) -> list[GuestOut]:
        _call(session_id, who)
        with db() as s:
            return [_out(i) for i in store.of_session(s, session_id, clock())]

    @r.delete("/api/guests/{invitation_id}", response_model=GuestOut)
    def revoke(invitation_id: Id, who: Caller = Depends(caller)) -> GuestOut:
        """Revoke an invitation: its link stops working at once (a guest in the call stays until removed)."""
        now = clock()
        with db() as s:
            row = s.get(GuestInvitationRow, invitation_id)
            if row is None:
                raise HTTPException(404, "invitation_id: no such invitation that you can see")
            b = s.get(BookingRow, row.booking_id) if row.booking_id else None
            c = citizen(row.session_id) if row.session_id else None
            allowed = (b is not None and access.may_invite_to_booking(who.standing, ref(b))) or (
                c is not None and access.may_invite_to_call(who.standing, c)
            )
            if not allowed:
                raise HTTPException(404, "invitation_id: no such invitation that you can see")
            store.revoke(s, who.official_id, invitation_id, now)
            s.commit()
            return _out(store.invitation(row, now))

    # -- the guest's side: no account --

    @r.post("/api/guest/link", response_model=LinkOut)
    def link(body: LinkIn) -> LinkOut:
        """What the link shows now: valid (with the role), not open yet, or no longer valid (nothing else)."""
        with db() as s:
            row = store.by_token(s, body.token)
            st = store.link_state(s, body.token, body.device_token, clock())
            if row is None or st is rules.LinkState.NO_LONGER_VALID:
                return LinkOut(state="no_longer_valid")
            return LinkOut(state=st.value, role=row.role, valid_from=row.valid_from)

    @r.post(
        "/api/guest/code", status_code=202, responses={410: {"description": GONE}, 429: {"description": "too soon"}}
    )
    def send_code(body: CodeIn, response: Response) -> dict[str, int]:
        """Send a one-time code to the invited phone or e-mail (a new one replaces the last)."""
        with db() as s:
            try:
                store.send_code(s, body.token, new_code(), body.language, clock())
            except store.NoSuchLink:
                raise HTTPException(410, GONE) from None
            except rules.TooSoon as exc:
                raise HTTPException(429, str(exc), headers={"Retry-After": str(exc.wait_s)}) from None
            except rules.GuestError as exc:
                raise HTTPException(410 if str(exc) == GONE else 409, str(exc)) from None
            s.commit()
        return {"tries": rules.CODE_TRIES}

    @r.post("/api/guest/verify", response_model=VerifyOut, responses={410: {"description": GONE}})
    def verify(body: VerifyIn) -> VerifyOut:
        """Check the code: right, and this browser holds the link (and no other can open it again)."""
        device = secrets.token_urlsafe(32)
        with db() as s:
            try:
                store.verify(s, body.token, body.code, device, clock())
            except store.NoSuchLink:
                raise HTTPException(410, GONE) from None
            except rules.CodeRefused as exc:
                s.commit()  # the wrong try counts
                if exc.link.locked:
                    raise HTTPException(410, GONE) from None
                raise HTTPException(400, f"{exc}; {exc.tries_left} tries left") from None
            except rules.GuestError as exc:
                raise HTTPException(410 if str(exc) == GONE else 409, str(exc)) from None
            s.commit()
        return VerifyOut(device_token=device)

    return r
