"""The booth's audio controls, pure: the speaker's volume within the booth's limits, and how the
microphone sounds (for the lobby's meter and the official's warning).

The volume is the official's to set (``booth.volume``) and the citizen's to
nudge (big louder/quieter buttons), never beyond the limits the booth's
config gives (a hearing aid user may need it loud; nobody should be blasted
or muted), and every new citizen starts at the booth's default.
"""

from __future__ import annotations

from dataclasses import dataclass

from drivers.health import Health
from protocol.messages import DeviceState, MicrophoneState

#: A voice at the microphone below this (RMS over the last half second) is too far away:
#: the lobby asks the citizen to come closer and the official sees "quiet".
QUIET_DBFS = -50.0


@dataclass
class Volume:
    default: int
    lo: int
    hi: int
    step: int
    value: int = -1

    def __post_init__(self) -> None:
        self.value = self.clamp(self.default)

    def clamp(self, volume: int) -> int:
        return max(self.lo, min(self.hi, volume))

    def set(self, volume: int) -> int:
        self.value = self.clamp(volume)
        return self.value

    def louder(self) -> int:
        return self.set(self.value + self.step)

    def quieter(self) -> int:
        return self.set(self.value - self.step)

    def reset(self) -> int:
        return self.set(self.default)


def microphone_state(health: Health, level_dbfs: float) -> MicrophoneState:
    """What the official is told about the microphone: its health first, then its level.

    The drivers' health reasons start with ``silent:`` or ``clipping:`` for
    those conditions (``drivers/sound.py``); a quiet level on a healthy
    microphone is a citizen sitting too far from it.
    """
    if health.state is DeviceState.MISSING:
        return MicrophoneState.MISSING
    if health.reason.startswith("clipping"):
        return MicrophoneState.CLIPPING
    if health.reason.startswith("silent"):
        return MicrophoneState.SILENT
    if level_dbfs < QUIET_DBFS:
        return MicrophoneState.QUIET
    return MicrophoneState.OK


def meter_fraction(level_dbfs: float, floor_dbfs: float = -70.0) -> float:
    """The lobby meter's fill, 0..1, for a level in dBFS (``floor_dbfs`` and below: empty)."""
    return max(0.0, min(1.0, (level_dbfs - floor_dbfs) / -floor_dbfs))
