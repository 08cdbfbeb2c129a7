"""mTLS on a real uvicorn server: an enrolled booth signs in by its certificate over WSS, the secret and
a foreign certificate do not work, and retiring the booth closes its open socket at once."""

from __future__ import annotations

import json
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import ConnectionClosed, InvalidMessage
from websockets.sync.client import connect

from backend.config import BackendSettings, EnrollSettings, TlsSettings
from etapiste.local_ca import create_ca, ensure_local_tls, sign_server_cert
from kiosk.identity import CERTIFICATE_TOKEN, Identity, enroll, renew
from tests.support.uvicorn_thread import serving

MASTER = {"username": "paakayttaja", "password": "demo-master"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Server:
    ws_url: str
    https: str
    server_ca: str


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    ca, cert = ensure_local_tls(tmp_path / "tls", ["127.0.0.1"])
    booth_ca = create_ca(tmp_path / "booth-ca", "Etäpiste booth CA")
    port = _free_port()
    settings = BackendSettings(
        database_url=f"sqlite:///{tmp_path}/m.db",
        seed_demo=True,
        port=port,
        tls=TlsSettings(cert_file=str(cert.cert), key_file=str(cert.key)),
        enroll=EnrollSettings(ca_cert_file=str(booth_ca.cert), ca_key_file=str(booth_ca.key)),
    )
    with serving(settings):
        yield Server(f"wss://127.0.0.1:{port}/ws", f"https://127.0.0.1:{port}", str(ca.cert))


def _admin(server: Server) -> httpx.Client:
    c = httpx.Client(base_url=server.https, verify=ssl.create_default_context(cafile=server.server_ca))
    token = c.post("/api/login", json=MASTER).json()["token"]
    c.headers["Authorization"] = f"Bearer {token}"
    return c


def _hello(ws, secret: str = CERTIFICATE_TOKEN) -> dict:
    ws.send(json.dumps({"type": "hello", "role": "booth", "booth_id": "imatra-1", "token": secret}))
    return json.loads(ws.recv(timeout=10))


def test_an_enrolled_booth_signs_in_by_certificate_and_is_cut_off_when_retired(server: Server, tmp_path: Path):
    admin = _admin(server)
    token = admin.post("/api/admin/booths/imatra-1/enrollment").json()["token"]
    ident = Identity(tmp_path / "identity")
    assert enroll(ident, server.ws_url, token, server.server_ca) == "imatra-1"
    renew(ident, server.ws_url, server.server_ca)  # a renewed certificate is as good as the first
    # Browsers (no client certificate) are served as before.
    assert admin.get("/healthz").status_code == 200
    # The secret is not enough any more, even over TLS.
    with connect(server.ws_url, ssl=ssl.create_default_context(cafile=server.server_ca)) as ws:
        assert _hello(ws, "demo-booth-secret")["code"] == "auth_failed"
    # A certificate of another CA does not pass the TLS handshake (TLS 1.3: the server hangs up at once).
    stranger_ca = create_ca(tmp_path / "stranger-ca")
    foreign = sign_server_cert(stranger_ca, tmp_path / "stranger", ["imatra-1"])
    context = ssl.create_default_context(cafile=server.server_ca)
    context.load_cert_chain(foreign.cert, foreign.key)
    with pytest.raises((ssl.SSLError, InvalidMessage, ConnectionClosed)):
        with connect(server.ws_url, ssl=context) as ws:
            _hello(ws)
    # With its own certificate the booth is welcome; retiring it closes the open socket.
    with connect(server.ws_url, ssl=ident.client_context(server.server_ca)) as ws:
        assert _hello(ws)["type"] == "welcome"
        assert admin.post("/api/admin/booths/imatra-1/retire").status_code == 204
        messages = []
        with pytest.raises(ConnectionClosed):
            while True:
                messages.append(json.loads(ws.recv(timeout=10)))
        assert any(m["type"] == "error" and m["code"] == "auth_failed" and "retired" in m["reason"] for m in messages)
    with connect(server.ws_url, ssl=ident.client_context(server.server_ca)) as ws:
        assert _hello(ws)["code"] == "auth_failed"
    admin.close()  # an idle keep-alive connection would hold the server's shutdown
