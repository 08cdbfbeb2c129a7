"""The booth's call button: the citizen presses it to call the service advisor.

Two kinds of hardware, one interface (``CallButton``): the driver runs its own
reader thread, feeds contact levels into the pure ``PressClassifier`` and calls
``on_event(Press)`` from that thread; ``probe()`` (for the ``Supervisor``)
only reports what the thread last saw. The thread never dies: an unplugged
device is reported MISSING and reopened when it comes back.

USB-serial button box (Arduino / RP2040 class with a CDC-ACM port)
-------------------------------------------------------------------
Bound by a stable path (``/dev/serial/by-id/usb-…``), 115200 8N1, ASCII lines
ending in ``\\n`` (a ``\\r`` is tolerated). The box's firmware only forwards the
contact; debounce and long-press timing are ours.

Box → host::

    DOWN            the contact closed
    UP              the contact opened
    PONG            answer to PING
    LED <state>     the LED's state now, after any LED command (OFF, ON, BLINK)
    HELLO <text>    sent once after reset (firmware name/version; ignored)

Host → box::

    PING            liveness check, sent every second
    LED OFF         nothing pending
    LED ON          help requested (lit)
    LED BLINK       advisor acknowledged (blinking)

Anything else from the box (non-ASCII, lines over 64 bytes, unknown words) is
counted in ``garbage_lines`` and logged, never fatal. (Arduino-class boards
reset when the port is opened and need ~2 s to boot; the silence allowance
below covers that.) A box that sends nothing
for ``silence_s`` despite PINGs is DEGRADED ("not answering"); a port that
errors or whose path disappears is MISSING. After a replug the desired LED
state is sent again, since the box boots with its LED off.

USB HID button ("big red button" class)
---------------------------------------
Found by vendor:product[:serial], the kernel's usbhid driver is detached from
its interface, and the interrupt-IN endpoint is read with a short timeout; a
configured byte/bit of each report is the contact (``HidReportMap``). These
buttons have no host-controllable LED, so ``set_led`` only records the state.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import serial

from drivers.button_logic import (
    DEFAULT_DEBOUNCE_S,
    DEFAULT_LONG_PRESS_S,
    HidReportMap,
    LedState,
    Line,
    LineKind,
    LineSplitter,
    Press,
    PressClassifier,
    led_command,
)
from drivers.health import Health

log = logging.getLogger("etapiste.drivers.button")

ROLE = "call_button"
#: How often the host PINGs the box, and how long it may stay silent before it is "not answering".
PING_INTERVAL_S = 1.0
SILENCE_S = 3.5
#: Poll granularity of the reader thread: bounds how late a debounced press or an unplug is seen.
READ_TIMEOUT_S = 0.05
#: How often a missing device is looked for again.
REOPEN_INTERVAL_S = 0.25


@dataclass(frozen=True)
class SerialButtonConfig:
    path: str  # /dev/serial/by-id/... in a booth; the pty link in tests
    baudrate: int = 115200
    long_press_s: float = DEFAULT_LONG_PRESS_S
    debounce_s: float = DEFAULT_DEBOUNCE_S


@dataclass(frozen=True)
class HidButtonConfig:
    vendor_id: int
    product_id: int
    serial: str | None = None  # to tell two identical buttons apart; None = the first one found
    report: HidReportMap = field(default_factory=HidReportMap)
    long_press_s: float = DEFAULT_LONG_PRESS_S
    debounce_s: float = DEFAULT_DEBOUNCE_S

    @property
    def ident(self) -> str:
        return f"{self.vendor_id:04x}:{self.product_id:04x}" + (f":{self.serial}" if self.serial else "")


ButtonConfig = SerialButtonConfig | HidButtonConfig


class CallButton(ABC):
    """A call button with a reader thread; a ``SupervisedDevice`` for the ``Supervisor``."""

    role: str = ROLE

    def __init__(self, config: ButtonConfig, on_event: Callable[[Press], None], clock: Callable[[], float]) -> None:
        self.config, self.on_event, self.clock = config, on_event, clock
        self._long_press_s, self._debounce_s = config.long_press_s, config.debounce_s
        self.classifier = PressClassifier(config.long_press_s, config.debounce_s)
        self.led_wanted = LedState.OFF
        self._health = Health.missing(self.role, "not opened yet")
        self._closed = threading.Event()
        self._thread: threading.Thread | None = None
        self.thread_restarts = 0

    # -- public --------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the reader thread (idempotent)."""
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._guarded_run, name=f"{self.role}-reader", daemon=True)
            self._thread.start()

    def probe(self) -> Health:
        """The health the reader thread last saw; restarts the thread if it ever died."""
        if self._closed.is_set():
            return Health.missing(self.role, "driver closed")
        if self._thread is None or not self._thread.is_alive():
            was_started = self._thread is not None
            self.start()
            if was_started:
                self.thread_restarts += 1
                return Health.degraded(self.role, "reader thread had stopped; restarted")
        return self._health

    @abstractmethod
    def set_led(self, state: LedState) -> None:
        """Show ``state`` on the indicator LED (lit = help requested, blinking = acknowledged)."""

    def close(self) -> None:
        self._closed.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2)

    # -- for the reader thread -----------------------------------------------------------------

    def _guarded_run(self) -> None:
        # The loop catches its own errors; this only makes a bug visible instead of silent.
        try:
            self._run()
        except Exception:
            log.exception("%s reader thread crashed", self.role)
            self._health = Health.degraded(self.role, "driver error; restarting reader")

    @abstractmethod
    def _run(self) -> None: ...

    def _emit(self, presses: list[Press]) -> None:
        for press in presses:
            log.info("%s: %s press", self.role, press.kind.value)
            try:
                self.on_event(press)
            except Exception:  # the consumer's bug must not stop the button
                log.exception("%s: on_event handler failed", self.role)

    def _reset_classifier(self) -> None:
        """A fresh classifier after (re)connecting: a press cut by an unplug is not a press."""
        self.classifier = PressClassifier(self._long_press_s, self._debounce_s)


class SerialCallButton(CallButton):
    """The USB-serial button box speaking the line protocol in this module's docstring."""

    config: SerialButtonConfig

    def __init__(
        self,
        config: SerialButtonConfig,
        on_event: Callable[[Press], None],
        clock: Callable[[], float] = time.monotonic,
        start: bool = True,
    ) -> None:
        super().__init__(config, on_event, clock)
        self.garbage_lines = 0
        self.led_reported: LedState | None = None  # what the box last said its LED shows
        self.firmware = ""
        self._port: serial.Serial | None = None
        self._write_lock = threading.Lock()
        self._splitter = LineSplitter()
        self._opened_at = 0.0
        self._last_rx = 0.0
        self._last_ping = 0.0
        if start:
            self.start()

    def set_led(self, state: LedState) -> None:
        self.led_wanted = state
        self._write(led_command(state))

    # -- reader thread -------------------------------------------------------------------------

    def _run(self) -> None:
        while not self._closed.is_set():
            try:
                if self._port is None:
                    if not self._open():
                        self._closed.wait(REOPEN_INTERVAL_S)
                    continue
                self._step()
            except (serial.SerialException, OSError) as exc:
                self._lost(f"button box disconnected: {_short(exc)}")
            except Exception as exc:  # a bug here must not end supervision
                log.exception("%s: unexpected error in reader", self.role)
                self._lost(f"driver error: {type(exc).__name__}", missing=False)
                self._closed.wait(REOPEN_INTERVAL_S)
        self._close_port()

    def _open(self) -> bool:
        path = self.config.path
        if not os.path.exists(path):
            self._set_health(Health.missing(self.role, f"button box not connected ({path} does not exist)"))
            return False
        try:
            # exclusive: keep other programs (ModemManager probing a new CDC port, a stray
            # terminal) off the box; they would inject AT commands and steal our lines.
            port = serial.Serial(path, self.config.baudrate, timeout=READ_TIMEOUT_S, write_timeout=1, exclusive=True)
        except (serial.SerialException, OSError) as exc:
            self._set_health(Health.missing(self.role, f"cannot open button box {path}: {_short(exc)}"))
            return False
        self._port = port
        self._splitter = LineSplitter()
        self._reset_classifier()
        self.led_reported = None
        now = self.clock()
        self._opened_at = self._last_rx = now
        self._last_ping = 0.0
        log.info("%s: opened %s", self.role, path)
        self._set_health(Health.ok(self.role))
        self._write(led_command(self.led_wanted))  # a replugged box boots with its LED off
        return True

    def _step(self) -> None:
        port = self._port
        assert port is not None
        now = self.clock()
        if now - self._last_ping >= PING_INTERVAL_S:
            if not os.path.exists(self.config.path):
                raise OSError(f"{self.config.path} disappeared")
            self._last_ping = now
            self._write(b"PING\n", raise_errors=True)
        data = port.read(max(1, port.in_waiting))
        now = self.clock()
        for line in self._splitter.feed(data):
            self._handle(line, now)
        self._emit(self.classifier.tick(now))
        if now - max(self._opened_at, self._last_rx) > SILENCE_S:
            # A stable reason (no running seconds count): every change is a report to the backend.
            self._set_health(
                Health.degraded(self.role, "button box not answering PING (wrong device or baud rate, or hung)")
            )
        else:
            self._set_health(Health.ok(self.role))

    def _handle(self, line: Line, now: float) -> None:
        if line.kind is LineKind.GARBAGE:
            self.garbage_lines += 1
            if self.garbage_lines <= 10 or self.garbage_lines % 1000 == 0:  # a noisy line must not flood the log
                log.warning("%s: ignored line (%s); %d so far", self.role, line.detail, self.garbage_lines)
            return
        self._last_rx = now
        if line.kind in (LineKind.DOWN, LineKind.UP):
            self._emit(self.classifier.feed(line.kind is LineKind.DOWN, now))
        elif line.kind is LineKind.LED:
            self.led_reported = line.led
        elif line.kind is LineKind.HELLO:
            self.firmware = line.detail
            log.info("%s: box says hello (%s)", self.role, line.detail)

    def _write(self, data: bytes, raise_errors: bool = False) -> None:
        with self._write_lock:
            port = self._port
            if port is None:
                return  # sent again on (re)open
            try:
                port.write(data)
            except (serial.SerialException, OSError):
                if raise_errors:
                    raise
                log.warning("%s: write to button box failed; the reader will notice", self.role)

    def _lost(self, reason: str, missing: bool = True) -> None:
        if self._health.reason != reason:
            log.warning("%s: %s", self.role, reason)
        self._close_port()
        self._set_health(Health.missing(self.role, reason) if missing else Health.degraded(self.role, reason))

    def _close_port(self) -> None:
        with self._write_lock:
            port, self._port = self._port, None
        if port is not None:
            try:
                port.close()
            except Exception:  # closing a vanished port may fail; it is gone either way
                pass

    def _set_health(self, health: Health) -> None:
        self._health = health


class HidCallButton(CallButton):
    """A USB HID button read with pyusb (interrupt-IN reports).

    Not exercisable on a machine without USB devices; the report mapping is
    unit-tested in ``tests/unit/drivers/test_button_logic.py`` and a
    ``hardware`` test runs it against a real button named in
    ``ETAPISTE_HARDWARE_HID_BUTTON``.
    """

    config: HidButtonConfig

    def __init__(
        self,
        config: HidButtonConfig,
        on_event: Callable[[Press], None],
        clock: Callable[[], float] = time.monotonic,
        start: bool = True,
    ) -> None:
        super().__init__(config, on_event, clock)
        self._dev: Any = None
        self._ep: Any = None
        self._interface = 0
        self._detached = False
        if start:
            self.start()

    def set_led(self, state: LedState) -> None:
        # HID big buttons of this class have no LED the host drives; remember it for the UI.
        self.led_wanted = state

    def _run(self) -> None:
        import usb.core

        while not self._closed.is_set():
            try:
                if self._dev is None:
                    if not self._open():
                        self._closed.wait(REOPEN_INTERVAL_S)
                    continue
                try:
                    report = bytes(self._ep.read(self._ep.wMaxPacketSize, timeout=int(READ_TIMEOUT_S * 1000)))
                except usb.core.USBTimeoutError:
                    report = b""
                now = self.clock()
                level = self.config.report.level(report) if report else None
                if level is not None:
                    self._emit(self.classifier.feed(level, now))
                self._emit(self.classifier.tick(now))
                self._health = Health.ok(self.role)
            except usb.core.USBError as exc:
                self._release()
                self._health = Health.missing(self.role, f"USB button {self.config.ident} disconnected: {exc}")
            except Exception as exc:
                log.exception("%s: unexpected error in HID reader", self.role)
                self._release()
                self._health = Health.degraded(self.role, f"driver error: {type(exc).__name__}")
                self._closed.wait(REOPEN_INTERVAL_S)
        self._release()

    def _open(self) -> bool:
        import usb.core
        import usb.util

        cfg = self.config

        def wanted(dev: Any) -> bool:
            if cfg.serial is None:
                return True
            try:
                return usb.util.get_string(dev, dev.iSerialNumber) == cfg.serial
            except (usb.core.USBError, ValueError):
                return False

        try:
            dev = usb.core.find(idVendor=cfg.vendor_id, idProduct=cfg.product_id, custom_match=wanted)
        except usb.core.NoBackendError:
            self._health = Health.missing(self.role, "libusb is not installed")
            return False
        if dev is None:
            self._health = Health.missing(self.role, f"USB button {cfg.ident} not connected")
            return False
        try:
            if dev.is_kernel_driver_active(self._interface):
                dev.detach_kernel_driver(self._interface)
                self._detached = True
            try:
                dev.set_configuration()
            except usb.core.USBError:
                pass  # already configured by the kernel; claiming below is what matters
            usb.util.claim_interface(dev, self._interface)
            intf = dev.get_active_configuration()[(self._interface, 0)]
            ep = usb.util.find_descriptor(
                intf,
                custom_match=lambda e: (
                    usb.util.endpoint_direction(e.bEndpointAddress) == usb.util.ENDPOINT_IN
                    and usb.util.endpoint_type(e.bmAttributes) == usb.util.ENDPOINT_TYPE_INTR
                ),
            )
        except usb.core.USBError as exc:
            self._health = Health.missing(self.role, f"cannot open USB button {cfg.ident}: {exc}")
            usb.util.dispose_resources(dev)
            return False
        if ep is None:
            self._health = Health.degraded(self.role, f"USB device {cfg.ident} has no interrupt-IN endpoint")
            usb.util.dispose_resources(dev)
            return False
        self._dev, self._ep = dev, ep
        self._reset_classifier()
        self._health = Health.ok(self.role)
        log.info("%s: opened USB button %s", self.role, cfg.ident)
        return True

    def _release(self) -> None:
        dev, self._dev, self._ep = self._dev, None, None
        if dev is None:
            return
        import usb.core
        import usb.util

        try:
            usb.util.release_interface(dev, self._interface)
            if self._detached:
                dev.attach_kernel_driver(self._interface)
        except usb.core.USBError:
            pass  # unplugged: nothing left to give back
        self._detached = False
        usb.util.dispose_resources(dev)


def open_call_button(config: ButtonConfig, on_event: Callable[[Press], None]) -> CallButton:
    """The driver for ``config``, its reader thread started."""
    if isinstance(config, SerialButtonConfig):
        return SerialCallButton(config, on_event)
    return HidCallButton(config, on_event)


def _short(exc: BaseException) -> str:
    """An OS error as a technician reads it, without a multi-line traceback."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]
