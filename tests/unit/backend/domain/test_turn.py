"""TURN REST credentials: every participant of a call gets its own, time-limited, checkable by coturn."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from pydantic import ValidationError

from backend.domain.access import Standing
from backend.domain.calls import BoothInfo, CallBroker, Deliver
from backend.domain.turn import TurnSettings, ice_servers_for, turn_password
from protocol.messages import SessionAdmitted

SECRET = "a-shared-secret-of-some-length"
TURN = TurnSettings(host="turn.example.fi", port=3478, tls_port=443, secret=SECRET, ttl_s=3600)


def test_the_password_is_coturns_hmac_of_the_username():
    # The value coturn computes for use-auth-secret (RFC draft "TURN REST API", section 2.2).
    expected = base64.b64encode(hmac.new(b"k", b"1700000000:p", hashlib.sha1).digest()).decode()
    assert turn_password("k", "1700000000:p") == expected
    assert turn_password("k", "1700000000:p") != turn_password("other", "1700000000:p")


def test_a_participant_gets_udp_tcp_and_tls_urls_with_an_expiring_username():
    (server,) = ice_servers_for(TURN, "s-1.o1", now=1_000_000.4)
    assert server.urls == (
        "turn:turn.example.fi:3478?transport=udp",
        "turn:turn.example.fi:3478?transport=tcp",
        "turns:turn.example.fi:443?transport=tcp",
    )
    assert server.username == "1003600:s-1.o1"
    assert server.credential == turn_password(SECRET, "1003600:s-1.o1")


def test_no_tls_listener_and_ipv6_literals():
    (server,) = ice_servers_for(TurnSettings(host="2001:db8::1", tls_port=0, secret=SECRET), "x", 0)
    assert server.urls == ("turn:[2001:db8::1]:3478?transport=udp", "turn:[2001:db8::1]:3478?transport=tcp")


def test_without_a_turn_host_the_list_is_empty():
    assert ice_servers_for(TurnSettings(), "s-1.o1", 0) == ()


def test_a_host_needs_a_real_secret():
    with pytest.raises(ValidationError, match="secret"):
        TurnSettings(host="turn.example.fi", secret="short")


def test_every_participant_of_a_call_gets_its_own_credentials_on_admission():
    b = CallBroker(turn=TURN)
    b.know_booth(BoothInfo("b1", "Booth 1", "Imatra"))
    b.booth_online(BoothInfo("b1", "Booth 1", "Imatra"))
    b.official_online("o1", "Veera", standing=Standing("o1", organisation_id="org", official_of=frozenset({"org"})))
    b.request("b1", "s1", 100.0)
    admitted = [e.message for e in b.admit("o1", "s1", 110.0) if isinstance(e, Deliver)]
    admitted = [m for m in admitted if isinstance(m, SessionAdmitted)]
    users = {m.peer: m.ice_servers[0].username for m in admitted}
    assert users == {"booth": "3710:s1.booth", "o1": "3710:s1.o1"}
    assert all(m.ice_servers[0].credential == turn_password(SECRET, users[m.peer]) for m in admitted)
