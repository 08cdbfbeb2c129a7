"""The USB-serial call button against a socat pty pair; the test plays the button box firmware."""

from __future__ import annotations

import threading
import time

import pytest

from drivers.button import SerialButtonConfig, SerialCallButton
from drivers.button_logic import LedState, Press, PressKind
from drivers.sim.button import SimButtonBox
from protocol.messages import DeviceState
from tests.hil.serial_fixtures import SerialPair, serial_pair  # noqa: F401  (fixture)
from tests.support.waiting import wait_for

pytestmark = pytest.mark.timeout(60)


class Presses:
    """Collects presses delivered on the driver's thread."""

    def __init__(self) -> None:
        self.items: list[Press] = []
        self.lock = threading.Lock()

    def __call__(self, press: Press) -> None:
        with self.lock:
            self.items.append(press)

    def kinds(self) -> list[PressKind]:
        with self.lock:
            return [p.kind for p in self.items]


@pytest.fixture
def rig(serial_pair: SerialPair):  # noqa: F811
    presses = Presses()
    box = SimButtonBox(serial_pair.host_path)
    button = SerialCallButton(SerialButtonConfig(serial_pair.device_path, long_press_s=0.8), presses)
    wait_for("button OK", lambda: button.probe().state is DeviceState.OK, timeout=10)
    holder = {"box": box}
    yield serial_pair, holder, button, presses
    button.close()
    holder["box"].close()


def test_short_press_arrives_as_one_short_event(rig) -> None:
    _, holder, _button, presses = rig
    holder["box"].press(hold_s=0.1)
    wait_for("a press", lambda: presses.kinds() or None)
    time.sleep(0.3)  # room for a wrong second event to show up
    assert presses.kinds() == [PressKind.SHORT]


def test_long_hold_arrives_as_long_press_and_release_adds_nothing(rig) -> None:
    _, holder, _button, presses = rig
    box = holder["box"]
    box.down()
    wait_for("a long press while still held", lambda: presses.kinds() or None)
    assert presses.kinds() == [PressKind.LONG]
    box.up()
    time.sleep(0.3)
    assert presses.kinds() == [PressKind.LONG]


def test_contact_bounce_gives_one_press(rig) -> None:
    _, holder, _button, presses = rig
    box = holder["box"]
    box.bounce(edges=7, end_pressed=True)  # closing contact chatters
    time.sleep(0.1)
    box.bounce(edges=5, end_pressed=False)  # and chatters again when released
    wait_for("a press", lambda: presses.kinds() or None)
    time.sleep(0.3)
    assert presses.kinds() == [PressKind.SHORT]


def test_led_commands_reach_the_box_and_its_report_is_tracked(rig) -> None:
    _, holder, button, _ = rig
    box = holder["box"]
    button.set_led(LedState.ON)  # help requested
    wait_for("box LED on", lambda: box.led is LedState.ON)
    wait_for("driver sees the box report ON", lambda: button.led_reported is LedState.ON)
    button.set_led(LedState.BLINK)  # advisor acknowledged
    wait_for("box LED blinking", lambda: box.led is LedState.BLINK)
    wait_for("driver sees BLINK", lambda: button.led_reported is LedState.BLINK)
    assert "LED BLINK" in box.commands


def test_garbage_on_the_line_is_counted_and_presses_still_work(rig) -> None:
    _, holder, button, presses = rig
    box = holder["box"]
    box.send(b"\xff\xfe\x80 binary noise\n")
    box.send(b"X" * 5000 + b"\n")  # overlong line
    box.send(b"REBOOTING NOW\n")  # unknown word
    box.send(b"LED PURPLE\n")  # unknown LED state
    wait_for("four garbage lines counted", lambda: button.garbage_lines >= 4)
    assert button.garbage_lines == 4
    box.press(hold_s=0.1)
    wait_for("the press after garbage", lambda: presses.kinds() == [PressKind.SHORT])
    assert button.probe().state is DeviceState.OK


def test_unplug_is_missing_within_2_s_and_replug_recovers_same_driver(rig) -> None:
    pair, holder, button, presses = rig
    button.set_led(LedState.ON)
    wait_for("box LED on", lambda: holder["box"].led is LedState.ON)
    holder["box"].close()
    pair.unplug()
    unplugged_at = time.monotonic()
    wait_for("MISSING after unplug", lambda: button.probe().state is DeviceState.MISSING, timeout=10)
    # Functional deadline from the issue: a vanished device is reported within 2 s. The driver
    # sees the port error within one 50 ms read (the path check every 1 s is the fallback), so
    # this 2 s bound leaves more than a second of slack for a loaded machine.
    assert time.monotonic() - unplugged_at < 2.0
    assert "disconnected" in button.probe().reason or "does not exist" in button.probe().reason

    pair.replug()
    holder["box"] = box = SimButtonBox(pair.host_path)
    wait_for("OK after replug", lambda: button.probe().state is DeviceState.OK, timeout=10)
    # The replugged box booted with its LED off; the driver restores what the citizen should see.
    wait_for("LED restored after replug", lambda: box.led is LedState.ON)
    box.press(hold_s=0.1)
    wait_for("a press after replug", lambda: presses.kinds() == [PressKind.SHORT])


def test_box_that_stops_answering_is_degraded(serial_pair: SerialPair) -> None:  # noqa: F811
    box = SimButtonBox(serial_pair.host_path, answer_ping=False)
    button = SerialCallButton(SerialButtonConfig(serial_pair.device_path), lambda _p: None)
    try:
        health = wait_for(
            "DEGRADED for a silent box",
            lambda: (h := button.probe()).state is DeviceState.DEGRADED and h,
            timeout=15,
        )
        assert "not answering" in health.reason
    finally:
        button.close()
        box.close()


def test_missing_path_at_start_is_missing_with_the_path_named(tmp_path) -> None:
    path = str(tmp_path / "no-such-button")
    button = SerialCallButton(SerialButtonConfig(path), lambda _p: None)
    try:
        health = wait_for("MISSING naming the path", lambda: path in (h := button.probe()).reason and h)
        assert health.state is DeviceState.MISSING
    finally:
        button.close()


async def test_supervisor_reports_button_unplug_and_replug(serial_pair: SerialPair) -> None:  # noqa: F811
    """The kiosk's Supervisor sees the button go MISSING and come back OK through ``probe()``."""
    import asyncio

    from drivers.supervisor import Supervisor

    reports: list[DeviceState] = []
    box = SimButtonBox(serial_pair.host_path)
    button = SerialCallButton(SerialButtonConfig(serial_pair.device_path), lambda _p: None)
    supervisor = Supervisor([button], lambda health: reports.append(health[0].state))
    task = asyncio.create_task(supervisor.run())

    async def until(state: DeviceState, timeout: float) -> float:
        start = time.monotonic()
        while not reports or reports[-1] is not state:
            assert time.monotonic() - start < timeout, f"no {state.value} report within {timeout} s: {reports}"
            await asyncio.sleep(0.05)
        return time.monotonic() - start

    try:
        await until(DeviceState.OK, 10)
        box.close()
        serial_pair.unplug()
        # Functional deadline from the issue (reported within 2 s), including the supervisor's 0.5 s interval.
        assert await until(DeviceState.MISSING, 10) < 2.0
        serial_pair.replug()
        box = SimButtonBox(serial_pair.host_path)
        await until(DeviceState.OK, 10)
    finally:
        task.cancel()
        supervisor.close()
        box.close()
