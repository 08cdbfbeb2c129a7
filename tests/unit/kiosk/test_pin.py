"""The PIN keypad's logic: digits only, 4–12 of them, dots on screen, wiped after use."""

from __future__ import annotations

import pytest

from kiosk.pin_entry import MAX_DIGITS, PinEntry, wipe


def typed(digits: str) -> PinEntry:
    entry = PinEntry()
    for d in digits:
        entry.press(d)
    return entry


def test_digits_show_as_dots_and_never_as_digits():
    entry = typed("1234")
    assert entry.masked == "●●●●"
    assert "1234" not in repr(entry) and "1234" not in str(entry)


def test_only_single_digits_are_taken():
    entry = PinEntry()
    for key in ("a", "", "12", "*", "#", " ", "٣"):  # ٣ is an Arabic-Indic three: a digit to str.isdigit, not to us
        assert entry.press(key) is False
    assert len(entry) == 0


def test_ok_is_possible_from_four_to_twelve_digits():
    entry = typed("123")
    assert not entry.complete and entry.problem == "pin_too_short"
    entry.press("4")
    assert entry.complete and entry.problem is None
    for _ in range(20):
        entry.press("9")
    assert len(entry) == MAX_DIGITS  # extra presses are ignored, not wrapped
    assert entry.complete


def test_erase_removes_the_last_digit():
    entry = typed("12345")
    assert entry.erase()
    with entry.taken() as pin:
        assert pin == bytearray(b"1234")
    assert PinEntry().erase() is False


def test_take_moves_the_pin_out_and_clears_the_entry():
    entry = typed("739164")
    pin = entry.take()
    assert pin == bytearray(b"739164")
    assert len(entry) == 0 and entry.masked == ""
    assert entry._buf == bytearray(MAX_DIGITS)  # the keypad's own buffer holds no digits any more
    wipe(pin)
    assert pin == bytearray(6)


def test_the_lent_pin_is_wiped_even_if_its_use_fails():
    entry = typed("739164")
    seen: list[bytearray] = []

    def failing_use(pin: bytearray) -> None:
        seen.append(pin)
        raise RuntimeError("card went away")

    with pytest.raises(RuntimeError):
        entry.use(failing_use)
    assert seen[0] == bytearray(6)
    assert len(entry) == 0


def test_a_short_pin_never_leaves_the_keypad():
    entry = typed("12")
    with pytest.raises(ValueError, match="4–12 digits"):
        entry.take()
    assert len(entry) == 2  # nothing lost: the citizen can keep typing


def test_clear_overwrites_the_buffer():
    entry = typed("55555555")
    entry.clear()
    assert len(entry) == 0 and entry._buf == bytearray(MAX_DIGITS)


SCREEN_CHECK = r"""
from kivy.uix.label import Label
from kiosk.screens.pin import PinScreen

submitted = []
screen = PinScreen(on_submit=submitted.append, on_cancel=lambda: None)
for key in "739":
    screen.press(key)
assert screen.keys["ok"].disabled, "OK must be disabled below 4 digits"
screen.press("ok")
assert submitted == []
for key in "164":
    screen.press(key)
assert not screen.keys["ok"].disabled
texts = [w.text for w in screen.walk() if isinstance(w, Label)]
assert "●●●●●●" in texts, texts
assert not any("739164" in t or "7391" in t for t in texts), texts
screen.press("erase")
assert screen.dots.text == "●●●●●"
screen.press("4")
screen.press("ok")
assert submitted == [bytearray(b"739164")], submitted
assert screen.dots.text == "" and len(screen.entry) == 0
print("SCREEN-OK")
"""


def test_the_keypad_screen_shows_dots_and_hands_over_the_pin(tmp_path):
    """The Kivy screen itself, rendered headless (offscreen SDL, as measured on these machines)."""
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "SDL_VIDEODRIVER": "offscreen",
        "KIVY_WINDOW": "sdl2",
        "KIVY_NO_ARGS": "1",
        "KIVY_HOME": str(tmp_path),
    }
    result = subprocess.run([sys.executable, "-c", SCREEN_CHECK], env=env, capture_output=True, text=True, timeout=120)
    assert "SCREEN-OK" in result.stdout, result.stdout + result.stderr
