"""Printing at this booth: the official's visit summary on the slip printer (ESC/POS).

The machine decides (``PrintSummary``); this runs the driver in a worker thread
(a printer that does not answer must not hold up the call) and reports
``Printed`` with the printer's state before and after in words, which the
official sees. Nothing of the text is logged, and nothing is written to disk:
the slip goes from memory to the printer.
"""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from drivers.escpos_status import PrinterStatus
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
