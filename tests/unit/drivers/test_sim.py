"""Simulated devices behave like the hardware they stand in for."""

from __future__ import annotations

import numpy as np

from drivers.microphone import BLOCK, SAMPLE_RATE
from drivers.sim.camera import BARS_BGR, SimulatedCamera, card_frame
from drivers.sim.microphone import ToneMicrophone
from protocol.messages import DeviceState


def test_test_card_has_three_bars_and_a_moving_square():
    a, b = card_frame(640, 480, 1), card_frame(640, 480, 2)
    assert a.shape == (480, 640, 3) and a.dtype == np.uint8
    for i, colour in enumerate(BARS_BGR):
        assert tuple(a[10, i * 213 + 100]) == colour
    assert not np.array_equal(a, b), "consecutive frames must differ so a frozen picture shows"


def test_simulated_camera_reads_only_when_open():
    cam = SimulatedCamera("face_camera", 320, 240)
    assert cam.read() is None
    assert cam.health().state is DeviceState.MISSING
    cam.open()
    frame = cam.read()
    assert frame is not None and frame.shape == (240, 320, 3)
    assert cam.health().state is DeviceState.OK
    cam.close()
    assert cam.read() is None


def test_tone_microphone_is_continuous_and_at_its_pitch():
    mic = ToneMicrophone(frequency=440)
    pcm = np.concatenate([mic.read() for _ in range(50)])  # one second in 20 ms blocks
    assert pcm.dtype == np.int16 and len(pcm) == 50 * BLOCK
    spectrum = np.abs(np.fft.rfft(pcm.astype(np.float64)))
    peak_hz = np.argmax(spectrum) * SAMPLE_RATE / len(pcm)
    assert abs(peak_hz - 440) <= 1
    # No clicks between blocks: the largest sample-to-sample step stays that of a sine.
    assert np.max(np.abs(np.diff(pcm.astype(np.int32)))) < 0.3 * 32767 * 2 * np.pi * 440 / SAMPLE_RATE * 1.05
    assert mic.health().state is DeviceState.OK
