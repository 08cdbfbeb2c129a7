"""Cameras: the interface the booth's video track reads from, and the OpenCV one.

A camera is opened by the identity the booth config gives it (a
``/dev/v4l/by-id`` or ``by-path`` link, or USB ``vendor:product[:serial]``
looked up in sysfs — see ``drivers.camera_identity``), never an enumeration
index that changes between boots, which swapped the face and document cameras
in the 2026 pilot. Frames are BGR ``uint8`` arrays, the layout OpenCV and PyAV
both take.

``OpenCVCamera`` is also a ``SupervisedDevice``: ``probe`` notices an unplug
(the device node is gone), reopens the same object when the camera returns
(possibly under another ``/dev/videoN``), and checks the picture for black,
white or frozen (``drivers.picture``) about twice a second.
"""

from __future__ import annotations

import os
import threading
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np

from drivers.camera_identity import (
    CameraIdentity,
    CameraIdentityError,
    CameraNotFound,
    CameraResolver,
    parse_identity,
)
from drivers.health import Health
from drivers.picture import CHECK_INTERVAL_S, PictureMonitor, Verdict, reason

#: Asking for more than any camera offers makes V4L2 pick its largest mode.
MAX_STILL_SIDE = 10000
#: Frames thrown away after a mode switch: UVC cameras deliver a few frames
#: from the old mode or still auto-exposing right after ``S_FMT``.
STILL_WARMUP_FRAMES = 3
#: With nobody reading (no call), ``probe`` grabs a frame itself this often
#: so a covered lens is known before the citizen presses Start.
IDLE_SELF_CHECK_S = 2.0


@dataclass(frozen=True)
class Still:
    """A high-resolution still for the official to read: encoded image bytes and its size."""

    data: bytes
    width: int
    height: int
    mime: str  # image/jpeg or image/png


def encode_still(frame: np.ndarray, fmt: str = "jpeg") -> Still | None:
    """Encode a full-resolution frame for the official: JPEG (quality 92, text stays legible) or PNG."""
    import cv2

    if fmt == "png":
        ok, encoded = cv2.imencode(".png", frame)
        mime = "image/png"
    else:
        ok, encoded = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 92])
        mime = "image/jpeg"
    if not ok:
        return None
    return Still(encoded.tobytes(), frame.shape[1], frame.shape[0], mime)


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

    def probe(self) -> Health:
        """Supervision hook (``drivers.supervisor``); cameras that can reopen themselves override it."""
        return self.health()

    def capture_still(self, fmt: str = "jpeg") -> Still | None:
        """A still at the camera's full resolution, where it can take one; None otherwise."""
        return None


def fit_within(frame: np.ndarray, width: int, height: int) -> np.ndarray:
    """Scale ``frame`` down (never up) to fit ``width`` x ``height``, keeping its aspect ratio."""
    h, w = frame.shape[:2]
    if w <= width and h <= height:
        return frame
    import cv2

    scale = min(width / w, height / h)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return cv2.resize(frame, size, interpolation=cv2.INTER_AREA)


class OpenCVCamera(Camera):
    """A V4L2 camera through OpenCV, opened by a stable identity.

    ``device`` is a stable path or ``usb:VENDOR:PRODUCT[:SERIAL]``; any other
    path (a video file standing in for the device in tests and demos) is
    opened as given. ``width``/``height`` are the video track's size; a
    camera that ignores the requested mode (or a file) is scaled down to fit
    it, so the outgoing track never carries a 4K picture. ``still_width`` /
    ``still_height`` fix the still resolution; by default the still asks for
    the largest the camera offers.
    """

    def __init__(
        self,
        role: str,
        device: str,
        width: int = 1280,
        height: int = 720,
        fps: int = 30,
        *,
        still_width: int = 0,
        still_height: int = 0,
        resolver: CameraResolver | None = None,
    ) -> None:
        self.role, self.device = role, device
        self.width, self.height, self.fps = width, height, fps
        self.still_width, self.still_height = still_width, still_height
        self.resolver = resolver or CameraResolver()
        self.identity = self._identity(device)
        self.node = ""  # the device node currently open (after resolving the identity)
        self.label = role.replace("_", " ")
        self._cap = None
        self._lock = threading.Lock()
        self._health = Health.missing(role, f"not opened yet ({device})")
        self._monitor = PictureMonitor()
        self._checked_at = float("-inf")  # last picture check (monotonic)
        self._read_at = float("-inf")  # last frame delivered to a reader

    @staticmethod
    def _identity(device: str) -> CameraIdentity | None:
        if device.startswith(("/dev/v4l/", "usb:")):
            return parse_identity(device)
        return None  # a plain path: a file stand-in (or a demo's /dev/videoN, at its own risk)

    def _resolve(self) -> str:
        if self.identity is None:
            if not os.path.exists(self.device):
                raise CameraNotFound(f"cannot open {self.device}: is it plugged in?")
            return self.device
        return self.resolver.resolve(self.identity, self.role)

    def open(self) -> None:
        import cv2

        with self._lock:
            if self._cap is not None:
                return
            try:
                node = self._resolve()
            except (CameraNotFound, CameraIdentityError) as exc:  # absent, or ambiguous: open nothing
                self._health = Health.missing(self.role, str(exc))
                return
            cap = cv2.VideoCapture(node, cv2.CAP_ANY)
            if not cap.isOpened():
                self._health = Health.missing(self.role, f"cannot open {self.device}: is it plugged in?")
                cap.release()
                return
            # MJPG first: UVC cameras offer their large modes (and 30 fps at 720p+)
            # only compressed; a camera without it keeps its own format.
            cap.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter_fourcc(*"MJPG"))
            self._set_size(cap, self.width, self.height)
            cap.set(cv2.CAP_PROP_FPS, self.fps)
            self._cap, self.node = cap, node
            self._monitor.reset()
            self._health = Health.ok(self.role, self.device)

    @staticmethod
    def _set_size(cap: object, width: int, height: int) -> None:
        import cv2

        cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)  # type: ignore[attr-defined]
        cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)  # type: ignore[attr-defined]

    def read(self) -> np.ndarray | None:
        with self._lock:
            if self._cap is None:
                return None
            ok, frame = self._cap.read()
        if not ok or frame is None:
            self._health = Health.degraded(self.role, f"{self.device} opened but delivers no frames")
            return None
        now = time.monotonic()
        self._read_at = now
        self._check(frame, now)
        return fit_within(frame, self.width, self.height)

    def _check(self, frame: np.ndarray, now: float) -> None:
        """Picture check at most every ``CHECK_INTERVAL_S``; sets health."""
        if now - self._checked_at >= CHECK_INTERVAL_S:
            self._checked_at = now
            verdict = self._monitor.observe(frame, now)
        else:
            verdict = self._monitor.verdict
        if verdict is Verdict.OK:
            self._health = Health.ok(self.role, self.device)
        else:
            self._health = Health.degraded(self.role, reason(verdict, self.role))

    def probe(self) -> Health:
        """Supervision: notice an unplug, reopen on replug, check the picture when idle. Never raises."""
        try:
            if self._cap is not None:
                where = self._where_now()
                if where is None:
                    self._release()
                    self._health = Health.missing(self.role, f"{self.label} {self._describe()} unplugged")
                    return self._health
                if where != self.node:  # replugged and re-enumerated under another videoN: follow it
                    self._release()
            if self._cap is None:
                before = self._health
                self.open()
                if self._cap is None and before.reason.endswith(" unplugged"):
                    self._health = before  # still unplugged: one report, not a new reason every probe
                return self._health
            if time.monotonic() - self._read_at >= IDLE_SELF_CHECK_S:
                self._self_check()
            return self._health
        except Exception as exc:  # a driver bug must degrade the camera, not the booth
            return Health.degraded(self.role, f"camera driver error: {type(exc).__name__}")

    def _describe(self) -> str:
        return self.identity.describe() if self.identity else self.device

    def _where_now(self) -> str | None:
        """The node the identity names now (after a replug it may be another videoN), or None if gone."""
        try:
            node = self._resolve()
        except (CameraNotFound, CameraIdentityError):
            return None
        return node if os.path.exists(node) else None

    def _self_check(self) -> None:
        with self._lock:
            if self._cap is None:
                return
            ok, frame = self._cap.read()
        if not ok or frame is None:
            self._health = Health.degraded(self.role, f"{self.device} opened but delivers no frames")
            return
        self._check(frame, time.monotonic())

    def capture_still(self, fmt: str = "jpeg") -> Still | None:
        """A still at the largest resolution the camera gives (or the configured one), then back to video.

        Returns None when the camera is not open or delivers nothing. The
        video track pauses for the few frames the mode switch takes.
        """

        want_w = self.still_width or MAX_STILL_SIDE
        want_h = self.still_height or MAX_STILL_SIDE
        with self._lock:
            if self._cap is None:
                return None
            try:
                self._set_size(self._cap, want_w, want_h)
                frame = None
                for _ in range(STILL_WARMUP_FRAMES):
                    ok, grabbed = self._cap.read()
                    if ok and grabbed is not None:
                        frame = grabbed
            finally:
                self._set_size(self._cap, self.width, self.height)
        return None if frame is None else encode_still(frame, fmt)

    def _release(self) -> None:
        with self._lock:
            if self._cap is not None:
                self._cap.release()
                self._cap = None
            self.node = ""

    def close(self) -> None:
        self._release()
        self._health = Health.missing(self.role, "closed")

    def health(self) -> Health:
        return self._health
