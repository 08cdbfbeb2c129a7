"""The controller's QR reading during check-in, its new inputs and the status file's targets.

The cameras are stand-ins that return marker frames, and ``read_qr`` is
replaced by a lookup of the marker, so these tests exercise the scanning loop
(one scan at a time, off the event loop, once per payload, survives errors)
and not OpenCV (``tests/unit/drivers/test_qr.py`` does that).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time

import numpy as np
import pytest

from drivers.camera import Camera
from drivers.health import Health
from drivers.sim.microphone import ToneMicrophone
from kiosk import controller as ctl
from kiosk import session as sm
from kiosk.config import KioskConfig
from kiosk.devices import BoothDevices
from protocol.codec import decode
from protocol.messages import (
    BoothCatalogue,
    CameraSource,
    CheckinRequest,
    QueueStatus,
    ServiceChoice,
    SessionLobby,
    SessionRequest,
)

CODE = "K7M2QX"
#: Frames are 1x1 arrays holding an index into this table; the fake read_qr looks it up.
PAYLOADS: list[list[str]] = [[], ["ETP1:" + CODE], ["https://example.org/"], ["https://example.org/", "ETP1:B8C4DE"]]


def frame(index: int) -> np.ndarray:
    return np.full((1, 1), index, dtype=np.uint8)


def fake_read_qr(image: np.ndarray) -> list[str]:
    return list(PAYLOADS[int(image[0, 0])])


class Concurrency:
    """How many camera reads run at once, over all cameras."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = self.most = 0


class FakeCamera(Camera):
    """Shows one payload (an index into PAYLOADS); counts reads and how many run at once."""

    def __init__(self, role: str, showing: int = 0, delay: float = 0.0, shared: Concurrency | None = None) -> None:
        self.role, self.showing, self.delay = role, showing, delay
        self.reads = 0
        self.fail: Exception | None = None
        self.shared = shared or Concurrency()
        self.threads: set[int] = set()

    def open(self) -> None: ...

    def close(self) -> None: ...

    def health(self) -> Health:
        return Health.ok(self.role)

    def read(self) -> np.ndarray | None:
        with self.shared.lock:
            self.shared.running += 1
            self.shared.most = max(self.shared.most, self.shared.running)
        self.threads.add(threading.get_ident())
        try:
            time.sleep(self.delay)
            self.reads += 1
            if self.fail is not None:
                raise self.fail
            return frame(self.showing)
        finally:
            with self.shared.lock:
                self.shared.running -= 1


class FakeUi:
    def __init__(self) -> None:
        self.shown: list[sm.Show] = []
        self.catalogues: list[tuple] = []
        self.queues: list[tuple[int, int | None]] = []
        self.fail_targets = False
        self.volumes: list[int] = []
        self.looks: list[sm.Look] = []

    def show(self, command: sm.Show) -> None:
        self.shown.append(command)

    def set_media(self, media: object) -> None: ...

    def show_assist(self, state: object, confirmed: bool = True) -> None: ...

    def set_catalogue(self, services: tuple) -> None:
        self.catalogues.append(services)

    def show_queue(self, position: int, wait_min: int | None) -> None:
        self.queues.append((position, wait_min))

    def show_people(self, people: tuple) -> None:
        self.people = people

    def show_share(self, sharing: bool) -> None:
        self.sharing = sharing

    def show_muted(self, muted: bool) -> None:
        pass

    def show_volume(self, volume: int) -> None:
        self.volumes.append(volume)

    def set_look(self, look: sm.Look) -> None:
        self.looks.append(look)

    def targets(self) -> dict[str, tuple[float, float]]:
        if self.fail_targets:
            raise RuntimeError("no window")
        return {"start": (0.5, 0.37), "booking": (0.5, 0.57)}


class FakeSocket:
    def __init__(self) -> None:
        self.sent: list[object] = []

    async def send(self, frame: str) -> None:
        self.sent.append(decode(frame))


@pytest.fixture(autouse=True)
def fast_scans(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ctl, "read_qr", fake_read_qr)
    monkeypatch.setattr(ctl, "QR_SCAN_INTERVAL_S", 0.02)


def make(face: FakeCamera | None = None, document: FakeCamera | None = None) -> tuple[ctl.Controller, FakeUi]:
    cameras: dict[CameraSource, Camera] = {CameraSource.FACE: face or FakeCamera("face_camera")}
    if document is not None:
        cameras[CameraSource.DOCUMENT] = document
    ui = FakeUi()
    controller = ctl.Controller(
        KioskConfig(backend_url="ws://127.0.0.1:1/ws", booth_id="b-1", secret="s"),
        BoothDevices(cameras=cameras, microphone=ToneMicrophone()),
        ui,
    )
    controller._ws = FakeSocket()  # type: ignore[assignment]
    controller.feed(sm.Connected(controller.clock()))
    return controller, ui


def sent(controller: ctl.Controller) -> list[object]:
    return controller._ws.sent  # type: ignore[union-attr]


async def until(condition, timeout: float = 2.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


async def stop(controller: ctl.Controller) -> None:
    controller._set_scanning(False)
    if controller._scan_task is not None:
        await asyncio.wait_for(controller._scan_task, 2)


async def test_a_booking_qr_code_is_checked_once_and_never_logged(caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.DEBUG)
    camera = FakeCamera("face_camera", showing=1)
    controller, ui = make(camera)
    controller.press_booking()
    await until(lambda: controller.machine.state.phase is sm.Phase.CHECKING)
    await asyncio.sleep(0.1)  # the QR stays in view: no second request
    assert [m for m in sent(controller) if isinstance(m, CheckinRequest)] == [CheckinRequest(code=CODE)]
    assert ui.shown[-1] == sm.Show(sm.Screen.CHECKIN, sm.Notice.CHECKING, busy=True)
    assert CODE not in caplog.text
    assert "a QR code was seen" in caplog.text
    await stop(controller)


async def test_scans_run_off_the_event_loop_and_one_at_a_time():
    shared = Concurrency()
    face = FakeCamera("face_camera", delay=0.03, shared=shared)
    document = FakeCamera("document_camera", delay=0.03, shared=shared)
    controller, _ = make(face, document)
    controller.press_booking()
    for _ in range(5):  # stop and start again while a scan is under way
        await asyncio.sleep(0.02)
        controller._set_scanning(False)
        controller._set_scanning(True)
    await until(lambda: face.reads >= 5 and document.reads >= 5)
    assert shared.most == 1
    assert threading.get_ident() not in face.threads | document.threads
    await stop(controller)


async def test_scanning_stops_when_the_citizen_goes_back():
    camera = FakeCamera("face_camera")
    controller, _ = make(camera)
    controller.press_booking()
    await until(lambda: camera.reads >= 2)
    controller.press_back()
    assert controller.machine.state.phase is sm.Phase.IDLE
    await asyncio.wait_for(controller._scan_task, 2)  # type: ignore[arg-type]
    reads = camera.reads
    await asyncio.sleep(0.1)
    assert camera.reads == reads


async def test_a_failing_camera_does_not_stop_the_other_and_is_logged_once(caplog: pytest.LogCaptureFixture):
    broken, document = FakeCamera("face_camera"), FakeCamera("document_camera")
    broken.fail = OSError("gone")
    controller, _ = make(broken, document)
    controller.press_booking()
    await until(lambda: broken.reads >= 5)
    document.showing = 1
    await until(lambda: controller.machine.state.phase is sm.Phase.CHECKING)
    assert caplog.text.count("reading QR codes from the face camera failed") == 1
    await stop(controller)


async def test_a_failing_qr_reader_does_not_stop_scanning(monkeypatch: pytest.MonkeyPatch):
    calls = {"n": 0}

    def flaky(image: np.ndarray) -> list[str]:
        calls["n"] += 1
        if calls["n"] <= 3:
            raise RuntimeError("decoder crashed")
        return fake_read_qr(image)

    monkeypatch.setattr(ctl, "read_qr", flaky)
    controller, _ = make(FakeCamera("face_camera", showing=1))
    controller.press_booking()
    await until(lambda: controller.machine.state.phase is sm.Phase.CHECKING)
    await stop(controller)


async def test_a_booking_qr_is_preferred_to_another_qr_in_view():
    controller, _ = make(FakeCamera("face_camera", showing=2), FakeCamera("document_camera", showing=3))
    controller.press_booking()
    await until(lambda: controller.machine.state.phase is sm.Phase.CHECKING)
    assert [m for m in sent(controller) if isinstance(m, CheckinRequest)] == [CheckinRequest(code="B8C4DE")]
    await stop(controller)


async def test_another_qr_alone_is_reported_once_and_ignored(caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.INFO)
    camera = FakeCamera("face_camera", showing=2)
    controller, _ = make(camera)
    controller.press_booking()
    await until(lambda: camera.reads >= 6)
    assert controller.machine.state.phase is sm.Phase.CHECKIN
    assert caplog.text.count("not a booking code") == 1
    assert "example.org" not in caplog.text
    await stop(controller)


async def test_new_inputs_reach_the_machine():
    controller, ui = make()
    controller.touched()  # nothing to keep alive at the attract screen
    controller.press_booking()
    controller.submit_code("K7M2QX")
    assert [m for m in sent(controller) if isinstance(m, CheckinRequest)] == []  # sent by a task
    await until(lambda: any(isinstance(m, CheckinRequest) for m in sent(controller)))
    controller.feed(sm.Received(SessionLobby(session_id="s-1"), controller.clock()))
    controller.feed(sm.Received(QueueStatus(session_id="s-1", position=2, wait_min=None), controller.clock()))
    assert ui.queues == [(2, None)]
    await stop(controller)


async def test_choosing_a_service_sends_the_request():
    controller, ui = make()
    service = ServiceChoice(service_id="tax", name_fi="Verot", name_sv="Skatter", name_en="Taxes", languages=("sv",))
    controller.feed(sm.Received(BoothCatalogue(services=(service,)), controller.clock()))
    assert ui.catalogues == [(service,)]
    controller.press_start()
    assert ui.shown[-1] == sm.Show(sm.Screen.CHOOSE)
    controller.press_back()
    assert ui.shown[-1] == sm.Show(sm.Screen.ATTRACT)
    controller.press_start()
    controller.choose_service("tax", "sv")
    await until(lambda: SessionRequest(service_id="tax", language="sv") in sent(controller))


async def test_status_carries_the_screens_targets():
    controller, ui = make()
    assert controller.status()["targets"] == {"start": (0.5, 0.37), "booking": (0.5, 0.57)}
    ui.fail_targets = True
    assert controller.status()["targets"] == {}
