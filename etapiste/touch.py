"""Tapping a booth's screen over TUIO, for a booth without a display.

A booth configured with ``[touch] tuio = "host:port"`` accepts TUIO touches
over UDP through Kivy's TUIO input provider, the same path to the widgets as
a finger on a touch frame. ``etapiste tap`` uses this to press Start on a
headless demo booth, and the e2e tests use it as the booth's touchscreen.
Coordinates are fractions of the screen, from the top left (TUIO's convention).
"""

from __future__ import annotations

import itertools
import time

from oscpy.client import OSCClient

_ids = itertools.count(1)


class TouchPanel:
    def __init__(self, port: int, host: str = "127.0.0.1") -> None:
        self.client = OSCClient(host, port)

    def tap(self, x: float, y: float, hold_s: float = 0.15) -> None:
        touch = next(_ids)
        self.client.send_message(b"/tuio/2Dcur", [b"set", touch, x, y, 0.0, 0.0, 0.0])
        self.client.send_message(b"/tuio/2Dcur", [b"alive", touch])
        time.sleep(hold_s)
        self.client.send_message(b"/tuio/2Dcur", [b"alive"])
