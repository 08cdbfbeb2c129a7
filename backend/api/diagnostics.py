"""Remote diagnostics and maintenance of booths for the support provider (``access.may_diagnose``).

``GET /api/support/booths``: every booth's connection, devices (health and
faults as last reported), software (version, slot, update state, kiosk start:
its uptime), certificate and recent faults (``backend.domain.booth_faults``:
devices unplugged and back, connection lost and back, calls whose media
failed, kiosk restarts, with times) — nothing about citizens; the reading is audited.
``POST /api/support/booths/{id}/maintenance``: restart the kiosk or reboot the
booth, audited, and refused (409) while a citizen is at the booth or when it is
not connected; or ask for the kiosk's logs bundle (``send_logs``), which the
booth answers at once and ``GET /api/support/booths/{id}/logs`` then gives
(audited; held in memory only, contact-like strings blanked).
``POST /api/support/booths/{id}/screenshot`` asks the booth for a picture of its
screen (``access.may_see_booth_screen``; the booth asks the citizen first when
one is there) and ``GET …/screenshot?request_id=`` gives it once (PNG), or says
it is awaited (202) or was declined (409); the picture is held in memory only,
the request and the outcome are audited, never the picture.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Literal

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session, sessionmaker

from backend.api.roles import Caller, forbidden
from backend.domain import access
from backend.domain.access import Action, BoothRef
from backend.domain.booth_faults import Fault
from backend.domain.booth_screens import BoothScreens, ShotState
from backend.store import admin, audit, booth_software, enrollment
from protocol.messages import DeviceStatus, Id

MaintenanceAction = Literal["restart_kiosk", "reboot", "send_logs"]


class DeviceOut(BaseModel):
    role: str
    state: str
    reason: str


class FaultOut(BaseModel):
    at: float
    #: ``backend.domain.booth_faults.FaultKind``: device_fault, device_ok, disconnected, reconnected,
    #: call_failed, kiosk_restarted
    kind: str
    detail: str


class BoothDiagnosticsOut(BaseModel):
    booth_id: str
    name: str
    point_id: str
    online: bool
    #: A citizen is at the booth now (a restart waits for them).
    in_use: bool
    devices: list[DeviceOut]
    #: The devices not ``ok`` in the booth's last report.
    faults: list[DeviceOut]
    version: str = ""
    slot: str = ""
    update_state: str = ""
    started_at: float | None = None
    certificate_until: float | None = None
    #: The booth's recent faults, newest first (memory only: since the backend's last start).
    history: list[FaultOut] = []


class MaintenanceIn(BaseModel):
    action: MaintenanceAction


def router(
    db: sessionmaker[Session],
    clock: Callable[[], float],
    caller: Callable[..., Caller],
    diagnostics: Callable[[str], tuple[bool, bool, tuple[DeviceStatus, ...]]],
    maintain: Callable[[str, MaintenanceAction], Awaitable[str | None]],
    logs: Callable[[str], tuple[float, str] | None] = lambda _b: None,
    history: Callable[[str], list[Fault]] = lambda _b: [],
    screenshot: Callable[[str, str], Awaitable[tuple[str | None, str | None]]] | None = None,
    screens: BoothScreens | None = None,
) -> APIRouter:
    """``diagnostics`` and ``maintain`` are the hub's (``Hub.booth_diagnostics``, ``Hub.maintain``)."""
    r = APIRouter(tags=["support"])

    @r.get("/api/support/booths", response_model=list[BoothDiagnosticsOut])
    def booths(who: Caller = Depends(caller)) -> list[BoothDiagnosticsOut]:
        out = []
        with db() as s:
            software = booth_software.all_reports(s)
            certs = enrollment.cert_states(s)
            for b in admin.booths(s):
                if b.retired or not access.allows(who.standing, Action.DIAGNOSE, BoothRef(b.booth_id, b.point_id)):
                    continue
                online, busy, devices = diagnostics(b.booth_id)
                shown = [DeviceOut(role=d.role, state=d.state.value, reason=d.reason) for d in devices]
                sw = software.get(b.booth_id)
                cert = certs.get(b.booth_id)
                out.append(
                    BoothDiagnosticsOut(
                        booth_id=b.booth_id,
                        name=b.name,
                        point_id=b.point_id,
                        online=online,
                        in_use=busy,
                        devices=shown,
                        faults=[d for d in shown if d.state != "ok"],
                        version=sw.version if sw else "",
                        slot=sw.slot if sw else "",
                        update_state=sw.update_state if sw else "",
                        started_at=sw.started_at if sw else None,
                        certificate_until=cert.not_after if cert else None,
                        history=[FaultOut(at=f.at, kind=f.kind.value, detail=f.detail) for f in history(b.booth_id)],
                    )
                )
            if not out and not access.allows(who.standing, Action.DIAGNOSE, BoothRef("", "")):
                raise forbidden("only the support provider and the master admin see booth diagnostics")
            audit.record(s, who.official_id, "booth.diagnostics", "booth", "*", clock(), f"{len(out)} booths")
            s.commit()
        return out

    @r.post("/api/support/booths/{booth_id}/maintenance", status_code=202)
    async def maintenance(booth_id: Id, body: MaintenanceIn, who: Caller = Depends(caller)) -> None:
        """Restart the booth's kiosk or reboot it; 409 with the reason when it cannot be done now."""

        def point() -> str | None:
            with db() as s:
                return next((b.point_id for b in admin.booths(s) if b.booth_id == booth_id and not b.retired), None)

        point_id = await asyncio.to_thread(point)
        if not access.allows(who.standing, Action.MAINTAIN, BoothRef(booth_id, point_id or "")):
            raise forbidden("only the support provider and the master admin restart booths")
        if point_id is None:
            raise HTTPException(404, f"no booth {booth_id!r} in use")
        refused = await maintain(booth_id, body.action)

        def record() -> None:
            with db() as s:
                detail = body.action + (f"; refused: {refused}" if refused else "")
                audit.record(s, who.official_id, "booth.maintenance", "booth", booth_id, clock(), detail)
                s.commit()

        await asyncio.to_thread(record)
        if refused:
            raise HTTPException(409, refused)

    @r.get("/api/support/booths/{booth_id}/logs", response_class=PlainTextResponse)
    def booth_logs(booth_id: Id, who: Caller = Depends(caller)) -> PlainTextResponse:
        """The booth's latest logs bundle (ask for one with the ``send_logs`` maintenance action first)."""
        with db() as s:
            point_id = next((b.point_id for b in admin.booths(s) if b.booth_id == booth_id), "")
            if not access.allows(who.standing, Action.DIAGNOSE, BoothRef(booth_id, point_id)):
                raise forbidden("only the support provider and the master admin read booth logs")
            bundle = logs(booth_id)
            if bundle is None:
                raise HTTPException(404, f"no logs from booth {booth_id!r} yet; ask for them (send_logs) first")
            audit.record(s, who.official_id, "booth.logs", "booth", booth_id, clock(), f"{len(bundle[1])} characters")
            s.commit()
        return PlainTextResponse(bundle[1], headers={"Content-Disposition": f'attachment; filename="{booth_id}.log"'})

    def _point_of(booth_id: str) -> str | None:
        with db() as s:
            return next((b.point_id for b in admin.booths(s) if b.booth_id == booth_id and not b.retired), None)

    @r.post("/api/support/booths/{booth_id}/screenshot", status_code=202)
    async def ask_screenshot(booth_id: Id, who: Caller = Depends(caller)) -> dict[str, str]:
        """Ask the booth for a picture of its screen; the answer comes with ``GET …/screenshot``."""
        point_id = await asyncio.to_thread(_point_of, booth_id)
        if not access.allows(who.standing, Action.SEE_SCREEN, BoothRef(booth_id, point_id or "")):
            raise forbidden("only the support provider and the master admin see a booth's screen")
        if point_id is None:
            raise HTTPException(404, f"no booth {booth_id!r} in use")
        if screenshot is None:
            raise HTTPException(503, "screenshots are not available")
        request_id, refused = await screenshot(booth_id, who.official_id)

        def record() -> None:
            with db() as s:
                detail = "requested" + (f"; refused: {refused}" if refused else "")
                audit.record(s, who.official_id, "booth.screenshot", "booth", booth_id, clock(), detail)
                s.commit()

        await asyncio.to_thread(record)
        if request_id is None:
            raise HTTPException(409, refused)
        return {"request_id": request_id}

    @r.get("/api/support/booths/{booth_id}/screenshot", response_model=None)
    async def get_screenshot(booth_id: Id, request_id: Id, who: Caller = Depends(caller)) -> Response:
        """The picture once (PNG), 202 while the booth or the citizen decides, 409 declined or failed."""
        point_id = await asyncio.to_thread(_point_of, booth_id)
        if not access.allows(who.standing, Action.SEE_SCREEN, BoothRef(booth_id, point_id or "")):
            raise forbidden("only the support provider and the master admin see a booth's screen")
        if screens is None:
            raise HTTPException(404, "no such screenshot request")
        state, png = screens.take(booth_id, request_id, clock())
        if state is ShotState.WAITING:
            return JSONResponse({"state": state.value}, status_code=202)
        if state is ShotState.SENT and png is not None:
            return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})
        if state is ShotState.DECLINED:
            raise HTTPException(409, "the citizen declined")
        if state is ShotState.FAILED:
            raise HTTPException(409, "the booth could not take the picture")
        raise HTTPException(404, "no such screenshot request (or it was shown already, or it expired)")

    return r
