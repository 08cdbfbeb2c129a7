"""The booth shows its screen to support at once only with no citizen at it; otherwise the citizen decides."""

from __future__ import annotations

import base64
import io
from dataclasses import replace

from PIL import Image

from kiosk import session as sm
from kiosk.screenshot import (
    CONSENT_TIMEOUT_S,
    MAX_PNG_CHARS,
    Ask,
    Capture,
    CloseQuestion,
    Reply,
    ScreenshotConsent,
    encode_png,
)
from protocol.messages import ScreenshotOutcome

IDLE = sm.State(phase=sm.Phase.IDLE)
IN_CALL = sm.State(phase=sm.Phase.IN_CALL, language="sv")


def test_no_citizen_means_the_picture_is_taken_at_once():
    c = ScreenshotConsent()
    assert c.requested("r1", IDLE, 0) == [Capture("r1")]
    assert c.requested("r2", sm.State(phase=sm.Phase.OFFLINE), 0) == [Capture("r2")]


def test_a_citizen_who_tapped_a_language_on_the_start_screen_is_asked():
    c = ScreenshotConsent()
    assert c.requested("r1", replace(IDLE, language="ru"), 0) == [Ask("ru")]


def test_in_a_call_the_citizen_is_asked_in_their_language_and_allow_takes_the_picture_without_the_question():
    c = ScreenshotConsent()
    assert c.requested("r1", IN_CALL, 0) == [Ask("sv")]
    assert c.requested("r2", IN_CALL, 1) == [Reply("r2", ScreenshotOutcome.FAILED)]  # one question at a time
    assert c.answered(True) == [CloseQuestion(), Capture("r1")]
    assert c.answered(True) == []  # a second tap does nothing


def test_do_not_allow_and_no_answer_are_both_declined():
    c = ScreenshotConsent()
    c.requested("r1", IN_CALL, 0)
    assert c.answered(False) == [CloseQuestion(), Reply("r1", ScreenshotOutcome.DECLINED)]
    c.requested("r2", IN_CALL, 100)
    assert c.tick(100 + CONSENT_TIMEOUT_S - 1) == []
    assert c.tick(100 + CONSENT_TIMEOUT_S) == [CloseQuestion(), Reply("r2", ScreenshotOutcome.DECLINED)]
    assert c.answered(True) == []  # too late: nothing is taken


def test_the_window_pixels_become_an_upright_png_that_fits_in_a_frame():
    width, height = 1920, 1080
    rows = [bytes([0, 0, 255]) * width] * (height // 2) + [bytes([255, 0, 0]) * width] * (height // 2)
    text = encode_png(width, height, b"".join(rows))  # OpenGL: bottom row first, so blue is at the bottom
    assert text is not None and len(text) <= MAX_PNG_CHARS
    picture = Image.open(io.BytesIO(base64.b64decode(text))).convert("RGB")
    assert picture.width <= 1280
    assert picture.getpixel((10, 10)) == (255, 0, 0)
    assert picture.getpixel((10, picture.height - 10)) == (0, 0, 255)


def test_noise_is_scaled_down_until_it_fits_and_bad_pixels_are_refused():
    import random

    rnd = random.Random(4)
    width, height = 800, 600
    noise = rnd.randbytes(width * height * 3)
    text = encode_png(width, height, noise)
    assert text is not None and len(text) <= MAX_PNG_CHARS
    assert encode_png(10, 10, b"short") is None
