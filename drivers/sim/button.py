"""A simulated USB-serial button box: the firmware side of the line protocol in ``drivers/button.py``.

It opens the *device* end of a serial line (one end of a ``socat`` pty pair;
the driver opens the other) and behaves like the Arduino/RP2040 sketch would:
answers ``PING`` with ``PONG``, applies ``LED …`` commands and reports the LED
state back, and sends ``DOWN``/``UP`` when the test or demo "presses" it. It
simulates the hardware only; the driver under test is the real one.
"""

from __future__ import annotations

import contextlib
import threading
import time

import serial

from drivers.button_logic import LedState


class SimButtonBox:
    def __init__(self, device_path: str, answer_ping: bool = True) -> None:
        self.port = serial.Serial(device_path, 115200, timeout=0.05)
        self.answer_ping = answer_ping
        self.led = LedState.OFF
        self.commands: list[str] = []  # every line received from the host, in order
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sim-button-box", daemon=True)
        self._thread.start()

    # -- what a person does to the button ---------------------------------------------------------

    def press(self, hold_s: float = 0.1) -> None:
        self.send(b"DOWN\n")
        time.sleep(hold_s)
        self.send(b"UP\n")

    def down(self) -> None:
        self.send(b"DOWN\n")

    def up(self) -> None:
        self.send(b"UP\n")

    def bounce(self, edges: int = 5, end_pressed: bool = True) -> None:
        """A contact bounce: ``edges`` alternating levels in one burst, ending pressed or released."""
        levels = [(end_pressed == (i % 2 == 0)) for i in reversed(range(edges))]
        self.send(b"".join(b"DOWN\n" if down else b"UP\n" for down in levels))

    def send(self, data: bytes) -> None:
        with self._lock:
            self.port.write(data)
            self.port.flush()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        with contextlib.suppress(Exception):
            self.port.close()

    # -- firmware loop -------------------------------------------------------------------------------

    def _run(self) -> None:
        buf = b""
        while not self._stop.is_set():
            try:
                buf += self.port.read(64)
            except (serial.SerialException, OSError):
                return  # the line went away (socat killed): the box is "unplugged"
            while b"\n" in buf:
                raw, buf = buf.split(b"\n", 1)
                line = raw.decode("ascii", "replace").strip()
                self.commands.append(line)
                self._answer(line)

    def _answer(self, line: str) -> None:
        try:
            if line == "PING" and self.answer_ping:
                self.send(b"PONG\n")
            elif line.startswith("LED "):
                with contextlib.suppress(ValueError):
                    self.led = LedState(line[4:])
                self.send(f"LED {self.led.value}\n".encode())
        except (serial.SerialException, OSError):
            pass  # unplugged mid-answer
