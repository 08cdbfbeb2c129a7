"""The credentials the backend hands out open a real coturn allocation over UDP, TCP and TLS.

coturn runs with the config ``etapiste.turn_server`` writes (the demo's and
the e2e tier's) and the certificate ``etapiste.local_ca`` signs; aioice (the
booth's ICE) allocates a relay with what ``backend.domain.turn`` gave a
participant. A wrong or expired credential is refused.
"""

from __future__ import annotations

import asyncio
import secrets
import socket
import ssl
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from aioice.stun import TransactionFailed
from aioice.turn import create_turn_endpoint

from backend.domain.turn import TurnSettings, ice_servers_for
from etapiste.local_ca import ensure_local_tls
from etapiste.turn_server import CoturnConfig, start_coturn, stop_coturn, turnserver_available

pytestmark = pytest.mark.skipif(not turnserver_available(), reason="coturn is not installed (./scripts/setup)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Turn:
    def __init__(self, settings: TurnSettings, ca: Path) -> None:
        self.settings, self.ca = settings, ca


@pytest.fixture(scope="module")
def turn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Turn]:
    folder = tmp_path_factory.mktemp("coturn")
    ca, server = ensure_local_tls(folder / "tls", ["127.0.0.1"])
    secret = secrets.token_hex(16)
    config = CoturnConfig(
        listen_ip="127.0.0.1",
        port=free_port(),
        tls_port=free_port(),
        secret=secret,
        cert_file=server.cert,
        key_file=server.key,
        folder=folder,
        allow_loopback=True,
    )
    proc = start_coturn(config)
    try:
        yield Turn(TurnSettings(host="127.0.0.1", port=config.port, tls_port=config.tls_port, secret=secret), ca.cert)
    finally:
        stop_coturn(proc)


async def allocate(url: str, username: str, password: str, ca: Path) -> tuple[str, int]:
    """A relayed address from the server at ``url`` (one of the URLs the backend hands out)."""
    scheme, rest = url.split(":", 1)
    address, _, query = rest.partition("?")
    host, port = address.rsplit(":", 1)
    transport = query.removeprefix("transport=")
    context = ssl.create_default_context(cafile=str(ca)) if scheme == "turns" else None
    endpoint, _ = await asyncio.wait_for(
        create_turn_endpoint(
            asyncio.DatagramProtocol, (host, int(port)), username, password, ssl=context, transport=transport
        ),
        10,
    )
    try:
        return endpoint.get_extra_info("sockname")
    finally:
        endpoint.close()


@pytest.mark.parametrize("which", [0, 1, 2], ids=["udp", "tcp", "tls"])
def test_a_participants_credentials_allocate_a_relay(turn: Turn, which: int):
    (server,) = ice_servers_for(turn.settings, "s-1.booth", time.time())
    url = server.urls[which]
    relayed = asyncio.run(allocate(url, server.username, server.credential, turn.ca))
    assert relayed[0] == "127.0.0.1" and 49160 <= relayed[1] <= 49400


def test_a_wrong_or_expired_credential_is_refused(turn: Turn):
    (server,) = ice_servers_for(turn.settings, "s-1.booth", time.time())
    with pytest.raises(TransactionFailed):
        asyncio.run(allocate(server.urls[1], server.username, "d3JvbmcgcGFzc3dvcmQ=", turn.ca))
    (old,) = ice_servers_for(turn.settings, "s-1.booth", time.time() - turn.settings.ttl_s - 60)
    with pytest.raises(TransactionFailed):
        asyncio.run(allocate(old.urls[1], old.username, old.credential, turn.ca))
