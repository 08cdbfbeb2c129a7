"""The booth's A4 printer (kiosk/printing.py) on a real CUPS queue: the PDF arrives, its state is told, no copy."""

from __future__ import annotations

import glob

from kiosk.printing import IppA4Printer, parse_state
from tests.support.cups_printer import CupsPrinter, cups_printer  # noqa: F401 - fixture

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def test_a_pdf_reaches_the_queue_unchanged_and_the_booth_keeps_no_copy(cups_printer: CupsPrinter):  # noqa: F811
    printer = IppA4Printer(cups_printer.uri)
    assert printer.probe().state.value == "ok"
    before = set(glob.glob("/tmp/etapiste-print-*"))
    done = printer.print_pdf(PDF, "pj-1", lambda: 1.0)
    assert done.ok and (done.before, done.after) == ("idle", "idle"), done
    assert cups_printer.paper.read_bytes() == PDF
    assert set(glob.glob("/tmp/etapiste-print-*")) == before  # the temporary copy is gone


def test_a_stopped_printer_is_reported_and_sent_nothing(cups_printer: CupsPrinter):  # noqa: F811
    cups_printer.stop()
    printer = IppA4Printer(cups_printer.uri)
    done = printer.print_pdf(PDF, "pj-2", lambda: 2.0)
    assert (done.ok, done.code) == (False, "printer_stopped")
    assert done.before.startswith("stopped")
    assert printer.probe().state.value == "degraded"
    assert not cups_printer.paper.exists()


def test_an_unreachable_queue_and_odd_answers_are_states_not_crashes():
    assert IppA4Printer("ipp://127.0.0.1:9/printers/a4").probe().state.value == "missing"
    assert parse_state("not json").answered is False
    odd = '[{"group-tag": "printer-attributes-tag", "printer-state": 5, "printer-state-reasons": ["media-empty"]}]'
    assert parse_state(odd).refusal() == "out_of_paper"
