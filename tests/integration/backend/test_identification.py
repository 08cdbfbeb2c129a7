"""Identification in a call through the real hub and HTTP API: the card's answer, in person, and what is kept."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from backend.store.appointment_models import CallIdentificationRow
from tests.support.backend_app import app_client, login, recv_until, send
from tests.support.id_cards import COMMON_NAME, SoftCard
from tests.support.waiting import wait_for

BOOTH_HELLO = {"type": "hello", "role": "booth", "booth_id": "imatra-1", "token": "demo-booth-secret"}


@pytest.fixture(scope="module")
def card() -> SoftCard:
    return SoftCard.issued()


@pytest.fixture
def api(tmp_path: Path, card: SoftCard) -> Iterator[TestClient]:
    with app_client(tmp_path, trusted_cas_pem=card.ca.pem) as c:
        yield c


def in_call(api: TestClient, official: Any, booth: Any) -> str:
    send(official, {"type": "hello", "role": "official", "token": login(api)})
    recv_until(official, "presence")
    send(booth, BOOTH_HELLO)
    recv_until(booth, "welcome")
    send(booth, {"type": "session.request"})
    sid = recv_until(booth, "session.lobby")["session_id"]
    send(official, {"type": "session.admit", "session_id": sid})
    recv_until(booth, "session.admitted")
    recv_until(official, "session.admitted")
    return sid


def rows(api: TestClient) -> list[tuple[str, str, str | None]]:
    with api.app.state.hub.db() as db:
        return [(r.call_id, r.method, r.recorded_by) for r in db.scalars(select(CallIdentificationRow))]


def test_the_card_identifies_the_citizen_the_official_sees_the_name_and_only_the_method_is_kept(api, card, tmp_path):
    with api.websocket_connect("/ws") as official, api.websocket_connect("/ws") as booth:
        sid = in_call(api, official, booth)
        send(official, {"type": "ident.request", "session_id": sid})
        challenge = recv_until(booth, "ident.challenge")["challenge"]
        assert recv_until(official, "ident.status")["state"] == "requested"
        send(
            booth,
            {"type": "ident.progress", "session_id": sid, "state": "failed", "code": "wrong_pin", "tries_left": 2},
        )
        told = recv_until(official, "ident.status")
        assert (told["state"], told["code"], told["tries_left"]) == ("failed", "wrong_pin", 2)
        send(booth, card.response(sid, challenge))
        identified = recv_until(official, "ident.status")
        assert (identified["state"], identified["name"]) == ("identified", COMMON_NAME)
        to_booth = recv_until(booth, "ident.status")
        assert to_booth["state"] == "identified" and to_booth.get("name") is None  # the name goes to the officials only
        wait_for("the method on the call's record", lambda: rows(api) == [(sid, "id_card", None)])
        send(booth, card.response(sid, challenge))  # a replay is refused
        assert recv_until(booth, "error")["code"] == "wrong_state"
        send(official, {"type": "session.end", "session_id": sid})
        recv_until(booth, "session.ended")
    assert api.app.state.hub.appointments.identifications.current(sid) is None  # the identity went with the call
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("t.db*"))
    assert stored and COMMON_NAME.encode() not in stored and b"999000017X" not in stored


def test_only_the_officials_in_the_call_ask_and_only_its_booth_answers(api, card):
    with api.websocket_connect("/ws") as official, api.websocket_connect("/ws") as booth:
        send(booth, BOOTH_HELLO)
        recv_until(booth, "welcome")
        send(booth, {"type": "session.request"})
        sid = recv_until(booth, "session.lobby")["session_id"]
        send(official, {"type": "hello", "role": "official", "token": login(api)})
        recv_until(official, "presence")
        send(official, {"type": "ident.request", "session_id": sid})  # the citizen still waits: no call yet
        assert recv_until(official, "error")["code"] == "wrong_state"
        send(booth, {"type": "ident.request", "session_id": sid})
        assert recv_until(booth, "error")["code"] == "not_allowed"
        send(booth, {"type": "ident.progress", "session_id": sid, "state": "typing_pin"})  # nothing asked
        assert recv_until(booth, "error")["code"] == "wrong_state"


def test_in_person_identification_over_http_by_the_official_in_the_call_or_the_points_advisor(api):
    advisor = {"Authorization": "Bearer " + login(api, "neuvoja", "demo-advisor")}
    with api.websocket_connect("/ws") as official, api.websocket_connect("/ws") as booth:
        sid = in_call(api, official, booth)
        token = {"Authorization": "Bearer " + login(api)}
        done = api.post(f"/api/calls/{sid}/identification", json={"method": "in_person"}, headers=token)
        assert done.status_code == 200, done.text
        assert recv_until(official, "ident.status")["state"] == "in_person"
        assert recv_until(booth, "ident.status")["state"] == "in_person"
        again = api.post(f"/api/calls/{sid}/identification", json={"method": "in_person"}, headers=advisor)
        assert again.status_code == 200, again.text
        wait_for("one row for the call", lambda: rows(api) == [(sid, "in_person", "official-1")])
        bad = api.post(f"/api/calls/{sid}/identification", json={"method": "id_card"}, headers=advisor)
        assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "method"]
    gone = api.post(f"/api/calls/{sid}/identification", json={"method": "in_person"}, headers=advisor)
    assert gone.status_code == 404
    assert api.post(f"/api/calls/{sid}/identification", json={"method": "in_person"}).status_code == 401


def test_the_advisor_identifies_the_citizen_in_a_booth_without_knowing_the_session(api):
    """The desk knows booths, not sessions: the same record and the same news, by booth."""
    advisor = {"Authorization": "Bearer " + login(api, "neuvoja", "demo-advisor")}
    url = "/api/booths/imatra-1/identification"
    with api.websocket_connect("/ws") as official, api.websocket_connect("/ws") as booth:
        send(booth, BOOTH_HELLO)
        recv_until(booth, "welcome")
        empty = api.post(url, json={"method": "in_person"}, headers=advisor)
        assert empty.status_code == 404 and "no citizen" in empty.json()["detail"]
        send(booth, {"type": "session.request"})
        sid = recv_until(booth, "session.lobby")["session_id"]
        done = api.post(url, json={"method": "in_person"}, headers=advisor)  # while the citizen waits
        assert done.status_code == 200, done.text
        assert done.json() == {"session_id": sid, "method": "in_person"}
        wait_for("the method on the call's record", lambda: rows(api) == [(sid, "in_person", "advisor-1")])
        token = login(api)
        not_in_call = api.post(url, json={"method": "in_person"}, headers={"Authorization": "Bearer " + token})
        assert not_in_call.status_code == 403, not_in_call.text  # sees the booth, has not met the citizen
        send(official, {"type": "hello", "role": "official", "token": token})
        recv_until(official, "presence")
        send(official, {"type": "session.admit", "session_id": sid})
        recv_until(official, "session.admitted")
        assert recv_until(official, "ident.status")["state"] == "in_person"  # the admitting official is told
        bad = api.post(url, json={"method": "id_card"}, headers=advisor)
        assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "method"]
        unknown = api.post("/api/booths/nowhere/identification", json={"method": "in_person"}, headers=advisor)
        assert unknown.status_code == 404
        send(official, {"type": "session.end", "session_id": sid})
        recv_until(booth, "session.ended")
    assert rows(api) == [(sid, "in_person", "advisor-1")]
    assert api.post(url, json={"method": "in_person"}).status_code == 401
