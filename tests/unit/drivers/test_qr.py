"""QR codes from camera-like frames: scaled, tilted, noisy, on a cluttered background."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from drivers.qr import read_qr

BOOKING = "ETAPISTE:BOOKING:7F3K-92QX"


def qr_image(payload: str, module_px: int) -> np.ndarray:
    code = cv2.QRCodeEncoder.create().encode(payload)  # 1 px per module, no quiet zone
    code = cv2.copyMakeBorder(code, 4, 4, 4, 4, cv2.BORDER_CONSTANT, value=255)
    return cv2.resize(code, None, fx=module_px, fy=module_px, interpolation=cv2.INTER_NEAREST)


def camera_frame(seed: int, codes: list[tuple[str, tuple[int, int], int]], angle: float = 0.0) -> np.ndarray:
    """A 1280x720 BGR frame: random blotches, the codes pasted at (x, y), tilted by ``angle``, sensor noise."""
    rng = np.random.default_rng(seed)
    frame = np.full((720, 1280, 3), 110, np.uint8)
    for _ in range(40):  # clutter: a desk, a sleeve, a bag
        x, y = int(rng.integers(0, 1280)), int(rng.integers(0, 720))
        colour = tuple(int(c) for c in rng.integers(0, 255, 3))
        cv2.circle(frame, (x, y), int(rng.integers(10, 80)), colour, -1)
    for payload, (x, y), module_px in codes:
        code = cv2.cvtColor(qr_image(payload, module_px), cv2.COLOR_GRAY2BGR)
        h, w = code.shape[:2]
        frame[y : y + h, x : x + w] = code
    if angle:
        matrix = cv2.getRotationMatrix2D((640, 360), angle, 1.0)
        frame = cv2.warpAffine(frame, matrix, (1280, 720), borderMode=cv2.BORDER_REPLICATE)
    frame = cv2.GaussianBlur(frame, (3, 3), 0)  # a lens is not perfectly sharp
    noise = rng.normal(0, 6, frame.shape)
    return np.clip(frame.astype(np.float64) + noise, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("angle", [0.0, 7.0, -12.0])
def test_reads_a_booking_code_held_up_to_the_camera(angle: float):
    frame = camera_frame(1, [(BOOKING, (500, 200), 6)], angle=angle)
    assert read_qr(frame) == [BOOKING]


def test_reads_two_codes_in_one_frame():
    frame = camera_frame(2, [(BOOKING, (100, 150), 6), ("ETAPISTE:BOOKING:AAAA-1111", (800, 250), 6)])
    assert sorted(read_qr(frame)) == sorted([BOOKING, "ETAPISTE:BOOKING:AAAA-1111"])


def test_reads_a_code_in_a_4k_document_still():
    frame = cv2.resize(camera_frame(3, [(BOOKING, (540, 220), 5)]), (3840, 2160), interpolation=cv2.INTER_LINEAR)
    assert read_qr(frame) == [BOOKING]


def test_a_frame_without_a_code_gives_nothing():
    assert read_qr(camera_frame(4, [])) == []
    assert read_qr(np.zeros((480, 640, 3), np.uint8)) == []
