"""The booth's receipt printer: status-checked slips over network, serial or USB (python-escpos).

The printer is the one in this booth's config and nothing else: there is no
discovery, no printer chosen by a message from outside, so a slip cannot come
out at another booth.

Every job asks the printer for its real-time status (ESC/POS ``DLE EOT``,
parsed in ``drivers/escpos_status.py``) before and after printing. Paper out
or cover open refuses the job with a reason; a connection lost mid-job, or
paper running out during it, is raised as ``PrintError`` — never swallowed.
A printer that does not answer status queries is UNKNOWN (health DEGRADED),
never "ok": python-escpos's own ``paper_status()`` reports plenty of paper
when the printer says nothing, so we do not use it.

Transports are python-escpos's ``Network`` (raw TCP 9100), ``Serial`` and
``Usb`` classes; the job itself is composed in a ``Dummy`` printer first, so a
slip that cannot be encoded fails before a single byte reaches the paper.
The network printer is connected per operation (as CUPS' socket backend does:
many network interfaces serve one connection at a time); serial and USB stay
open and are reopened after an error.
"""

from __future__ import annotations

import logging
import os
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from escpos import printer as escpos_printer
from escpos.constants import QR_ECLEVEL_M
from escpos.exceptions import DeviceNotFoundError

from drivers import escpos_status
from drivers.escpos_status import PrinterStatus
from drivers.health import Health
from drivers.slip import CODEPAGE, DEFAULT_WIDTH, Slip

log = logging.getLogger("etapiste.drivers.printer")

ROLE = "printer"
#: How long to wait for each status byte; a silent printer costs one of these per probe.
STATUS_TIMEOUT_S = 0.3
CONNECT_TIMEOUT_S = 0.5
#: Sending a slip (a few KiB) may wait this long for the printer's buffer.
JOB_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class PrinterConfig:
    kind: str  # network | serial | usb
    host: str = ""
    port: int = 9100
    path: str = ""
    baudrate: int = 38400
    vendor_id: int = 0
    product_id: int = 0
    serial: str | None = None
    in_ep: int = 0x82
    out_ep: int = 0x01
    profile: str = "default"  # python-escpos capability profile, e.g. TM-T20II
    width: int = DEFAULT_WIDTH  # text columns on the paper
    status_timeout_s: float = STATUS_TIMEOUT_S

    @property
    def where(self) -> str:
        """The printer's address as a technician would look for it."""
        if self.kind == "network":
            return f"{self.host}:{self.port}"
        if self.kind == "serial":
            return self.path
        return f"USB {self.vendor_id:04x}:{self.product_id:04x}" + (f":{self.serial}" if self.serial else "")


@dataclass(frozen=True)
class PrintResult:
    before: PrinterStatus
    after: PrinterStatus
    warning: str = ""  # e.g. "paper near end": printed, but someone should act


class PrintError(Exception):
    """A slip was not printed, or may be incomplete; ``str()`` says why in plain words."""

    def __init__(self, reason: str, status: PrinterStatus | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


class ReceiptPrinter(ABC):
    """A supervised receipt printer."""

    role: str = ROLE

    @abstractmethod
    def probe(self) -> Health: ...

    @abstractmethod
    def status(self) -> PrinterStatus:
        """Ask the printer now. Raises ``PrintError`` when it cannot be reached."""

    @abstractmethod
    def print_slip(self, slip: Slip) -> PrintResult:
        """Print ``slip`` or raise ``PrintError`` saying why not."""

    @abstractmethod
    def close(self) -> None: ...


def render(slip: Slip, profile: str = "default") -> bytes:
    """A slip as the ESC/POS byte stream for one job (init, code page, text, native QR, cut)."""
    d = escpos_printer.Dummy(profile=profile)
    d.hw("INIT")
    d.charcode(CODEPAGE.upper())

    def lines(items: tuple[Any, ...]) -> None:
        for line in items:
            d.set(
                align="center" if line.center else "left",
                bold=line.bold,
                double_height=line.large,
                double_width=line.large,
                normal_textsize=not line.large,
            )
            d.textln(line.text)

    lines(slip.lines)
    d.set(align="center", bold=False, normal_textsize=True)
    if slip.qr:  # a visit summary the official wrote has none
        d.qr(slip.qr, ec=QR_ECLEVEL_M, size=6, native=True)
    d.ln()
    lines(slip.footer)
    d.cut()
    return bytes(d.output)


class EscposReceiptPrinter(ReceiptPrinter):
    def __init__(self, config: PrinterConfig) -> None:
        self.config = config
        self._lock = threading.Lock()  # probe (supervisor thread) and jobs (kiosk) take turns
        self._dev: Any = None
        self.last_status: PrinterStatus | None = None
        self._last_health = Health.missing(self.role, "not checked yet")

    # -- public --------------------------------------------------------------------------------

    def probe(self) -> Health:
        # A job holds the printer for seconds; the printer is busy, not broken: report what
        # the job last learned instead of making the supervisor wait (and call it "not answering").
        if not self._lock.acquire(timeout=0.1):
            return self._last_health
        try:
            health = self._probe_locked()
        finally:
            self._lock.release()
        self._last_health = health
        return health

    def status(self) -> PrinterStatus:
        with self._lock:
            return self._status_locked()

    def _probe_locked(self) -> Health:
        try:
            status = self._status_locked()
        except PrintError as exc:
            return Health.missing(self.role, exc.reason)
        except Exception as exc:  # never raise into the supervisor
            log.exception("printer probe failed")
            return Health.degraded(self.role, f"driver error: {type(exc).__name__}")
        return health_of(status, self.role)

    def _status_locked(self) -> PrinterStatus:
        try:
            self._ensure_open()
            status = self._query_status()
        except PrintError:
            self._close_device()
            raise
        except Exception as exc:
            self._close_device()
            raise PrintError(f"printer not reachable at {self.config.where}: {_short(exc)}") from exc
        finally:
            self._end_operation()
        self.last_status = status
        return status

    def print_slip(self, slip: Slip) -> PrintResult:
        data = render(slip, self.config.profile)  # before touching the printer: encoding errors end here
        with self._lock:
            try:
                return self._print(data)
            finally:
                self._end_operation()

    def close(self) -> None:
        with self._lock:
            self._close_device()

    # -- job -----------------------------------------------------------------------------------

    def _print(self, data: bytes) -> PrintResult:
        where = self.config.where
        try:
            self._ensure_open()
            before = self._query_status()
        except Exception as exc:
            self._close_device()
            raise PrintError(f"Not printed: printer not reachable at {where} ({_short(exc)})") from exc
        self.last_status = before
        self._last_health = health_of(before, self.role)
        if before.refusal:
            log.warning("print job refused: %s", before.refusal)
            raise PrintError(f"Not printed: {before.refusal}", before)
        try:
            self._send(data, JOB_TIMEOUT_S)
        except Exception as exc:
            self._close_device()
            log.error("print job failed mid-job: %s", _short(exc))
            raise PrintError(f"Printing failed: connection to the printer was lost ({_short(exc)})", before) from exc
        try:
            after = self._query_status()
        except Exception as exc:
            self._close_device()
            raise PrintError(
                f"Printing may be incomplete: the printer stopped answering after the job ({_short(exc)})", before
            ) from exc
        self.last_status = after
        self._last_health = health_of(after, self.role)
        if after.refusal:
            raise PrintError(f"Printing may be incomplete: {after.refusal}", after)
        log.info("printed a slip (%d bytes)", len(data))
        return PrintResult(before=before, after=after, warning=after.problem)

    # -- transport -----------------------------------------------------------------------------

    def _query_status(self) -> PrinterStatus:
        """DLE EOT 1, 2, 4; a printer silent on the first is UNKNOWN without waiting on the rest."""
        first = self._ask(escpos_status.QUERY_PRINTER)
        if first is None:
            return escpos_status.UNANSWERED
        cause = self._ask(escpos_status.QUERY_OFFLINE_CAUSE)
        paper = self._ask(escpos_status.QUERY_PAPER)
        return escpos_status.combine(first, cause, paper)

    def _ask(self, n: int) -> int | None:
        self._drain()
        self._send(escpos_status.query(n), self.config.status_timeout_s)
        return escpos_status.first_byte(self._read_reply(self.config.status_timeout_s))

    def _ensure_open(self) -> None:
        if self._dev is not None:
            return
        cfg = self.config
        if cfg.kind == "network":
            dev = escpos_printer.Network(cfg.host, cfg.port, timeout=CONNECT_TIMEOUT_S, profile=cfg.profile)
        elif cfg.kind == "serial":
            if not os.path.exists(cfg.path):
                raise PrintError(f"printer not connected ({cfg.path} does not exist)")
            dev = escpos_printer.Serial(
                cfg.path, baudrate=cfg.baudrate, timeout=cfg.status_timeout_s, dsrdtr=False, profile=cfg.profile
            )
        else:
            usb_args: dict[str, Any] = {}
            if cfg.serial:
                usb_args["custom_match"] = _usb_serial_match(cfg.serial)
            dev = escpos_printer.Usb(
                cfg.vendor_id,
                cfg.product_id,
                usb_args=usb_args,
                timeout=int(JOB_TIMEOUT_S * 1000),
                in_ep=cfg.in_ep,
                out_ep=cfg.out_ep,
                profile=cfg.profile,
            )
        try:
            dev.open(raise_not_found=True)
        except DeviceNotFoundError as exc:
            raise PrintError(f"printer not reachable at {cfg.where}: {_short(exc)}") from exc
        except AssertionError as exc:  # python-escpos's Usb.open asserts the device was found
            raise PrintError(f"printer not connected ({cfg.where} not found)") from exc
        if dev.device is None:
            raise PrintError(f"printer not reachable at {cfg.where}")
        self._dev = dev

    def _send(self, data: bytes, timeout: float) -> None:
        kind, raw = self.config.kind, self._dev.device
        if kind == "network":
            raw.settimeout(timeout)
            raw.sendall(data)
        elif kind == "serial":
            raw.write_timeout = timeout
            raw.write(data)
            raw.flush()
        else:
            raw.write(self.config.out_ep, data, int(timeout * 1000))

    def _read_reply(self, timeout: float) -> bytes | None:
        kind, raw = self.config.kind, self._dev.device
        if kind == "network":
            raw.settimeout(timeout)
            try:
                data = raw.recv(16)
            except TimeoutError:
                return None
            if not data:
                raise ConnectionError("printer closed the connection")
            return data
        if kind == "serial":
            raw.timeout = timeout
            return raw.read(1) or None
        import usb.core

        try:
            return bytes(raw.read(self.config.in_ep, 16, int(timeout * 1000))) or None
        except usb.core.USBTimeoutError:
            return None

    def _drain(self) -> None:
        """Drop stale bytes (a late answer to an earlier query) so replies pair with their query."""
        kind, raw = self.config.kind, self._dev.device
        if kind == "serial":
            raw.reset_input_buffer()
        elif kind == "network":
            raw.setblocking(False)
            try:
                while raw.recv(64):
                    pass
            except (BlockingIOError, InterruptedError):
                pass
            finally:
                raw.setblocking(True)

    def _end_operation(self) -> None:
        if self.config.kind == "network":
            self._close_device()

    def _close_device(self) -> None:
        dev, self._dev = self._dev, None
        if dev is None:
            return
        try:
            raw = dev.device
            if self.config.kind == "network":
                raw.close()
            elif self.config.kind == "serial":
                raw.close()
            else:
                import usb.util

                usb.util.dispose_resources(raw)
        except Exception:  # a vanished device may fail to close; it is gone either way
            pass
        dev._device = False  # python-escpos would otherwise reopen on attribute access


def health_of(status: PrinterStatus, role: str = ROLE) -> Health:
    """A status as the fleet view shows it: OK only when the printer said everything is fine."""
    problem = status.problem
    return Health.degraded(role, problem) if problem else Health.ok(role)


def open_printer(config: PrinterConfig) -> ReceiptPrinter:
    return EscposReceiptPrinter(config)


def _usb_serial_match(wanted: str) -> Any:
    def match(dev: Any) -> bool:
        import usb.core
        import usb.util

        try:
            return usb.util.get_string(dev, dev.iSerialNumber) == wanted
        except (usb.core.USBError, ValueError):
            return False

    return match


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:160]


__all__ = [
    "EscposReceiptPrinter",
    "PrintError",
    "PrintResult",
    "PrinterConfig",
    "ReceiptPrinter",
    "health_of",
    "open_printer",
    "render",
]
