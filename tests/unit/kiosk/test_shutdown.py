"""The booth stops cleanly: calls closed to the end, devices released, and a bound on the rest.

A peer connection's close that is cut short leaves aiortc's decoder thread
(not a daemon thread) waiting for ever, and the kiosk process cannot exit;
under CPU load that is what the e2e tests saw as a kiosk killed with -9.
"""

from __future__ import annotations

import asyncio
import logging
import threading

import pytest

from drivers.health import Health
from kiosk import controller as ctl
from kiosk import watchdog
from tests.unit.kiosk.test_controller_qr import FakeCamera, make


class SlowCloseMedia:
    """Stands in for ``CallMedia``: closing takes several turns of the loop, as aiortc's does."""

    def __init__(self) -> None:
        self.closed = False
        self.close_started = False

    async def close(self) -> None:
        self.close_started = True
        for _ in range(20):
            await asyncio.sleep(0.005)
        self.closed = True


class ClosableDevice:
    role = "call_button"

    def __init__(self) -> None:
        self.closed = False

    def probe(self) -> Health:
        return Health.ok(self.role)

    def close(self) -> None:
        self.closed = True


def controller_with(device: ClosableDevice) -> ctl.Controller:
    controller, _ = make(FakeCamera("face_camera"))
    controller.supervisor.devices.append(device)
    return controller


async def test_a_call_being_closed_when_the_booth_stops_is_closed_to_the_end():
    device = ClosableDevice()
    controller = controller_with(device)
    media = SlowCloseMedia()
    controller.media = media  # type: ignore[assignment]
    controller._stop_media()  # the official left: the close runs in the background
    await asyncio.sleep(0)
    assert media.close_started and not media.closed
    await controller.shutdown()
    assert media.closed, "shutdown returned before the peer connection was closed"
    assert device.closed


async def test_the_call_in_progress_is_closed_when_the_booth_stops():
    device = ClosableDevice()
    controller = controller_with(device)
    media = SlowCloseMedia()
    controller.media = media  # type: ignore[assignment]
    await controller.shutdown()
    assert media.closed and controller.media is None
    assert device.closed


async def test_a_close_that_hangs_is_reported_and_the_devices_are_still_released(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    monkeypatch.setattr(ctl, "MEDIA_CLOSE_S", 0.05)
    device = ClosableDevice()
    controller = controller_with(device)

    class Hangs:
        async def close(self) -> None:
            await asyncio.Event().wait()

    controller.media = Hangs()  # type: ignore[assignment]
    await controller.shutdown()
    assert "did not close" in caplog.text
    assert device.closed


def test_the_watchdog_names_the_thread_that_holds_the_process_and_exits_not_zero(caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.ERROR)
    release = threading.Event()
    holder = threading.Thread(target=release.wait, name="stuck-decoder")
    holder.start()
    codes: list[int] = []
    fired = threading.Event()

    def exit_(code: int) -> None:
        codes.append(code)
        fired.set()

    try:
        watchdog.shutdown_watchdog(0.05, exit=exit_)
        assert fired.wait(5)
    finally:
        release.set()
        holder.join()
    assert codes == [watchdog.EXIT_HUNG]
    assert "stuck-decoder" in caplog.text


def test_a_shutdown_in_time_is_not_ended_by_the_watchdog():
    codes: list[int] = []
    timer = watchdog.shutdown_watchdog(0.2, exit=codes.append)
    assert timer.daemon, "the watchdog itself must never keep the process alive"
    timer.cancel()
    timer.join()
    assert codes == []
