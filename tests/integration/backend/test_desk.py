"""The advisor's desk endpoints: their points, resending a confirmation, checking in at the desk.

The real app on SQLite with its clock fixed to a weekday morning, booked through
the booking API as the advisor's app does.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from backend.app import create_app
from backend.config import BackendSettings
from backend.domain.catalogue import HELSINKI
from backend.notify import NotifyConfig
from backend.notify.outbox import OutboxMessage
from tests.support.backend_app import login, recv_until, send
from tests.support.bookings import bearer, next_weekday
from tests.support.waiting import wait_for

DAY = next_weekday(2)
NOW = datetime.combine(DAY, time(9, 52), tzinfo=HELSINKI).timestamp()
BOOTH_HELLO = {"type": "hello", "role": "booth", "booth_id": "imatra-1", "token": "demo-booth-secret"}


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[TestClient]:
    settings = BackendSettings(database_url=f"sqlite:///{tmp_path}/d.db", seed_demo=True, notify=NotifyConfig())
    with TestClient(create_app(settings, clock=lambda: NOW)) as c:
        yield c


def book(client: TestClient, auth: dict[str, str], hour: int = 10) -> str:
    body = {
        "service_id": "vero-personal",
        "point_id": "imatra",
        "language": "fi",
        "start": datetime.combine(DAY, time(hour, 0), tzinfo=HELSINKI).isoformat(),
        "channel": "advisor",
        "phone": "+358401234567",
    }
    r = client.post("/api/bookings", json=body, headers=auth)
    assert r.status_code == 201, r.text
    return r.json()["code"]


def test_an_advisor_sees_their_own_points_and_booths_only(desk: TestClient):
    points = desk.get("/api/advisor/points", headers=bearer(desk, "neuvoja", "demo-advisor")).json()
    assert [(p["id"], [b["id"] for b in p["booths"]]) for p in points] == [("imatra", ["imatra-1"])]
    assert desk.get("/api/advisor/points", headers=bearer(desk, "virkailija", "demo-password")).json() == []


def test_resend_sends_the_confirmation_again_but_not_its_reminders(desk: TestClient):
    auth = bearer(desk, "neuvoja", "demo-advisor")
    code = book(desk, auth, 14)

    def outbox() -> list[str]:
        with desk.app.state.hub.db() as s:
            return sorted(r.kind for r in s.scalars(select(OutboxMessage).where(OutboxMessage.booking_code == code)))

    before = outbox()
    r = desk.post(f"/api/bookings/{code}/resend", headers=auth)
    assert r.status_code == 202 and r.json() == {"messages": 1}  # an SMS: the booking has a phone only
    after = outbox()
    assert after.count("confirmation") == before.count("confirmation") + 1
    assert len(after) == len(before) + 1
    assert desk.post("/api/bookings/AAAAAA/resend", headers=auth).status_code == 400  # not a valid code


def test_a_citizen_checked_in_at_the_desk_waits_in_the_booths_lobby(desk: TestClient):
    auth = bearer(desk, "neuvoja", "demo-advisor")
    code = book(desk, auth)
    r = desk.post(f"/api/bookings/{code}/desk-checkin", json={"booth_id": "imatra-1"}, headers=auth)
    assert r.status_code == 409 and "not connected" in r.json()["detail"]
    r = desk.post(f"/api/bookings/{code}/desk-checkin", json={"booth_id": "nowhere"}, headers=auth)
    assert r.status_code == 422 and "booth_id" in r.json()["detail"]
    token = login(desk)
    with desk.websocket_connect("/ws") as official, desk.websocket_connect("/ws") as booth:
        send(official, {"type": "hello", "role": "official", "token": token})
        recv_until(official, "welcome")
        send(booth, BOOTH_HELLO)
        recv_until(booth, "welcome")
        r = desk.post(f"/api/bookings/{code}/desk-checkin", json={"booth_id": "imatra-1"}, headers=auth)
        assert r.status_code == 200, r.text
        assert r.json()["ok"] is True and r.json()["result"] == "ok"
        recv_until(booth, "session.lobby")
        arrived = recv_until(official, "booking.arrived")
        assert arrived["booking_code"] == code
        # The booking follows the booth's lobby (written by the hub as the session reaches it).
        wait_for(
            "the booking in the booth's lobby",
            lambda: desk.get(f"/api/bookings/{code}", headers=auth).json()["status"] == "in_lobby",
            timeout=10,
        )
