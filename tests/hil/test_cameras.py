"""The camera driver against stand-ins: video files as device nodes in a fake sysfs + /dev tree.

Covers what the pilot got wrong: roles swapping with enumeration order, an
unplugged camera nobody noticed, a black or frozen picture, and the
document camera's high-resolution still. ``hardware``-marked tests run
against real cameras named in environment variables and skip otherwise.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from drivers.camera import OpenCVCamera
from drivers.camera_identity import CameraResolver
from drivers.health import Health
from drivers.picture import PictureMonitor, Verdict
from drivers.qr import read_qr
from drivers.sim.camera import SimulatedCamera
from drivers.supervisor import Supervisor
from protocol.messages import DeviceState
from tests.hil.camera_fixtures import FakeUsbCamera, FakeV4L2, solid, write_clip
from tests.support.waiting import wait_for
from tests.unit.drivers.test_qr import qr_image

FACE = FakeUsbCamera("046d", "085b", "A1B2C3", "1-2", "C925e")
DOCUMENT = FakeUsbCamera("046d", "0825", "ABC", "1-3", "C270")
ORANGE, TEAL = (0, 140, 255), (160, 160, 0)


def dominant(frame: np.ndarray) -> tuple[int, int, int]:
    b, g, r = (round(float(c)) for c in frame.reshape(-1, 3).mean(axis=0))
    return b, g, r


def near(colour: tuple[int, int, int], expected: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 12 for a, b in zip(colour, expected, strict=True))


@pytest.fixture
def clips(tmp_path: Path) -> dict[str, Path]:
    """A 'face' picture (orange) and a 'document' picture (teal), long enough for a few seconds of probing."""
    return {
        FACE.serial: write_clip(tmp_path / "face.avi", [solid(320, 240, ORANGE, n) for n in range(120)]),
        DOCUMENT.serial: write_clip(tmp_path / "document.avi", [solid(320, 240, TEAL, n) for n in range(120)]),
    }


@pytest.fixture
def v4l(tmp_path: Path) -> FakeV4L2:
    return FakeV4L2(tmp_path / "machine")


def cameras(v4l: FakeV4L2, face_id: str, document_id: str) -> tuple[OpenCVCamera, OpenCVCamera]:
    resolver = CameraResolver(v4l.sys, v4l.dev)
    face = OpenCVCamera("face_camera", face_id, 320, 240, resolver=resolver)
    document = OpenCVCamera("document_camera", document_id, 320, 240, resolver=resolver)
    return face, document


@pytest.mark.parametrize(
    "face_id, document_id",
    [
        ("usb:046d:085b:A1B2C3", "usb:046d:0825:ABC"),
        (f"/dev/v4l/by-id/{FACE.by_id}", f"/dev/v4l/by-id/{DOCUMENT.by_id}"),
    ],
)
def test_face_and_document_cameras_keep_their_roles_across_boots(
    v4l: FakeV4L2, clips: dict[str, Path], face_id: str, document_id: str
):
    for order in ([FACE, DOCUMENT], [DOCUMENT, FACE]):  # two boots, cameras enumerated in swapped order
        v4l.boot(order, clips)
        face, document = cameras(v4l, face_id, document_id)
        face.open()
        document.open()
        try:
            assert near(dominant(face.read()), ORANGE), f"face camera shows the wrong picture after boot {order}"
            assert near(dominant(document.read()), TEAL), f"document camera shows the wrong picture after boot {order}"
        finally:
            face.close()
            document.close()


def test_a_configured_camera_that_is_absent_is_missing_naming_it(v4l: FakeV4L2, clips: dict[str, Path]):
    v4l.boot([FACE], clips)
    face, document = cameras(v4l, "usb:046d:085b:A1B2C3", "usb:046d:0825:ABC")
    assert face.probe().state is DeviceState.OK
    health = document.probe()
    assert health.state is DeviceState.MISSING
    assert "document camera usb 046d:0825 serial ABC not found" in health.reason
    face.close()


async def test_unplug_is_reported_within_2_s_and_replug_reopens_the_same_camera(v4l: FakeV4L2, clips: dict[str, Path]):
    v4l.boot([FACE, DOCUMENT], clips)
    face, document = cameras(v4l, "usb:046d:085b:A1B2C3", "usb:046d:0825:ABC")
    reports: list[tuple[float, tuple[Health, ...]]] = []
    supervisor = Supervisor([face, document], lambda h: reports.append((time.monotonic(), h)))
    task = asyncio.create_task(supervisor.run())

    def document_state() -> DeviceState | None:
        return reports[-1][1][1].state if reports else None

    try:
        await asyncio.to_thread(
            wait_for,
            "both cameras ok",
            lambda: bool(reports) and all(h.state is DeviceState.OK for h in reports[-1][1]),
            15,
        )
        unplugged_at = time.monotonic()
        v4l.unplug(DOCUMENT, "video2")
        await asyncio.to_thread(
            wait_for, "document camera missing", lambda: document_state() is DeviceState.MISSING, 15
        )
        reported_at, health = next((t, h) for t, h in reports if h[1].state is DeviceState.MISSING)
        # The booth's promise (issue: "reported within 2 seconds"); probes run every 0.5 s.
        assert reported_at - unplugged_at <= 2.0
        assert "document camera usb 046d:0825 serial ABC unplugged" in health[1].reason
        assert health[0].state is DeviceState.OK  # the face camera is unaffected

        # Replugged into another port order: the kernel now calls it video0.
        v4l.boot([DOCUMENT, FACE], clips)
        await asyncio.to_thread(wait_for, "document camera ok again", lambda: document_state() is DeviceState.OK, 15)
        assert document.node == str(v4l.dev / "video0")
        await asyncio.to_thread(
            wait_for, "face camera following its device", lambda: face.node == str(v4l.dev / "video2"), 15
        )
        assert near(dominant(await asyncio.to_thread(document.read)), TEAL)
        assert near(dominant(await asyncio.to_thread(face.read)), ORANGE)  # face followed its camera to video2
    finally:
        task.cancel()
        supervisor.close()


async def test_a_camera_delivering_black_frames_is_degraded_with_the_reason(tmp_path: Path):
    clip = write_clip(tmp_path / "black.avi", [np.zeros((240, 320, 3), np.uint8)] * 120)
    cam = OpenCVCamera("face_camera", str(clip), 320, 240)
    reports: list[tuple[Health, ...]] = []
    supervisor = Supervisor([cam], reports.append)
    task = asyncio.create_task(supervisor.run())
    try:
        await asyncio.to_thread(
            wait_for,
            "black picture reported",
            lambda: bool(reports) and reports[-1][0].state is DeviceState.DEGRADED,
            15,
        )
        assert reports[-1][0].reason == "face camera picture is black — lens covered or camera fault"
        assert any(
            r[0].state is DeviceState.OK for r in reports
        )  # opened fine first: a picture fault, not a missing camera
    finally:
        task.cancel()
        supervisor.close()


async def test_a_driver_repeating_one_frame_is_frozen(tmp_path: Path):
    still_scene = solid(320, 240, ORANGE)
    clip = write_clip(tmp_path / "stuck.avi", [still_scene] * 150)
    cam = OpenCVCamera("document_camera", str(clip), 320, 240)
    reports: list[tuple[Health, ...]] = []
    supervisor = Supervisor([cam], reports.append)
    task = asyncio.create_task(supervisor.run())
    try:
        await asyncio.to_thread(
            wait_for, "frozen picture reported", lambda: bool(reports) and "frozen" in reports[-1][0].reason, 20
        )
        assert reports[-1][0].state is DeviceState.DEGRADED
        assert reports[-1][0].reason.startswith("document camera picture is frozen")
    finally:
        task.cancel()
        supervisor.close()


def test_document_still_has_the_full_resolution_while_video_stays_small(tmp_path: Path):
    page = np.full((1080, 1920, 3), 235, np.uint8)  # a form on the desk, with a booking QR on it
    code = cv2.cvtColor(qr_image("ETAPISTE:BOOKING:7F3K-92QX", 8), cv2.COLOR_GRAY2BGR)
    page[300 : 300 + code.shape[0], 700 : 700 + code.shape[1]] = code
    cv2.putText(page, "HAKEMUS / ANSOKAN", (100, 150), cv2.FONT_HERSHEY_SIMPLEX, 3, (20, 20, 20), 6)
    clip = write_clip(tmp_path / "desk.avi", [page] * 30)
    cam = OpenCVCamera("document_camera", str(clip), 640, 360)
    cam.open()
    try:
        assert cam.read().shape == (360, 640, 3)  # the video track gets the configured size
        still = cam.capture_still()
        assert still is not None and (still.width, still.height, still.mime) == (1920, 1080, "image/jpeg")
        decoded = cv2.imdecode(np.frombuffer(still.data, np.uint8), cv2.IMREAD_COLOR)
        assert decoded.shape == (1080, 1920, 3)
        assert read_qr(decoded) == ["ETAPISTE:BOOKING:7F3K-92QX"]  # sharp enough to read
        assert cam.read().shape == (360, 640, 3)  # and video is back to its size afterwards
        png = cam.capture_still("png")
        assert png is not None and png.mime == "image/png"
        assert cv2.imdecode(np.frombuffer(png.data, np.uint8), cv2.IMREAD_COLOR).shape == (1080, 1920, 3)
    finally:
        cam.close()
    assert cam.capture_still() is None  # a closed camera gives no still rather than raising


def test_a_qr_code_shown_to_the_face_camera_is_read(tmp_path: Path):
    frame = np.full((480, 640, 3), 90, np.uint8)
    code = cv2.cvtColor(qr_image("ETAPISTE:BOOKING:AAAA-1111", 6), cv2.COLOR_GRAY2BGR)
    frame[80 : 80 + code.shape[0], 200 : 200 + code.shape[1]] = code
    cam = OpenCVCamera("face_camera", str(write_clip(tmp_path / "qr.avi", [frame] * 5)), 640, 480)
    cam.open()
    assert read_qr(cam.read()) == ["ETAPISTE:BOOKING:AAAA-1111"]
    cam.close()


@pytest.mark.hardware
def test_real_document_camera_gives_a_still_larger_than_its_video():
    device = os.environ.get("ETAPISTE_HARDWARE_DOCUMENT_CAMERA")
    if not device:
        pytest.skip("set ETAPISTE_HARDWARE_DOCUMENT_CAMERA=/dev/v4l/by-id/... (or usb:VID:PID[:SERIAL]) to test one")
    cam = OpenCVCamera("document_camera", device, 640, 360)
    cam.open()
    try:
        assert cam.read() is not None, cam.health().reason
        still = cam.capture_still()
        assert still is not None, cam.health().reason
        assert still.width > 640 and still.height > 360, "the camera offered no mode larger than 640x360"
        assert cam.read().shape[:2] == (360, 640)
    finally:
        cam.close()


@pytest.mark.hardware
def test_real_camera_unplug_and_replug_is_noticed():
    device = os.environ.get("ETAPISTE_HARDWARE_FACE_CAMERA")
    if not device or not os.environ.get("ETAPISTE_HARDWARE_INTERACTIVE"):
        pytest.skip("needs ETAPISTE_HARDWARE_FACE_CAMERA and ETAPISTE_HARDWARE_INTERACTIVE=1 (a person unplugs it)")
    cam = OpenCVCamera("face_camera", device)
    wait_for("camera ok", lambda: cam.probe().state is DeviceState.OK, 10)
    print("\nunplug the face camera now")
    wait_for("camera missing", lambda: cam.probe().state is DeviceState.MISSING, 60, every=0.5)
    print("plug it back in")
    wait_for("camera ok again", lambda: cam.probe().state is DeviceState.OK, 60, every=0.5)
    assert cam.read() is not None
    cam.close()


async def test_simulated_image_sequence_camera_unplugs_and_replugs(tmp_path: Path):
    """The demo's stand-in camera behaves like a device: its directory going away is an unplug."""
    frames = tmp_path / "frames"
    frames.mkdir()
    for n in range(4):
        cv2.imwrite(str(frames / f"{n:03d}.png"), solid(320, 240, TEAL, n))
    cam = SimulatedCamera("document_camera", 320, 240, image_dir=str(frames))
    reports: list[tuple[Health, ...]] = []
    supervisor = Supervisor([cam], reports.append)
    task = asyncio.create_task(supervisor.run())
    try:
        await asyncio.to_thread(wait_for, "ok", lambda: bool(reports) and reports[-1][0].state is DeviceState.OK, 15)
        assert near(dominant(cam.read()), TEAL)
        hidden = frames.rename(tmp_path / "elsewhere")
        await asyncio.to_thread(wait_for, "missing", lambda: reports[-1][0].state is DeviceState.MISSING, 15)
        assert cam.read() is None
        hidden.rename(frames)
        await asyncio.to_thread(wait_for, "ok again", lambda: reports[-1][0].state is DeviceState.OK, 15)
        assert near(dominant(cam.read()), TEAL)
    finally:
        task.cancel()
        supervisor.close()


@pytest.mark.parametrize(
    "mode, verdict", [("black", Verdict.BLACK), ("white", Verdict.WHITE), ("frozen", Verdict.FROZEN)]
)
def test_simulated_fault_modes_are_what_the_picture_check_catches(mode: str, verdict: Verdict):
    cam = SimulatedCamera("face_camera", 320, 240, mode=mode)
    cam.open()
    monitor = PictureMonitor()
    seen = [monitor.observe(cam.read(), n * 0.5) for n in range(10)]
    assert seen[0] is Verdict.OK and seen[-1] is verdict
    cam.close()


def test_simulated_image_sequence_gives_full_size_stills(tmp_path: Path):
    frames = tmp_path / "pages"
    frames.mkdir()
    cv2.imwrite(str(frames / "000.png"), solid(1600, 1200, TEAL))
    cam = SimulatedCamera("document_camera", 640, 480, image_dir=str(frames))
    cam.open()
    still = cam.capture_still("png")
    assert still is not None and (still.width, still.height) == (1600, 1200)
    cam.close()
    assert cam.capture_still() is None
