"""The controller in its own thread and loop: inputs from other threads reach it, stop releases all."""

from __future__ import annotations

import threading
import time

from kiosk import session as sm
from kiosk.core_thread import CoreThread
from tests.unit.kiosk.test_controller_qr import FakeCamera, make


def wait(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_inputs_from_the_ui_thread_are_fed_on_the_core_loop_and_stop_releases_the_devices():
    camera = FakeCamera("face_camera")
    controller, _ui = make(camera)
    fed_on: list[int] = []
    real_feed = controller.feed
    controller.feed = lambda event: (fed_on.append(threading.get_ident()), real_feed(event))  # type: ignore[method-assign]
    closed: list[bool] = []
    controller.supervisor.close = lambda: closed.append(True)  # type: ignore[method-assign]
    core = CoreThread(controller)
    core.start()
    wait(lambda: controller._loop_thread is not None)
    fed: list[sm.Event] = []
    real_handle = controller.machine.handle
    controller.machine.handle = lambda event: (fed.append(event), real_handle(event))[1]  # type: ignore[method-assign]
    controller.press_start()  # this test's thread plays the UI thread
    wait(lambda: any(isinstance(e, sm.StartPressed) for e in fed))
    assert fed_on[-1] == controller._loop_thread != threading.get_ident()
    core.stop(timeout=10)
    assert core.finished.done() and core.finished.exception() is None
    assert closed == [True]
    assert not any(t.name == "etapiste-core" for t in threading.enumerate())
