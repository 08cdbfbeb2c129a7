"""The quick feedback's SMS fallback over real HTTP both ways: the backend's worker sends the question
through the SMS gateway stand-in when the citizen skipped, and the gateway posts the citizen's reply back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from websockets.sync.client import connect

from backend.config import BackendSettings
from backend.domain.catalogue import HELSINKI
from backend.notify import NotifyConfig
from backend.notify.fake_gateway import FakeSmsGateway
from backend.store.feedback import parse_reply
from tests.integration.backend.test_server_limits import _free_port
from tests.support.bookings import next_weekday
from tests.support.uvicorn_thread import serving
from tests.support.waiting import wait_for

DAY = next_weekday(2)
NOW = datetime.combine(DAY, time(9, 52), tzinfo=HELSINKI)
PHONE = "+358401234567"
TOKEN = "gateway-inbound-secret"


@pytest.fixture
def server(tmp_path: Path, gateway: FakeSmsGateway) -> Iterator[BackendSettings]:
    notify = NotifyConfig(sms_url=gateway.url, poll_seconds=0.2, retry_base_seconds=0.2, sms_inbound_token=TOKEN)
    settings = BackendSettings(
        database_url=f"sqlite:///{tmp_path}/f.db",
        seed_demo=True,
        port=_free_port(),
        clock_start=NOW.timestamp(),
        notify=notify,
    )
    with serving(settings):
        yield settings


def recv_until(ws, type_: str) -> dict:
    for _ in range(30):
        msg = json.loads(ws.recv(timeout=10))
        if msg["type"] == type_:
            return msg
    raise AssertionError(f"no {type_}")


def test_a_citizen_who_skipped_gets_one_sms_and_their_reply_is_recorded(server, gateway: FakeSmsGateway):
    base = f"http://127.0.0.1:{server.port}"
    http = httpx.Client(base_url=base, timeout=10)
    advisor = http.post("/api/login", json={"username": "neuvoja", "password": "demo-advisor"}).json()["token"]
    official = http.post("/api/login", json={"username": "virkailija", "password": "demo-password"}).json()["token"]
    body = {
        "service_id": "vero-personal",
        "point_id": "imatra",
        "language": "sv",
        "start": datetime.combine(DAY, time(10), tzinfo=HELSINKI).isoformat(),
        "channel": "advisor",
        "phone": PHONE,
        "official_id": "official-1",
    }
    booked = http.post("/api/bookings", json=body, headers={"Authorization": f"Bearer {advisor}"})
    assert booked.status_code == 201, booked.text
    with connect(f"ws://127.0.0.1:{server.port}/ws") as booth, connect(f"ws://127.0.0.1:{server.port}/ws") as desk:
        booth.send(json.dumps({"type": "hello", "role": "booth", "booth_id": "imatra-1", "token": "demo-booth-secret"}))
        recv_until(booth, "welcome")
        desk.send(json.dumps({"type": "hello", "role": "official", "token": official}))
        recv_until(desk, "welcome")
        booth.send(json.dumps({"type": "checkin.request", "code": booked.json()["code"]}))
        sid = recv_until(booth, "session.lobby")["session_id"]
        desk.send(json.dumps({"type": "session.admit", "session_id": sid}))
        recv_until(booth, "session.admitted")
        desk.send(json.dumps({"type": "feedback.request", "session_id": sid}))
        recv_until(booth, "feedback.request")
        assert recv_until(desk, "feedback.status")["state"] == "asked"
        booth.send(json.dumps({"type": "feedback.citizen", "session_id": sid, "skipped": True}))
        assert recv_until(desk, "feedback.status")["state"] == "skipped"

    def question() -> list[dict]:
        return [m for m in gateway.messages if "distansservicepunkten" in m["text"]]

    [sms] = wait_for("the feedback question at the gateway", lambda: question() or None, timeout=20)
    assert sms["to"] == PHONE and "skalan 5–1" in sms["text"]  # the booking's language: Swedish

    answer = gateway.reply(f"{base}/api/sms/inbound", "+358 40 123 4567", "4 Bra service, men lång väntan.", TOKEN)
    assert answer == {"recorded": True}
    again = gateway.reply(f"{base}/api/sms/inbound", PHONE, "1", TOKEN)
    assert again == {"recorded": False}  # one question, one answer
    with pytest.raises(Exception, match="403"):
        gateway.reply(f"{base}/api/sms/inbound", PHONE, "5", "not-the-token")

    engine = create_engine(server.database_url)
    with engine.connect() as db:
        row = db.execute(
            text("SELECT citizen_skipped, sms_overall, sms_text, sms_phone_hash FROM call_feedback WHERE call_id = :i"),
            {"i": sid},
        ).one()
    engine.dispose()
    assert tuple(row) == (1, 4, "Bra service, men lång väntan", None)
    assert len(question()) == 1  # one SMS only


def test_a_reply_is_read_as_a_score_and_the_citizens_words():
    assert parse_reply("5") == (5, "")
    assert parse_reply("Kiitos, 4 - hyvä palvelu") == (4, "Kiitos hyvä palvelu")
    assert parse_reply("Asia 2027 hoitui hyvin") == (None, "Asia 2027 hoitui hyvin")
