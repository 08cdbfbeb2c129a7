"""The booth's volume limits and the microphone's state as the official sees it."""

from __future__ import annotations

from drivers.health import Health
from kiosk.audio_control import Volume, meter_fraction, microphone_state
from protocol.messages import MicrophoneState


def test_the_volume_stays_within_the_booths_limits_and_resets_for_the_next_citizen():
    volume = Volume(default=70, lo=30, hi=100, step=10)
    assert volume.value == 70
    assert [volume.louder() for _ in range(5)] == [80, 90, 100, 100, 100]
    assert volume.set(5) == 30  # the official cannot mute the citizen's speaker either
    assert volume.quieter() == 30
    assert volume.reset() == 70


def test_the_microphone_state_puts_health_before_level():
    ok = Health.ok("microphone", "alsa_input.x")
    assert microphone_state(ok, -30.0) is MicrophoneState.OK
    assert microphone_state(ok, -62.0) is MicrophoneState.QUIET
    assert microphone_state(Health.degraded("microphone", "clipping: too loud"), -1.0) is MicrophoneState.CLIPPING
    assert microphone_state(Health.degraded("microphone", "silent: no sound"), -120.0) is MicrophoneState.SILENT
    assert microphone_state(Health.missing("microphone", "unplugged"), -30.0) is MicrophoneState.MISSING


def test_the_meter_fills_with_the_level():
    assert meter_fraction(-120.0) == 0.0 and meter_fraction(0.0) == 1.0
    assert 0.4 < meter_fraction(-35.0) < 0.6
