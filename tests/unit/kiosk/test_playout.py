"""The booth's playout: buffered, mixed, no clicks when the voice stops, at the booth's volume."""

from __future__ import annotations

import numpy as np

from drivers.microphone import BLOCK, SAMPLE_RATE
from kiosk.playout import Mixer, gain_for


def tone(frequency: float, samples: int, start: int = 0, amplitude: float = 0.3) -> np.ndarray:
    t = (np.arange(samples) + start) / SAMPLE_RATE
    return (np.sin(2 * np.pi * frequency * t) * amplitude * 32767).astype(np.int16)


def strongest(pcm: np.ndarray) -> list[float]:
    spectrum = np.abs(np.fft.rfft(pcm.astype(np.float64) * np.hanning(pcm.size)))
    freqs = np.fft.rfftfreq(pcm.size, 1 / SAMPLE_RATE)
    return sorted(float(freqs[i]) for i in np.argsort(spectrum)[-2:])


def test_nothing_plays_until_the_buffer_holds_its_target_then_the_voice_comes_out():
    mixer = Mixer(target_ms=60, volume=100)
    mixer.push("o1", tone(440, BLOCK * 2))
    assert not mixer.pull().any()  # 40 ms buffered of 60: still waiting
    mixer.push("o1", tone(440, BLOCK, start=BLOCK * 2))
    played = np.concatenate([mixer.pull() for _ in range(3)])
    assert np.abs(played.astype(np.int32)).max() > 9000
    assert abs(strongest(played[BLOCK:])[-1] - 440) < 30


def test_an_underrun_fades_out_instead_of_clicking():
    mixer = Mixer(target_ms=20, volume=100)
    mixer.push("o1", tone(200, BLOCK * 3 + 100))  # ends mid-block, mid-wave
    played = np.concatenate([mixer.pull() for _ in range(5)]).astype(np.int32)
    steps = np.abs(np.diff(played))
    largest_in_the_tone = 2 * np.pi * 200 / SAMPLE_RATE * 0.3 * 32767  # the sine's own steepest step
    assert steps.max() <= largest_in_the_tone * 1.1 + 2
    assert not played[-BLOCK:].any()  # silence after the fade
    assert mixer.underruns == 1


def test_two_participants_are_heard_together():
    mixer = Mixer(target_ms=20, volume=100)
    for n in range(10):
        mixer.push("official", tone(500, BLOCK, start=n * BLOCK, amplitude=0.2))
        mixer.push("interpreter", tone(1500, BLOCK, start=n * BLOCK, amplitude=0.2))
    played = np.concatenate([mixer.pull() for _ in range(8)])
    assert [round(f, -1) for f in strongest(played[BLOCK:])] == [500, 1500]


def test_a_burst_after_a_stall_is_cut_to_the_limit_and_the_volume_scales():
    mixer = Mixer(target_ms=60, volume=50)
    mixer.push("o1", tone(300, SAMPLE_RATE))  # a second at once
    assert mixer.buffered_ms() <= 60 + 200
    assert mixer.dropped_samples > 0
    played = np.concatenate([mixer.pull() for _ in range(5)])
    assert np.abs(played[BLOCK:].astype(np.int32)).max() < 0.3 * 32767 * gain_for(50) * 1.05
    mixer.reset(volume=70)
    assert mixer.volume == 70 and not mixer.pull().any()  # nothing of the last call is played


def test_latency_gathered_once_is_given_back_without_a_click():
    mixer = Mixer(target_ms=60, volume=100)
    wave = tone(250, SAMPLE_RATE * 4)
    mixer.push("o1", wave[: BLOCK * 12])  # a burst: 240 ms at once, then steady 20 ms per 20 ms
    played, fed = [], BLOCK * 12
    for _ in range(60):
        played.append(mixer.pull())
        mixer.push("o1", wave[fed : fed + BLOCK])
        fed += BLOCK
    assert mixer.buffered_ms() <= 60 + 20  # back at the target, not 240 ms behind for ever
    steps = np.abs(np.diff(np.concatenate(played).astype(np.int32)))
    assert steps.max() < 2 * (2 * np.pi * 250 / SAMPLE_RATE * 0.3 * 32767)  # a cross-fade, not a jump


def test_spoken_guidance_is_played_whole_and_over_silence():
    mixer = Mixer(volume=100)
    speech = np.full(BLOCK * 2 + 10, 1000, dtype=np.int16)
    mixer.say(speech)
    blocks = [mixer.pull() for _ in range(4)]
    assert all(b.max() > 0 for b in blocks[:3]) and blocks[3].max() == 0
    assert mixer.prompt_samples_played == speech.size and not mixer.speaking()


def test_hush_stops_the_guidance():
    mixer = Mixer(volume=100)
    mixer.say(np.full(48_000, 1000, dtype=np.int16))
    mixer.pull()
    mixer.hush()
    assert mixer.pull().max() == 0
