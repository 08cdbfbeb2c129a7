"""The booking, catalogue, check-in and queue HTTP API.

``include_routes`` mounts the routers on the app and maps domain refusals to
HTTP: a rule the request broke is 400, a conflict with the current state (slot
taken, booking already cancelled) is 409, a missing thing is 404, a database that stayed locked is 503 — always as
``{"detail": "<what was wrong and how to fix it>"}``. A malformed request is
422 with pydantic's list of errors, each naming the field (``loc``) and the
rule (``msg``) but never echoing the value sent (it may be a phone number or a
password).

Domain events (booking created, citizen checked in, ...) go to
``app.state.booking_events``, a callable taking a list of events. By default it
logs only the event types (never contact data); the lead replaces it with the
outbox and hub wiring.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session, sessionmaker

from backend.api import alerts, bookings, catalogue, desk, push, queue
from backend.api.roles import caller_dependency
from backend.domain.bookings import BookingRuleError, ConflictError
from backend.domain.calls import DeskWalkIn
from backend.domain.checkin import CheckinResult
from backend.domain.events import DomainEvent
from backend.store.bookings import DatabaseBusy, Stager
from backend.store.catalogue import NotFound

log = logging.getLogger("etapiste.bookings")


def _log_events(events: Sequence[DomainEvent]) -> None:
    for e in events:
        log.info("domain event %s", type(e).__name__)


def include_routes(
    app: FastAPI,
    db: sessionmaker[Session],
    clock: Callable[[], float],
    stage: Stager | None = None,
    present: Callable[[], list[str]] | None = None,
    queue_at_desk: Callable[[DeskWalkIn], Awaitable[None]] | None = None,
    check_in_at_desk: Callable[[str, str], Awaitable[CheckinResult]] | None = None,
    booth_free: Callable[[str], str | None] | None = None,
) -> None:
    """``stage`` runs inside each booking's transaction with its event (the outbox);
    ``present`` names the officials connected now (the hub), for queue estimates;
    ``queue_at_desk`` hands advisor-queued walk-ins to the hub's one router."""
    app.state.booking_events = _log_events
    caller = caller_dependency(db, clock)

    def publish(events: Sequence[DomainEvent]) -> None:
        if events:
            app.state.booking_events(list(events))

    app.include_router(catalogue.router(db, clock, caller))
    app.include_router(bookings.router(db, clock, caller, publish, stage))
    app.include_router(queue.router(db, clock, caller, present, queue_at_desk))
    app.include_router(alerts.router(db, clock, caller))
    app.include_router(push.router(db, clock, caller))
    app.include_router(desk.router(db, clock, caller, check_in_at_desk, booth_free))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_r: Request, exc: RequestValidationError) -> JSONResponse:
        detail = [{"type": e["type"], "loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
        return JSONResponse({"detail": detail}, status_code=422)

    @app.exception_handler(NotFound)
    async def _not_found(_r: Request, exc: NotFound) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=404)

    @app.exception_handler(DatabaseBusy)
    async def _busy(_r: Request, exc: DatabaseBusy) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=503, headers={"Retry-After": "1"})

    @app.exception_handler(ConflictError)
    async def _conflict(_r: Request, exc: ConflictError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=409)

    @app.exception_handler(BookingRuleError)
    async def _bad(_r: Request, exc: BookingRuleError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)
