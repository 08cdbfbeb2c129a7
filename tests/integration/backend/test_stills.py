"""Document stills through the real hub and HTTP API: uploaded once, for the call's official only, gone at the end."""

from __future__ import annotations

import cv2
import numpy as np
from fastapi.testclient import TestClient

from tests.support.backend_app import login, recv_until, send

BOOTH_HELLO = {"type": "hello", "role": "booth", "booth_id": "imatra-1", "token": "demo-booth-secret"}
DOCUMENT_CAMERA = {"type": "device.status", "devices": [{"role": "document_camera", "state": "ok"}]}


def page_jpeg(width: int = 2480, height: int = 1754) -> bytes:
    """A noisy page (so it is large, well over the 256 KiB of an ordinary request body)."""
    rng = np.random.default_rng(7)
    page = rng.integers(0, 255, (height, width, 3), dtype=np.uint8)
    ok, data = cv2.imencode(".jpg", page, [cv2.IMWRITE_JPEG_QUALITY, 92])
    assert ok
    return data.tobytes()


def put(api: TestClient, still_id: str, token: str, data: bytes, mime: str = "image/jpeg", size=(2480, 1754)):
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": mime,
        "X-Still-Width": str(size[0]),
        "X-Still-Height": str(size[1]),
    }
    return api.put(f"/api/stills/{still_id}", content=data, headers=headers)


def test_a_still_goes_from_the_booth_to_the_calls_official_and_nowhere_else(client: TestClient):
    api = client
    token = login(api)
    official_auth = {"Authorization": f"Bearer {token}"}
    advisor_auth = {"Authorization": "Bearer " + login(api, "neuvoja", "demo-advisor")}
    data = page_jpeg()
    assert len(data) > 256 * 1024
    with api.websocket_connect("/ws") as official, api.websocket_connect("/ws") as booth:
        send(official, {"type": "hello", "role": "official", "token": token})
        recv_until(official, "presence")
        send(booth, BOOTH_HELLO)
        recv_until(booth, "welcome")
        send(booth, {"type": "session.request"})
        sid = recv_until(booth, "session.lobby")["session_id"]
        send(official, {"type": "session.admit", "session_id": sid})
        recv_until(booth, "session.admitted")
        send(official, {"type": "still.request", "session_id": sid})  # no document camera reported yet
        assert "document camera" in recv_until(official, "error")["reason"]
        send(booth, DOCUMENT_CAMERA)
        send(official, {"type": "still.request", "session_id": sid})
        capture = recv_until(booth, "still.capture")
        still_id, upload = capture["still_id"], capture["upload_token"]

        assert put(api, still_id, "not-the-token", data).status_code == 403
        assert put(api, still_id, upload, data, mime="image/png").status_code == 400  # a JPEG is not a PNG
        assert put(api, still_id, upload, data).status_code == 204
        ready = recv_until(official, "still.ready")
        assert (ready["still_id"], ready["width"], ready["height"], ready["size"]) == (still_id, 2480, 1754, len(data))
        assert put(api, still_id, upload, data).status_code == 403  # once

        got = api.get(f"/api/stills/{still_id}", headers=official_auth)
        assert got.status_code == 200 and got.content == data
        assert got.headers["content-type"] == "image/jpeg" and got.headers["cache-control"] == "no-store"
        assert api.get(f"/api/stills/{still_id}", headers=advisor_auth).status_code == 404  # not in the call
        assert api.get(f"/api/stills/{still_id}").status_code == 401

        send(booth, {"type": "still.failed", "session_id": sid, "still_id": "st-x", "code": "camera_error"})
        assert recv_until(official, "still.failed")["code"] == "camera_error"

        send(official, {"type": "session.end", "session_id": sid})
        recv_until(booth, "session.ended")
    assert api.get(f"/api/stills/{still_id}", headers=official_auth).status_code == 404
    assert api.app.state.hub.appointments.stills.held_bytes() == 0


def test_ordinary_request_bodies_keep_their_limit(client: TestClient):
    big = b"{" + b" " * (300 * 1024) + b"}"
    r = client.post("/api/login", content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413


def test_a_document_goes_to_the_booth_of_the_officials_call_once(client: TestClient):
    api = client
    token = login(api)
    official_auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/pdf"}
    advisor_auth = {"Authorization": "Bearer " + login(api, "neuvoja", "demo-advisor")}
    pdf = b"%PDF-1.4\n" + b"0" * (400 * 1024) + b"\n%%EOF\n"  # bigger than an ordinary request body
    with api.websocket_connect("/ws") as official, api.websocket_connect("/ws") as booth:
        send(official, {"type": "hello", "role": "official", "token": token})
        recv_until(official, "presence")
        send(booth, BOOTH_HELLO)
        recv_until(booth, "welcome")
        send(booth, {"type": "session.request"})
        sid = recv_until(booth, "session.lobby")["session_id"]
        assert api.post(f"/api/print/{sid}", content=pdf, headers=official_auth).status_code == 404  # not in a call
        send(official, {"type": "session.admit", "session_id": sid})
        recv_until(booth, "session.admitted")
        assert api.post(f"/api/print/{sid}", content=b"not a pdf", headers=official_auth).status_code == 400
        assert api.post(f"/api/print/{sid}", content=pdf, headers=advisor_auth).status_code == 404
        assert api.post(f"/api/print/{sid}", content=pdf, headers=official_auth).status_code == 202
        job = recv_until(booth, "print.job")
        url, auth = f"/api/print-jobs/{job['job_id']}", {"Authorization": f"Bearer {job['token']}"}
        assert api.get(url, headers={"Authorization": "Bearer wrong-token-here"}).status_code == 403
        got = api.get(url, headers=auth)
        assert got.status_code == 200 and got.content == pdf and got.headers["cache-control"] == "no-store"
        assert api.get(url, headers=auth).status_code == 403  # once
        status = {"type": "print.status", "session_id": sid, "job": "document", "job_id": job["job_id"]}
        send(booth, {**status, "state": "printed", "printer_before": "idle", "printer_after": "idle"})
        assert recv_until(official, "print.status")["state"] == "printed"
    assert api.app.state.hub.appointments.print_jobs.held_bytes() == 0
