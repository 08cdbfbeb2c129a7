"""The controller reads a screen aloud: espeak-ng in a worker thread, the speech into the playout mixer."""

from __future__ import annotations

import asyncio
import logging

import pytest

from kiosk import guidance
from tests.unit.kiosk.test_controller_qr import make

pytestmark = pytest.mark.skipif(not guidance.available(), reason="espeak-ng: scripts/setup installs it")


async def wait_spoken(controller, count: int) -> None:
    for _ in range(400):
        if controller.guidance_spoken >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the controller did not speak")


async def test_speech_goes_to_the_booth_speaker_through_the_mixer():
    controller, _ui = make()
    controller.speak([("sv", "Välkommen."), ("en", "Welcome.")])
    await wait_spoken(controller, 1)
    assert controller.mixer.speaking()
    assert controller.status()["guidance"] == {"spoken": 1, "samples_played": 0, "speaking": True}
    controller.hush()
    assert not controller.mixer.speaking()


async def test_a_failing_voice_is_logged_without_the_words_and_the_booth_goes_on(caplog):
    controller, _ui = make()
    with caplog.at_level(logging.WARNING):
        controller.speak([("xx", "Hemligt namn")])
        for _ in range(100):
            if "spoken guidance unavailable" in caplog.text:
                break
            await asyncio.sleep(0.01)
    assert "spoken guidance unavailable" in caplog.text and "Hemligt" not in caplog.text
    assert controller.guidance_spoken == 0
