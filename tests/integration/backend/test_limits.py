"""Limits and sign-in hardening (issue #15), over real websockets to the app in-process.

Each test here failed before its fix: a binary frame or deep nesting raised out
of the hub, a login could be guessed at any pace, a logged-out or expired
official kept a live socket, a booth could try booking codes at ~580 a second,
any number of sockets was held, and every device report reached every
official as a presence snapshot.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from backend.domain.limits import LimitSettings
from tests.support.backend_app import app_client, login, recv, recv_until, send

BOOTH_HELLO = {"type": "hello", "role": "booth", "booth_id": "imatra-1", "token": "demo-booth-secret"}


def official_hello(token: str) -> dict:
    return {"type": "hello", "role": "official", "token": token}


def assert_no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    bad = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert bad == [], [r.getMessage() for r in bad]


@pytest.mark.parametrize(
    "frame",
    [
        b"\x00\x01binary",
        "[" * 100_000 + "]" * 100_000,
        '{"type": "hello", "role": "booth", "token": ' + "[" * 5000 + "}",
    ],
)
def test_a_binary_or_deeply_nested_frame_before_login_is_refused_with_a_code(
    client: TestClient, caplog: pytest.LogCaptureFixture, frame: str | bytes
):
    with client.websocket_connect("/ws") as ws:
        ws.send_bytes(frame) if isinstance(frame, bytes) else ws.send_text(frame)
        err = recv(ws)
        assert (err["type"], err["code"], err["fatal"]) == ("error", "malformed", True)
        with pytest.raises(WebSocketDisconnect) as closed:
            recv(ws)
        assert closed.value.code == 4001
    assert_no_traceback(caplog)


def test_a_binary_frame_after_login_is_answered_and_the_connection_kept(client: TestClient):
    with client.websocket_connect("/ws") as ws:
        send(ws, BOOTH_HELLO)
        recv_until(ws, "booth.catalogue")
        ws.send_bytes(b'{"type": "session.request"}')
        err = recv(ws)
        assert (err["code"], err["fatal"]) == ("malformed", False) and "binary" in err["reason"]
        send(ws, {"type": "session.request"})
        assert recv_until(ws, "session.lobby")


def test_login_is_throttled_per_account_saying_when_to_try_again(client: TestClient):
    for _ in range(LimitSettings().login_failures_per_account):
        assert client.post("/api/login", json={"username": "virkailija", "password": "guess"}).status_code == 401
    r = client.post("/api/login", json={"username": "virkailija", "password": "demo-password"})
    assert r.status_code == 429
    wait = int(r.headers["Retry-After"])
    assert 0 < wait <= LimitSettings().login_window_s and f"try again in {wait} s" in r.json()["detail"]
    # Another account from the same address is not locked with it.
    assert client.post("/api/login", json={"username": "neuvoja", "password": "demo-advisor"}).status_code == 200


def test_login_is_throttled_per_address(tmp_path: Path):
    with app_client(tmp_path, limits=LimitSettings(login_failures_per_address=3)) as client:
        for name in ("a", "b", "c"):
            assert client.post("/api/login", json={"username": name, "password": "x"}).status_code == 401
        r = client.post("/api/login", json={"username": "virkailija", "password": "demo-password"})
        assert r.status_code == 429 and "Retry-After" in r.headers


def test_logout_closes_the_officials_open_sockets(client: TestClient):
    token = login(client)
    with client.websocket_connect("/ws") as ws:
        send(ws, official_hello(token))
        recv_until(ws, "presence")
        assert client.post("/api/logout", json={"token": token}).status_code == 204
        err = recv_until(ws, "error")
        assert (err["code"], err["fatal"]) == ("not_authenticated", True)
        with pytest.raises(WebSocketDisconnect) as closed:
            while True:
                recv(ws)
        assert closed.value.code == 4001


def test_an_expired_sign_in_closes_the_socket(tmp_path: Path):
    now = [time.time()]
    with app_client(tmp_path, clock=lambda: now[0]) as client:
        token = login(client)
        with client.websocket_connect("/ws") as ws:
            send(ws, official_hello(token))
            recv_until(ws, "presence")
            now[0] += 13 * 3600  # past the 12-hour sign-in
            client.portal.call(client.app.state.hub.close_expired)  # what the sweep does every 30 s
            err = recv_until(ws, "error")
            assert (err["code"], err["fatal"]) == ("not_authenticated", True) and "expired" in err["reason"]
            with pytest.raises(WebSocketDisconnect):
                while True:
                    recv(ws)


def test_booking_codes_are_throttled_per_booth(client: TestClient):
    with client.websocket_connect("/ws") as ws:
        send(ws, BOOTH_HELLO)
        recv_until(ws, "booth.catalogue")
        for _ in range(LimitSettings().checkin_failures_per_booth):
            send(ws, {"type": "checkin.request", "code": "AAAAAA"})
            assert recv_until(ws, "checkin.result")["result"] == "unknown_code"
        send(ws, {"type": "checkin.request", "code": "AAAAAA"})
        throttled = recv_until(ws, "checkin.result")
        assert (throttled["ok"], throttled["result"]) == (False, "too_many_tries")
        assert " s " in throttled["message_en"] and throttled["message_fi"] != throttled["message_en"]


def test_connections_per_address_are_limited(tmp_path: Path):
    with app_client(tmp_path, limits=LimitSettings(connections_per_address=2)) as client:
        with client.websocket_connect("/ws") as a, client.websocket_connect("/ws") as b:
            with client.websocket_connect("/ws") as third:
                err = recv(third)
                assert (err["code"], err["fatal"]) == ("overloaded", True)
                with pytest.raises(WebSocketDisconnect) as closed:
                    recv(third)
                assert closed.value.code == 1013
            send(a, BOOTH_HELLO)  # the two held are served
            assert recv(a)["type"] == "welcome"
            b.close()
        with client.websocket_connect("/ws") as again:  # a freed place can be taken
            send(again, BOOTH_HELLO)
            assert recv(again)["type"] == "welcome"


def test_connections_in_total_are_limited(tmp_path: Path):
    with app_client(tmp_path, limits=LimitSettings(connections_total=1)) as client:
        with client.websocket_connect("/ws"), client.websocket_connect("/ws") as second:
            assert recv(second)["code"] == "overloaded"


def test_messages_over_the_rate_are_refused_with_a_code(tmp_path: Path):
    limits = LimitSettings(messages_per_s=0.001, messages_burst=5)
    with app_client(tmp_path, limits=limits) as client, client.websocket_connect("/ws") as ws:
        send(ws, BOOTH_HELLO)
        recv_until(ws, "booth.catalogue")
        for _ in range(8):
            send(ws, {"type": "device.status", "devices": []})  # answered with nothing while within the rate
        refused = [recv(ws) for _ in range(3)]
        assert {(e["type"], e["code"], e["fatal"]) for e in refused} == {("error", "rate_limited", False)}


def test_a_chatty_booth_cannot_flood_the_officials_with_presence(tmp_path: Path):
    """Each device report made a presence snapshot for every official: 200 reports, 200 snapshots each."""
    limits = LimitSettings(messages_burst=1000)
    with app_client(tmp_path, limits=limits) as client:
        token = login(client)
        with client.websocket_connect("/ws") as official, client.websocket_connect("/ws") as booth:
            send(official, official_hello(token))
            recv_until(official, "presence")
            send(booth, BOOTH_HELLO)
            recv_until(booth, "booth.catalogue")
            started = time.monotonic()
            reports = 200
            for i in range(reports):
                state = "degraded" if i % 2 else "ok"
                send(booth, {"type": "device.status", "devices": [{"role": "camera", "state": state}]})
            send(booth, {"type": "device.status", "devices": [{"role": "camera", "state": "missing"}]})
            snapshots = 0
            while True:
                presence = recv_until(official, "presence")
                snapshots += 1
                booth_view = next(b for b in presence["booths"] if b["booth_id"] == "imatra-1")
                if booth_view["devices"] == [{"role": "camera", "state": "missing", "reason": ""}]:
                    break
            elapsed = time.monotonic() - started
    # At most one per interval (plus the first at once and the last one held): counted, not timed.
    bound = 2 + elapsed / limits.presence_interval_s
    print(f"{reports + 1} device reports in {elapsed:.2f} s -> {snapshots} presence snapshots (bound {bound:.0f})")
    assert snapshots <= bound < reports


def test_an_oversized_http_body_is_refused_before_it_is_read(client: TestClient):
    big = b'{"username": "' + b"x" * (300 * 1024) + b'", "password": "y"}'
    r = client.post("/api/login", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413 and "262144" in r.json()["detail"]

    def chunks():  # no Content-Length: counted as it arrives
        for _ in range(100):
            yield b"x" * 8192

    r = client.post("/api/login", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert client.post("/api/login", json={"username": "virkailija", "password": "demo-password"}).status_code == 200
