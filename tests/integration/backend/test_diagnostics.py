"""Remote diagnostics for the support provider: booth health and software, audited; a restart reaches the
booth, never while a citizen is there; other staff are refused."""

from __future__ import annotations

import base64

from sqlalchemy import select

from backend.store.admin_models import AuditEntry
from tests.support.backend_app import recv_until, send
from tests.support.bookings import add_account, bearer


def _booth(client):
    ws = client.websocket_connect("/ws")
    conn = ws.__enter__()
    send(conn, {"type": "hello", "role": "booth", "booth_id": "imatra-1", "token": "demo-booth-secret"})
    recv_until(conn, "booth.catalogue")
    return ws, conn


def test_support_sees_health_and_software_and_restarts_a_free_booth_only(client):
    add_account(client.app.state.hub.db, "support-1", "tuki", "imatra-city", "support", "", "support-pw")
    support = bearer(client, "tuki", "support-pw")
    official = bearer(client, "virkailija", "demo-password")
    ws, booth = _booth(client)
    try:
        send(booth, {"type": "device.status", "devices": [
            {"role": "microphone", "state": "ok", "reason": ""},
            {"role": "printer", "state": "missing", "reason": "unplugged"}]})  # fmt: skip
        send(booth, {"type": "booth.software", "version": "0.1", "slot": "A", "update_state": "good",
                     "started_at": 1.79e9})  # fmt: skip

        def listed():
            rows = {b["booth_id"]: b for b in client.get("/api/support/booths", headers=support).json()}
            return rows["imatra-1"]

        row = listed()
        for _ in range(50):  # the booth's messages are handled by the hub's own task
            if row["version"] and row["devices"]:
                break
            row = listed()
        assert row["online"] and not row["in_use"] and row["version"] == "0.1" and row["started_at"] == 1.79e9
        assert row["faults"] == [{"role": "printer", "state": "missing", "reason": "unplugged"}]
        assert client.get("/api/support/booths", headers=official).status_code == 403
        body = {"action": "restart_kiosk"}
        assert client.post("/api/support/booths/imatra-1/maintenance", json=body, headers=official).status_code == 403
        assert client.post("/api/support/booths/imatra-1/maintenance", json=body, headers=support).status_code == 202
        assert recv_until(booth, "booth.maintenance")["action"] == "restart_kiosk"
        # The logs bundle: asked for, sent by the booth, read with contact-like strings blanked.
        assert client.get("/api/support/booths/imatra-1/logs", headers=support).status_code == 404
        ask = {"action": "send_logs"}
        assert client.post("/api/support/booths/imatra-1/maintenance", json=ask, headers=support).status_code == 202
        assert recv_until(booth, "booth.maintenance")["action"] == "send_logs"
        send(booth, {"type": "booth.logs", "text": "INFO kiosk: printer missing\nWARN x: mail maija@example.fi"})
        got = None
        for _ in range(50):
            got = client.get("/api/support/booths/imatra-1/logs", headers=support)
            if got.status_code == 200:
                break
        assert got is not None and got.status_code == 200 and "printer missing" in got.text
        assert "maija@example.fi" not in got.text and "[redacted]" in got.text
        assert client.get("/api/support/booths/imatra-1/logs", headers=official).status_code == 403
        # A citizen at the booth: no restart, the reason said.
        send(booth, {"type": "session.request"})
        recv_until(booth, "session.lobby")
        busy = client.post("/api/support/booths/imatra-1/maintenance", json={"action": "reboot"}, headers=support)
        assert busy.status_code == 409 and "citizen" in busy.json()["detail"]
        offline = client.post("/api/support/booths/imatra-2/maintenance", json=body, headers=support)
        assert offline.status_code == 409 and "not connected" in offline.json()["detail"]
    finally:
        ws.__exit__(None, None, None)
    with client.app.state.hub.db() as s:
        actions = [(e.actor, e.action, e.detail) for e in s.scalars(select(AuditEntry))]
    assert ("support-1", "booth.maintenance", "restart_kiosk") in actions
    assert any(a[1] == "booth.diagnostics" for a in actions)
    assert any(a[1] == "booth.maintenance" and "refused" in a[2] for a in actions)


def test_support_sees_the_booths_recent_faults_with_times(client):
    add_account(client.app.state.hub.db, "support-1", "tuki", "imatra-city", "support", "", "support-pw")
    support = bearer(client, "tuki", "support-pw")

    def history():
        rows = {b["booth_id"]: b for b in client.get("/api/support/booths", headers=support).json()}
        return [(f["kind"], f["detail"]) for f in rows["imatra-1"]["history"]]

    def until(expected):
        got = history()
        for _ in range(100):  # the booth's messages are handled by the hub's own task
            if got[: len(expected)] == expected:
                break
            got = history()
        return got

    ws, booth = _booth(client)
    try:
        send(booth, {"type": "booth.software", "version": "0.1", "slot": "A", "update_state": "good",
                     "started_at": 1.79e9})  # fmt: skip
        send(booth, {"type": "device.status", "devices": [{"role": "printer", "state": "ok", "reason": ""}]})
        send(booth, {"type": "device.status", "devices": [{"role": "printer", "state": "missing", "reason": ""}]})
        send(booth, {"type": "device.status", "devices": [{"role": "printer", "state": "ok", "reason": ""}]})
        send(booth, {"type": "call.event", "session_id": "s-1", "kind": "ice_state", "detail": "failed"})
        assert until([("call_failed", "ice_state: failed"), ("device_ok", "printer")]) == [
            ("call_failed", "ice_state: failed"),
            ("device_ok", "printer"),
            ("device_fault", "printer: missing"),
        ]
    finally:
        ws.__exit__(None, None, None)
    # The watchdog restarted the kiosk: a new connection, a later start.
    ws, booth = _booth(client)
    try:
        send(booth, {"type": "booth.software", "version": "0.1", "slot": "A", "update_state": "good",
                     "started_at": 1.79e9 + 60})  # fmt: skip
        got = until([("kiosk_restarted", "")])
        assert [k for k, _ in got[:3]] == ["kiosk_restarted", "reconnected", "disconnected"]
    finally:
        ws.__exit__(None, None, None)


def test_support_asks_for_the_screen_and_gets_the_picture_once_or_hears_the_citizen_declined(client):
    add_account(client.app.state.hub.db, "support-1", "tuki", "imatra-city", "support", "", "support-pw")
    support = bearer(client, "tuki", "support-pw")
    official = bearer(client, "virkailija", "demo-password")
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"picture").decode()
    assert client.post("/api/support/booths/imatra-1/screenshot", headers=support).status_code == 409  # offline
    ws, booth = _booth(client)
    try:
        assert client.post("/api/support/booths/imatra-1/screenshot", headers=official).status_code == 403
        asked = client.post("/api/support/booths/imatra-1/screenshot", headers=support)
        assert asked.status_code == 202
        rid = asked.json()["request_id"]
        assert recv_until(booth, "screenshot.request")["request_id"] == rid
        url = f"/api/support/booths/imatra-1/screenshot?request_id={rid}"
        assert client.get(url, headers=support).status_code == 202  # the booth has not answered yet
        assert client.get(url, headers=official).status_code == 403
        send(booth, {"type": "screenshot.result", "request_id": rid, "outcome": "sent", "png": png})
        got = client.get(url, headers=support)
        for _ in range(50):  # the booth's messages are handled by the hub's own task
            if got.status_code != 202:
                break
            got = client.get(url, headers=support)
        assert got.status_code == 200 and got.headers["content-type"] == "image/png"
        assert got.content == base64.b64decode(png)
        assert client.get(url, headers=support).status_code == 404  # handed out once, then forgotten
        # During a call the citizen said no.
        rid = client.post("/api/support/booths/imatra-1/screenshot", headers=support).json()["request_id"]
        recv_until(booth, "screenshot.request")
        send(booth, {"type": "screenshot.result", "request_id": rid, "outcome": "declined"})
        url = f"/api/support/booths/imatra-1/screenshot?request_id={rid}"
        got = client.get(url, headers=support)
        for _ in range(50):
            if got.status_code != 202:
                break
            got = client.get(url, headers=support)
        assert got.status_code == 409 and got.json()["detail"] == "the citizen declined"
    finally:
        ws.__exit__(None, None, None)
    with client.app.state.hub.db() as s:
        shots = [(e.actor, e.detail) for e in s.scalars(select(AuditEntry)) if e.action == "booth.screenshot"]
    assert ("support-1", "requested") in shots and ("support-1", "declined") in shots
    assert any(actor == "support-1" and detail.startswith("sent; ") for actor, detail in shots)
    assert all("picture" not in detail and "PNG" not in detail for _, detail in shots)  # never the image
