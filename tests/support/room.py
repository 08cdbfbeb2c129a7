"""A simulated booth room in the test sound server: the speaker's sound comes back into the microphone.

What the speaker plays (its null sink's monitor) is delayed, filtered (a
direct path and two duller reflections) and attenuated, and played into the
microphone's feed sink, where it adds to whatever near-end 'voice' the test
plays there. The echo canceller under test sees exactly what a microphone in
a small room would: its own far end, late and coloured, plus the citizen.
"""

from __future__ import annotations

import subprocess
import threading

import numpy as np

from tests.support.sound_server import MIC_FEED, RATE, SPEAKER, SoundServer

BLOCK = RATE // 50


def room_response(delay_ms: float = 12.0, gain: float = 0.5) -> np.ndarray:
    """An impulse response: the direct path after ``delay_ms`` and two reflections, low-passed."""
    taps = np.zeros(int(RATE * (delay_ms + 25) / 1000))
    d = int(RATE * delay_ms / 1000)
    taps[d] = gain
    taps[d + int(RATE * 0.007)] = -0.5 * gain  # a wall
    taps[d + int(RATE * 0.019)] = 0.25 * gain  # the ceiling
    smooth = np.ones(6) / 6  # the room swallows the highs
    return np.convolve(taps, smooth)[: taps.size]


class ServerRoom:
    """The same room inside the sound server: two loopbacks (direct path, one reflection).

    Timed by the server itself, so its echo path holds still under CPU load,
    which a pipe through this process cannot promise. Each path is the
    speaker's monitor into the microphone's feed, delayed (``latency_msec``)
    and attenuated (its stream volume); their sum is a comb-filtered echo.
    """

    PATHS = ((20, 50), (27, 25))  # (delay ms, volume %)

    def __init__(self, sound: SoundServer) -> None:
        self.sound = sound
        self.modules = []
        for delay, volume in self.PATHS:
            module = sound.load(
                "module-loopback",
                f"source={SPEAKER}.monitor",
                f"sink={MIC_FEED}",
                f"latency_msec={delay}",
                "adjust_time=0",  # a fixed path: no rate adjustment drifting the delay
                "source_dont_move=true",
                "sink_dont_move=true",
            )
            self.modules.append(module)
            for line in sound.pactl("list", "short", "sink-inputs").stdout.splitlines():
                index, _sink, owner = line.split("\t")[:3]
                if owner == str(module):
                    sound.pactl("set-sink-input-volume", index, f"{volume}%")

    def close(self) -> None:
        for module in self.modules:
            self.sound.unload(module)


class Room:
    """Runs until ``close``: ``sound``'s speaker monitor -> ``response`` -> the microphone's feed."""

    def __init__(self, sound: SoundServer, response: np.ndarray | None = None) -> None:
        self.response = room_response() if response is None else response
        env = {**sound.env, "PULSE_SERVER": sound.server}
        common = ["--format=s16le", f"--rate={RATE}", "--channels=1", "--raw", "--latency-msec=20"]
        self._rec = subprocess.Popen(["parec", f"--device={SPEAKER}.monitor", *common], env=env, stdout=subprocess.PIPE)
        self._play = subprocess.Popen(
            ["pacat", "--playback", f"--device={MIC_FEED}", *common], env=env, stdin=subprocess.PIPE
        )
        self._history = np.zeros(self.response.size - 1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="test-room", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        assert self._rec.stdout is not None and self._play.stdin is not None
        try:
            while not self._stop.is_set():
                data = self._rec.stdout.read(BLOCK * 2)
                if not data:
                    return
                x = np.frombuffer(data, dtype=np.int16).astype(np.float64)
                full = np.concatenate([self._history, x])
                y = np.convolve(full, self.response, mode="valid")  # exactly len(x) samples
                self._history = full[-(self.response.size - 1) :]
                self._play.stdin.write(np.clip(y, -32768, 32767).astype(np.int16).tobytes())
                self._play.stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            return

    def close(self) -> None:
        self._stop.set()
        for proc in (self._rec, self._play):
            proc.kill()
            proc.wait()
        self._thread.join(5)
