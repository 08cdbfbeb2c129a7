"""The call button's pure core: debounce, short/long presses, wire lines, HID reports."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.button_logic import (
    HidReportMap,
    LedState,
    LineKind,
    LineSplitter,
    Press,
    PressClassifier,
    PressKind,
    led_command,
    led_for,
    parse_line,
)
from protocol.messages import AssistState

DEBOUNCE = 0.03
LONG = 2.0


def run(classifier: PressClassifier, edges: list[tuple[bool, float]], until: float) -> list[Press]:
    """Feed edges, ticking every 10 ms like the reader thread, up to ``until``."""
    out: list[Press] = []
    t = 0.0
    for pressed, at in edges:
        while t < at:
            out += classifier.tick(t)
            t += 0.01
        out += classifier.feed(pressed, at)
    while t <= until:
        out += classifier.tick(t)
        t += 0.01
    return out


def test_clean_short_press() -> None:
    presses = run(PressClassifier(LONG, DEBOUNCE), [(True, 1.0), (False, 1.3)], until=3.0)
    assert presses == [Press(PressKind.SHORT, 1.3)]


def test_long_press_reported_while_held_and_not_again_on_release() -> None:
    presses = run(PressClassifier(LONG, DEBOUNCE), [(True, 1.0), (False, 4.5)], until=6.0)
    assert presses == [Press(PressKind.LONG, 3.0)]


def test_hold_just_under_long_is_short() -> None:
    presses = run(PressClassifier(LONG, DEBOUNCE), [(True, 1.0), (False, 2.99)], until=5.0)
    assert [p.kind for p in presses] == [PressKind.SHORT]


def test_glitch_shorter_than_debounce_is_ignored() -> None:
    presses = run(PressClassifier(LONG, DEBOUNCE), [(True, 1.0), (False, 1.02)], until=3.0)
    assert presses == []


def test_press_is_not_reported_before_it_is_debounced() -> None:
    c = PressClassifier(LONG, DEBOUNCE)
    assert c.feed(True, 1.0) == []
    assert c.tick(1.01) == []
    assert not c.pressed
    c.tick(1.04)
    assert c.pressed


def test_repeated_same_level_is_not_an_edge() -> None:
    c = PressClassifier(LONG, DEBOUNCE)
    events = run(c, [(True, 1.0), (True, 1.1), (True, 1.2), (False, 1.5), (False, 1.6)], until=3.0)
    assert events == [Press(PressKind.SHORT, 1.5)]


def test_invalid_timing_is_refused() -> None:
    with pytest.raises(ValueError, match="long_s"):
        PressClassifier(long_s=0.01, debounce_s=0.03)
    with pytest.raises(ValueError, match="debounce_s"):
        PressClassifier(long_s=2, debounce_s=-1)


bounce_gaps = st.lists(st.floats(min_value=0.0005, max_value=DEBOUNCE * 0.9), min_size=0, max_size=12)


@settings(max_examples=300, deadline=None)
@given(
    start=st.floats(min_value=0.0, max_value=100.0),
    press_bounce=bounce_gaps,
    release_bounce=bounce_gaps,
    hold=st.floats(min_value=0.1, max_value=5.0),
)
def test_any_bounce_train_around_one_press_gives_exactly_one_press(
    start: float, press_bounce: list[float], release_bounce: list[float], hold: float
) -> None:
    """Chatter at both edges (each bounce shorter than the debounce) never adds or loses a press."""
    edges: list[tuple[bool, float]] = []
    t = start
    level = True
    edges.append((level, t))
    for gap in press_bounce:
        t += gap
        level = not level
        edges.append((level, t))
    if not level:  # the contact ends up closed
        t += press_bounce[-1] if press_bounce else 0.001
        edges.append((True, t))
    closed_at = t
    t += hold
    level = False
    edges.append((level, t))
    for gap in release_bounce:
        t += gap
        level = not level
        edges.append((level, t))
    if level:
        t += 0.001
        edges.append((False, t))
    opened_at = t

    c = PressClassifier(LONG, DEBOUNCE)
    presses = run(c, edges, until=opened_at + 1.0)

    assert len(presses) == 1
    held = opened_at - closed_at
    if abs(held - LONG) > 0.1:  # away from the boundary (where release bounce counts as holding) the kind is clear
        assert presses[0].kind is (PressKind.LONG if held > LONG else PressKind.SHORT)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.floats(min_value=0.0, max_value=0.5)), max_size=40))
def test_any_level_sequence_never_reports_more_presses_than_closings(steps: list[tuple[bool, float]]) -> None:
    c = PressClassifier(LONG, DEBOUNCE)
    t, edges, closings, last = 0.0, [], 0, False
    for pressed, gap in steps:
        t += gap
        edges.append((pressed, t))
        closings += pressed and not last
        last = pressed
    presses = run(c, edges, until=t + 3.0)
    assert len(presses) <= closings
    assert all(b.at >= a.at for a, b in itertools.pairwise(presses))


# --- wire protocol ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "kind"),
    [(b"DOWN", LineKind.DOWN), (b"UP", LineKind.UP), (b"pong", LineKind.PONG), (b"HELLO etabox 1.2", LineKind.HELLO)],
)
def test_known_lines(raw: bytes, kind: LineKind) -> None:
    assert parse_line(raw).kind is kind


def test_led_report_line() -> None:
    line = parse_line(b"LED BLINK")
    assert line.kind is LineKind.LED and line.led is LedState.BLINK


@pytest.mark.parametrize("raw", [b"\xff\xfe", b"DOWN NOW", b"LED PURPLE", b"REBOOT", b"UPP"])
def test_garbage_lines(raw: bytes) -> None:
    line = parse_line(raw)
    assert line.kind is LineKind.GARBAGE and line.detail


def test_splitter_handles_crlf_fragments_and_overlong_lines() -> None:
    s = LineSplitter(max_line=16)
    assert s.feed(b"DO") == []
    assert [x.kind for x in s.feed(b"WN\r\nUP\n")] == [LineKind.DOWN, LineKind.UP]
    lines = s.feed(b"X" * 100 + b"\nPONG\n")
    assert [x.kind for x in lines] == [LineKind.GARBAGE, LineKind.PONG]
    assert "longer than 16" in lines[0].detail


@given(st.binary(max_size=500))
def test_splitter_never_raises_and_every_line_is_bounded(data: bytes) -> None:
    for line in LineSplitter().feed(data):
        assert line.kind in LineKind


def test_led_follows_the_assist_state() -> None:
    assert [led_for(s) for s in AssistState] == [LedState.OFF, LedState.ON, LedState.BLINK]


def test_led_command_bytes() -> None:
    assert led_command(LedState.BLINK) == b"LED BLINK\n"


# --- HID reports --------------------------------------------------------------------------------


def test_hid_report_bit() -> None:
    m = HidReportMap(byte=1, mask=0x04)
    assert m.level(bytes([0, 0x04, 0])) is True
    assert m.level(bytes([0xFF, 0xFB, 0xFF])) is False
    assert m.level(bytes([0])) is None  # too short: not this report


def test_hid_report_active_low() -> None:
    m = HidReportMap(byte=0, mask=0x01, active_low=True)
    assert m.level(b"\x00") is True
    assert m.level(b"\x01") is False


def test_hid_report_map_validation() -> None:
    with pytest.raises(ValueError, match="mask"):
        HidReportMap(mask=0)
