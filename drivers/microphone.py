"""Microphones: 48 kHz mono 16-bit PCM in 20 ms blocks, the unit WebRTC sends."""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from drivers.health import Health

SAMPLE_RATE = 48_000
BLOCK = SAMPLE_RATE // 50  # 20 ms


class Microphone(ABC):
    role: str = "microphone"

    @abstractmethod
    def read(self, samples: int = BLOCK) -> np.ndarray:
        """``samples`` int16 samples; silence rather than nothing if the device stalls."""

    @abstractmethod
    def health(self) -> Health: ...

    def level_dbfs(self) -> float:
        """The recent level (about the last half second), for the level meter; -120 when unknown."""
        return -120.0

    def probe(self) -> Health:
        """As a ``SupervisedDevice``: a microphone has nothing to reopen by default."""
        return self.health()

    def close(self) -> None:  # noqa: B027 - deliberately optional for subclasses
        """Release the device; nothing by default."""
