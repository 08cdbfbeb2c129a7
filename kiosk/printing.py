"""Printing at this booth: the visit summary on the slip printer (ESC/POS), A4 documents through IPP.

The machine decides (``PrintSummary``); this runs the driver in a worker thread
(a printer that does not answer must not hold up the call) and reports
``Printed`` with the printer's state before and after in words, which the
official sees. Nothing of the text is logged, and nothing is written to disk:
the slip goes from memory to the printer.
"""

from __future__ import annotations

import json
import logging
import ssl
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from drivers.escpos_status import PrinterStatus
from drivers.health import Health
from drivers.printer import PrintError, ReceiptPrinter
from drivers.slip import what_next
from kiosk import session as sm

log = logging.getLogger("etapiste.kiosk.printing")
HELSINKI = ZoneInfo("Europe/Helsinki")


def state_words(status: PrinterStatus | None) -> str:
    """The printer's state as the official reads it: "ok" or the technician's one-liner."""
    if status is None:
        return "unknown"
    return status.problem or "ok"


def failure_code(reason: str) -> str:
    """A stable code for the official's page from the driver's plain words."""
    for words, code in (("paper", "out_of_paper"), ("cover", "cover_open"), ("reach", "unreachable")):
        if words in reason:
            return code
    return "printer_error"


def print_summary(printer: ReceiptPrinter | None, text: str, language: str, now: float) -> sm.Printed:
    """Blocking: print the visit summary; never raises."""
    if printer is None:
        return sm.Printed("summary", None, False, "no_printer", "", "", now)
    when = datetime.fromtimestamp(now, HELSINKI).replace(tzinfo=None)
    try:
        result = printer.print_slip(what_next(language, text, when, printer_width(printer)))
    except PrintError as exc:
        log.warning("the visit summary was not printed: %s", exc.reason)
        before = state_words(exc.status)
        return sm.Printed("summary", None, False, failure_code(exc.reason), before, before, now)
    except Exception as exc:  # a driver surprise must not take the booth down
        log.warning("the slip printer failed: %s", type(exc).__name__)
        return sm.Printed("summary", None, False, "printer_error", "", "", now)
    log.info("visit summary printed")
    return sm.Printed("summary", None, True, None, state_words(result.before), state_words(result.after), now)


def printer_width(printer: ReceiptPrinter) -> int:
    config = getattr(printer, "config", None)
    return int(getattr(config, "width", 42) or 42)


# --- A4 documents through IPP to the booth's CUPS queue ---------------------------------------------------------------

IPP_DIR = Path(__file__).with_name("ipp")
#: IPP printer-state values (RFC 8011 §5.4.11).
PRINTER_STATES = {3: "idle", 4: "printing", 5: "stopped"}
IPP_TIMEOUT_S = 20
#: How long printing may take before the booth reports what it knows.
PRINT_WAIT_S = 30.0
A4_ROLE = "a4_printer"


@dataclass(frozen=True)
class IppState:
    """The queue's state as IPP tells it; ``answered`` False when the queue could not be asked."""

    answered: bool
    state: str = "unknown"  # idle, printing, stopped
    reasons: tuple[str, ...] = ()
    accepting: bool = False

    def words(self) -> str:
        """What the official reads: "idle", "stopped: media-empty", "not answering"."""
        if not self.answered:
            return "not answering"
        problems = [r for r in self.reasons if r != "none"]
        return f"{self.state}: {', '.join(problems)}" if problems else self.state

    def refusal(self) -> str | None:
        """A code when a job must not be sent now; None = go ahead."""
        if not self.answered:
            return "unreachable"
        if any(r.startswith("media-empty") or r.startswith("media-needed") for r in self.reasons):
            return "out_of_paper"
        if self.state == "stopped" or not self.accepting:
            return "printer_stopped"
        return None


def parse_state(output: str) -> IppState:
    """Pure: ipptool's JSON answer to printer-state.test as an ``IppState``."""
    try:
        groups = json.loads(output)
    except ValueError:
        return IppState(False)
    attrs = next((g for g in groups if g.get("group-tag") == "printer-attributes-tag"), None)
    if attrs is None:
        return IppState(False)
    reasons = attrs.get("printer-state-reasons", "none")
    reasons = tuple(reasons) if isinstance(reasons, list) else (str(reasons),)
    state = PRINTER_STATES.get(int(attrs.get("printer-state", 0) or 0), "unknown")
    return IppState(True, state, reasons, bool(attrs.get("printer-is-accepting-jobs", False)))


class IppA4Printer:
    """The booth's A4 printer: a CUPS queue (IPP Everywhere) asked and fed with ``ipptool``.

    Supervised like the other devices (``probe``). The document is written to a
    private temporary file only for ``ipptool`` to send, and deleted as soon as
    the queue has it: nothing of the citizen's papers stays on the booth.
    """

    role = A4_ROLE

    def __init__(self, uri: str, ipptool: str = "ipptool") -> None:
        self.uri, self.ipptool = uri, ipptool

    def state(self) -> IppState:
        try:
            done = subprocess.run(
                [self.ipptool, "-j", "-T", "5", self.uri, str(IPP_DIR / "printer-state.test")],
                capture_output=True,
                text=True,
                timeout=IPP_TIMEOUT_S,
            )
        except (OSError, subprocess.TimeoutExpired):
            return IppState(False)
        return parse_state(done.stdout) if done.returncode == 0 else IppState(False)

    def probe(self) -> Health:
        state = self.state()
        if not state.answered:
            return Health.missing(self.role, "the A4 printer's queue does not answer")
        if state.refusal():
            return Health.degraded(self.role, state.words())
        return Health.ok(self.role, state.words())

    def close(self) -> None:
        """Nothing held between jobs."""

    def print_pdf(self, data: bytes, job_id: str | None, now: Callable[[], float]) -> sm.Printed:
        """Blocking: send one PDF and wait (a while) for the queue to finish it; never raises."""
        before = self.state()
        refusal = before.refusal()
        if refusal:
            return sm.Printed("document", job_id, False, refusal, before.words(), before.words(), now())
        with tempfile.TemporaryDirectory(prefix="etapiste-print-") as folder:
            path = Path(folder) / "document.pdf"
            path.touch(mode=0o600)
            path.write_bytes(data)
            try:
                done = subprocess.run(
                    [self.ipptool, "-T", "10", "-f", str(path), self.uri, str(IPP_DIR / "print-pdf.test")],
                    capture_output=True,
                    timeout=IPP_TIMEOUT_S,
                )
                sent = done.returncode == 0
            except (OSError, subprocess.TimeoutExpired):
                sent = False
        # The folder and the document are gone here, whatever happened.
        if not sent:
            after = self.state()
            log.warning("the A4 queue refused the document")
            return sm.Printed("document", job_id, False, "printer_error", before.words(), after.words(), now())
        deadline = time.monotonic() + PRINT_WAIT_S
        after = self.state()
        while after.answered and after.state == "printing" and time.monotonic() < deadline:
            time.sleep(0.2)
            after = self.state()
        log.info("document sent to the A4 printer")
        return sm.Printed("document", job_id, True, None, before.words(), after.words(), now())


def fetch_job(base: str, job_id: str, token: str, context: ssl.SSLContext | None = None) -> bytes | None:
    """Blocking: the document the official sent, from the backend (once); None if it could not be had.
    ``context``: the backend's TLS trust (``kiosk.tls.client_context``)."""
    request = urllib.request.Request(f"{base}/api/print-jobs/{job_id}", headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30, context=context) as answer:
            return answer.read()
    except OSError as exc:
        log.warning("could not fetch print job %s: %s", job_id, type(exc).__name__)
        return None
