"""Spoken guidance: the words chosen, and espeak-ng's speech (the real program) in each language."""

from __future__ import annotations

import numpy as np
import pytest

from drivers.microphone import SAMPLE_RATE
from kiosk.guidance import GuidanceError, available, parse_wav, resample, speech_text, synthesize, welcome_text


def test_a_screen_s_lines_become_sentences():
    assert speech_text(["Tervetuloa", "+\nKovemmalle", "Aloita  ·  Börja"]) == "Tervetuloa. Kovemmalle. Aloita. Börja."
    assert speech_text(["Odota.", ""]) == "Odota."


def test_a_long_screen_is_cut_at_a_sentence():
    text = speech_text(["Lorem ipsum dolor. " * 60])
    assert len(text) <= 600 and text.endswith(".")


def test_before_a_choice_the_welcome_is_read_in_every_language():
    assert [lang for lang, _ in welcome_text()] == ["fi", "sv", "en", "ru"]  # Русский has a button, so a greeting


def test_resampling_keeps_the_duration():
    pcm = np.zeros(22050, dtype=np.int16)
    assert resample(pcm, 22050).size == SAMPLE_RATE


def test_a_bad_wav_is_a_clear_error():
    with pytest.raises(GuidanceError, match="WAV"):
        parse_wav(b"nonsense")


@pytest.mark.skipif(not available(), reason="espeak-ng is installed by scripts/setup")
@pytest.mark.parametrize("language", ["fi", "sv", "en", "ru"])
def test_espeak_speaks_each_language(language: str):
    pcm = synthesize("Tervetuloa. Välkommen. Welcome.", language)
    seconds = pcm.size / SAMPLE_RATE
    assert 1.0 < seconds < 8.0
    assert np.sqrt(np.mean(pcm.astype(np.float64) ** 2)) > 300  # speech, not silence


def test_an_unknown_language_has_no_voice():
    with pytest.raises(GuidanceError, match="language"):
        synthesize("x", "xx")
