"""Check-in at the booth over its websocket: the booth is answered kindly, the citizen
waits in the lobby, and the booked official is told at once — no calendar to refresh.

The real app on SQLite with its clock fixed to a weekday morning (a fixed "now"),
booked through the HTTP API as the advisor would.
"""

from __future__ import annotations

import time as time_module
from collections.abc import Iterator
from datetime import datetime, time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backend.app import create_app
from backend.config import BackendSettings
from backend.domain.catalogue import HELSINKI
from backend.jobs import JobSettings
from backend.notify import NotifyConfig
from tests.support.backend_app import login, recv, recv_until, send
from tests.support.bookings import bearer, next_weekday
from tests.support.waiting import wait_for

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


def booking_status(client: TestClient, code: str) -> str:
    r = client.get(f"/api/bookings/{code}", headers=bearer(client, "neuvoja", "demo-advisor"))
    return r.json()["status"]


def test_the_booking_follows_the_call_from_lobby_to_completed(app_client: TestClient):
    code = book(app_client, 10)
    token = login(app_client)
    with app_client.websocket_connect("/ws") as official, app_client.websocket_connect("/ws") as booth:
        send(official, {"type": "hello", "role": "official", "token": token})
        recv_until(official, "presence")
        send(booth, BOOTH_HELLO)
        send(booth, {"type": "checkin.request", "code": code})
        sid = recv_until(booth, "session.lobby")["session_id"]
        offer = recv_until(official, "session.offer")  # free, and it is their booking
        assert (offer["session_id"], offer["service_name"], offer["language"]) == (sid, "Henkilöverotus", "sv")
        wait_for("in_lobby", lambda: booking_status(app_client, code) == "in_lobby", timeout=5)
        send(official, {"type": "session.admit", "session_id": sid})
        recv_until(booth, "session.admitted")
        wait_for("in_call", lambda: booking_status(app_client, code) == "in_call", timeout=5)
        send(official, {"type": "session.end", "session_id": sid})
        recv_until(booth, "session.ended")
        wait_for("completed", lambda: booking_status(app_client, code) == "completed", timeout=5)


def test_a_walk_in_chooses_a_matter_and_is_offered_to_the_official_who_serves_it(app_client: TestClient):
    token = login(app_client)
    with app_client.websocket_connect("/ws") as booth:
        send(booth, BOOTH_HELLO)
        recv_until(booth, "booth.catalogue")
        send(booth, {"type": "session.request", "service_id": "vero-taxcard", "language": "en"})
        refused = recv_until(booth, "error")  # the tax card is served in Finnish and Swedish only
        assert refused["code"] == "not_allowed" and "not 'en'" in refused["reason"]
        send(booth, {"type": "session.request", "service_id": "vero-taxcard", "language": "sv"})
        sid = recv_until(booth, "session.lobby")["session_id"]
        nobody = recv_until(booth, "queue.status")
        assert (nobody["position"], nobody["wait_min"]) == (1, None)  # no Tax official present: no guess
        queue = app_client.get("/api/queue/imatra", headers=bearer(app_client, "neuvoja", "demo-advisor")).json()
        assert [(e["service_id"], e["language"], e["state"]) for e in queue["entries"]] == [
            ("vero-taxcard", "sv", "waiting")
        ]
        with app_client.websocket_connect("/ws") as official:
            send(official, {"type": "hello", "role": "official", "token": token})
            offer = recv_until(official, "session.offer")
            assert (offer["session_id"], offer["service_name"], offer["language"]) == (sid, "Verokortti", "sv")
            assert recv_until(booth, "queue.status")["wait_min"] == 0
            send(official, {"type": "session.admit", "session_id": sid})
            recv_until(booth, "session.admitted")
            advisor = bearer(app_client, "neuvoja", "demo-advisor")
            wait_for(
                "the queue row to be served",
                lambda: app_client.get("/api/queue/imatra", headers=advisor).json()["entries"] == [],
                timeout=5,
            )


def test_a_refused_check_in_alerts_the_points_advisor_until_acknowledged(app_client: TestClient):
    later = book(app_client, 13)  # 3 hours away: too early
    advisor_token = bearer(app_client, "neuvoja", "demo-advisor")["Authorization"][7:]
    official_token = login(app_client)
    with (
        app_client.websocket_connect("/ws") as advisor,
        app_client.websocket_connect("/ws") as official,
        app_client.websocket_connect("/ws") as booth,
    ):
        send(advisor, {"type": "hello", "role": "official", "token": advisor_token})
        recv_until(advisor, "presence")
        send(official, {"type": "hello", "role": "official", "token": official_token})
        recv_until(official, "presence")
        send(booth, BOOTH_HELLO)
        send(booth, {"type": "checkin.request", "code": later})
        assert recv_until(booth, "checkin.result")["result"] == "too_early"
        alert = recv_until(advisor, "advisor.alert")
        assert (alert["kind"], alert["booking_code"], alert["booth_name"]) == (
            "checkin_refused",
            later,
            "Imatra booth 1",
        )
        assert "Maja" not in str(alert) and "+358" not in str(alert)  # no personal data beyond the code
        send(official, {"type": "alert.ack", "alert_id": alert["alert_id"]})  # a Tax official is not the advisor
        assert recv_until(official, "error")["code"] == "no_such_session"

    with app_client.websocket_connect("/ws") as advisor:  # the advisor's phone reconnects: the alert is still there
        send(advisor, {"type": "hello", "role": "official", "token": advisor_token})
        again = recv_until(advisor, "advisor.alert")
        assert again["alert_id"] == alert["alert_id"]
        send(advisor, {"type": "alert.ack", "alert_id": alert["alert_id"]})
        assert recv_until(advisor, "alert.cleared")["alert_id"] == alert["alert_id"]
    with app_client.websocket_connect("/ws") as advisor:
        send(advisor, {"type": "hello", "role": "official", "token": advisor_token})
        recv(advisor)  # welcome
        assert recv(advisor)["type"] == "presence"  # and no alert: it was taken care of


def test_an_official_who_does_not_join_is_reported_to_the_advisor_and_the_booking_marked(tmp_path: Path):
    now = [NOW]
    settings = BackendSettings(
        database_url=f"sqlite:///{tmp_path}/n.db",
        seed_demo=True,
        notify=NotifyConfig(),
        jobs=JobSettings(no_show_grace_min=10, check_every_s=0.1),
    )
    with TestClient(create_app(settings, clock=lambda: now[0])) as client:
        code = book(client, 10)
        advisor_token = bearer(client, "neuvoja", "demo-advisor")["Authorization"][7:]
        with client.websocket_connect("/ws") as advisor, client.websocket_connect("/ws") as booth:
            send(advisor, {"type": "hello", "role": "official", "token": advisor_token})
            recv_until(advisor, "presence")
            send(booth, BOOTH_HELLO)
            send(booth, {"type": "checkin.request", "code": code})
            recv_until(booth, "session.lobby")  # the citizen waits; their official never comes
            now[0] = datetime.combine(DAY, time(10, 9), tzinfo=HELSINKI).timestamp()
            time_module.sleep(0.5)  # several job passes within the grace: nothing yet
            assert booking_status(client, code) == "in_lobby"
            now[0] = datetime.combine(DAY, time(10, 11), tzinfo=HELSINKI).timestamp()
            alert = recv_until(advisor, "advisor.alert", limit=50)
            assert (alert["kind"], alert["booking_code"]) == ("official_no_show", code)
            assert "10.00" in alert["message_fi"]
            assert booking_status(client, code) == "official_no_show"
