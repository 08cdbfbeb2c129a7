"""Through the real hub: each party of a call gets its own TURN credentials in session.admitted."""

from __future__ import annotations

import time
from pathlib import Path

from backend.domain.turn import TurnSettings, turn_password
from tests.support.backend_app import app_client, login, recv, recv_until, send

SECRET = "integration-turn-secret-0123"
TURN = TurnSettings(host="turn.example.fi", port=3478, tls_port=443, secret=SECRET, ttl_s=3600)
BOOTH_HELLO = {"type": "hello", "role": "booth", "booth_id": "imatra-1", "token": "demo-booth-secret"}


def test_booth_and_official_get_their_own_time_limited_turn_credentials(tmp_path: Path):
    with app_client(tmp_path, turn=TURN) as client:
        token = login(client)
        with client.websocket_connect("/ws") as official, client.websocket_connect("/ws") as booth:
            send(official, {"type": "hello", "role": "official", "token": token})
            recv(official)
            send(booth, BOOTH_HELLO)
            recv(booth)
            send(booth, {"type": "session.request"})
            sid = recv_until(booth, "session.lobby")["session_id"]
            before = time.time()
            send(official, {"type": "session.admit", "session_id": sid})
            theirs = {
                "booth": recv_until(booth, "session.admitted"),
                "official": recv_until(official, "session.admitted"),
            }
    for who, admitted in theirs.items():
        (server,) = admitted["ice_servers"]
        assert server["urls"] == [
            "turn:turn.example.fi:3478?transport=udp",
            "turn:turn.example.fi:3478?transport=tcp",
            "turns:turn.example.fi:443?transport=tcp",
        ], who
        expiry, user = server["username"].split(":", 1)
        assert user == f"{sid}.{admitted['peer']}"  # the call's peer id: no person named
        assert before + 3600 - 5 <= int(expiry) <= time.time() + 3600
        assert server["credential"] == turn_password(SECRET, server["username"])
    assert theirs["booth"]["ice_servers"] != theirs["official"]["ice_servers"]


def test_without_turn_the_list_is_empty(client):
    token = login(client)
    with client.websocket_connect("/ws") as official, client.websocket_connect("/ws") as booth:
        send(official, {"type": "hello", "role": "official", "token": token})
        recv(official)
        send(booth, BOOTH_HELLO)
        recv(booth)
        send(booth, {"type": "session.request"})
        sid = recv_until(booth, "session.lobby")["session_id"]
        send(official, {"type": "session.admit", "session_id": sid})
        assert recv_until(booth, "session.admitted")["ice_servers"] == []
