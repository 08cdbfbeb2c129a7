"""A simulated card reader for demos and kiosk development without pcscd.

It has the shape of ``drivers.cardreader.PcscCardReader`` (``probe``,
``card_present``, ``close``, events to ``on_event``) and reuses the real
driver's pure ``CardTracker``, so events and health read exactly as the real
reader's do. A demo or test "inserts" and "removes" the card, or unplugs
the whole reader. It simulates the hardware only; for identification the
real ``drivers.idcard`` runs against SoftHSM2 (see tests/hil/softhsm_fixtures.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from drivers.cardreader import CardEvent, CardTracker, Observation
from drivers.health import Health

#: A well-formed example ATR (ISO 7816-3 layout; not copied from any particular card).
DEMO_ATR = bytes.fromhex("3b7f9600008031b865b0850300ef1200f6829000")


class SimCardReader:
    def __init__(
        self,
        on_event: Callable[[CardEvent], None],
        reader_name: str = "Simulated Reader 00 00",
        role: str = "card_reader",
    ) -> None:
        self.role, self.reader_name, self.on_event = role, reader_name, on_event
        self._tracker = CardTracker(role, reader_name)
        self._lock = threading.Lock()
        self._plugged, self._service_up = True, True
        self._atr: bytes | None = None
        self._update()

    # -- what a person (or a demo script) does ----------------------------------------------------

    def insert(self, atr: bytes = DEMO_ATR) -> None:
        self._atr = atr
        self._update()

    def remove(self) -> None:
        self._atr = None
        self._update()

    def unplug(self) -> None:
        self._plugged = False
        self._update()

    def plug(self) -> None:
        self._plugged = True
        self._update()

    def stop_service(self) -> None:
        """Like pcscd stopping: the reader is unreachable until ``start_service``."""
        self._service_up = False
        self._update()

    def start_service(self) -> None:
        self._service_up = True
        self._update()

    # -- the driver interface ---------------------------------------------------------------------

    def probe(self) -> Health:
        with self._lock:
            return self._tracker.health

    def card_present(self) -> bool:
        with self._lock:
            return self._tracker.card is not None

    def close(self) -> None:
        """Nothing to release."""

    def _update(self) -> None:
        readers = (self.reader_name,) if self._plugged else ()
        obs = Observation(
            service_up=self._service_up,
            readers=readers if self._service_up else (),
            reader=self.reader_name if self._plugged and self._service_up else None,
            atr=self._atr if self._plugged and self._service_up else None,
        )
        with self._lock:
            events = self._tracker.observe(obs)
        for event in events:
            self.on_event(event)
