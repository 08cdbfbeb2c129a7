"""Booking rules: the code people type, the QR payload, the status lifecycle, the no-show rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import product
from random import Random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.domain.bookings import (
    CODE_ALPHABET,
    CODE_LENGTH,
    TRANSITIONS,
    BookingRuleError,
    NoShowRule,
    Status,
    check_char,
    new_code,
    normalise_code,
    qr_payload,
    transition,
)

codes = st.builds(lambda seed: new_code(Random(seed).randrange), st.integers())


def test_alphabet_has_thirty_unambiguous_characters():
    assert len(CODE_ALPHABET) == len(set(CODE_ALPHABET)) == 30
    assert not set("01OIL") & set(CODE_ALPHABET)


@settings(deadline=None)  # shared, noisy machine: no per-example time limit
@given(codes)
def test_a_new_code_is_valid_and_survives_what_people_do_to_it(code: str):
    assert len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET)
    assert normalise_code(code) == code
    assert normalise_code(f" {code[:3].lower()}-{code[3:].lower()} ") == code
    assert normalise_code(qr_payload(code)) == code
    assert qr_payload(code) == "ETP1:" + code


@settings(deadline=None)  # shared, noisy machine: no per-example time limit
@given(codes, st.integers(0, CODE_LENGTH - 1), st.sampled_from(CODE_ALPHABET))
def test_every_single_typing_error_is_caught(code: str, pos: int, ch: str):
    typo = code[:pos] + ch + code[pos + 1 :]
    if typo != code:
        with pytest.raises(BookingRuleError, match="typing error"):
            normalise_code(typo)


def test_almost_every_neighbour_swap_is_caught():
    caught = total = 0
    for a, b in product(CODE_ALPHABET, repeat=2):
        if a == b:
            continue
        body = "234" + a + b
        code = body + check_char(body)
        swapped = code[:3] + b + a + code[5:]
        total += 1
        try:
            normalise_code(swapped)
        except BookingRuleError:
            caught += 1
    assert caught / total > 0.95


@pytest.mark.parametrize(
    ("text", "says"),
    [("ABC", "6 characters; got 3"), ("ABCDE0", "never contains 0"), ("OIL234", "never contains I L O")],
)
def test_bad_codes_are_refused_saying_what_is_wrong(text: str, says: str):
    with pytest.raises(BookingRuleError, match=says):
        normalise_code(text)


def test_the_happy_path_lifecycle():
    s = Status.BOOKED
    for nxt in (Status.CHECKED_IN, Status.IN_LOBBY, Status.IN_CALL, Status.COMPLETED):
        s = transition(s, nxt)
    assert s is Status.COMPLETED


@settings(deadline=None)  # shared, noisy machine: no per-example time limit
@given(st.sampled_from(Status), st.sampled_from(Status))
def test_transitions_follow_the_table_and_refusals_say_what_is_allowed(a: Status, b: Status):
    if b in TRANSITIONS[a]:
        assert transition(a, b) is b
    else:
        with pytest.raises(BookingRuleError) as err:
            transition(a, b)
        assert f"{a} cannot become {b}" in str(err.value)


def test_final_states_are_final_and_cancelled_cannot_be_checked_in():
    for final in (Status.COMPLETED, Status.CANCELLED, Status.CITIZEN_NO_SHOW):
        assert TRANSITIONS[final] == frozenset()
    with pytest.raises(BookingRuleError, match="it is final"):
        transition(Status.CANCELLED, Status.CHECKED_IN)


def test_official_no_show_after_the_grace_period_once_the_citizen_is_there():
    rule = NoShowRule(grace_min=10)
    start = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    assert not rule.official_missing(Status.CHECKED_IN, start, False, start + timedelta(minutes=9, seconds=59))
    assert rule.official_missing(Status.CHECKED_IN, start, False, start + timedelta(minutes=10))
    assert rule.official_missing(Status.IN_LOBBY, start, False, start + timedelta(minutes=30))
    assert not rule.official_missing(Status.IN_LOBBY, start, True, start + timedelta(minutes=30))
    assert not rule.official_missing(Status.BOOKED, start, False, start + timedelta(minutes=30))  # citizen absent
    assert not rule.official_missing(Status.CANCELLED, start, False, start + timedelta(minutes=30))
