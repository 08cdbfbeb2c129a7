"""The end of the appointment: what next shown and printed at the booth, then quick feedback from both sides.

The slip printer is the hardware boundary: an ESC/POS network printer stand-in
(``drivers.sim.printer.TcpPrinter``) decodes what the booth's real driver
sends. The official sees the printer's state before and after; the booth then
reminds the citizen to take their papers and ID card, and keeps nothing of the
text after the call. The citizen answers the three quick questions on the
booth's screen and the official their two on the page; both land in the
database with the call.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from drivers.sim.printer import TcpPrinter
from tests.e2e.booth_ui import start_walk_in, tap
from tests.e2e.browser import sign_in
from tests.e2e.official_tools import printers_config, tax_card_pdf
from tests.e2e.privacy import traces
from tests.e2e.processes import Backend, Kiosk
from tests.support.cups_printer import CupsPrinter
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e

WHAT_NEXT = "Verokortti tulee postissa viikon kuluessa. Tarkista tulorajasi OmaVerossa, jos tulosi muuttuvat."


@pytest.fixture
def printing_kiosk(tmp_path: Path, backend: Backend, slip_printer: TcpPrinter, cups_printer: CupsPrinter, artifacts):
    extra = printers_config(slip_printer, cups_printer)
    proc = Kiosk(tmp_path, backend.port, artifacts / "screenshots" / "kiosk-summary", extra_config=extra)
    yield proc
    code = proc.stop()
    assert code == 0, proc.log()[-3000:]


def test_a_tax_card_and_what_next_are_printed_at_this_booth_and_both_sides_give_feedback(
    backend: Backend,
    printing_kiosk: Kiosk,
    slip_printer: TcpPrinter,
    cups_printer: CupsPrinter,
    page,
    artifacts: Path,
    tmp_path: Path,
):
    kiosk = printing_kiosk
    sign_in(page, backend.url)
    kiosk.wait_phase("idle")
    start_walk_in(kiosk, "vero-personal")
    sid = kiosk.wait_phase("lobby", timeout=10)["session_id"]
    page.click(f"[data-testid='admit-{sid}']", timeout=10_000)
    kiosk.wait_phase("in_call", timeout=30)

    # The tax card (a PDF) to this booth's A4 printer: through the booth's CUPS queue, onto the paper.
    tax_card = tax_card_pdf()
    page.set_input_files(
        "#print-file", files=[{"name": "verokortti.pdf", "mimeType": "application/pdf", "buffer": tax_card}]
    )
    page.click("#print-document")
    page.wait_for_function(
        "() => document.querySelector('#print-status').textContent.startsWith('The document was printed')",
        timeout=30_000,
    )
    assert page.inner_text("#print-status") == "The document was printed at the booth. Printer: idle."
    assert cups_printer.paper.read_bytes() == tax_card
    page.screenshot(path=str(artifacts / "screenshots" / "official-tax-card-printed.png"))

    page.fill("#summary-text", WHAT_NEXT)
    page.click("#summary-print")
    wait_for("the summary on the booth", lambda: kiosk.status()["screen"] == "summary", timeout=10)
    page.wait_for_function("() => document.querySelector('#print-status').dataset.state === 'ok'", timeout=20_000)
    assert page.inner_text("#print-status") == "The visit summary was printed at the booth. Printer: ok."
    printed = slip_printer.printer.doc.text
    assert "Asiointiyhteenveto" in printed  # the citizen's language (Finnish): the slip's heading
    assert "Verokortti tulee postissa viikon" in printed and "muuttuvat." in printed
    page.screenshot(path=str(artifacts / "screenshots" / "official-what-next-printed.png"))

    tap(kiosk, "back")  # the citizen goes back to the meeting
    wait_for("the meeting again", lambda: kiosk.status()["screen"] == "call", timeout=10)

    # Quick feedback: the official asks; the citizen answers 5, 4, 5 on the booth's screen.
    page.click("#feedback-request")
    for score in (5, 4, 5):
        tap(kiosk, f"score:{score}")
    page.wait_for_function("() => window.etapiste.state().feedback === 'answered'", timeout=15_000)
    page.select_option("#feedback-technical", "4")
    page.select_option("#feedback-handled", "5")
    page.click("#feedback-save")
    page.wait_for_function("() => window.etapiste.state().feedback === 'saved'", timeout=10_000)
    page.screenshot(path=str(artifacts / "screenshots" / "official-feedback-saved.png"))
    wait_for("the meeting after the thanks", lambda: kiosk.status()["screen"] == "call", timeout=15)

    page.click("#end-call")
    kiosk.wait_phase("ended", timeout=10)
    kiosk.wait_phase("idle", timeout=20)
    shots = artifacts / "screenshots" / "kiosk-summary"
    assert (shots / "summary-printed-answer.png").exists() and (shots / "ended-call_ended.png").exists()
    assert traces(tmp_path, kiosk.log(), (WHAT_NEXT, "Verokortti", "Testinen Teppo")) == []  # nothing left on the booth
    assert (shots / "feedback-feedback_service.png").exists() and (shots / "feedback-feedback_thanks.png").exists()
    with sqlite3.connect(tmp_path / "backend.db") as db:
        row = db.execute(
            "SELECT call_id, citizen_service, citizen_ease, citizen_overall, citizen_skipped,"
            " official_id, official_technical, official_handled FROM call_feedback"
        ).fetchall()
    assert row == [(sid, 5, 4, 5, 0, "official-1", 4, 5)]
