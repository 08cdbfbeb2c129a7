"""A third party invited to a booking: the link and the code reach the phone through the real outbox
and the SMS gateway stand-in; wrong, reused, forwarded and revoked links are refused."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from backend.app import create_app
from backend.config import BackendSettings
from backend.notify import NotifyConfig
from backend.notify.fake_gateway import FakeSmsGateway
from backend.store import audit
from backend.store.guest_models import GuestInvitationRow
from backend.store.retention import erase_guest_contacts
from tests.integration.backend.test_api_bookings import advisor, book
from tests.support.bookings import bearer
from tests.support.waiting import wait_for

PHONE = "+358409876543"


class Clock:
    """The backend's "now": real time until a test moves it to the appointment."""

    def __init__(self) -> None:
        self.at: float | None = None

    def __call__(self) -> float:
        return time.time() if self.at is None else self.at


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def api(tmp_path: Path, gateway: FakeSmsGateway, clock: Clock) -> Iterator[TestClient]:
    notify = NotifyConfig(sms_url=gateway.url, poll_seconds=0.2, retry_base_seconds=0.2, retry_cap_seconds=0.5)
    settings = BackendSettings(database_url=f"sqlite:///{tmp_path}/g.db", seed_demo=True, notify=notify)
    with TestClient(create_app(settings, clock=clock)) as c:
        yield c


def to_guest(gateway: FakeSmsGateway) -> list[dict]:
    return [m for m in gateway.messages if m["to"] == PHONE]


def invite(api: TestClient, headers: dict[str, str], code: str, **kw) -> dict:
    body = {"role": "spoken_interpreter", "language": "ar", "name": "Aino Tulkki", "phone": "040 987 6543"} | kw
    r = api.post(f"/api/bookings/{code}/guests", json=body, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


def link_token(gateway: FakeSmsGateway) -> str:
    [sms] = wait_for("the invitation SMS at the gateway", lambda: to_guest(gateway) or None, timeout=15)
    assert "Join:" in sms["text"] or "/guest/#" in sms["text"]
    return re.search(r"/guest/#([A-Za-z0-9_-]+)", sms["text"]).group(1)


def latest_code(gateway: FakeSmsGateway, count: int) -> str:
    def codes() -> list[dict] | None:
        sent = to_guest(gateway)[1:]  # after the invitation
        return sent if len(sent) >= count else None

    msgs = wait_for(f"code SMS number {count}", codes, timeout=15)
    return re.search(r"\b(\d{6})\b", msgs[count - 1]["text"]).group(1)


def test_invited_interpreter_proves_the_phone_and_the_link_then_serves_one_device(api, gateway, clock):
    h = advisor(api)
    booking = book(api, h).json()
    inv = invite(api, h, booking["code"])
    assert inv["state"] == "invited" and inv["name"] == "Aino Tulkki" and "phone" not in inv
    token = link_token(gateway)

    assert api.post("/api/guest/link", json={"token": token}).json()["state"] == "not_yet"
    clock.at = datetime.fromisoformat(booking["start"]).timestamp() - 10 * 60  # ten minutes before

    shown = api.post("/api/guest/link", json={"token": token}).json()
    assert shown == {"state": "valid", "role": "spoken_interpreter", "valid_from": inv["valid_from"]}
    assert api.post("/api/guest/code", json={"token": token, "language": "fi"}).status_code == 202
    code = latest_code(gateway, 1)
    again = api.post("/api/guest/code", json={"token": token})
    assert again.status_code == 429 and int(again.headers["Retry-After"]) > 0

    wrong = "000000" if code != "000000" else "111111"
    refused = api.post("/api/guest/verify", json={"token": token, "code": wrong})
    assert refused.status_code == 400 and "2 tries left" in refused.json()["detail"]
    right = api.post("/api/guest/verify", json={"token": token, "code": code})
    assert right.status_code == 200, right.text
    device = right.json()["device_token"]

    assert api.post("/api/guest/link", json={"token": token, "device_token": device}).json()["state"] == "valid"
    forwarded = api.post("/api/guest/link", json={"token": token}).json()
    assert forwarded == {"state": "no_longer_valid", "role": None, "valid_from": None}, "a used link tells nothing"
    assert api.post("/api/guest/code", json={"token": token}).status_code == 410

    h = advisor(api)  # signed in again: the clock moved past the first sign-in's expiry
    [listed] = api.get(f"/api/bookings/{booking['code']}/guests", headers=h).json()
    assert listed["state"] == "verified"
    r = api.delete(f"/api/guests/{inv['id']}", headers=h)
    assert r.status_code == 200 and r.json()["state"] == "revoked"
    assert api.post("/api/guest/link", json={"token": token, "device_token": device}).json()["state"] == (
        "no_longer_valid"
    )
    with api.app.state.hub.db() as s:
        actions = [e.action for e in audit.entries(s)]
        row = s.scalars(select(GuestInvitationRow)).one()
        assert row.code_hash is None and row.device_hash and device not in row.device_hash
    assert "guest.invite" in actions and "guest.revoke" in actions


def test_a_link_past_its_valid_window_is_refused_like_any_dead_one(api, gateway, clock):
    h = advisor(api)
    booking = book(api, h).json()
    inv = invite(api, h, booking["code"])
    token = link_token(gateway)
    start = datetime.fromisoformat(booking["start"]).timestamp()
    assert inv["valid_until"] >= start + 60 * 60, "open until an hour after the booked end"
    clock.at = inv["valid_until"] - 60
    assert api.post("/api/guest/link", json={"token": token}).json()["state"] == "valid"
    clock.at = inv["valid_until"] + 1  # the appointment's window has closed
    expired = api.post("/api/guest/link", json={"token": token}).json()
    assert expired == {"state": "no_longer_valid", "role": None, "valid_from": None}, "an expired link tells nothing"
    assert api.post("/api/guest/code", json={"token": token, "language": "fi"}).status_code == 410


def test_guessing_locks_the_link_and_an_unknown_link_looks_like_any_dead_one(api, gateway, clock):
    h = advisor(api)
    booking = book(api, h).json()
    invite(api, h, booking["code"], role="support_person", language=None)
    token = link_token(gateway)
    clock.at = datetime.fromisoformat(booking["start"]).timestamp()
    assert api.post("/api/guest/code", json={"token": token}).status_code == 202
    code = latest_code(gateway, 1)
    wrong = "000000" if code != "000000" else "111111"
    answers = [api.post("/api/guest/verify", json={"token": token, "code": wrong}).status_code for _ in range(3)]
    assert answers == [400, 400, 410]
    assert api.post("/api/guest/verify", json={"token": token, "code": code}).status_code == 410
    assert api.post("/api/guest/link", json={"token": token}).json()["state"] == "no_longer_valid"
    assert api.post("/api/guest/link", json={"token": "x" * 32}).json()["state"] == "no_longer_valid"


def test_who_may_invite_and_the_boundary(api, gateway, clock):
    h = advisor(api)
    code = book(api, h).json()["code"]
    official = bearer(api, "virkailija", "demo-password")
    admin = bearer(api, "vero-admin", "demo-admin")
    by_mail = {"role": "sign_interpreter", "name": "T", "email": "t@example.fi"}
    assert api.post(f"/api/bookings/{code}/guests", json=by_mail, headers=official).status_code == 201
    r = api.post(f"/api/bookings/{code}/guests", json={"role": "support_person", "name": "T", "phone": "1"}, headers=h)
    assert r.status_code == 400 and r.json()["detail"].startswith("phone:")
    r = api.post(
        f"/api/bookings/{code}/guests", json={"role": "sign_interpreter", "name": "T", "phone": "0401"}, headers=admin
    )
    assert r.status_code == 403
    assert api.post(f"/api/bookings/{code}/guests", json={"role": "x", "name": "T"}, headers=h).status_code == 422
    helper = {"role": "support_person", "name": "T", "phone": "0401234567"}
    assert api.post("/api/calls/s-nothing/guests", json=helper, headers=official).status_code == 404


def test_guests_contact_data_is_erased_on_the_retention_schedule(api, gateway, clock):
    h = advisor(api)
    booking = book(api, h).json()
    invite(api, h, booking["code"])
    db = api.app.state.hub.db
    end = datetime.fromisoformat(booking["start"]).timestamp() + 30 * 60
    assert erase_guest_contacts(db, datetime.fromtimestamp(end + 86400), keep_days=30) == 0
    assert erase_guest_contacts(db, datetime.fromtimestamp(end + 3600 + 31 * 86400), keep_days=30) == 1
    with db() as s:
        row = s.scalars(select(GuestInvitationRow)).one()
        assert (row.name, row.phone, row.email) == (None, None, None)
        assert row.role == "spoken_interpreter" and row.contact_erased_at is not None


def test_the_joining_page_is_served_without_sign_in(api):
    page = api.get("/guest/")
    assert page.status_code == 200 and 'data-testid="guest-gone"' in page.text
    assert api.get("/guest/flow.js").status_code == 200


def until(ws, kind: str, limit: int = 30) -> dict:
    """Skip presence and other news until a message of ``kind``."""
    for _ in range(limit):
        msg = ws.receive_json()
        if msg["type"] == kind:
            return msg
    raise AssertionError(f"no {kind} within {limit} messages")


def in_call(booth, official, token: str) -> str:
    """The demo booth and official on their sockets, in a call (a walk-in, admitted): its session id."""
    booth.send_json({"type": "hello", "role": "booth", "booth_id": "imatra-1", "token": "demo-booth-secret"})
    until(booth, "booth.catalogue")
    official.send_json({"type": "hello", "role": "official", "token": token})
    until(official, "welcome")
    booth.send_json({"type": "session.request"})
    sid = until(booth, "session.lobby")["session_id"]
    official.send_json({"type": "session.admit", "session_id": sid})
    until(official, "session.admitted")
    return sid


def test_a_guest_waits_at_the_door_is_let_in_and_removed_and_the_link_then_dies(api, gateway):
    token = bearer(api, "virkailija", "demo-password")["Authorization"][7:]
    with api.websocket_connect("/ws") as booth, api.websocket_connect("/ws") as official:
        sid = in_call(booth, official, token)
        until(booth, "session.admitted")

        h = bearer(api, "virkailija", "demo-password")
        body = {"role": "sign_interpreter", "name": "Viivi Viittoja", "phone": "040 987 6543"}
        invited = api.post(f"/api/calls/{sid}/guests", json=body, headers=h)
        assert invited.status_code == 201, invited.text
        link = link_token(gateway)
        assert api.post("/api/guest/code", json={"token": link}).status_code == 202
        verified = api.post("/api/guest/verify", json={"token": link, "code": latest_code(gateway, 1)})
        device = verified.json()["device_token"]

        with api.websocket_connect("/ws") as guest:
            guest.send_json({"type": "hello", "role": "guest", "token": device})
            assert until(guest, "welcome")["role"] == "guest"
            assert until(guest, "guest.status")["state"] == "waiting"
            at_door = until(official, "guest.waiting")
            assert at_door["name"] == "Viivi Viittoja" and at_door["guest_role"] == "sign_interpreter"
            guest.send_json({"type": "session.admit", "session_id": sid})  # a guest admits no one
            assert until(guest, "error")["code"] == "not_allowed"

            official.send_json({"type": "guest.admit", "session_id": sid, "guest_id": at_door["guest_id"]})
            admitted = until(guest, "session.admitted")
            assert {p["role"] for p in admitted["participants"]} == {"booth", "official", "guest"}
            joined = until(booth, "participant.joined")["participant"]
            assert joined == {
                "peer": admitted["peer"],
                "role": "guest",
                "name": "Viivi Viittoja",
                "duty": "sign_interpreter",
            }

            # the guest's figures for its link to the official reach that official (their quality badge)
            guest.send_json({"type": "call.stats", "session_id": sid, "peer": "o1", "rtt_ms": 35, "fps": 24})
            stats = until(official, "call.stats")
            assert (stats["peer"], stats["fps"]) == (admitted["peer"], 24)
            # the official in charge mutes the guest: only the guest is told; a guest mutes no one
            official.send_json({"type": "participant.mute", "session_id": sid, "peer": admitted["peer"]})
            assert until(guest, "participant.muted") == {"type": "participant.muted", "v": 1, "session_id": sid}
            guest.send_json({"type": "participant.mute", "session_id": sid, "peer": "booth"})
            assert until(guest, "error")["code"] == "not_allowed"
            official.send_json({"type": "participant.mute", "session_id": sid, "peer": "booth"})
            assert until(booth, "participant.muted")["session_id"] == sid

            official.send_json({"type": "participant.remove", "session_id": sid, "peer": admitted["peer"]})
            gone = until(guest, "participant.left")
            assert gone["peer"] == admitted["peer"] and gone["reason"] == "removed"

        state = api.post("/api/guest/link", json={"token": link, "device_token": device}).json()["state"]
        assert state == "no_longer_valid", "a removed guest's link stops working"
        with api.websocket_connect("/ws") as again:
            again.send_json({"type": "hello", "role": "guest", "token": device})
            assert until(again, "error")["code"] == "auth_failed"
        [listed] = api.get(f"/api/calls/{sid}/guests", headers=h).json()
        assert listed["state"] == "removed"


def admitted_guest(api, gateway, official, sid: str, name: str, phone: str, intl: str):
    """Invite ``name``, prove the phone, open the socket and be let in: (socket context, device, peer)."""
    h = bearer(api, "virkailija", "demo-password")
    body = {"role": "support_person", "name": name, "phone": phone}
    assert api.post(f"/api/calls/{sid}/guests", json=body, headers=h).status_code == 201
    mine = lambda: [m for m in gateway.messages if m["to"] == intl]  # noqa: E731
    [sms] = wait_for(f"the invitation SMS to {name}", lambda: mine() or None, timeout=15)
    link = re.search(r"/guest/#([A-Za-z0-9_-]+)", sms["text"]).group(1)
    assert api.post("/api/guest/code", json={"token": link}).status_code == 202
    code_sms = wait_for(f"the code SMS to {name}", lambda: mine()[1:] or None, timeout=15)[0]
    code = re.search(r"\b(\d{6})\b", code_sms["text"]).group(1)
    device = api.post("/api/guest/verify", json={"token": link, "code": code}).json()["device_token"]
    ws = api.websocket_connect("/ws").__enter__()
    ws.send_json({"type": "hello", "role": "guest", "token": device})
    until(ws, "guest.status")
    at_door = until(official, "guest.waiting")
    official.send_json({"type": "guest.admit", "session_id": sid, "guest_id": at_door["guest_id"]})
    return ws, link, device, until(ws, "session.admitted")["peer"]


def test_removing_one_guest_leaves_the_other_in_the_call_with_a_working_link(api, gateway):
    token = bearer(api, "virkailija", "demo-password")["Authorization"][7:]
    with api.websocket_connect("/ws") as booth, api.websocket_connect("/ws") as official:
        sid = in_call(booth, official, token)

        viivi, viivi_link, viivi_device, viivi_peer = admitted_guest(
            api, gateway, official, sid, "Viivi Viittoja", "040 987 6543", "+358409876543"
        )
        tuula, _, _, tuula_peer = admitted_guest(
            api, gateway, official, sid, "Tuula Tukena", "040 555 0101", "+358405550101"
        )
        try:
            official.send_json({"type": "participant.remove", "session_id": sid, "peer": tuula_peer})
            assert until(tuula, "participant.left")["peer"] == tuula_peer
            # The interpreter hears who left, and stays: her socket open, her figures still reach the official.
            assert until(viivi, "participant.left")["peer"] == tuula_peer
            viivi.send_json({"type": "call.stats", "session_id": sid, "peer": "o1", "fps": 24})
            stats = until(official, "call.stats")
            assert (stats["peer"], stats["fps"]) == (viivi_peer, 24)
        finally:
            viivi.__exit__(None, None, None)
            tuula.__exit__(None, None, None)
        state = api.post("/api/guest/link", json={"token": viivi_link, "device_token": viivi_device}).json()["state"]
        assert state != "no_longer_valid", "the interpreter's link still works"
