"""A whole Tax appointment that needs strong identification, one booth and one official, screen by screen.

Issue 12's "Done when": the advisor has booked the citizen Personal taxation (a
service that needs strong e-identification); the citizen checks in at the booth
with the booking code, the official is told and admits them, asks for ID card
identification, the citizen inserts the card and types the PIN on the booth's
keypad, the official sees "Strongly identified", takes a picture of the paper
under the document camera and sees it, prints a tax card PDF on the booth's A4
printer, writes what next (shown on the booth and printed on its slip
printer), asks for feedback (the citizen answers on the booth, the official on
the page) and ends the call. Afterwards the call's record holds the method and
the feedback, and nothing of the citizen is left on the booth or in a log.

Real processes all the way (backend with its clock at a Tuesday 9.52, kiosk
over TUIO, Chromium for the official; pcscd + vsmartcard, cupsd); simulated only at the hardware: the card
is a SoftHSM2 token, the paper a file or an ESC/POS decoder, the document
camera a video of a test page. Screenshots of both sides at each step go to
artifacts/screenshots/tax-appointment/ (the official's, numbered by step) and
artifacts/screenshots/kiosk-tax-appointment/ (the booth's, named by screen).
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from backend.notify.fake_gateway import FakeSmsGateway
from drivers.sim.printer import TcpPrinter
from tests.e2e.bookings import ACCOUNTS, CLOCK_START, TUESDAY, advisor_books, login, wait_status
from tests.e2e.booth_ui import tap, type_code
from tests.e2e.browser import sign_in
from tests.e2e.official_tools import (
    IDENT_JS,
    backend_trusting_the_cards,
    card_config,
    printers_config,
    tax_card_pdf,
    type_pin,
)
from tests.e2e.privacy import traces
from tests.e2e.processes import Backend, Kiosk
from tests.hil.pcsc_fixtures import PcscStandIn
from tests.hil.softhsm_fixtures import COMMON_NAME, PIN, SATU, SoftHsm
from tests.support.cups_printer import CupsPrinter
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e

WHAT_NEXT = "Verokortti tulee postissa viikon kuluessa. Tarkista tulorajasi OmaVerossa, jos tulosi muuttuvat."
#: The document camera's test page (tests/e2e/media_files.py write_document_video): a 640x480 page of lines.
PAGE_WIDTH, PAGE_HEIGHT = 640, 480
BOOTH_SHOTS = "kiosk-tax-appointment"


@pytest.fixture
def tax_backend(tmp_path: Path, softhsm: SoftHsm, gateway: FakeSmsGateway) -> Iterator[Backend]:
    """Trusts the cards' CA; its clock starts at a Tuesday 9.52, ahead of the citizen's 10.00 booking."""
    env = {"ETAPISTE_NOTIFY_SMS_URL": gateway.url, "ETAPISTE_NOTIFY_POLL_SECONDS": "0.2"}
    proc = backend_trusting_the_cards(tmp_path, softhsm, ("--clock-start", CLOCK_START.isoformat()), env)
    yield proc
    proc.stop()


@pytest.fixture
def tax_booth(
    tmp_path: Path,
    tax_backend: Backend,
    softhsm: SoftHsm,
    pcsc: PcscStandIn,
    slip_printer: TcpPrinter,
    cups_printer: CupsPrinter,
    artifacts: Path,
) -> Iterator[Kiosk]:
    """The booth with everything a Tax appointment uses: card reader, ID card, document camera, both printers."""
    shots = artifacts / "screenshots" / BOOTH_SHOTS
    shutil.rmtree(shots, ignore_errors=True)
    extra = card_config(softhsm) + printers_config(slip_printer, cups_printer)
    proc = Kiosk(tmp_path, tax_backend.port, shots, extra_config=extra)
    yield proc
    code = proc.stop()
    (artifacts / "kiosk-tax-appointment.log").write_text(proc.log())
    assert code == 0, f"the kiosk did not stop cleanly (exit {code}):\n{proc.log()[-3000:]}"


def test_a_complete_tax_appointment_with_strong_identification(
    tax_backend: Backend,
    tax_booth: Kiosk,
    pcsc: PcscStandIn,
    slip_printer: TcpPrinter,
    cups_printer: CupsPrinter,
    page,
    artifacts: Path,
    tmp_path: Path,
):
    kiosk = tax_booth
    booth_shots = artifacts / "screenshots" / BOOTH_SHOTS
    official_shots = artifacts / "screenshots" / "tax-appointment"
    shutil.rmtree(official_shots, ignore_errors=True)
    official_shots.mkdir(parents=True)

    def official_sees(step: str) -> None:
        page.screenshot(path=str(official_shots / f"{step}.png"))

    def booth_showed(shot: str) -> None:
        """The booth's own picture of a screen (taken a moment after it appears) exists: named with
        the citizen's one language, Finnish from the booking on (kiosk/app.py ``_shot_name``)."""
        wait_for(f"the booth's picture {shot!r}", lambda: (booth_shots / f"{shot}-fi.png").exists(), timeout=10)

    def button(name: str):
        return page.get_by_role("button", name=name, exact=True)

    # 1. The advisor has booked the citizen Personal taxation (a service that needs strong identification)
    #    at 10.00; the citizen checks in at the booth with the code, and the official is told at once.
    advisor = login(tax_backend, ACCOUNTS.advisor_username, ACCOUNTS.advisor_password)
    code = advisor_books(tax_backend, advisor, TUESDAY, 10)["code"]
    sign_in(page, tax_backend.url)
    day_entry = page.locator(f"[data-testid='my-day'] li[data-code='{code}']")
    day_entry.wait_for(timeout=10_000)
    kiosk.wait_phase("idle")
    tap(kiosk, "booking")
    type_code(kiosk, code)
    sid = kiosk.wait_phase("lobby", timeout=15)["session_id"]
    page.locator(f"[data-testid='my-day'] li[data-code='{code}'].is-here").wait_for(timeout=15_000)
    assert "has checked in at Imatra booth 1" in page.get_by_test_id("arrival").inner_text()
    admit = page.get_by_test_id(f"admit-{sid}")
    admit.wait_for(timeout=10_000)
    booth_showed("lobby")
    official_sees("01-citizen-checked-in")
    admit.click()
    kiosk.wait_phase("in_call", timeout=30)
    wait_status(tax_backend, advisor, code, "in_call")
    booth_showed("call")
    official_sees("02-in-call")

    # 2. Identification with the ID card: the booth asks for the card, then the PIN on its own keypad.
    button("Ask for ID card identification").click()
    wait_for("the booth to ask for the card", lambda: kiosk.status()["screen"] == "idcard", timeout=10)
    page.wait_for_function(f"{IDENT_JS} === 'waiting_card'", timeout=10_000)
    booth_showed("idcard-insert_card")
    official_sees("03-asked-for-the-card")
    pcsc.insert_card()
    wait_for("the PIN keypad", lambda: kiosk.status()["screen"] == "pin", timeout=15)
    page.wait_for_function(f"{IDENT_JS} === 'typing_pin'", timeout=10_000)
    booth_showed("pin")
    type_pin(kiosk, PIN)
    page.wait_for_function(f"{IDENT_JS} === 'identified'", timeout=20_000)
    assert page.get_by_test_id("ident-status").inner_text() == f"Strongly identified: {COMMON_NAME}"
    official_sees("04-strongly-identified")
    booth_showed("idcard-identified")
    wait_for("the meeting's picture again", lambda: kiosk.status()["screen"] == "call", timeout=15)

    # 3. A picture of the paper under the document camera, shown to the official at the camera's resolution.
    button("Take a picture").click(timeout=15_000)  # Playwright waits for it to be enabled (the camera is ready)
    page.wait_for_function("() => window.etapiste.state().stills.length === 1", timeout=20_000)
    page.wait_for_function(
        f"() => {{ const i = document.querySelector('#still-image');"
        f" return i.complete && i.naturalWidth === {PAGE_WIDTH} && i.naturalHeight === {PAGE_HEIGHT}; }}",
        timeout=10_000,
    )
    assert page.locator("#still-image").is_visible()
    official_sees("05-document-picture")

    # 4. The tax card (a PDF) on this booth's A4 printer: through its CUPS queue, onto the paper.
    tax_card = tax_card_pdf()
    page.get_by_label("A document (PDF) for the booth's printer").set_input_files(
        files=[{"name": "verokortti.pdf", "mimeType": "application/pdf", "buffer": tax_card}]
    )
    button("Print at the booth").click()
    print_status = page.get_by_test_id("print-status")
    page.wait_for_function(
        "() => document.querySelector('#print-status').textContent.startsWith('The document was printed')",
        timeout=30_000,
    )
    assert print_status.inner_text() == "The document was printed at the booth. Printer: idle."
    assert cups_printer.paper.read_bytes() == tax_card
    official_sees("06-tax-card-printed")

    # 5. What next: on the booth's screen, and on its slip printer as the visit summary.
    page.get_by_role("textbox", name="What next, in plain words for the citizen").fill(WHAT_NEXT)
    button("Show and print at the booth").click()
    wait_for("the summary on the booth", lambda: kiosk.status()["screen"] == "summary", timeout=10)
    page.wait_for_function("() => document.querySelector('#print-status').dataset.state === 'ok'", timeout=20_000)
    assert print_status.inner_text() == "The visit summary was printed at the booth. Printer: ok."
    printed = slip_printer.printer.doc.text
    assert "Asiointiyhteenveto" in printed  # the citizen's language (Finnish): the slip's heading
    assert "Verokortti tulee postissa viikon" in printed and "muuttuvat." in printed
    booth_showed("summary-printed-answer")
    official_sees("07-what-next-shown-and-printed")
    tap(kiosk, "back")  # the citizen goes back to the meeting
    wait_for("the meeting again", lambda: kiosk.status()["screen"] == "call", timeout=10)

    # 6. Quick feedback: the citizen answers 5, 4, 5 on the booth; the official their two on the page.
    button("Ask the citizen for feedback").click()
    booth_showed("feedback-feedback_service")
    for score in (5, 4, 5):
        tap(kiosk, f"score:{score}")
    page.wait_for_function("() => window.etapiste.state().feedback === 'answered'", timeout=15_000)
    booth_showed("feedback-feedback_thanks")
    page.get_by_label("How did the video meeting work technically? (5 very well – 1 very badly)").select_option("4")
    page.get_by_label(
        "Did you get the citizen's matter handled in this meeting? (5 very well – 1 very badly)"
    ).select_option("5")
    button("Save my answers").click()
    page.wait_for_function("() => window.etapiste.state().feedback === 'saved'", timeout=10_000)
    official_sees("08-feedback-saved")
    wait_for("the meeting after the thanks", lambda: kiosk.status()["screen"] == "call", timeout=15)

    # 7. The official ends the call; the booth reminds the citizen of their papers and card, then rests.
    button("End call").click()
    kiosk.wait_phase("ended", timeout=10)
    booth_showed("ended-call_ended")
    official_sees("09-call-ended")
    kiosk.wait_phase("idle", timeout=20)
    wait_status(tax_backend, advisor, code, "completed")
    # The meeting as the citizen saw it (the official's picture and the self-view): taken once enough
    # frames were shown, which on a loaded machine can be well into the call.
    assert (booth_shots / "call-video.png").exists()

    # The call's record: the method of identification and both sides' feedback, nothing naming the citizen.
    with sqlite3.connect(tmp_path / "backend.db") as db:
        assert db.execute("SELECT call_id, method FROM call_identification").fetchall() == [(sid, "id_card")]
        feedback = db.execute(
            "SELECT call_id, citizen_service, citizen_ease, citizen_overall, citizen_skipped,"
            " official_id, official_technical, official_handled FROM call_feedback"
        ).fetchall()
    assert feedback == [(sid, 5, 4, 5, 0, "official-1", 4, 5)]
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("backend.db*"))
    logs = tax_backend.log() + kiosk.log()
    for secret in (PIN, SATU, COMMON_NAME, WHAT_NEXT, "Testinen Teppo"):
        assert secret not in logs, f"{secret!r} in a log"
        assert secret.encode() not in stored, f"{secret!r} in the database"
    # Nothing of the citizen on the booth: no PIN, name, summary or tax card, and no picture of the paper.
    markers = (code, PIN, SATU, COMMON_NAME, WHAT_NEXT, "Verokortti", "Testinen Teppo")
    assert traces(tmp_path, kiosk.log(), markers) == []
