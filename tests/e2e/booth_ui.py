"""Driving the booth's touchscreen like a citizen: tap what is on the screen, by name.

The kiosk writes the normalised centre of every tappable widget of the current
screen into its status file (``targets``); the tests tap there over TUIO, the
same path a finger on the panel takes through Kivy. So a test never hard-codes
where a button is, and a button that is not on the screen cannot be tapped.
"""

from __future__ import annotations

from etapiste.touch import TouchPanel
from tests.e2e.processes import Kiosk
from tests.support.waiting import wait_for


def tap(kiosk: Kiosk, name: str, timeout: float = 15) -> None:
    """Tap the widget called ``name`` once it is on the booth's screen and laid out.

    Kivy lays a new screen out on the frame after it appears, so a position is
    trusted only when two successive status writes agree on it.
    """
    seen: dict[str, object] = {}

    def settled() -> tuple[float, float] | None:
        status = kiosk.status()
        where = (status.get("targets") or {}).get(name)
        if where is None:
            seen.clear()
            return None
        if seen.get("where") == where and status["time"] > seen["time"]:  # type: ignore[operator]
            return tuple(where)  # type: ignore[return-value]
        if seen.get("where") != where:
            seen.update(where=where, time=status["time"])
        return None

    x, y = wait_for(f"the booth to show {name!r}", settled, timeout)
    TouchPanel(kiosk.tuio_port, kiosk.tuio_host).tap(x, y)


def type_code(kiosk: Kiosk, code: str) -> None:
    """Type a booking code on the booth's keypad and press OK."""
    for ch in code:
        tap(kiosk, f"key:{ch}")
    tap(kiosk, "key:ok")


def start_walk_in(kiosk: Kiosk, service_id: str, language: str = "fi") -> None:
    """Start, choose the language and the matter: the citizen queues for it."""
    tap(kiosk, "start")
    if language != "fi":
        tap(kiosk, f"lang:{language}")
    tap(kiosk, f"service:{service_id}")
