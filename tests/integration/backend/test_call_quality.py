"""Per-call statistics and events through the real hub and store, and who may read them over HTTP."""

from __future__ import annotations

from datetime import datetime

from fastapi.testclient import TestClient

from backend.domain.catalogue import HELSINKI
from backend.store.call_quality_models import CallEventRow, CallStatsRow
from tests.support.backend_app import login, recv, recv_until, send
from tests.support.bookings import bearer
from tests.support.waiting import wait_for

BOOTH_HELLO = {"type": "hello", "role": "booth", "booth_id": "imatra-1", "token": "demo-booth-secret"}


def _in_call(client: TestClient, official, booth) -> tuple[str, str]:
    send(official, {"type": "hello", "role": "official", "token": login(client)})
    assert recv(official)["type"] == "welcome"
    send(booth, BOOTH_HELLO)
    assert recv(booth)["type"] == "welcome"
    send(booth, {"type": "session.request"})
    sid = recv_until(booth, "session.lobby")["session_id"]
    presence = recv_until(official, "presence")
    while not presence["lobby"]:
        presence = recv_until(official, "presence")
    send(official, {"type": "session.admit", "session_id": sid})
    recv_until(booth, "session.admitted")
    return sid, recv_until(official, "session.admitted")["peer"]


def _stats(sid: str, peer: str, **figures) -> dict:
    return {"type": "call.stats", "session_id": sid, "peer": peer, **figures}


def test_reports_are_stored_per_participant_relayed_to_the_official_and_read_by_whom_the_policy_says(
    client: TestClient,
):
    with client.websocket_connect("/ws") as official, client.websocket_connect("/ws") as booth:
        sid, o_peer = _in_call(client, official, booth)
        send(booth, _stats(sid, o_peer, rtt_ms=30, loss_pct=0.5, fps=29, width=640, height=480, pair="host"))
        relayed = recv_until(official, "call.stats")
        assert (relayed["peer"], relayed["fps"], relayed["pair"]) == ("booth", 29, "host")  # names the sender
        send(official, _stats(sid, "booth", rtt_ms=31, loss_pct=12, jitter_ms=20, concealed_pct=1, fps=30))
        send(booth, {"type": "call.event", "session_id": sid, "kind": "device_fault", "detail": "face_camera"})
        send(booth, {"type": "call.event", "session_id": sid, "kind": "connection_state", "peer": o_peer,
                     "detail": "connected"})  # fmt: skip
        # Validation names the field: a size comes whole, a connection is to someone in the call.
        send(booth, _stats(sid, o_peer, width=640))
        bad = recv_until(booth, "error")
        assert (bad["code"], bad["ref"]) == ("malformed", "call.stats") and "width and height" in bad["reason"]
        send(booth, _stats(sid, "o9", fps=3))
        assert "peer: o9" in recv_until(booth, "error")["reason"]
        send(official, _stats(sid, "booth", loss_pct=101))
        assert recv_until(official, "error")["code"] == "malformed"
        send(official, {"type": "session.end", "session_id": sid})
        recv_until(booth, "session.ended")
        # A late report after the end is dropped quietly (no error for a race the booth cannot see).
        send(booth, _stats(sid, o_peer, fps=30))
        send(booth, {"type": "session.end", "session_id": "probe"})
        assert recv_until(booth, "error")["ref"] == "session.end"

    hub = client.app.state.hub

    def stored() -> tuple[list, list] | None:
        with hub.db() as db:
            stats = db.query(CallStatsRow).filter_by(call_id=sid).order_by(CallStatsRow.id).all()
            events = db.query(CallEventRow).filter_by(call_id=sid).order_by(CallEventRow.id).all()
            return (stats, events) if len(stats) == 2 and len(events) == 2 else None

    stats, events = wait_for("the reports to be stored", stored, timeout=5)
    assert [(s.peer, s.role, s.about_peer, s.fps, s.loss_pct) for s in stats] == [
        ("booth", "booth", o_peer, 29, 0.5),
        (o_peer, "official", "booth", 30, 12),
    ]
    assert [(e.peer, e.kind, e.detail) for e in events] == [
        ("booth", "device_fault", "face_camera"),
        ("booth", "connection_state", "connected"),
    ]

    day = datetime.now(HELSINKI).date().isoformat()
    admin = bearer(client, "vero-admin", "demo-admin")
    listed = client.get(f"/api/call-quality?start={day}&end={day}", headers=admin)
    assert listed.status_code == 200, listed.text
    (call,) = [c for c in listed.json() if c["call_id"] == sid]
    assert (call["verdict"]["cause"], call["verdict"]["detail"]) == ("device", "face_camera")
    timeline = client.get(f"/api/call-quality/{sid}", headers=admin)
    assert timeline.status_code == 200, timeline.text
    t = timeline.json()
    assert [(e["kind"], e["peer"]) for e in t["participants"]] == [("requested", "booth"), ("joined", o_peer)]
    assert [e["kind"] for e in t["events"]] == ["device_fault", "connection_state", "ended"]
    assert [s["level"] for s in t["samples"]] == ["good", "poor"]
    assert t["samples"][1]["reasons"] == ["loss_pct"]
    assert "Veera" not in timeline.text and "official-1" not in timeline.text  # peer ids, not people

    # The official who took the call does not review it; the master admin does.
    assert (
        client.get(f"/api/call-quality/{sid}", headers=bearer(client, "virkailija", "demo-password")).status_code == 404
    )
    assert (
        client.get(f"/api/call-quality/{sid}", headers=bearer(client, "paakayttaja", "demo-master")).status_code == 200
    )
    assert client.get("/api/call-quality/no-such-call", headers=admin).status_code == 404
    too_long = client.get("/api/call-quality?start=2026-01-01&end=2026-03-01", headers=admin)
    assert too_long.status_code == 422 and "end:" in too_long.text
