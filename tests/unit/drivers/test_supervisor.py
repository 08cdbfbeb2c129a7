"""The supervisor reports changes promptly and survives misbehaving drivers."""

from __future__ import annotations

import asyncio
import threading

from drivers.health import Health
from drivers.supervisor import Supervisor
from protocol.messages import DeviceState


class FakeDevice:
    """A device whose probe result the test sets (this is the driver's side)."""

    def __init__(self, role: str) -> None:
        self.role = role
        self.result = Health.ok(role)
        self.raise_: Exception | None = None
        self.block = threading.Event()
        self.blocking = False
        self.closed = False
        self.probes = 0

    def probe(self) -> Health:
        self.probes += 1
        if self.blocking:
            self.block.wait(5)
        if self.raise_:
            raise self.raise_
        return self.result

    def close(self) -> None:
        self.closed = True


async def test_reports_only_changes():
    cam, mic = FakeDevice("face_camera"), FakeDevice("microphone")
    seen: list[tuple[Health, ...]] = []
    sup = Supervisor([cam, mic], seen.append)
    await sup.probe_all()
    await sup.probe_all()
    assert len(seen) == 1
    cam.result = Health.missing("face_camera", "unplugged")
    await sup.probe_all()
    assert [h.state for h in seen[-1]] == [DeviceState.MISSING, DeviceState.OK]


async def test_a_raising_driver_is_degraded_not_fatal():
    bad = FakeDevice("printer")
    bad.raise_ = OSError("boom")
    sup = Supervisor([bad], lambda h: None)
    (health,) = await sup.probe_all()
    assert health.state is DeviceState.DEGRADED and "OSError" in health.reason


async def test_a_hanging_probe_is_reported_and_not_piled_up():
    slow = FakeDevice("card_reader")
    slow.blocking = True
    sup = Supervisor([slow], lambda h: None, timeout=0.1)
    (health,) = await sup.probe_all()
    assert health.state is DeviceState.DEGRADED and "not answering" in health.reason
    await sup.probe_all()
    assert slow.probes == 1  # the second round waited on the same stuck probe
    slow.blocking = False
    slow.block.set()
    await asyncio.sleep(0.05)
    (health,) = await sup.probe_all()
    assert health.state is DeviceState.OK


def test_close_closes_every_device_even_if_one_fails():
    a, b = FakeDevice("a"), FakeDevice("b")

    def broken() -> None:
        raise RuntimeError("x")

    a.close = broken  # type: ignore[method-assign]
    Supervisor([a, b], lambda h: None).close()
    assert b.closed
