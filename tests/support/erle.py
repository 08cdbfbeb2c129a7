"""Echo return loss enhancement measured on the simulated room (shared by the HIL test and bench/audio).

The booth's own drivers play a speech-like far-end signal through the echo
canceller's sink and read its cancelled source; the room (``tests.support.room``)
brings the speaker's sound back into the microphone. After the canceller has
had ``converge_s`` to adapt, the microphone's raw signal (its feed sink's
monitor: the echo) and the cancelled one are recorded over the same
``seconds``; ERLE is the ratio of their powers, in dB. Then a near-end
'voice' (a tone) is added, to show the canceller keeps the citizen.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np

from drivers import echo_cancel
from drivers.microphone import BLOCK
from drivers.sound import PulseMicrophone, PulseSpeaker
from tests.support.room import Room, ServerRoom
from tests.support.sound_server import MIC, MIC_FEED, RATE, SPEAKER, SoundServer, tone


def far_end(seconds: float, seed: int = 9) -> np.ndarray:
    """Speech-like: low-passed noise in syllables of about 4 a second, with short pauses."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    noise = np.convolve(rng.standard_normal(n), np.ones(8) / 8, mode="same")
    t = np.arange(n) / RATE
    envelope = np.clip(np.sin(2 * np.pi * 4 * t) + 0.3, 0, None)
    pcm = noise * envelope
    return (pcm / np.abs(pcm).max() * 0.5 * 32767).astype(np.int16)


def power_db(pcm: np.ndarray) -> float:
    p = float(np.mean(np.square(pcm.astype(np.float64))))
    return 10 * np.log10(p) if p > 0 else -200.0


@dataclass
class EchoFigures:
    erle_db: float
    echo_db: float  # the raw echo's power at the microphone (dB re 1 LSB^2)
    residual_db: float
    near_end_kept_db: float  # near-end tone out of the canceller vs into the microphone (0 = kept whole)


def _record_both(sound: SoundServer, seconds: float) -> tuple[np.ndarray, np.ndarray]:
    results: dict[str, np.ndarray] = {}

    def rec(name: str, source: str) -> None:
        results[name] = sound.record(source, seconds)

    threads = [
        threading.Thread(target=rec, args=("raw", f"{MIC_FEED}.monitor")),
        threading.Thread(target=rec, args=("out", echo_cancel.SOURCE)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results["raw"], results["out"]


def band_db(pcm: np.ndarray, frequency: float) -> float:
    """Power at ``frequency`` (+-20 Hz) in dB, by FFT."""
    spectrum = np.abs(np.fft.rfft(pcm.astype(np.float64) * np.hanning(pcm.size))) ** 2
    freqs = np.fft.rfftfreq(pcm.size, 1 / RATE)
    return float(10 * np.log10(spectrum[np.abs(freqs - frequency) < 20].sum() + 1e-12))


def measure_erle(
    sound: SoundServer,
    converge_s: float = 6.0,
    seconds: float = 4.0,
    noise_suppression: bool = True,
    gain_control: bool = False,
    in_server: bool = True,
) -> EchoFigures:
    canceller = echo_cancel.EchoCanceller(MIC, SPEAKER, sound.server, noise_suppression, gain_control)
    health = canceller.probe()
    assert health.state.value == "ok", health
    signal = far_end(20.0)
    position = 0

    def source() -> np.ndarray:
        nonlocal position
        start = position % (signal.size - BLOCK)
        position += BLOCK
        return signal[start : start + BLOCK]

    speaker = PulseSpeaker(echo_cancel.SINK, sound.server)
    speaker.source = source
    mic = PulseMicrophone(echo_cancel.SOURCE, sound.server)  # the booth reads the cancelled source
    room = ServerRoom(sound) if in_server else Room(sound)
    try:
        time.sleep(converge_s)  # the canceller adapts to the room: measured, not waited for a state
        raw, out = _record_both(sound, seconds)
        n = min(raw.size, out.size)
        echo, residual = power_db(raw[:n]), power_db(out[:n])
        sound.play(MIC_FEED, tone(1200, 1.0, amplitude=0.1))  # the citizen speaks over the official
        time.sleep(1.0)
        raw, out = _record_both(sound, 2.0)
        kept = band_db(out, 1200) - band_db(raw, 1200)
        sound.stop_players()
    finally:
        room.close()
        mic.close()
        speaker.close()
        canceller.close()
    return EchoFigures(echo - residual, echo, residual, kept)
