"""Remote diagnostics for the support provider: booth health and software, audited; a restart reaches the
booth, never while a citizen is there; other staff are refused."""

from __future__ import annotations

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
