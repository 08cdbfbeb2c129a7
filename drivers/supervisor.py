"""Watching booth devices: health within 2 seconds, recovery without a restart.

Every driver implements ``SupervisedDevice.probe``: look at the device, open
or reopen it if it is closed or gone, and return its ``Health``. ``probe``
never raises and never blocks for long; the supervisor calls it off the event
loop, on a fixed interval, and reports every change of any device's health
through one callback. A probe that hangs is reported as degraded ("not
answering") rather than freezing the booth.

Device *events* (a button pressed, a card inserted) do not go through here:
drivers call the ``on_event`` callback they were given, from whatever thread
they run in; the kiosk marshals those onto its event loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import Protocol

from drivers.health import Health

log = logging.getLogger("etapiste.drivers")

#: How often devices are probed. With the probe's own time this keeps a
#: vanished device reported well within the 2 s the booth promises.
PROBE_INTERVAL_S = 0.5
#: A probe taking longer than this is reported as not answering.
PROBE_TIMEOUT_S = 1.0


class SupervisedDevice(Protocol):
    role: str

    def probe(self) -> Health:
        """Check the device, (re)opening it if needed. Must not raise."""
        ...

    def close(self) -> None: ...


class Supervisor:
    def __init__(
        self,
        devices: Sequence[SupervisedDevice],
        on_change: Callable[[tuple[Health, ...]], None],
        interval: float = PROBE_INTERVAL_S,
        timeout: float = PROBE_TIMEOUT_S,
    ) -> None:
        self.devices = list(devices)
        self.on_change = on_change
        self.interval, self.timeout = interval, timeout
        self.health: tuple[Health, ...] = ()
        # A probe still running in its thread after a timeout: don't start
        # another one on the same device and pile threads onto a hung driver.
        self._in_flight: dict[int, asyncio.Future[Health]] = {}

    async def probe_all(self) -> tuple[Health, ...]:
        """Probe every device once (concurrently); report if anything changed."""
        results = await asyncio.gather(*(self._probe(d) for d in self.devices))
        health = tuple(results)
        if health != self.health:
            for old, new in zip(self.health or (None,) * len(health), health, strict=False):
                if old is None or old.state is not new.state:
                    log.info("device %s: %s %s", new.role, new.state.value, new.reason)
            self.health = health
            self.on_change(health)
        return health

    async def run(self) -> None:
        while True:
            await self.probe_all()
            await asyncio.sleep(self.interval)

    def close(self) -> None:
        for device in self.devices:
            try:
                device.close()
            except Exception:  # closing must never stop the others from closing
                log.exception("closing %s failed", device.role)

    async def _probe(self, device: SupervisedDevice) -> Health:
        key = id(device)
        pending = self._in_flight.get(key)
        if pending is None or pending.done():
            pending = self._in_flight[key] = asyncio.ensure_future(asyncio.to_thread(device.probe))
        try:
            return await asyncio.wait_for(asyncio.shield(pending), self.timeout)
        except TimeoutError:
            return Health.degraded(device.role, f"not answering within {self.timeout:.0f} s")
        except Exception as exc:  # a driver bug must not take the booth down
            log.exception("probe of %s raised", device.role)
            return Health.degraded(device.role, f"driver error: {type(exc).__name__}")
