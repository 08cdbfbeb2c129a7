"""The one-time link's rules: who may be invited, when the link opens, the code, one device."""

from __future__ import annotations

import pytest

from backend.domain import guests as g
from backend.domain.guests import CodeRefused, GuestError, GuestRole, Link, LinkState, TooSoon

START, END = 100_000.0, 101_800.0


def test_an_interpreter_needs_a_language_and_a_way_to_reach_them():
    who = g.contact("spoken_interpreter", "  Aino   Tulkki ", "ar", phone="040 123 4567")
    assert who == g.GuestContact(GuestRole.SPOKEN_INTERPRETER, "Aino Tulkki", "ar", "+358401234567", None)
    with pytest.raises(GuestError, match=r"^language:"):
        g.contact("spoken_interpreter", "Aino", None, phone="0401234567")
    with pytest.raises(GuestError, match=r"^language:"):
        g.contact("support_person", "Aino", "ar", phone="0401234567")
    with pytest.raises(GuestError, match=r"^phone:"):
        g.contact("sign_interpreter", "Aino")
    with pytest.raises(GuestError, match=r"^role:"):
        g.contact("lawyer", "Aino", phone="0401234567")
    with pytest.raises(GuestError, match=r"^email:") as refused:
        g.contact("support_person", "Aino", email="not-an-address")
    assert "not-an-address" not in str(refused.value), "the value is never echoed"


def test_the_link_opens_half_an_hour_before_and_closes_an_hour_after_the_booked_end():
    frm, until = g.booking_window(START, END)
    link = Link(frm, until)
    assert g.state(link, START - 31 * 60) is LinkState.NOT_YET
    assert g.state(link, START - 29 * 60) is LinkState.VALID
    assert g.state(link, END + 59 * 60) is LinkState.VALID
    assert g.state(link, END + 60 * 60) is LinkState.NO_LONGER_VALID


def _sent(now: float = START) -> Link:
    return g.send_code(Link(*g.booking_window(START, END)), "123456", now)


def test_the_right_code_binds_the_link_to_one_device_and_a_forwarded_link_shows_nothing():
    link = g.check_code(_sent(), " 123456 ", "device-a-token", START + 5)
    assert g.state(link, START + 6, "device-a-token") is LinkState.VALID
    assert g.state(link, START + 6, "device-b-token") is LinkState.NO_LONGER_VALID
    assert g.state(link, START + 6) is LinkState.NO_LONGER_VALID
    with pytest.raises(GuestError, match="no longer valid"):
        g.send_code(link, "654321", START + 60)


def test_three_wrong_codes_lock_the_link():
    link = _sent()
    for left in (2, 1):
        with pytest.raises(CodeRefused) as refused:
            g.check_code(link, "000000", "dev", START + 1)
        link = refused.value.link
        assert refused.value.tries_left == left and not link.locked
    with pytest.raises(CodeRefused) as refused:
        g.check_code(link, "000000", "dev", START + 1)
    assert refused.value.link.locked
    assert g.state(refused.value.link, START + 2) is LinkState.NO_LONGER_VALID
    with pytest.raises(GuestError):
        g.check_code(refused.value.link, "123456", "dev", START + 3)


def test_codes_are_rate_limited_and_expire():
    link = _sent()
    with pytest.raises(TooSoon) as soon:
        g.send_code(link, "111111", START + 10)
    assert 0 < soon.value.wait_s <= g.CODE_RESEND_S
    with pytest.raises(CodeRefused, match="expired"):
        g.check_code(link, "123456", "dev", START + g.CODE_VALID_S + 1)
    now = START
    for _ in range(g.CODES_PER_LINK - 1):
        now += g.CODE_RESEND_S
        link = g.send_code(link, "222222", now)
    with pytest.raises(GuestError, match="no more codes"):
        g.send_code(link, "333333", now + g.CODE_RESEND_S)


def test_revoked_or_removed_links_and_links_not_open_yet_refuse_codes():
    frm, until = g.booking_window(START, END)
    for dead in (Link(frm, until, revoked=True), Link(frm, until, removed=True)):
        assert g.state(dead, START) is LinkState.NO_LONGER_VALID
        with pytest.raises(GuestError, match="no longer valid"):
            g.send_code(dead, "123456", START)
    with pytest.raises(GuestError, match="not open yet"):
        g.send_code(Link(frm, until), "123456", frm - 1)
