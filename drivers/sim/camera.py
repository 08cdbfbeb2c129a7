"""A simulated camera: a moving test card, or a video file played in a loop.

Stands in for a real camera at the hardware boundary, in the demo and in
tests. The test card is easy to recognise on the far end: three vertical
colour bars (orange, teal, violet) and a white square that moves every
frame, so a frozen picture shows.
"""

from __future__ import annotations

import numpy as np

from drivers.camera import Camera
from drivers.health import Health

#: BGR colours of the bars, left to right.
BARS_BGR = ((0, 140, 255), (160, 160, 0), (200, 40, 140))


def card_frame(width: int, height: int, n: int) -> np.ndarray:
    """Frame ``n`` of the test card (BGR)."""
    frame = np.empty((height, width, 3), dtype=np.uint8)
    third = width // 3
    for i, colour in enumerate(BARS_BGR):
        frame[:, i * third : (i + 1) * third if i < 2 else width] = colour
    side = max(8, height // 8)
    x = (n * 7) % max(1, width - side)
    y = height // 2 - side // 2
    frame[y : y + side, x : x + side] = 255
    return frame


class SimulatedCamera(Camera):
    def __init__(self, role: str, width: int = 640, height: int = 480, video_file: str | None = None) -> None:
        self.role, self.width, self.height, self.video_file = role, width, height, video_file
        self._n = 0
        self._cap = None
        self._open = False

    def open(self) -> None:
        if self.video_file:
            import cv2

            self._cap = cv2.VideoCapture(self.video_file)
        self._open = True

    def read(self) -> np.ndarray | None:
        if not self._open:
            return None
        self._n += 1
        if self._cap is None:
            return card_frame(self.width, self.height, self._n)
        ok, frame = self._cap.read()
        if not ok:  # end of file: loop
            import cv2

            self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, frame = self._cap.read()
        return frame if ok else None

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
        self._open = False

    def health(self) -> Health:
        if not self._open:
            return Health.missing(self.role, "simulated camera closed")
        return Health.ok(self.role, f"simulated ({self.video_file or 'test card'})")
