"""Resume: a dropped socket comes back into its session with the token of its last welcome.

Over real websockets to the app in-process, on real SQLite, with a grace period
long enough that only a resume (or a fresh hello) decides, never the timer;
the expiry case uses a short one and waits for its effect.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support.backend_app import app_client, login, recv, recv_until, send
from tests.support.waiting import wait_for

BOOTH_HELLO = {"type": "hello", "role": "booth", "booth_id": "imatra-1", "token": "demo-booth-secret"}
BOOTH2_HELLO = {"type": "hello", "role": "booth", "booth_id": "imatra-2", "token": "second-secret"}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with app_client(tmp_path, resume_grace_s=60.0) as c:
        yield c


def official_hello(token: str, resume: str | None = None) -> dict[str, Any]:
    return {"type": "hello", "role": "official", "token": token, **({"resume": resume} if resume else {})}


def booth_in_call(client: TestClient, booth: Any, official: Any, token: str) -> tuple[str, str, str]:
    """Booth and official connected, the citizen admitted: (session id, booth's resume token, official's)."""
    send(booth, BOOTH_HELLO)
    booth_token = recv(booth)["resume_token"]
    send(official, official_hello(token))
    official_token = recv_until(official, "welcome")["resume_token"]
    send(booth, {"type": "session.request"})
    sid = recv_until(booth, "session.lobby")["session_id"]
    send(official, {"type": "session.admit", "session_id": sid})
    recv_until(booth, "session.admitted")
    recv_until(official, "session.admitted")
    return sid, booth_token, official_token


def test_welcome_gives_a_resume_token_and_a_fresh_hello_is_not_resumed(client: TestClient):
    with client.websocket_connect("/ws") as booth:
        send(booth, BOOTH_HELLO)
        welcome = recv(booth)
        assert welcome["resumed"] is False
        assert len(welcome["resume_token"]) >= 40


def test_a_booth_that_drops_mid_call_resumes_the_same_call(client: TestClient):
    token = login(client)
    hub = client.app.state.hub
    with client.websocket_connect("/ws") as official:
        with client.websocket_connect("/ws") as booth:
            sid, booth_token, _ = booth_in_call(client, booth, official, token)
        wait_for("the booth to be away", lambda: hub._away)
        assert hub.broker.sessions[sid].phase.value == "in_call"  # the call is kept, not ended
        # The official answers while the booth is away: held, delivered on resume, in order.
        send(official, {"type": "rtc.answer", "session_id": sid, "peer": "booth", "sdp": "v=0 held"})
        with client.websocket_connect("/ws") as booth:
            send(booth, {**BOOTH_HELLO, "resume": booth_token})
            welcome = recv(booth)
            assert welcome["resumed"] is True and welcome["resume_token"] != booth_token
            held = recv_until(booth, "rtc.answer")
            assert (held["session_id"], held["sdp"]) == (sid, "v=0 held")
            # The call goes on: the booth's signalling reaches the official again.
            send(booth, {"type": "rtc.offer", "session_id": sid, "peer": "o1", "sdp": "v=0 again"})
            offer = recv_until(official, "rtc.offer")
            assert (offer["session_id"], offer["sdp"]) == (sid, "v=0 again")
            send(official, {"type": "session.end", "session_id": sid})
            assert recv_until(booth, "session.ended")["reason"] == "hung_up"


def test_a_citizen_keeps_their_lobby_place_across_a_drop(client: TestClient):
    hub = client.app.state.hub
    with client.websocket_connect("/ws") as booth:
        send(booth, BOOTH_HELLO)
        booth_token = recv(booth)["resume_token"]
        send(booth, {"type": "session.request"})
        sid = recv_until(booth, "session.lobby")["session_id"]
    wait_for("the booth to be away", lambda: hub._away)
    assert [e.session_id for e in hub.broker.presence().lobby] == [sid]
    with client.websocket_connect("/ws") as booth:
        send(booth, {**BOOTH_HELLO, "resume": booth_token})
        assert recv(booth)["resumed"] is True
        send(booth, {"type": "session.end", "session_id": sid})  # still its own session
        assert recv_until(booth, "session.ended")["reason"] == "cancelled"


def test_an_official_who_drops_mid_call_resumes_it_and_the_booth_is_told_nothing(client: TestClient):
    token = login(client)
    hub = client.app.state.hub
    with client.websocket_connect("/ws") as booth:
        with client.websocket_connect("/ws") as official:
            sid, _, official_token = booth_in_call(client, booth, official, token)
        wait_for("the official to be away", lambda: hub._away)
        with client.websocket_connect("/ws") as official:
            send(official, official_hello(token, official_token))
            assert recv(official)["resumed"] is True
            send(official, {"type": "rtc.answer", "session_id": sid, "peer": "booth", "sdp": "v=0"})
            # The first thing the booth hears after admission is the answer, not session.left.
            assert recv_until(booth, "rtc.answer")["session_id"] == sid
            send(official, {"type": "session.end", "session_id": sid})
            assert recv_until(booth, "session.ended")["reason"] == "hung_up"


def test_a_token_resumes_once_and_only_its_own_party(client: TestClient):
    hub = client.app.state.hub
    with client.websocket_connect("/ws") as booth:
        send(booth, BOOTH_HELLO)
        booth_token = recv(booth)["resume_token"]
        send(booth, {"type": "session.request"})
        sid = recv_until(booth, "session.lobby")["session_id"]
    wait_for("the booth to be away", lambda: hub._away)
    with client.websocket_connect("/ws") as other:
        send(other, {**BOOTH2_HELLO, "resume": booth_token})  # another booth's token: a fresh start
        assert recv(other)["resumed"] is False
    with client.websocket_connect("/ws") as booth:
        send(booth, {**BOOTH_HELLO, "resume": booth_token})
        assert recv(booth)["resumed"] is True
    with client.websocket_connect("/ws") as booth:
        send(booth, {**BOOTH_HELLO, "resume": booth_token})  # taken already
        assert recv(booth)["resumed"] is False
        # Not resumed: the session left behind ended as a dropped booth's did.
        wait_for("the old session to end", lambda: sid not in hub.broker.sessions)


def test_a_malformed_resume_token_is_refused_naming_the_field(client: TestClient):
    with client.websocket_connect("/ws") as booth:
        send(booth, {**BOOTH_HELLO, "resume": "short"})
        err = recv(booth)
        assert err["type"] == "error" and "resume" in err["reason"]


def test_when_the_grace_period_passes_the_call_ends_as_before(tmp_path: Path):
    with app_client(tmp_path, resume_grace_s=0.5) as client:
        token = login(client)
        with client.websocket_connect("/ws") as official:
            with client.websocket_connect("/ws") as booth:
                sid, booth_token, _ = booth_in_call(client, booth, official, token)
            ended = recv_until(official, "session.ended")
            assert (ended["session_id"], ended["reason"]) == (sid, "booth_offline")
            with client.websocket_connect("/ws") as booth:
                send(booth, {**BOOTH_HELLO, "resume": booth_token})
                assert recv(booth)["resumed"] is False


def test_a_reloaded_official_page_learns_its_call_and_asks_the_booth_to_offer_again(client: TestClient):
    token = login(client)
    with client.websocket_connect("/ws") as booth:
        with client.websocket_connect("/ws") as official:
            sid, _, official_token = booth_in_call(client, booth, official, token)
        with client.websocket_connect("/ws") as page:  # the reloaded page: the token from its tab's storage
            send(page, official_hello(token, official_token))
            assert recv(page)["resumed"] is True
            again = recv_until(page, "session.admitted")
            assert (again["session_id"], again["peer"]) == (sid, "o1")
            assert {p["peer"] for p in again["participants"]} == {"booth", "o1"}
            send(page, {"type": "rtc.restart", "session_id": sid, "peer": "booth"})
            restart = recv_until(booth, "rtc.restart")
            assert (restart["session_id"], restart["peer"]) == (sid, "o1")  # named by its sender


def test_a_restarted_booth_learns_its_call_or_its_lobby_place(client: TestClient):
    token = login(client)
    with client.websocket_connect("/ws") as official:
        with client.websocket_connect("/ws") as booth:
            sid, booth_token, _ = booth_in_call(client, booth, official, token)
        with client.websocket_connect("/ws") as booth:
            send(booth, {**BOOTH_HELLO, "resume": booth_token})
            welcome = recv(booth)
            again = recv_until(booth, "session.admitted")
            assert (again["session_id"], again["peer"]) == (sid, "booth")
            send(official, {"type": "session.leave", "session_id": sid})  # back to the lobby
            recv_until(booth, "session.left")
        with client.websocket_connect("/ws") as booth:
            send(booth, {**BOOTH_HELLO, "resume": welcome["resume_token"]})
            assert recv(booth)["resumed"] is True
            assert recv_until(booth, "session.lobby")["session_id"] == sid


def test_only_an_official_in_the_call_may_ask_the_booth_for_a_new_offer(client: TestClient):
    token = login(client)
    with client.websocket_connect("/ws") as booth, client.websocket_connect("/ws") as official:
        send(booth, BOOTH_HELLO)
        recv(booth)
        send(booth, {"type": "session.request"})
        sid = recv_until(booth, "session.lobby")["session_id"]
        send(booth, {"type": "rtc.restart", "session_id": sid, "peer": "o1"})  # the booth offers; it never asks
        assert recv_until(booth, "error")["code"] == "not_allowed"
        send(official, official_hello(token))
        recv_until(official, "presence")
        send(official, {"type": "rtc.restart", "session_id": sid, "peer": "booth"})  # not in a call yet
        err = recv_until(official, "error")
        assert (err["code"], err["ref"]) == ("wrong_state", "rtc.restart")


def test_a_window_shared_by_an_official_whose_page_went_away_is_taken_down_at_the_booth(client: TestClient):
    token = login(client)
    hub = client.app.state.hub
    with client.websocket_connect("/ws") as booth:
        with client.websocket_connect("/ws") as official:
            sid, _, official_token = booth_in_call(client, booth, official, token)
            send(official, {"type": "share.state", "session_id": sid, "sharing": True})
            assert recv_until(booth, "share.state")["sharing"] is True
        # The page reloads (or closes): no frozen last frame of a window no longer shared.
        assert recv_until(booth, "share.state") == {"type": "share.state", "v": 1, "session_id": sid, "sharing": False}
        wait_for("the official to be away", lambda: hub._away)
        assert hub.broker.sessions[sid].phase.value == "in_call"  # the call itself waits for the resume
        with client.websocket_connect("/ws") as page:
            send(page, official_hello(token, official_token))
            assert recv(page)["resumed"] is True
            # A page that only lost its socket shares on: it says so again, and the booth shows it.
            send(page, {"type": "share.state", "session_id": sid, "sharing": True})
            assert recv_until(booth, "share.state")["sharing"] is True
            send(page, {"type": "session.end", "session_id": sid})
            assert recv_until(booth, "session.ended")["reason"] == "hung_up"
