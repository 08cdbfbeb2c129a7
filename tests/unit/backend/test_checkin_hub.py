"""Check-in at the booth over its websocket: the booth is answered kindly, the citizen
waits in the lobby, and the booked official is told at once — no calendar to refresh.

The real app on SQLite with its clock fixed to a weekday morning (a fixed "now"),
booked through the HTTP API as the advisor would.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backend.app import create_app
from backend.config import BackendSettings
from backend.domain.catalogue import HELSINKI
from backend.notify import NotifyConfig
from tests.unit.backend.booking_fixtures import bearer, next_weekday
from tests.unit.backend.conftest import login, recv, recv_until, send

DAY = next_weekday(2)
NOW = datetime.combine(DAY, time(9, 52), tzinfo=HELSINKI).timestamp()
BOOTH_HELLO = {"type": "hello", "role": "booth", "booth_id": "imatra-1", "token": "demo-booth-secret"}


@pytest.fixture
def app_client(tmp_path: Path) -> Iterator[TestClient]:
    settings = BackendSettings(database_url=f"sqlite:///{tmp_path}/c.db", seed_demo=True, notify=NotifyConfig())
    with TestClient(create_app(settings, clock=lambda: NOW)) as c:
        yield c


def book(client: TestClient, hour: int) -> str:
    start = datetime.combine(DAY, time(hour, 0), tzinfo=HELSINKI).isoformat()
    body = {
        "service_id": "vero-personal",
        "point_id": "imatra",
        "language": "sv",
        "start": start,
        "channel": "advisor",
        "citizen_name": "Maja Meikäläinen",
        "phone": "+358401234567",
        "official_id": "official-1",
    }
    r = client.post("/api/bookings", json=body, headers=bearer(client, "neuvoja", "demo-advisor"))
    assert r.status_code == 201, r.text
    return r.json()["code"]


def test_checked_in_citizen_waits_in_the_lobby_and_their_official_is_told(app_client: TestClient):
    code = book(app_client, 10)
    token = login(app_client)
    with app_client.websocket_connect("/ws") as official, app_client.websocket_connect("/ws") as booth:
        send(official, {"type": "hello", "role": "official", "token": token})
        recv_until(official, "presence")
        send(booth, BOOTH_HELLO)
        recv(booth)
        send(booth, {"type": "checkin.request", "code": f"ETP1:{code}"})  # as read from the QR code
        result = recv_until(booth, "checkin.result")
        assert (result["ok"], result["result"], result["language"]) == (True, "ok", "sv")
        sid = recv_until(booth, "session.lobby")["session_id"]

        arrived = recv_until(official, "booking.arrived")
        assert (arrived["session_id"], arrived["booking_code"], arrived["booth_name"]) == (sid, code, "Imatra booth 1")
        assert arrived["starts_at"] == datetime.combine(DAY, time(10), tzinfo=HELSINKI).timestamp()
        lobby = recv_until(official, "presence")["lobby"]
        assert [(e["session_id"], e["booking_code"], e["booked_for"]) for e in lobby] == [(sid, code, "official-1")]

        send(official, {"type": "session.admit", "session_id": sid})
        assert recv_until(booth, "session.admitted")["official_name"] == "Veera Virkailija"


def test_a_wrong_code_is_answered_kindly_and_nothing_else_happens(app_client: TestClient):
    with app_client.websocket_connect("/ws") as booth:
        send(booth, BOOTH_HELLO)
        recv(booth)
        send(booth, {"type": "checkin.request", "code": "AAAAAA"})
        result = recv_until(booth, "checkin.result")
        assert (result["ok"], result["result"]) == (False, "unknown_code")
        assert result["message_fi"] and result["message_sv"] and result["message_en"]
        send(booth, {"type": "session.request"})  # the booth is free: no hidden session was made
        assert recv_until(booth, "session.lobby")["session_id"]


def test_too_early_says_when_to_come_back(app_client: TestClient):
    code = book(app_client, 11)
    with app_client.websocket_connect("/ws") as booth:
        send(booth, BOOTH_HELLO)
        recv(booth)
        send(booth, {"type": "checkin.request", "code": code})
        result = recv_until(booth, "checkin.result")
        assert (result["ok"], result["result"]) == (False, "too_early")
        assert "11.00" in result["message_fi"]
