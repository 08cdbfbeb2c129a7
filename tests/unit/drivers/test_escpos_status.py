"""ESC/POS real-time status parsing: no reply is unknown, never ok."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.escpos_status import (
    UNANSWERED,
    Paper,
    combine,
    first_byte,
    is_status_byte,
    parse_offline_cause,
    parse_paper,
    parse_printer,
    query,
)

FIXED = 0x12  # bits 1 and 4 are always set in a real status byte


def test_queries_are_dle_eot_n() -> None:
    assert query(1) == b"\x10\x04\x01"
    assert query(4) == b"\x10\x04\x04"
    with pytest.raises(ValueError):
        query(5)


def test_all_fine() -> None:
    status = combine(FIXED, FIXED, FIXED)
    assert status.answered and status.online and status.cover_open is False and status.paper is Paper.OK
    assert status.problem == "" and status.refusal is None


def test_no_reply_is_unknown_and_not_ok() -> None:
    status = combine(None, None, None)
    assert status == UNANSWERED
    assert not status.answered and status.paper is Paper.UNKNOWN
    assert status.problem == "printer does not answer status queries"
    assert status.refusal is None  # unknown is not a reason to refuse; health says DEGRADED


def test_paper_near_end_and_out() -> None:
    assert parse_paper(FIXED | 0x0C) is Paper.NEAR_END
    assert parse_paper(FIXED | 0x60) is Paper.OUT
    assert parse_paper(FIXED | 0x6C) is Paper.OUT
    near = combine(FIXED, FIXED, FIXED | 0x0C)
    assert near.problem == "paper near end" and near.refusal is None
    out = combine(FIXED | 0x08, FIXED | 0x20, FIXED | 0x60)
    assert out.problem == "paper out" and out.refusal == "the printer is out of paper"


def test_paper_end_in_offline_cause_wins_over_a_missing_paper_answer() -> None:
    status = combine(FIXED | 0x08, FIXED | 0x20, None)
    assert status.paper is Paper.OUT and status.refusal


def test_cover_open() -> None:
    assert parse_offline_cause(FIXED | 0x04) == (True, False, False)
    status = combine(FIXED | 0x08, FIXED | 0x04, FIXED)
    assert status.cover_open and status.problem == "cover open" and status.refusal == "the printer cover is open"


def test_offline_and_error() -> None:
    assert parse_printer(FIXED | 0x08) is False
    assert combine(FIXED | 0x08, FIXED, FIXED).problem == "printer offline"
    assert "error" in combine(FIXED | 0x08, FIXED | 0x40, FIXED).problem


def test_partial_answers_are_incomplete_not_ok() -> None:
    status = combine(FIXED, None, None)
    assert status.answered and status.paper is Paper.UNKNOWN
    assert status.problem == "printer status incomplete"


@pytest.mark.parametrize("value", [0x00, 0xFF, 0x13, 0x92, ord("a")])
def test_bytes_without_the_fixed_bits_are_not_status(value: int) -> None:
    assert not is_status_byte(value)
    assert parse_printer(value) is None
    assert parse_paper(value) is Paper.UNKNOWN
    assert parse_offline_cause(value) == (None, None, None)


@given(st.integers(0, 255), st.integers(0, 255), st.integers(0, 255))
def test_any_bytes_give_a_status_that_is_ok_only_if_all_say_so(a: int, b: int, c: int) -> None:
    status = combine(a, b, c)
    if status.problem == "":
        assert status.answered and status.online and status.paper is Paper.OK and status.cover_open is False


def test_first_byte() -> None:
    assert first_byte(b"") is None
    assert first_byte(None) is None
    assert first_byte(b"\x12\x00") == 0x12
