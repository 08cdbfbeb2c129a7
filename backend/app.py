"""The ASGI application: HTTP API, the officials' web app and the websocket hub."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request, WebSocket
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from backend.alarms import Alarms
from backend.api import call_quality as call_quality_api
from backend.api import calls as call_tools
from backend.api import diagnostics as diagnostics_api
from backend.api import enrollment as enrollment_api
from backend.api import guests as guest_api
from backend.api import include_routes, sms_inbound
from backend.api import stills as still_api
from backend.api import texts as web_texts
from backend.api.admin import include_admin
from backend.api.roles import caller_dependency
from backend.api_docs import add_api_docs
from backend.body_limit import BodyLimit
from backend.config import WEB_ROOT, BackendSettings
from backend.domain.catalogue import HELSINKI
from backend.domain.events import DomainEvent
from backend.domain.identification import Identifications
from backend.domain.limits import FailureWindow
from backend.domain.printing import MAX_DOCUMENT_BYTES
from backend.domain.stills import MAX_STILL_BYTES
from backend.hub import Hub
from backend.identity import load_trusted_cas
from backend.jobs import Jobs
from backend.notify.publisher import outbox_stager
from backend.notify.worker import DeliveryWorker
from backend.store import accounts, live_queue, reconcile
from backend.store.admin import LinkSettings
from backend.store.alerts import record_alerts
from backend.store.database import migrate, open_engine, session_factory
from backend.store.seed import seed_demo
from protocol.schema import json_schema

log = logging.getLogger("etapiste.backend")


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=120)
    password: str = Field(min_length=1, max_length=200)


class LoginResponse(BaseModel):
    token: str
    name: str


class LogoutRequest(BaseModel):
    token: str = Field(min_length=1, max_length=512)


def create_app(settings: BackendSettings, clock: Callable[[], float] = time.time) -> FastAPI:
    """``clock`` is the backend's one source of "now" (tests pass a fixed day)."""
    engine = open_engine(settings.database_url)
    db = session_factory(engine)
    cas_file = settings.identity_trusted_cas
    trusted = load_trusted_cas(Path(cas_file).read_bytes()) if cas_file else []
    hub = Hub(
        db,
        clock=clock,
        limits=settings.limits,
        identifications=Identifications(trusted),
        resume_grace_s=settings.resume_grace_s,
    )
    alarms = Alarms(db, clock, settings.alarms, tell_official=hub.assist_unanswered)
    hub.on_alarms = alarms.raise_alarms
    hub.broker.turn = settings.turn  # every participant gets TURN credentials in session.admitted
    limits = settings.limits
    # Failed sign-ins, by username and by address: guessing passwords waits, and is told how long.
    failed_by_account = FailureWindow(limits.login_failures_per_account, limits.login_window_s)
    failed_by_address = FailureWindow(limits.login_failures_per_address, limits.login_window_s)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await asyncio.to_thread(migrate, engine)
        if settings.seed_demo:
            with db() as s:
                seed_demo(s)
        with db() as s:
            hub.know_booths(accounts.all_booths(s))
        # Nothing is live yet but what the hub restores for a resume: the rest a crash left behind.
        kept = await hub.restore()
        left = await asyncio.to_thread(reconcile.after_restart, db, clock(), kept)
        hub.start()
        for entry_id in left.desk_waiting:  # still in the room: they queue again, in their order
            await hub.queue_at_desk(await asyncio.to_thread(live_queue.desk_walk_in, db, entry_id))
        loop = asyncio.get_running_loop()

        def booking_events(events: Sequence[DomainEvent]) -> None:
            """From the HTTP API's worker threads: refused check-ins become advisor alerts."""
            raised = record_alerts(db, events)
            if raised:
                asyncio.run_coroutine_threadsafe(hub.deliver_alerts(raised), loop)  # also the phones

        app.state.booking_events = booking_events
        app.state.alert_acknowledged = hub.alert_cleared
        stop = asyncio.Event()
        background = [
            asyncio.create_task(DeliveryWorker(db, settings.notify, clock=clock).run_forever(stop)),
            asyncio.create_task(alarms.run_forever(stop)),
            asyncio.create_task(
                Jobs(db, clock, settings.jobs, joined=hub.joined_booking_ids, on_alerts=hub.deliver_alerts).run_forever(
                    stop
                )
            ),
        ]
        log.info("backend ready on %s", engine.dialect.name)
        yield
        stop.set()
        await asyncio.gather(*background)
        await hub.stop()
        engine.dispose()

    # /docs is served from local files (backend/api_docs.py); ReDoc would need a CDN, so it is off.
    app = FastAPI(title="Etäpiste backend", version="0.1", lifespan=lifespan, docs_url=None, redoc_url=None)
    add_api_docs(app)
    app.add_middleware(
        BodyLimit,
        max_bytes=limits.http_max_body_bytes,
        larger={"/api/stills/": MAX_STILL_BYTES, "/api/print/": MAX_DOCUMENT_BYTES},
    )
    app.state.hub = hub
    app.state.alarms = alarms
    include_routes(
        app,
        db,
        clock,
        stage=outbox_stager(clock),
        present=lambda: sorted(hub.broker.officials),
        queue_at_desk=hub.queue_at_desk,
        check_in_at_desk=hub.check_in_at_desk,
        booth_free=hub.booth_free,
    )
    include_admin(
        app,
        db,
        clock,
        caller_dependency(db, clock),
        LinkSettings(settings.public_url, settings.password_link_hours),
        booth_added=lambda b: hub.know_booths([b]),
        account_ended=hub.sign_out_account,
        booth_retired=hub.booth_retired,
    )
    app.include_router(enrollment_api.router(db, clock, caller_dependency(db, clock), settings.enroll, limits))
    app.include_router(
        diagnostics_api.router(
            db,
            clock,
            caller_dependency(db, clock),
            hub.booth_diagnostics,
            hub.maintain,
            hub.booth_logs.get,
            hub.booth_faults.recent,
            hub.request_screenshot,
            hub.booth_screens,
        )
    )
    app.include_router(web_texts.router())
    caller = caller_dependency(db, clock)
    today = lambda: datetime.fromtimestamp(clock(), HELSINKI).date()  # noqa: E731 - the day view's default
    app.include_router(call_tools.router(caller, hub.identified_in_person, db, today, hub.identified_in_person_at))
    app.include_router(still_api.router(caller, hub.still_uploaded, hub.appointments.still_for))
    app.include_router(still_api.print_router(caller, hub.document_sent, hub.print_job))
    app.include_router(sms_inbound.router(db, clock, settings.notify.sms_inbound_token))
    app.include_router(call_quality_api.router(db, caller))
    app.include_router(
        guest_api.router(
            db, clock, caller, settings.public_url, hub.broker.citizen, guest_api.live_target_of(hub.broker, clock)
        )
    )

    @app.post(
        "/api/login",
        response_model=LoginResponse,
        responses={
            401: {"description": "wrong username or password"},
            429: {"description": "too many failed sign-ins for this username or from this address; see Retry-After"},
        },
    )
    async def login(body: LoginRequest, request: Request) -> LoginResponse:
        account = "user:" + body.username.casefold()
        address = "addr:" + (request.client.host if request.client else "")
        now = clock()
        wait = max(failed_by_account.wait(account, now), failed_by_address.wait(address, now))
        if wait:
            raise HTTPException(
                429, f"too many failed sign-ins; try again in {wait} s", headers={"Retry-After": str(wait)}
            )

        def check() -> tuple[str, accounts.OfficialInfo] | None:
            with db() as s:
                return accounts.login(s, body.username, body.password, now)

        result = await asyncio.to_thread(check)
        if result is None:
            failed_by_account.fail(account, now)
            failed_by_address.fail(address, now)
            raise HTTPException(401, "wrong username or password")
        failed_by_account.clear(account)
        token, official = result
        return LoginResponse(token=token, name=official.name)

    @app.post("/api/logout", status_code=204)
    async def logout(body: LogoutRequest) -> None:
        def drop() -> None:
            with db() as s:
                accounts.logout(s, body.token)

        await asyncio.to_thread(drop)
        await hub.sign_out(body.token)  # the sockets opened with it close too

    @app.get("/api/protocol/schema.json")
    async def protocol_schema() -> JSONResponse:
        return JSONResponse(json_schema())

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/", include_in_schema=False)
    async def root() -> RedirectResponse:
        return RedirectResponse("/official/")

    @app.websocket("/ws")
    async def ws(websocket: WebSocket) -> None:
        await hub.serve(websocket)

    app.mount("/official", StaticFiles(directory=WEB_ROOT / "official", html=True), name="official")
    app.mount("/admin", StaticFiles(directory=WEB_ROOT / "admin", html=True), name="admin")
    app.mount("/advisor", StaticFiles(directory=WEB_ROOT / "advisor", html=True), name="advisor")
    app.mount("/guest", StaticFiles(directory=WEB_ROOT / "guest", html=True), name="guest")
    return app
