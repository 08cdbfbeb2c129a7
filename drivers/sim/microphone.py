"""A simulated microphone that 'hears' a steady tone.

The far end can check that audio arrives by its level and its pitch.
"""

from __future__ import annotations

import math

import numpy as np

from drivers.health import Health
from drivers.microphone import BLOCK, SAMPLE_RATE, Microphone


class ToneMicrophone(Microphone):
    def __init__(self, frequency: float = 440.0, amplitude: float = 0.3) -> None:
        self.frequency, self.amplitude = frequency, amplitude
        self._pos = 0

    def read(self, samples: int = BLOCK) -> np.ndarray:
        t = (np.arange(samples) + self._pos) / SAMPLE_RATE
        self._pos += samples
        return (np.sin(2 * np.pi * self.frequency * t) * self.amplitude * 32767).astype(np.int16)

    def level_dbfs(self) -> float:
        """A sine's RMS is its amplitude over the square root of two."""
        return 20 * math.log10(self.amplitude / math.sqrt(2)) if self.amplitude > 0 else -120.0

    def health(self) -> Health:
        return Health.ok(self.role, f"simulated {self.frequency:.0f} Hz tone")
