"""Cameras: the interface the booth's video track reads from, and the OpenCV one.

A camera is opened by the identity the booth config gives it (a
``/dev/v4l/by-id`` path, never an enumeration index that changes between
boots, which swapped the face and document cameras in the 2026 pilot).
Frames are BGR ``uint8`` arrays, the layout OpenCV and PyAV both take.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod

import numpy as np

from drivers.health import Health


class Camera(ABC):
    """One camera in the booth, named by its role (``face_camera``...)."""

    role: str

    @abstractmethod
    def open(self) -> None:
        """Start capturing. Failing to open is reported by ``health``, not raised."""

    @abstractmethod
    def read(self) -> np.ndarray | None:
        """The next frame (H x W x 3, BGR), or None when none is available.

        May block for up to one frame interval: call it off the event loop.
        """

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def health(self) -> Health: ...


class OpenCVCamera(Camera):
    """A V4L2 camera through OpenCV, opened by a stable device path."""

    def __init__(self, role: str, device: str, width: int = 1280, height: int = 720, fps: int = 30) -> None:
        self.role, self.device = role, device
        self.width, self.height, self.fps = width, height, fps
        self._cap = None
        self._lock = threading.Lock()
        self._health = Health.missing(role, f"not opened yet ({device})")

    def open(self) -> None:
        import cv2

        with self._lock:
            cap = cv2.VideoCapture(self.device, cv2.CAP_ANY)
            if not cap.isOpened():
                self._health = Health.missing(self.role, f"cannot open {self.device}: is it plugged in?")
                cap.release()
                return
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
            cap.set(cv2.CAP_PROP_FPS, self.fps)
            self._cap = cap
            self._health = Health.ok(self.role, self.device)

    def read(self) -> np.ndarray | None:
        with self._lock:
            if self._cap is None:
                return None
            ok, frame = self._cap.read()
        if not ok or frame is None:
            self._health = Health.degraded(self.role, f"{self.device} opened but delivers no frames")
            return None
        self._health = Health.ok(self.role, self.device)
        return frame

    def close(self) -> None:
        with self._lock:
            if self._cap is not None:
                self._cap.release()
                self._cap = None
        self._health = Health.missing(self.role, "closed")

    def health(self) -> Health:
        return self._health
