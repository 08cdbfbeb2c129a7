"""A ``socat`` pty pair standing in for a USB-serial device that can be unplugged and replugged.

``socat`` creates two linked ptys with stable symlinks: the driver under test
opens ``<tmp>/<name>`` (as it would ``/dev/serial/by-id/...``), the test plays
the device on ``<tmp>/<name>-host``. ``unplug()`` kills socat (the driver's
port errors and the link disappears, like a USB unplug); ``replug()`` starts it
again with the same link paths.

Import the fixture into a test module by name: ``from tests.hil.serial_fixtures import serial_pair``.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.waiting import wait_for


class SerialPair:
    def __init__(self, directory: Path, name: str) -> None:
        self.device_path = str(directory / name)  # what the driver opens
        self.host_path = str(directory / f"{name}-host")  # where the test plays the device
        self.proc: subprocess.Popen[bytes] | None = None

    def replug(self) -> None:
        assert self.proc is None, "already plugged in"
        self.proc = subprocess.Popen(
            [
                "socat",
                f"pty,raw,echo=0,link={self.device_path}",
                f"pty,raw,echo=0,link={self.host_path}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(
            "socat to create its pty links",
            lambda: os.path.exists(self.device_path) and os.path.exists(self.host_path),
            timeout=10,
        )

    def unplug(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        # socat removes its links on SIGTERM; make sure a stale one cannot fake a device
        for path in (self.device_path, self.host_path):
            if os.path.lexists(path):
                os.unlink(path)


@pytest.fixture
def serial_pair(tmp_path: Path) -> Iterator[SerialPair]:
    if shutil.which("socat") is None:
        pytest.fail("socat is not installed (apt-get install socat)")
    pair = SerialPair(tmp_path, "ttyDEV")
    pair.replug()
    try:
        yield pair
    finally:
        pair.unplug()
