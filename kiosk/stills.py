"""Document stills on the booth: take one at the document camera's full resolution and upload it.

The session machine decides (``TakeStill``); this carries it out in a worker
thread (capturing switches the camera's mode and encoding a 300-dpi page takes
a moment: neither may hold up the call's media). The picture goes straight from
memory to the backend's ``PUT /api/stills/{still_id}`` with the one-time token
the backend sent; it is never written to the booth's disk and the bytes are
dropped as soon as the upload returns. The still's content is never logged.
"""

from __future__ import annotations

import logging
import ssl
import urllib.error
import urllib.request
from urllib.parse import urlsplit, urlunsplit

from drivers.camera import Camera

log = logging.getLogger("etapiste.kiosk.stills")

UPLOAD_TIMEOUT_S = 30.0


def http_base(backend_url: str) -> str:
    """The backend's HTTP address from its websocket URL: ws://host:port/ws -> http://host:port."""
    parts = urlsplit(backend_url)
    scheme = {"ws": "http", "wss": "https"}.get(parts.scheme, parts.scheme)
    return urlunsplit((scheme, parts.netloc, "", "", ""))


def take_and_upload(
    camera: Camera | None, base: str, still_id: str, token: str, context: ssl.SSLContext | None = None
) -> str | None:
    """Blocking: None when the still reached the backend, else a code (no_document_camera,
    camera_error, upload_failed, upload_refused). ``context``: the backend's TLS trust."""
    if camera is None:
        return "no_document_camera"
    try:
        still = camera.capture_still()
    except Exception as exc:  # a camera failing mid-call must not take the booth down
        log.warning("the document camera failed to take a still: %s", type(exc).__name__)
        return "camera_error"
    if still is None:
        return "camera_error"
    request = urllib.request.Request(
        f"{base}/api/stills/{still_id}",
        data=still.data,
        method="PUT",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": still.mime,
            "X-Still-Width": str(still.width),
            "X-Still-Height": str(still.height),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=UPLOAD_TIMEOUT_S, context=context):
            pass
    except urllib.error.HTTPError as exc:
        log.warning("the backend refused still %s: HTTP %d", still_id, exc.code)
        return "upload_refused"
    except OSError as exc:
        log.warning("could not upload still %s: %s", still_id, type(exc).__name__)
        return "upload_failed"
    log.info("still %s uploaded (%dx%d, %d bytes)", still_id, still.width, still.height, len(still.data))
    return None
