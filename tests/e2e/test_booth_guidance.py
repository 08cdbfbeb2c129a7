"""Spoken guidance: the speaker button reads the screen aloud in the citizen's language, on the booth's speaker.

The real kiosk with its speaker on a private sound server (a null sink, as a
booth's USB speaker would be named); the speech is espeak-ng's, recorded from
the sink's monitor and matched by duration and energy against the same words
synthesised here in the chosen language.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import numpy as np
import pytest

from kiosk.guidance import available, speech_text, synthesize
from kiosk.i18n import in_language
from tests.e2e.booth_screens import read_dump
from tests.e2e.booth_ui import tap
from tests.e2e.processes import Backend, Kiosk
from tests.support.sound_server import RATE, SPEAKER, SoundServer
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not available(), reason="espeak-ng: scripts/setup installs it")]

#: 20 ms windows louder than this (int16 RMS) count as speech.
VOICED_RMS = 300


def voiced_span(pcm: np.ndarray, rate: int) -> tuple[float, float]:
    """Seconds from the first to the last voiced 20 ms window, and the RMS over that span."""
    win = rate // 50
    frames = pcm[: pcm.size // win * win].astype(np.float64).reshape(-1, win)
    rms = np.sqrt(np.mean(frames**2, axis=1))
    voiced = np.flatnonzero(rms > VOICED_RMS)
    if voiced.size == 0:
        return 0.0, 0.0
    span = frames[voiced[0] : voiced[-1] + 1]
    return (voiced[-1] - voiced[0] + 1) / 50, float(np.sqrt(np.mean(span**2)))


@pytest.mark.parametrize("language", ["sv", "ru"])  # a meeting language, and the screen-only Russian
def test_the_speaker_button_reads_the_screen_in_the_chosen_language(
    sound_kiosk: Kiosk, sound: SoundServer, artifacts, language: str
):
    kiosk = sound_kiosk
    shots = artifacts / "screenshots" / "kiosk-audio"
    kiosk.wait_phase("idle")
    tap(kiosk, f"lang:{language}")
    dump = read_dump(shots, f"attract-{language}")
    bar = {in_language(key, language) for key in ("read_aloud", "large_text", "high_contrast")}
    expected = synthesize(speech_text([t["text"] for t in dump["texts"] if t["text"] not in bar]), language)
    expected_s, _ = voiced_span(expected, 48_000)
    assert expected_s > 1.0

    recorded: list[np.ndarray] = []
    recorder = threading.Thread(
        target=lambda: recorded.append(sound.record(f"{SPEAKER}.monitor", expected_s + 4.0)), daemon=True
    )
    recorder.start()
    wait_for("the recorder to run", lambda: recorder.is_alive())
    tap(kiosk, "read_aloud")
    wait_for("the booth to speak", lambda: kiosk.status()["guidance"]["spoken"] >= 1, timeout=15)
    recorder.join(timeout=expected_s + 15)
    assert recorded, "nothing recorded from the speaker's monitor"
    heard_s, heard_rms = voiced_span(recorded[0], RATE)
    print(f"spoken guidance ({language}): expected {expected_s:.2f} s, heard {heard_s:.2f} s at RMS {heard_rms:.0f}")
    assert heard_rms > VOICED_RMS * 2
    # The same words in the same voice: the same length, give or take the recording's edges.
    assert abs(heard_s - expected_s) < 0.25 * expected_s + 0.3, (heard_s, expected_s)
    assert kiosk.status()["guidance"]["samples_played"] >= expected.size * 0.9


def test_a_screen_left_untouched_is_read_aloud_by_itself(
    tmp_path: Path, backend: Backend, sound: SoundServer, artifacts: Path
):
    """On by default: a citizen who chose Finnish and then waits hears the screen (idle time 2 s here)."""
    shots = artifacts / "screenshots" / "kiosk-guidance"
    shutil.rmtree(shots, ignore_errors=True)
    extra = (
        f'[speaker]\nkind = "pulse"\ndevice = "{SPEAKER}"\n'
        f'[audio]\nserver = "{sound.server}"\nvolume = 100\nguidance_idle_s = 2\n'
    )
    kiosk = Kiosk(tmp_path, backend.port, shots, extra_config=extra)
    try:
        kiosk.wait_phase("idle")
        tap(kiosk, "lang:fi")
        spoken = kiosk.status()["guidance"]["spoken"]  # the greeting may have been read before the tap
        wait_for("the screen to be read by itself", lambda: kiosk.status()["guidance"]["spoken"] > spoken, 20)
        heard_s, heard_rms = voiced_span(sound.record(f"{SPEAKER}.monitor", 1.5), RATE)
        assert heard_s > 0.5 and heard_rms > VOICED_RMS * 2, (heard_s, heard_rms)
    finally:
        code = kiosk.stop()
        (artifacts / "kiosk-guidance.log").write_text(kiosk.log())
    assert code == 0, f"the kiosk did not stop cleanly (exit {code})"
