"""A TUIO touch panel: taps the booth's screen through Kivy's real input pipeline.

This simulates the touchscreen hardware, not our code: Kivy's TUIO provider
receives the touches over UDP like those of a TUIO touch frame, and they
travel the same path to the widgets as a finger on the booth's panel would.
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
