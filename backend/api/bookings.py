"""Booking endpoints: slot search, book, look up, reschedule, cancel, and check-in at the booth."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from sqlalchemy.orm import Session, sessionmaker

from backend.api.roles import Caller, forbidden
from backend.api.schemas import (
    BookingIn,
    BookingOut,
    CancelIn,
    CheckinIn,
    CheckinOut,
    Day,
    RescheduleIn,
    SlotOut,
    StatusIn,
)
from backend.domain import access
from backend.domain.bookings import BookedVia, Status
from backend.domain.events import DomainEvent
from backend.store import accounts, audit
from backend.store import bookings as repo
from backend.store.booking_models import BookingRow
from protocol.messages import Id, Language

#: A booking code as typed or scanned (``ETP1:`` and separators allowed); the lookup checks the rest.
Code = Annotated[str, Path(min_length=1, max_length=40)]


def router(
    db: sessionmaker[Session],
    clock: Callable[[], float],
    caller: Callable[..., Caller],
    publish: Callable[[Sequence[DomainEvent]], None],
    stage: repo.Stager | None = None,
) -> APIRouter:
    r = APIRouter(tags=["bookings"])

    def now() -> datetime:
        return datetime.fromtimestamp(clock(), UTC)

    def may_book(who: Caller, point_id: str, organisation_id: str, channel: BookedVia) -> None:
        allowed = access.booking_channels(who.standing, point_id, organisation_id)
        if channel not in allowed:
            names = (
                ", ".join(sorted(allowed)) or "none (advisors book at their point, officials for their organisation)"
            )
            raise forbidden(
                f"you cannot book {organisation_id} services at {point_id} through channel {channel}; "
                f"allowed for you: {names}"
            )

    def visible(who: Caller, b: BookingRow) -> BookingRow:
        if not access.sees_booking(who.standing, ref(b)):
            # not 403: whether a code exists at another point or organisation is none of the caller's business
            raise HTTPException(404, "no booking with that code that you can see; check the code")
        return b

    def contact_read(s: Session, who: Caller, rows: list[BookingRow]) -> None:
        """Showing a citizen's name, phone or e-mail is access to personal data: one audit entry per booking."""
        shown = [b for b in rows if b.citizen_name or b.phone or b.email]
        for b in shown:
            audit.record(s, who.official_id, "booking.contact_read", "booking", b.id, now().timestamp())
        if shown:
            s.commit()

    @r.get("/api/slots", response_model=list[SlotOut])
    def slots(
        service: Id,
        point: Id,
        language: Language,
        first: Annotated[Day, Query(alias="from")],
        last: Annotated[Day, Query(alias="to")],
    ) -> list[SlotOut]:
        """Free slots: a booth of the point and a qualified official free, inside opening and working hours."""
        with db() as s:
            found = repo.search(s, service, point, language.value, first, last, now())
        return [
            SlotOut(start=x.start, end=x.end, booths=list(x.booth_ids), officials=len(x.official_ids)) for x in found
        ]

    @r.post("/api/bookings", response_model=BookingOut, status_code=201)
    def create(body: BookingIn, who: Caller = Depends(caller)) -> BookingOut:
        with db() as s:
            svc = repo.catalogue.service(s, body.service_id)
        may_book(who, body.point_id, svc.organisation_id, body.channel)
        row, event = repo.book(
            db,
            repo.BookingRequest(
                service_id=body.service_id,
                point_id=body.point_id,
                language=body.language.value,
                start=body.start,
                channel=body.channel,
                booked_by=who.official_id,
                booth_id=body.booth_id,
                official_id=body.official_id,
                citizen_name=body.citizen_name,
                phone=body.phone,
                email=body.email,
            ),
            now(),
            stage=stage,
        )
        publish([event])
        return BookingOut.of(row)

    @r.get("/api/bookings", response_model=list[BookingOut])
    def day_list(point: Id, day: Day, who: Caller = Depends(caller)) -> list[BookingOut]:
        """A day at a point: its advisor sees all; an authority admin their organisation's; an official their own."""
        if not access.may_list_bookings(who.standing, point):
            raise forbidden("only advisors, officials and authority admins list bookings")
        with db() as s:
            rows = [b for b in repo.list_bookings(s, point, day) if access.sees_booking(who.standing, ref(b))]
            contact_read(s, who, rows)
        return [BookingOut.of(b) for b in rows]

    @r.get("/api/bookings/{code}", response_model=BookingOut)
    def get(code: Code, who: Caller = Depends(caller)) -> BookingOut:
        with db() as s:
            b = repo.by_code(s, code)
            if b is None:
                raise HTTPException(404, "no booking with that code that you can see; check the code")
            visible(who, b)
            contact_read(s, who, [b])
        return BookingOut.of(b)

    @r.get("/api/bookings/{code}/history")
    def history(code: Code, who: Caller = Depends(caller)) -> list[dict[str, object]]:
        with db() as s:
            b = repo.by_code(s, code)
            if b is None:
                raise HTTPException(404, "no booking with that code that you can see; check the code")
            visible(who, b)
            return [
                {"at": h.at, "action": h.action, "status": h.status, "start": h.start, "channel": h.channel, "by": h.by}
                for h in repo.history(s, b.id)
            ]

    def _existing(code: str, who: Caller) -> BookingRow:
        with db() as s:
            b = repo.by_code(s, code)
        if b is None:
            raise HTTPException(404, "no booking with that code that you can see; check the code")
        return visible(who, b)

    @r.post("/api/bookings/{code}/reschedule", response_model=BookingOut)
    def reschedule(code: Code, body: RescheduleIn, who: Caller = Depends(caller)) -> BookingOut:
        b = _existing(code, who)
        may_book(who, b.point_id, b.organisation_id, body.channel)
        row, event = repo.reschedule(db, code, body.start, body.channel, who.official_id, now(), stage=stage)
        publish([event])
        return BookingOut.of(row)

    @r.post("/api/bookings/{code}/cancel", response_model=BookingOut)
    def cancel(code: Code, body: CancelIn, who: Caller = Depends(caller)) -> BookingOut:
        b = _existing(code, who)
        may_book(who, b.point_id, b.organisation_id, body.channel)
        row, event = repo.cancel(db, code, body.channel, who.official_id, now(), stage=stage)
        publish([event])
        return BookingOut.of(row)

    @r.post("/api/bookings/{code}/status", response_model=BookingOut)
    def change_status(code: Code, body: StatusIn, who: Caller = Depends(caller)) -> BookingOut:
        """The booked official (or the point's advisor) moves the booking on; the lifecycle refuses with 409."""
        b = _existing(code, who)
        if not access.may_change_booking_status(who.standing, ref(b)):
            raise forbidden("only the booked official or the point's advisor can change the booking's status")
        row = repo.change_status(db, code, Status(body.status), "official", who.official_id, now())
        return BookingOut.of(row)

    @r.post("/api/checkin", response_model=CheckinOut, responses={401: {"description": "wrong booth credential"}})
    def check_in(body: CheckinIn) -> CheckinOut:
        """Check-in at a booth (booth credential, as on the websocket), with a typed code or the QR payload."""
        with db() as s:
            booth = accounts.booth_by_credential(s, body.booth_id, body.booth_secret)
        if booth is None:
            raise HTTPException(401, "wrong booth id or booth credential; re-enroll the booth")
        out = repo.check_in(db, body.code, body.booth_id, now())
        publish(out.events)
        res = out.result
        return CheckinOut(
            result=res.result.value,
            ok=res.ok,
            messages=res.messages,
            tell_advisor=res.tell_advisor,
            to_queue=res.to_queue,
            queue_entry_id=out.queue_entry_id,
        )

    return r


def ref(b: BookingRow) -> access.BookingRef:
    """A booking as the access policy sees it."""
    return access.BookingRef(b.point_id, b.organisation_id, b.official_id)
