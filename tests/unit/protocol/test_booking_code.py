"""The booking code's shape as booth and backend share it: keypad input, QR payloads, display."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from protocol import booking_code as bc


def typed(keys: list[str]) -> str:
    code = ""
    for key in keys:
        code = bc.keypad_input(code, key)
    return code


def test_alphabet_has_thirty_characters_without_look_alikes():
    assert len(bc.CODE_ALPHABET) == len(set(bc.CODE_ALPHABET)) == 30
    assert not set("01OILZ") & set(bc.CODE_ALPHABET)


def test_the_backend_uses_the_same_definitions():
    from backend.domain import bookings

    assert bookings.CODE_ALPHABET is bc.CODE_ALPHABET
    assert bookings.CODE_LENGTH == bc.CODE_LENGTH
    assert bookings.QR_PREFIX == bc.QR_PREFIX


def test_keys_append_up_to_the_code_length_then_are_ignored():
    assert typed(list("K7M2QXAB")) == "K7M2QX"


def test_lower_case_keys_are_upper_cased():
    assert typed(["k", "7", "m"]) == "K7M"


@pytest.mark.parametrize("key", ["0", "1", "O", "I", "L", "Z", "", "AB", " ", "-", "ok", "Ä"])
def test_keys_outside_the_alphabet_change_nothing(key: str):
    assert bc.keypad_input("K7", key) == "K7"


def test_erase_removes_the_last_character_and_is_harmless_when_empty():
    assert bc.keypad_input("K7M", bc.ERASE) == "K7"
    assert bc.keypad_input("", bc.ERASE) == ""


@given(st.lists(st.sampled_from([*bc.CODE_ALPHABET, bc.ERASE, "0", "x", "ok"]), max_size=30))
def test_keypad_never_produces_anything_but_a_prefix_of_a_code(keys: list[str]):
    code = typed(keys)
    assert len(code) <= bc.CODE_LENGTH
    assert set(code) <= set(bc.CODE_ALPHABET)


@pytest.mark.parametrize(
    ("text", "ok"),
    [("K7M2QX", True), ("K7M2Q", False), ("K7M2QXA", False), ("K7M2Q0", False), ("k7m2qx", False), ("", False)],
)
def test_is_code_checks_length_and_alphabet(text: str, ok: bool):
    assert bc.is_code(text) is ok


def test_normalise_drops_separators_and_upper_cases():
    assert bc.normalise(" k7m-2qx ") == "K7M2QX"
    assert bc.normalise("K7M 2QX") == "K7M2QX"


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ("ETP1:K7M2QX", "K7M2QX"),
        ("etp1:k7m2qx", "K7M2QX"),
        ("ETP1:K7M 2QX", "K7M2QX"),
        ("ETP1:K7M2Q", None),  # too short: not a printed code
        ("ETP1:K7M2Q0", None),  # not in the alphabet
        ("ETP1:", None),
        ("K7M2QX", None),  # no prefix: some other QR code
        ("https://example.org/ETP1:K7M2QX", None),
        ("ETP2:K7M2QX", None),
    ],
)
def test_code_from_qr_accepts_only_booking_payloads(payload: str, code: str | None):
    assert bc.code_from_qr(payload) == code


def test_code_is_shown_in_two_groups_of_three():
    assert bc.grouped("K7M2QX") == "K7M 2QX"
    assert bc.grouped("K7M2") == "K7M 2"
    assert bc.grouped("K7") == "K7"
    assert bc.grouped("") == ""


def test_placeholders_show_how_many_are_left():
    assert bc.grouped("K7M2", "·") == "K7M 2··"
    assert bc.grouped("", "·") == "··· ···"
    assert bc.grouped("K7M2QX", "·") == "K7M 2QX"
