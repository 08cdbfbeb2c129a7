"""A booth's software report reaches the admin app's booth list, and stays there while the booth is away."""

from __future__ import annotations

from tests.support.backend_app import recv_until, send
from tests.support.bookings import bearer

MASTER = ("paakayttaja", "demo-master")


def test_the_booth_list_shows_each_booths_version_slot_and_update_state(client):
    m = bearer(client, *MASTER)
    before = {b["booth_id"]: b for b in client.get("/api/admin/booths", headers=m).json()}
    assert before["imatra-1"]["started_at"] is None
    with client.websocket_connect("/ws") as ws:
        send(ws, {"type": "hello", "role": "booth", "booth_id": "imatra-1", "token": "demo-booth-secret"})
        recv_until(ws, "booth.catalogue")
        report = {"version": "0.1+20261130", "slot": "B", "update_state": "next boot: A", "started_at": 1.79e9}
        send(ws, {"type": "booth.software", **report})
        send(ws, {"type": "booth.software", "version": "x" * 81, "update_state": "", "started_at": 0})
        err = recv_until(ws, "error")
        assert err["code"] == "malformed" and "version" in err["reason"]
    after = {b["booth_id"]: b for b in client.get("/api/admin/booths", headers=m).json()}
    assert {k: after["imatra-1"][k] for k in report} == report
    assert after["imatra-2"]["started_at"] is None
