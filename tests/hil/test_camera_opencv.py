"""The OpenCV camera driver against a video file standing in for the device.

No V4L2 devices exist on these machines (no kernel modules), so OpenCV reads
a file through the same ``VideoCapture`` path it uses for a camera.
"""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np
import pytest

from drivers.camera import OpenCVCamera
from drivers.sim.camera import card_frame
from protocol.messages import DeviceState


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    path = tmp_path / "camera.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30, (320, 240))
    for n in range(10):
        writer.write(card_frame(320, 240, n))
    writer.release()
    return path


def test_reads_frames_then_reports_a_stalled_device(clip: Path):
    cam = OpenCVCamera("document_camera", str(clip), 320, 240)
    cam.open()
    assert cam.health().state is DeviceState.OK
    frames = [cam.read() for _ in range(10)]
    assert all(f is not None and f.shape == (240, 320, 3) for f in frames)
    assert not np.array_equal(frames[0], frames[5])
    assert cam.read() is None  # the "device" stopped delivering
    health = cam.health()
    assert health.state is DeviceState.DEGRADED and "no frames" in health.reason
    cam.close()
    assert cam.health().state is DeviceState.MISSING


def test_a_device_that_is_not_there_is_missing_with_a_reason(tmp_path: Path):
    cam = OpenCVCamera("face_camera", str(tmp_path / "unplugged"), 320, 240)
    cam.open()
    health = cam.health()
    assert health.state is DeviceState.MISSING and "plugged in" in health.reason
    assert cam.read() is None


@pytest.mark.hardware
def test_real_face_camera_delivers_frames():
    device = os.environ.get("ETAPISTE_HARDWARE_FACE_CAMERA")
    if not device:
        pytest.skip("set ETAPISTE_HARDWARE_FACE_CAMERA=/dev/v4l/by-id/... to test a real camera")
    cam = OpenCVCamera("face_camera", device)
    cam.open()
    assert cam.read() is not None, cam.health().reason
    cam.close()
