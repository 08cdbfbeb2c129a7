"""A simulated camera: a moving test card, a video file or an image sequence, played in a loop.

Stands in for a real camera at the hardware boundary, in the demo and in
tests. ``mode`` makes the faults the pilot saw: ``black`` (lens covered),
``white`` (saturated sensor) and ``frozen`` (a stalled driver re-delivering
the same buffer). An image-sequence directory that disappears is an unplugged
camera; when it comes back, ``probe`` reopens it. The test card is easy to recognise on the far end: three vertical
colour bars (orange, teal, violet) and a white square that moves every
frame, so a frozen picture shows.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np

from drivers.camera import Camera, Still, encode_still
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


MODES = ("card", "black", "white", "frozen")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp")


class SimulatedCamera(Camera):
    def __init__(
        self,
        role: str,
        width: int = 640,
        height: int = 480,
        video_file: str | None = None,
        *,
        image_dir: str | None = None,
        mode: str = "card",
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode: must be one of {', '.join(MODES)}, not {mode!r}")
        self.role, self.width, self.height, self.video_file = role, width, height, video_file
        self.image_dir, self.mode = image_dir, mode
        self._n = 0
        self._cap = None
        self._images: list[Path] = []
        self._frozen: np.ndarray | None = None
        self._open = False
        #: The call's track and a still (or the QR scan) may read from two threads: one file position.
        self._lock = threading.Lock()

    def open(self) -> None:
        if self.image_dir:
            directory = Path(self.image_dir)
            if not directory.is_dir():
                self._open = False
                return
            self._images = sorted(p for p in directory.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if self.video_file:
            import cv2

            self._cap = cv2.VideoCapture(self.video_file)
        self._open = True

    def read(self) -> np.ndarray | None:
        if not self._open:
            return None
        if self.mode == "black":
            return np.zeros((self.height, self.width, 3), np.uint8)
        if self.mode == "white":
            return np.full((self.height, self.width, 3), 255, np.uint8)
        if self.mode == "frozen" and self._frozen is not None:
            return self._frozen.copy()  # bit-identical, as a stalled driver delivers
        with self._lock:
            frame = self._next()
        if self.mode == "frozen":
            self._frozen = frame
        return frame

    def _next(self) -> np.ndarray | None:
        self._n += 1
        if self._images:
            import cv2

            path = self._images[(self._n - 1) % len(self._images)]
            return cv2.imread(str(path))  # None when the directory vanished under us
        if self._cap is None:
            return card_frame(self.width, self.height, self._n)
        ok, frame = self._cap.read()
        if not ok:  # end of file: loop
            import cv2

            self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, frame = self._cap.read()
        return frame if ok else None

    def capture_still(self, fmt: str = "jpeg") -> Still | None:
        """The source's next frame at its own resolution (an image sequence's files can be 4K)."""
        frame = self.read()
        return None if frame is None else encode_still(frame, fmt)

    def _source(self) -> str | None:
        return self.image_dir or self.video_file

    def probe(self) -> Health:
        """Supervision: a vanished source is an unplugged camera; when it is back, reopen."""
        source = self._source()
        if source and not os.path.exists(source):
            self.close()
            return Health.missing(self.role, f"simulated {self.role.replace('_', ' ')} {source} unplugged")
        if not self._open:
            self.open()
        return self.health()

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None
        self._frozen = None
        self._open = False

    def health(self) -> Health:
        if not self._open:
            return Health.missing(self.role, "simulated camera closed")
        return Health.ok(self.role, f"simulated ({self._source() or 'test card'}, {self.mode})")
