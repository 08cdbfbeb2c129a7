"""The limits uvicorn enforces, on a real server over TCP: sizes are refused before they are read.

The in-process test client has no uvicorn, so a 16 MiB websocket message or a
100 MB body would be read whole there; here they meet ``backend.server``'s
configuration.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from backend.config import BackendSettings
from protocol.codec import MAX_FRAME_BYTES
from tests.support.uvicorn_thread import serving

BOOTH_HELLO = {"type": "hello", "role": "booth", "booth_id": "imatra-1", "token": "demo-booth-secret"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[BackendSettings]:
    settings = BackendSettings(database_url=f"sqlite:///{tmp_path}/s.db", seed_demo=True, port=_free_port())
    with serving(settings):
        yield settings


def test_a_websocket_message_over_the_limit_closes_the_socket_unread(server: BackendSettings):
    with connect(f"ws://127.0.0.1:{server.port}/ws", max_size=None) as ws:
        ws.send(json.dumps(BOOTH_HELLO))
        assert json.loads(ws.recv(timeout=10))["type"] == "welcome"
        ws.recv(timeout=10)  # booth.catalogue
        # Over the protocol's 128 KiB but under uvicorn's limit: answered, the socket kept.
        ws.send('{"type": "session.request", "pad": "' + "x" * (MAX_FRAME_BYTES + 10) + '"}')
        err = json.loads(ws.recv(timeout=10))
        assert (err["code"], err["fatal"]) == ("malformed", False) and str(MAX_FRAME_BYTES) in err["reason"]
        ws.send("x" * (server.limits.ws_max_bytes + 1))  # over uvicorn's: closed with 1009 "message too big"
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                ws.recv(timeout=10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009


def test_a_huge_login_body_is_refused_without_being_sent(server: BackendSettings):
    """A 100 MB body was read whole; now the declared length is enough to answer 413."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(
            b"POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100000000\r\n\r\n" + b'{"username": "' + b"x" * 1000
        )
        started = time.monotonic()
        answer = s.recv(4096).decode(errors="replace")
    assert answer.startswith("HTTP/1.1 413"), answer[:200]
    print(f"413 after {time.monotonic() - started:.3f} s, having sent 1 KB of the declared 100 MB")
