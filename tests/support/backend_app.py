"""A real backend app on a temporary SQLite file, driven in-process."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from backend.app import create_app
from backend.auth import hash_secret
from backend.config import BackendSettings
from backend.domain.limits import LimitSettings
from backend.domain.turn import TurnSettings
from backend.store.models import Booth
from tests.support.sms_gateway import gateway  # noqa: F401 - the SMS operator's stand-in


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with app_client(tmp_path) as c:
        yield c


@contextmanager
def app_client(
    tmp_path: Path,
    clock: Callable[[], float] = time.time,
    limits: LimitSettings = LimitSettings(),
    trusted_cas_pem: bytes = b"",
    turn: TurnSettings = TurnSettings(),
    resume_grace_s: float = 0.0,
) -> Iterator[TestClient]:
    """The demo app with a second booth; ``clock`` and ``limits`` for tests of expiry and limits;
    ``trusted_cas_pem``: the CAs whose ID cards identify citizens (none: card identification is off);
    ``turn``: the TURN server whose credentials participants get (none: an empty ICE server list);
    ``resume_grace_s``: 0 (a dropped socket ends its session at once, as once the grace period
    has passed) unless a test is about resuming."""
    cas = ""
    if trusted_cas_pem:
        (tmp_path / "trusted-cas.pem").write_bytes(trusted_cas_pem)
        cas = str(tmp_path / "trusted-cas.pem")
    settings = BackendSettings(
        database_url=f"sqlite:///{tmp_path}/t.db",
        seed_demo=True,
        limits=limits,
        identity_trusted_cas=cas,
        resume_grace_s=resume_grace_s,
        turn=turn,
    )
    app = create_app(settings, clock=clock)
    with TestClient(app) as c:
        # A second booth at the same point, to prove booths stay apart.
        with app.state.hub.db() as db:
            db.add(
                Booth(id="imatra-2", name="Imatra booth 2", point_id="imatra", secret_hash=hash_secret("second-secret"))
            )
            db.commit()
        from backend.domain.calls import BoothInfo

        app.state.hub.know_booths([BoothInfo("imatra-2", "Imatra booth 2", "Suomi-piste Imatra")])
        yield c


def send(ws: Any, message: dict[str, Any]) -> None:
    ws.send_text(json.dumps(message))


def recv(ws: Any) -> dict[str, Any]:
    return json.loads(ws.receive_text())


def recv_until(ws: Any, type_: str, limit: int = 10) -> dict[str, Any]:
    """Skip presence updates and the like until a message of ``type_``."""
    for _ in range(limit):
        msg = recv(ws)
        if msg["type"] == type_:
            return msg
    raise AssertionError(f"no {type_} within {limit} messages")


def login(client: TestClient, username: str = "virkailija", password: str = "demo-password") -> str:
    r = client.post("/api/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return r.json()["token"]
