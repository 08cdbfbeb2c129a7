"""The call button to the advisor's phone and back, through the real app: hub, alarm pass, push, ack.

The push service is the stand-in (tests/support/push_service.py): it checks
the VAPID signature and decrypts the payload with the phone's keys, so what is
asserted here is what a phone would have shown.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backend.app import create_app
from backend.config import BackendSettings
from backend.domain.escalation import AlarmSettings
from backend.store import push as push_store
from tests.support.backend_app import login, recv_until, send
from tests.support.push_service import PushServiceStandIn

BOOTH_HELLO = {"type": "hello", "role": "booth", "booth_id": "imatra-1", "token": "demo-booth-secret"}


@pytest.fixture
def push_service() -> Iterator[PushServiceStandIn]:
    service = PushServiceStandIn().start()
    yield service
    service.stop()


@pytest.fixture
def fast_client(tmp_path: Path) -> Iterator[TestClient]:
    """The demo app with a short escalation time, so the ladder is seen climbing within a test."""
    settings = BackendSettings(
        database_url=f"sqlite:///{tmp_path}/t.db",
        seed_demo=True,
        alarms=AlarmSettings(escalate_after_s=1.0, check_every_s=0.1),
    )
    with TestClient(create_app(settings)) as c:
        yield c


def subscribe_phone(client: TestClient, token: str, push_service: PushServiceStandIn, language: str = "fi") -> dict:
    key = client.get("/api/push/key").json()["public_key"]
    assert len(key) == 87  # a base64url uncompressed P-256 point
    sub = push_service.new_subscription()
    r = client.post(
        "/api/push/subscriptions",
        json={**sub, "language": language},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 201, r.text
    return sub


def test_only_those_who_get_alerts_may_register_a_phone(fast_client: TestClient, push_service):
    official = login(fast_client)
    sub = push_service.new_subscription()
    r = fast_client.post("/api/push/subscriptions", json=sub, headers={"Authorization": f"Bearer {official}"})
    assert r.status_code == 403
    bad = {**sub, "keys": {"p256dh": "short", "auth": sub["keys"]["auth"]}}
    advisor = login(fast_client, "neuvoja", "demo-advisor")
    r = fast_client.post("/api/push/subscriptions", json=bad, headers={"Authorization": f"Bearer {advisor}"})
    assert r.status_code == 422 and "p256dh" in r.text


def test_call_button_rings_the_phone_and_im_on_it_tells_the_booth(fast_client: TestClient, push_service):
    advisor = login(fast_client, "neuvoja", "demo-advisor")
    subscribe_phone(fast_client, advisor, push_service, "fi")
    with fast_client.websocket_connect("/ws") as booth, fast_client.websocket_connect("/ws") as desk:
        send(desk, {"type": "hello", "role": "official", "token": advisor})
        recv_until(desk, "welcome")
        send(booth, BOOTH_HELLO)
        recv_until(booth, "welcome")
        send(booth, {"type": "assist.request"})
        assert recv_until(booth, "assist.status")["state"] == "requested"
        on_desk = recv_until(desk, "advisor.alert")
        assert on_desk["kind"] == "call_button"

        push = push_service.wait_for(lambda r: r.payload["alert_id"] == on_desk["alert_id"])
        assert push.payload["message"] == "Asiakas kioskilla Imatra booth 1 painoi kutsunappia"
        assert push.payload["level"] == 0
        # A second press is the same alarm: no second push.
        send(booth, {"type": "assist.request"})
        assert recv_until(booth, "assist.status")["state"] == "requested"

        # A forged proof is refused; the phone's own proof acknowledges it.
        ack = push.payload["ack"]
        forged = {"alert_id": on_desk["alert_id"], "subscription_id": ack["subscription_id"], "proof": "0" * 40}
        assert fast_client.post("/api/push/ack", json=forged).status_code == 403
        r = fast_client.post("/api/push/ack", json={"alert_id": on_desk["alert_id"], **ack})
        assert r.status_code == 200, r.text
        assert r.json()["acknowledged_by"] == "advisor-1"
        assert recv_until(booth, "assist.status")["state"] == "acknowledged"  # the banner: help is on the way
        assert recv_until(desk, "alert.cleared")["alert_id"] == on_desk["alert_id"]
    assert len([r for r in push_service.received if r.payload["alert_id"] == on_desk["alert_id"]]) == 1


def test_no_answer_climbs_to_every_advisor_then_the_official_in_the_call(fast_client: TestClient, push_service):
    advisor = login(fast_client, "neuvoja", "demo-advisor")
    official = login(fast_client)
    subscribe_phone(fast_client, advisor, push_service, "en")
    with fast_client.websocket_connect("/ws") as booth, fast_client.websocket_connect("/ws") as desk:
        send(desk, {"type": "hello", "role": "official", "token": official})
        recv_until(desk, "welcome")
        send(booth, BOOTH_HELLO)
        recv_until(booth, "welcome")
        send(booth, {"type": "session.request"})
        sid = recv_until(booth, "session.lobby")["session_id"]
        send(desk, {"type": "session.admit", "session_id": sid})
        recv_until(booth, "session.admitted")
        send(booth, {"type": "assist.request"})
        recv_until(booth, "assist.status")
        first = push_service.wait_for(lambda r: r.payload["level"] == 0)
        again = push_service.wait_for(lambda r: r.payload["level"] == 1, timeout=10)
        assert again.payload["alert_id"] == first.payload["alert_id"]
        told = recv_until(desk, "assist.unanswered", limit=50)
        assert (told["booth_id"], told["booth_name"]) == ("imatra-1", "Imatra booth 1")
        alert_id = first.payload["alert_id"]
    assert [
        (lvl, state) for _sub, lvl, state, _n in push_store.deliveries_of(fast_client.app.state.hub.db, alert_id)
    ] == [
        (0, "sent"),
        (1, "sent"),
    ]


def test_a_device_that_stops_working_is_one_alarm(fast_client: TestClient, push_service):
    advisor = login(fast_client, "neuvoja", "demo-advisor")
    subscribe_phone(fast_client, advisor, push_service, "sv")
    ok = {"role": "printer", "state": "ok", "reason": ""}
    broken = {"role": "printer", "state": "degraded", "reason": "paper out"}
    with fast_client.websocket_connect("/ws") as booth, fast_client.websocket_connect("/ws") as desk:
        send(desk, {"type": "hello", "role": "official", "token": advisor})
        recv_until(desk, "welcome")
        send(booth, BOOTH_HELLO)
        recv_until(booth, "welcome")
        send(booth, {"type": "device.status", "devices": [ok]})
        send(booth, {"type": "device.status", "devices": [broken]})
        alert = recv_until(desk, "advisor.alert", limit=20)
        assert alert["kind"] == "device_fault"
        assert alert["message_sv"] == "En enhet i kiosken Imatra booth 1 fungerar inte: printer"
        send(booth, {"type": "device.status", "devices": [broken]})  # still broken: the same alarm
        push = push_service.wait_for(lambda r: r.payload["kind"] == "device_fault")
        assert push.payload["alert_id"] == alert["alert_id"]
    open_alerts = fast_client.get("/api/alerts", headers={"Authorization": f"Bearer {advisor}"}).json()
    assert [a["kind"] for a in open_alerts] == ["device_fault"]
