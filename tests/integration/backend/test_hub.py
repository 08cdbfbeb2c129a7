"""The websocket hub, over real websockets to the app in-process, on real SQLite."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from starlette.websockets import WebSocketDisconnect

from backend.store.call_records import participants_of
from backend.store.models import CallParticipantRow, CallRecord
from tests.support.backend_app import login, recv, recv_until, send
from tests.support.waiting import wait_for

BOOTH_HELLO = {"type": "hello", "role": "booth", "booth_id": "imatra-1", "token": "demo-booth-secret"}
BOOTH2_HELLO = {"type": "hello", "role": "booth", "booth_id": "imatra-2", "token": "second-secret"}


def official_hello(token: str) -> dict:
    return {"type": "hello", "role": "official", "token": token}


def test_login_rejects_wrong_password_with_a_reason(client: TestClient):
    r = client.post("/api/login", json={"username": "virkailija", "password": "nope"})
    assert r.status_code == 401
    assert "wrong username or password" in r.json()["detail"]


def test_login_validation_names_the_field(client: TestClient):
    r = client.post("/api/login", json={"username": ""})
    assert r.status_code == 422
    fields = {tuple(e["loc"]) for e in r.json()["detail"]}
    assert ("body", "username") in fields and ("body", "password") in fields


def test_schema_is_served_for_the_browsers(client: TestClient):
    schema = client.get("/api/protocol/schema.json").json()
    assert schema["x-protocol-version"] == 1
    assert "SessionAdmit" in schema["$defs"]


def test_official_page_is_served(client: TestClient):
    r = client.get("/official/")
    assert r.status_code == 200 and "<html" in r.text.lower()


def test_booth_with_wrong_secret_is_refused_and_closed(client: TestClient):
    with client.websocket_connect("/ws") as ws:
        send(ws, {**BOOTH_HELLO, "token": "wrong"})
        err = recv(ws)
        assert (err["code"], err["fatal"]) == ("auth_failed", True)
        with pytest.raises(WebSocketDisconnect):
            recv(ws)


def test_official_with_bad_token_is_refused(client: TestClient):
    with client.websocket_connect("/ws") as ws:
        send(ws, official_hello("not-a-token"))
        assert recv(ws)["code"] == "auth_failed"


def test_anything_before_hello_is_refused(client: TestClient):
    with client.websocket_connect("/ws") as ws:
        send(ws, {"type": "session.request"})
        err = recv(ws)
        assert (err["code"], err["ref"], err["fatal"]) == ("not_authenticated", "session.request", True)


def test_garbage_gets_an_error_and_the_connection_survives(client: TestClient):
    with client.websocket_connect("/ws") as ws:
        send(ws, BOOTH_HELLO)
        assert recv(ws)["type"] == "welcome"
        menu = recv(ws)  # what a walk-in can choose from, in three languages
        assert menu["type"] == "booth.catalogue"
        assert {(x["service_id"], x["name_sv"]) for x in menu["services"]} == {
            ("vero-personal", "Personbeskattning"),
            ("vero-taxcard", "Skattekort"),
        }
        ws.send_text("{not json")
        assert recv(ws)["code"] == "malformed"
        send(ws, {"type": "teleport"})
        err = recv(ws)
        assert err["code"] == "unknown_type" and "teleport" in err["reason"]
        send(ws, {"type": "rtc.offer", "session_id": "x"})
        err = recv(ws)
        assert err["code"] == "malformed" and "sdp" in err["reason"] and "peer" in err["reason"]
        send(ws, {"type": "session.admit", "session_id": "x"})  # officials only
        assert recv(ws)["code"] == "not_allowed"
        send(ws, {"type": "session.request"})  # still works
        assert recv(ws)["type"] == "session.lobby"


def test_full_session_through_the_hub_is_recorded_without_content(client: TestClient):
    token = login(client)
    with client.websocket_connect("/ws") as official, client.websocket_connect("/ws") as booth:
        send(official, official_hello(token))
        assert recv(official)["type"] == "welcome"
        send(booth, BOOTH_HELLO)
        assert recv(booth)["type"] == "welcome"
        send(booth, {"type": "session.request"})
        sid = recv_until(booth, "session.lobby")["session_id"]
        lobby = recv_until(official, "presence")
        while not lobby["lobby"]:
            lobby = recv_until(official, "presence")
        assert lobby["lobby"][0]["session_id"] == sid
        send(official, {"type": "session.admit", "session_id": sid})
        admitted = recv_until(booth, "session.admitted")
        assert admitted["official_name"] == "Veera Virkailija"
        mine = recv_until(official, "session.admitted")
        assert [p["peer"] for p in admitted["participants"]] == ["booth", mine["peer"]]
        assert (admitted["peer"], admitted["participants"][1]["name"]) == ("booth", "Veera Virkailija")
        assert "official-1" not in str(admitted)  # peer ids, never account ids
        send(booth, {"type": "rtc.offer", "session_id": sid, "peer": mine["peer"], "sdp": "v=0 offer"})
        offer = recv_until(official, "rtc.offer")
        assert (offer["sdp"], offer["peer"]) == ("v=0 offer", "booth")
        send(official, {"type": "rtc.answer", "session_id": sid, "peer": "booth", "sdp": "v=0 answer"})
        answer = recv_until(booth, "rtc.answer")
        assert (answer["sdp"], answer["peer"]) == ("v=0 answer", mine["peer"])
        send(official, {"type": "participant.remove", "session_id": sid, "peer": "booth"})
        refused = recv_until(official, "error")
        assert (refused["code"], refused["ref"]) == ("not_allowed", "participant.remove")
        send(official, {"type": "session.end", "session_id": sid})
        assert recv_until(booth, "session.ended")["reason"] == "hung_up"
    hub = client.app.state.hub

    def ended_record() -> CallRecord | None:
        with hub.db() as db:
            rec = db.scalar(select(CallRecord).where(CallRecord.id == sid))
        return rec if rec is not None and rec.phase == "ended" else None

    rec = wait_for("the call record to reach 'ended'", ended_record, timeout=5)
    assert (rec.phase, rec.end_reason, rec.booth_id) == ("ended", "hung_up", "imatra-1")
    assert rec.requested_at <= rec.admitted_at <= rec.ended_at
    with hub.db() as db:
        people = [(p.peer, p.role, p.booth_id, p.official_id, p.left_at) for p in participants_of(db, sid)]
    assert people == [
        ("booth", "booth", "imatra-1", None, rec.ended_at),
        (mine["peer"], "official", None, "official-1", rec.ended_at),
    ]
    # Only times and parties: the tables have no column that could hold SDP or media.
    assert set(CallRecord.__table__.columns.keys()) == {
        "id",
        "booth_id",
        "phase",
        "requested_at",
        "admitted_at",
        "ended_at",
        "end_reason",
    }
    assert set(CallParticipantRow.__table__.columns.keys()) == {
        "call_id",
        "peer",
        "role",
        "booth_id",
        "official_id",
        "joined_at",
        "left_at",
    }


def test_a_booth_cannot_touch_another_booths_session(client: TestClient):
    with client.websocket_connect("/ws") as b1, client.websocket_connect("/ws") as b2:
        send(b1, BOOTH_HELLO)
        recv_until(b1, "booth.catalogue")
        send(b2, BOOTH2_HELLO)
        recv_until(b2, "booth.catalogue")
        send(b1, {"type": "session.request"})
        sid = recv_until(b1, "session.lobby")["session_id"]
        send(b2, {"type": "session.end", "session_id": sid})
        assert recv(b2)["code"] == "no_such_session"
        send(b2, {"type": "rtc.offer", "session_id": sid, "peer": "booth", "sdp": "v=0"})
        assert recv(b2)["code"] == "no_such_session"
        send(b1, {"type": "session.end", "session_id": sid})  # b1's own session is intact
        assert recv(b1)["reason"] == "cancelled"


def test_official_disconnect_returns_citizen_to_lobby(client: TestClient):
    token = login(client)
    with client.websocket_connect("/ws") as booth:
        send(booth, BOOTH_HELLO)
        recv(booth)
        send(booth, {"type": "session.request"})
        sid = recv_until(booth, "session.lobby")["session_id"]
        with client.websocket_connect("/ws") as official:
            send(official, official_hello(token))
            recv_until(official, "presence")
            send(official, {"type": "session.admit", "session_id": sid})
            recv_until(booth, "session.admitted")
        left = recv_until(booth, "session.left")
        assert left == {"v": 1, "type": "session.left", "session_id": sid, "role": "official", "reason": "disconnected"}
        assert [e.session_id for e in client.app.state.hub.broker.presence().lobby] == [sid]


def test_booth_disconnect_ends_its_session_for_the_official(client: TestClient):
    token = login(client)
    with client.websocket_connect("/ws") as official:
        send(official, official_hello(token))
        recv_until(official, "presence")
        with client.websocket_connect("/ws") as booth:
            send(booth, BOOTH_HELLO)
            recv_until(booth, "booth.catalogue")
            send(booth, {"type": "session.request"})
            sid = recv_until(booth, "session.lobby")["session_id"]
            send(official, {"type": "session.admit", "session_id": sid})
            recv_until(official, "session.admitted")
        ended = recv_until(official, "session.ended")
        assert (ended["session_id"], ended["reason"]) == (sid, "booth_offline")


def test_a_reconnecting_booth_replaces_its_old_connection_and_its_session(client: TestClient):
    """The old socket's session (still open when the booth restarted) ends for the official
    as a dropped booth's would; before, the new connection was "busy" until an official ended it."""
    token = login(client)
    with client.websocket_connect("/ws") as official, client.websocket_connect("/ws") as old:
        send(official, official_hello(token))
        recv_until(official, "presence")
        send(old, BOOTH_HELLO)
        recv_until(old, "booth.catalogue")
        send(old, {"type": "session.request"})
        sid = recv_until(old, "session.lobby")["session_id"]
        with client.websocket_connect("/ws") as new:
            send(new, BOOTH_HELLO)
            assert recv(new)["type"] == "welcome"
            assert recv(new)["type"] == "booth.catalogue"
            replaced = recv(old)
            assert (replaced["type"], replaced["code"], replaced["fatal"]) == ("error", "busy", True)
            with pytest.raises(WebSocketDisconnect) as closed:
                recv(old)
            assert closed.value.code == 4002
            hub = client.app.state.hub
            wait_for("the leftover session to end", lambda: sid not in hub.broker.sessions, timeout=5)
            lobby = recv_until(official, "presence")
            while [e["session_id"] for e in lobby["lobby"]] == [sid]:  # then it leaves the official's lobby
                lobby = recv_until(official, "presence")
            assert lobby["lobby"] == []
            send(new, {"type": "session.request"})
            fresh = recv_until(new, "session.lobby")
            assert fresh["session_id"] != sid


def test_a_flood_of_garbage_closes_the_connection(client: TestClient):
    with client.websocket_connect("/ws") as ws:
        send(ws, BOOTH_HELLO)
        recv_until(ws, "booth.catalogue")
        for _ in range(51):
            ws.send_text("x")
            err = recv(ws)
        assert err["fatal"] is True
        with pytest.raises(WebSocketDisconnect):
            recv(ws)


def test_logout_invalidates_the_token(client: TestClient):
    token = login(client)
    assert client.post("/api/logout", json={"token": token}).status_code == 204
    with client.websocket_connect("/ws") as ws:
        send(ws, official_hello(token))
        assert recv(ws)["code"] == "auth_failed"
