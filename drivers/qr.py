"""Reading QR codes (booking confirmations) from a camera frame.

Either camera can read one: the citizen holds the printed or phone-screen
confirmation up to the face camera, or lays it under the document camera.
OpenCV's ArUco-based detector (``QRCodeDetectorAruco``, OpenCV >= 4.8) finds
small and tilted codes more reliably than the classic ``QRCodeDetector``; the
classic one is tried second, since each misses codes the other finds.

Pure: a frame in, payload strings out. Call it on a frame the booth already
has (a few times a second while waiting for a code), not in the video path.
"""

from __future__ import annotations

import cv2
import numpy as np

#: Frames wider than this are scaled down first: detection time grows with
#: pixels, and a booking QR held to a camera is never tiny in a 4K still.
MAX_WIDTH = 1920


def _detectors() -> list[object]:
    detectors: list[object] = []
    if hasattr(cv2, "QRCodeDetectorAruco"):
        detectors.append(cv2.QRCodeDetectorAruco())
    detectors.append(cv2.QRCodeDetector())
    return detectors


def read_qr(frame: np.ndarray) -> list[str]:
    """Payloads of the QR codes in ``frame`` (BGR or grey), in no particular order; [] when none."""
    if frame is None or frame.size == 0:
        return []
    if frame.shape[1] > MAX_WIDTH:
        scale = MAX_WIDTH / frame.shape[1]
        frame = cv2.resize(frame, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY) if frame.ndim == 3 else frame
    found: list[str] = []
    for detector in _detectors():
        try:
            ok, payloads, _points, _straight = detector.detectAndDecodeMulti(grey)  # type: ignore[attr-defined]
        except cv2.error:
            continue  # OpenCV raises on some degenerate candidate quads: treat as "nothing here"
        if ok:
            found.extend(p for p in payloads if p and p not in found)
        if found:
            break
    return found
