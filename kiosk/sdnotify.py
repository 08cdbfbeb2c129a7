"""Telling systemd the booth is up and alive (``sd_notify``), from the UI loop.

On the booth image the kiosk is a ``Type=notify`` unit with ``WatchdogSec=``:
``READY=1`` once the first screen is drawn (units ordered after the kiosk,
and the boot test, wait for it), then ``WATCHDOG=1`` from Kivy's clock. The
pings come from the UI loop on purpose: a loop that froze stops pinging and
systemd restarts the kiosk, where a separate thread would keep a frozen booth
"alive". Outside systemd (tests, the demo) ``NOTIFY_SOCKET`` is unset and
every call does nothing.

The protocol is one datagram on a Unix socket; writing it here avoids a
compiled dependency (systemd-python) for four lines.
"""

from __future__ import annotations

import os
import socket

#: systemd's default is to expect a ping every WatchdogSec; ping at a third of it.
PING_FRACTION = 3


def notify(state: str, environ: dict[str, str] | None = None) -> bool:
    """Send ``state`` (e.g. ``"READY=1"``) to systemd; False when not run by systemd or it failed."""
    env = os.environ if environ is None else environ
    address = env.get("NOTIFY_SOCKET", "")
    if not address:
        return False
    if address.startswith("@"):  # an abstract socket
        address = "\0" + address[1:]
    try:
        # Non-blocking: a datagram to a socket whose queue is full (systemd busy or stuck, or
        # nobody reading) would otherwise block the UI loop that pings, and freeze the booth:
        # no touch, not even SIGTERM handled (seen in tests/e2e/test_kiosk_lifecycle.py). A ping
        # that cannot go now is dropped; the next one comes a third of the period later.
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC | socket.SOCK_NONBLOCK) as sock:
            sock.connect(address)
            sock.send(state.encode())
    except OSError:  # BlockingIOError included
        return False  # systemd going away must never take the booth with it
    return True


def watchdog_interval(environ: dict[str, str] | None = None) -> float | None:
    """Seconds between pings, or None when systemd does not watch this process."""
    env = os.environ if environ is None else environ
    usec = env.get("WATCHDOG_USEC", "")
    # WATCHDOG_PID names cage, the unit's main process, which started the kiosk:
    # the unit's NotifyAccess=all makes systemd take the kiosk's pings all the same.
    if not usec.isdigit() or int(usec) == 0:
        return None
    return int(usec) / 1_000_000 / PING_FRACTION
