"""The booth's microphone and speaker drivers against a real sound server (PulseAudio, user mode).

The hardware boundary is the server's virtual devices: a null sink as the
speaker (recorded from its monitor), a virtual source fed a known signal as
the microphone. Unplug = unload the virtual device's module.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from drivers.microphone import BLOCK
from drivers.sound import PulseMicrophone, PulseSpeaker
from protocol.messages import DeviceState
from tests.support.sound_server import (
    MIC,
    MIC_FEED,
    RATE,
    SPEAKER,
    SoundServer,
    dominant_frequency,
    pulseaudio_available,
    tone,
)
from tests.support.waiting import wait_for

pytestmark = pytest.mark.skipif(not pulseaudio_available(), reason="pulseaudio is not installed (scripts/setup)")


@pytest.fixture
def sound(tmp_path: Path) -> Iterator[SoundServer]:
    server = SoundServer(tmp_path / "pulse")
    yield server
    server.close()


@pytest.fixture
def mic(sound: SoundServer) -> Iterator[PulseMicrophone]:
    microphone = PulseMicrophone(MIC, server=sound.server)
    yield microphone
    microphone.close()


def heard(mic: PulseMicrophone, seconds: float = 0.5) -> np.ndarray:
    """What the microphone gives the call over ``seconds``, read at the call's pace."""
    blocks = []
    for _ in range(int(seconds * 50)):
        blocks.append(mic.read(BLOCK))
        time.sleep(0.02)
    return np.concatenate(blocks)


def loud(mic: PulseMicrophone) -> np.ndarray | None:
    """The last 200 ms of half a second of what the microphone gives, once they carry a signal."""
    pcm = heard(mic)[-BLOCK * 10 :]
    rms = np.sqrt(np.mean(np.square(pcm.reshape(10, BLOCK).astype(np.float64)), axis=1))
    return pcm if rms.min() > 1000 else None


def state_within(device, state: DeviceState, seconds: float = 2.0):
    """The device's health reaches ``state`` within ``seconds`` (the booth's promise), polled."""
    return wait_for(f"{device.role} to be {state.value}", lambda: (h := device.probe()).state is state and h, seconds)


def test_the_microphone_hears_the_tone_played_into_its_source(sound: SoundServer, mic: PulseMicrophone):
    sound.play(MIC_FEED, tone(1000, 1.0))
    pcm = wait_for("the 1 kHz tone at the microphone", lambda: loud(mic), 10)
    assert abs(dominant_frequency(pcm) - 1000) < 10
    assert -20 < mic.level_dbfs() < -5  # 0.3 of full scale: -13.5 dBFS RMS
    assert state_within(mic, DeviceState.OK).reason == MIC


def test_a_silent_microphone_is_degraded_and_a_clipping_one_too(sound: SoundServer, mic: PulseMicrophone):
    within = 4.0  # the silence is judged over 1.5 s, from when the stream opened
    wait_for(
        "silence to be reported",
        lambda: (h := mic.probe()).state is DeviceState.DEGRADED and "silent" in h.reason,
        within,
    )
    sound.play(MIC_FEED, np.full(RATE, 32767, dtype=np.int16))  # full scale: a clipping input
    wait_for("clipping to be reported", lambda: "clipping" in mic.probe().reason, 2.0)
    sound.stop_players()
    sound.play(MIC_FEED, tone(500, 1.0))
    state_within(mic, DeviceState.OK, within)


def test_an_unplugged_microphone_is_missing_within_two_seconds_and_comes_back_when_replugged(
    sound: SoundServer, mic: PulseMicrophone
):
    sound.play(MIC_FEED, tone(800, 1.0))
    state_within(mic, DeviceState.OK, 5)
    sound.unplug_mic()
    health = state_within(mic, DeviceState.MISSING, 2.0)
    assert MIC in health.reason
    assert not heard(mic, 0.2).any()  # silence, not an error, while it is away
    sound.plug_mic()
    state_within(mic, DeviceState.OK, 5)
    pcm = wait_for("the tone again", lambda: loud(mic), 10)
    assert abs(dominant_frequency(pcm) - 800) < 10


def test_a_microphone_without_a_sound_server_is_missing_and_recovers_when_one_starts(tmp_path: Path):
    root = tmp_path / "later"
    mic = PulseMicrophone(MIC, server=f"unix:{root / 'native'}")
    try:
        wait_for("no sound server to be reported", lambda: "cannot open" in mic.probe().reason, 2.0)
        assert mic.probe().state is DeviceState.MISSING
        sound = SoundServer(root)
        try:
            state_within(mic, DeviceState.DEGRADED, 5)  # there, and silent
        finally:
            sound.close()
        state_within(mic, DeviceState.MISSING, 2.0)  # the server went away mid-stream
        sound = SoundServer(root)  # ... and is restarted: the same object picks it up again
        try:
            sound.play(MIC_FEED, tone(600, 1.0))
            state_within(mic, DeviceState.OK, 5)
            pcm = wait_for("the tone after the restart", lambda: loud(mic), 10)
            assert abs(dominant_frequency(pcm) - 600) < 10
        finally:
            sound.close()
    finally:
        mic.close()


def test_the_speaker_plays_its_source_into_the_sink_and_comes_back_after_an_unplug(sound: SoundServer):
    pcm = tone(700, 2.0)
    position = 0

    def source() -> np.ndarray:
        nonlocal position
        block = pcm[position % pcm.size : position % pcm.size + BLOCK]
        position += BLOCK
        return block

    speaker = PulseSpeaker(SPEAKER, server=sound.server)
    speaker.source = source
    try:
        state_within(speaker, DeviceState.OK, 5)
        recorded = sound.record(f"{SPEAKER}.monitor", 0.5)
        assert recorded.size > BLOCK * 10
        assert abs(dominant_frequency(recorded) - 700) < 10
        sound.unplug_speaker()
        assert SPEAKER in state_within(speaker, DeviceState.MISSING, 2.0).reason
        sound.plug_speaker()
        state_within(speaker, DeviceState.OK, 5)
        recorded = sound.record(f"{SPEAKER}.monitor", 0.5)
        assert abs(dominant_frequency(recorded) - 700) < 10  # playing on the named sink again
    finally:
        speaker.close()
