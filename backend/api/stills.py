"""Document stills and printed documents over HTTP, between the official, the backend's memory and the booth.

Stills: the booth uploads one it was asked for; the call's officials fetch it.
Printing: the official sends a PDF for the booth of their call; the booth fetches it once.

The upload is authenticated by the one-time token the booth got with
``still.capture`` over its own websocket (so no booth secret travels over
HTTP per picture); the body is the image itself (``image/jpeg`` or
``image/png``, at most ``stills.MAX_STILL_BYTES``) with its size in
``X-Still-Width`` / ``X-Still-Height``. Nothing is written to disk: the hub
keeps it in memory for the call. Fetching needs an official in that call
(``access.sees_call_content``); the answer is ``no-store`` so the browser does
not keep the citizen's papers in its cache either.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Depends, Header, HTTPException, Request, Response

from backend.api.roles import Caller
from backend.domain import access
from backend.domain.appointment import NotYours
from backend.domain.printing import MAX_DOCUMENT_BYTES, DocumentRefused
from backend.domain.stills import MAX_STILL_BYTES, Still, StillRefused
from protocol.messages import Id

Uploaded = Callable[[str, str, bytes, str, int, int], Awaitable[None]]


def router(
    caller: Callable[..., Caller],
    uploaded: Uploaded,
    still_for: Callable[[access.Standing, str], Still],
) -> APIRouter:
    r = APIRouter(tags=["stills"])

    @r.put(
        "/api/stills/{still_id}",
        status_code=204,
        responses={
            400: {"description": "not an image of the declared type, or its size is missing"},
            403: {"description": "no such still was ordered with this token, or the order expired"},
            413: {"description": f"over {MAX_STILL_BYTES} bytes"},
        },
    )
    async def upload(
        still_id: Id,
        request: Request,
        authorization: str = Header(description="Bearer <upload_token from still.capture>"),
        content_type: str = Header(),
        x_still_width: int = Header(ge=1, le=20_000),
        x_still_height: int = Header(ge=1, le=20_000),
    ) -> None:
        """The booth's still, once (the booth only)."""
        token = authorization[7:].strip() if authorization.lower().startswith("bearer ") else ""
        data = await request.body()
        try:
            await uploaded(still_id, token, data, content_type.split(";")[0].strip(), x_still_width, x_still_height)
        except StillRefused as exc:
            raise HTTPException(
                403 if exc.code in ("unknown", "expired", "already_uploaded") else 400, str(exc)
            ) from None

    @r.get(
        "/api/stills/{still_id}",
        response_class=Response,
        responses={
            200: {"content": {"image/jpeg": {}, "image/png": {}}},
            404: {"description": "no such still for you"},
        },
    )
    def fetch(still_id: Id, who: Caller = Depends(caller)) -> Response:
        """A still of the call I am in (the official's page shows it at once)."""
        try:
            still = still_for(who.standing, still_id)
        except NotYours as exc:
            raise HTTPException(404, str(exc)) from None
        return Response(still.data or b"", media_type=still.mime, headers={"Cache-Control": "no-store"})

    return r


def print_router(
    caller: Callable[..., Caller],
    document_sent: Callable[[access.Standing, str, bytes], Awaitable[None]],
    print_job: Callable[[str, str], bytes | None],
) -> APIRouter:
    """Printing at this booth only: the official sends a PDF to the booth of their call; the booth fetches it once."""
    r = APIRouter(tags=["printing"])

    @r.post(
        "/api/print/{session_id}",
        status_code=202,
        responses={
            400: {"description": "not a PDF"},
            404: {"description": "no call of yours with that id"},
            413: {"description": f"over {MAX_DOCUMENT_BYTES} bytes"},
        },
    )
    async def send_document(session_id: Id, request: Request, who: Caller = Depends(caller)) -> None:
        """Print this PDF (the body) at the booth of my call; the booth reports with ``print.status``."""
        data = await request.body()
        try:
            await document_sent(who.standing, session_id, data)
        except NotYours as exc:
            raise HTTPException(404, str(exc)) from None
        except DocumentRefused as exc:
            raise HTTPException(400, str(exc)) from None

    @r.get(
        "/api/print-jobs/{job_id}",
        response_class=Response,
        responses={200: {"content": {"application/pdf": {}}}, 403: {"description": "no such job for this token"}},
    )
    def fetch_job(job_id: Id, authorization: str = Header(description="Bearer <token from print.job>")) -> Response:
        """The booth takes the document, once; it is gone from the backend after this."""
        token = authorization[7:].strip() if authorization.lower().startswith("bearer ") else ""
        data = print_job(job_id, token)
        if data is None:
            raise HTTPException(403, "no print job under this id and token (or it was fetched already)")
        return Response(data, media_type="application/pdf", headers={"Cache-Control": "no-store"})

    return r
