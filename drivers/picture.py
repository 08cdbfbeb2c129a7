"""Is the camera picture usable? Black, white and frozen pictures, decided without I/O.

In the 2026 pilot the citizen sometimes appeared black or white and nobody
could tell from the desk. The camera driver hands a frame to
``PictureMonitor.observe`` one or two times a second (not every frame) with
the time it was taken; the monitor answers what is wrong, if anything.

Cheap by design: the frame is subsampled by striding to about
``SAMPLE_WIDTH`` pixels across (every 8th pixel of a 720p frame, every 24th of
4K), converted to a luminance estimate and reduced to a mean and two
percentiles: ~14 000 samples whatever the camera, about a millisecond here.
Striding (rather than averaging) keeps each sample's sensor noise, which is
what tells a live still scene from a frozen driver.

Thresholds, and why:

* **black** — mean luminance < 16 and 99th percentile < 40 (of 255). A
  covered lens or a dead sensor gives near-zero everywhere; a dim room still
  has a lamp, window or face in the brightest 1 %.
* **white** — mean luminance > 235 and 2nd percentile > 215. A saturated
  sensor or a lamp into the lens; a bright scene still has dark hair,
  clothes or shadows in the bottom percentiles.
* **frozen** — consecutive samples whose mean absolute difference is below
  0.1 grey levels, for ``FROZEN_AFTER_S``. A real sensor is never that still:
  even a static scene has read noise of roughly 1–3 levels per pixel, so the
  mean absolute difference of two frames of a still room is around 1 or more.
  A stalled driver re-delivers the same buffer: a difference of exactly 0.
  The 0.1 margin tolerates a handful of changed pixels (an overlay clock)
  without mistaking noise for motion.

Black and white must last ``HOLD_S`` before they are reported, so a hand
passing over the lens or an auto-exposure settling does not raise an alarm.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np

SAMPLE_WIDTH = 160
BLACK_MEAN, BLACK_P99 = 16.0, 40.0
WHITE_MEAN, WHITE_P2 = 235.0, 215.0
FROZEN_MAD = 0.1
HOLD_S = 2.0
FROZEN_AFTER_S = 3.0
#: Recommended spacing of checks: twice a second keeps detection within the
#: hold times above at negligible cost.
CHECK_INTERVAL_S = 0.5


class Verdict(Enum):
    OK = "ok"
    BLACK = "black"
    WHITE = "white"
    FROZEN = "frozen"


_REASONS = {
    Verdict.BLACK: "picture is black — lens covered or camera fault",
    Verdict.WHITE: "picture is white — overexposed, light into the lens, or camera fault",
    Verdict.FROZEN: "picture is frozen (identical frames for {s:.0f} s) — camera driver or USB fault",
}


def reason(verdict: Verdict, role: str) -> str:
    """The technician's sentence for a verdict: "face camera picture is black — ..."."""
    if verdict is Verdict.OK:
        return ""
    return f"{role.replace('_', ' ')} " + _REASONS[verdict].format(s=FROZEN_AFTER_S)


def sample(frame: np.ndarray, width: int = SAMPLE_WIDTH) -> np.ndarray:
    """A small float32 luminance image (about ``width`` samples across) from a BGR or grey frame, by striding."""
    step = max(1, frame.shape[1] // width)
    small = np.ascontiguousarray(frame[::step, ::step], dtype=np.float32)
    if small.ndim == 3:
        return small @ np.array([0.114, 0.587, 0.299], np.float32)
    return small


@dataclass(frozen=True)
class Brightness:
    mean: float
    p2: float
    p99: float


def brightness(luma: np.ndarray) -> Brightness:
    p2, p99 = np.percentile(luma, (2, 99))
    return Brightness(float(luma.mean()), float(p2), float(p99))


def classify_exposure(b: Brightness) -> Verdict:
    """Black, white or ok for one sample, before any hold time."""
    if b.mean < BLACK_MEAN and b.p99 < BLACK_P99:
        return Verdict.BLACK
    if b.mean > WHITE_MEAN and b.p2 > WHITE_P2:
        return Verdict.WHITE
    return Verdict.OK


def same_picture(a: np.ndarray, b: np.ndarray) -> bool:
    """True when two luminance samples are identical within ``FROZEN_MAD`` (a stalled driver, not noise)."""
    return a.shape == b.shape and float(np.abs(a - b).mean()) < FROZEN_MAD


class PictureMonitor:
    """Watches samples of one camera's picture over time; pure, the caller passes ``now``."""

    def __init__(self, hold_s: float = HOLD_S, frozen_after_s: float = FROZEN_AFTER_S) -> None:
        self.hold_s, self.frozen_after_s = hold_s, frozen_after_s
        self.reset()

    def reset(self) -> None:
        """Forget the history (after the camera was reopened, the new picture starts fresh)."""
        self._previous: np.ndarray | None = None
        self._previous_at = 0.0
        self._exposure: Verdict = Verdict.OK
        self._exposure_since = 0.0
        self._same_since: float | None = None
        self.verdict = Verdict.OK

    def observe(self, frame: np.ndarray, now: float) -> Verdict:
        """Take one frame seen at ``now`` (seconds, any monotonic origin); return the current verdict."""
        luma = sample(frame)
        exposure = classify_exposure(brightness(luma))
        if exposure is not self._exposure:
            self._exposure, self._exposure_since = exposure, now
        if self._previous is not None and same_picture(self._previous, luma):
            if self._same_since is None:
                self._same_since = self._previous_at
        else:
            self._same_since = None
        self._previous, self._previous_at = luma, now

        if exposure is not Verdict.OK and now - self._exposure_since >= self.hold_s:
            self.verdict = exposure  # a black picture is also "frozen": say the more useful thing
        elif self._same_since is not None and now - self._same_since >= self.frozen_after_s:
            self.verdict = Verdict.FROZEN
        else:
            self.verdict = Verdict.OK
        return self.verdict
