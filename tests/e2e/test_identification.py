"""Identification in a call, driven from the official's page and the booth's keypad.

Real backend and kiosk processes and Chromium; the ID card is the hardware
boundary: a real pcscd with the vsmartcard virtual reader tells the booth the
card is in (or out), and SoftHSM2 is the card's PKCS#11 token, holding a key
pair it generated and an authentication certificate from a test CA that the
backend is configured to trust. The citizen types a wrong PIN first, then the
right one; the official sees each step and then "Strongly identified" with the
name from the certificate. Only the method lands in the database; the PIN, the
name and the citizen's identifier appear in no log.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.e2e.booth_ui import start_walk_in
from tests.e2e.browser import sign_in
from tests.e2e.official_tools import IDENT_JS, card_config, type_pin
from tests.e2e.privacy import traces
from tests.e2e.processes import Backend, Kiosk
from tests.hil.pcsc_fixtures import PcscStandIn
from tests.hil.softhsm_fixtures import COMMON_NAME, PIN, SATU, WRONG_PIN, SoftHsm
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e


@pytest.fixture
def id_kiosk(tmp_path: Path, id_backend: Backend, softhsm: SoftHsm, pcsc: PcscStandIn, artifacts: Path):
    shots = artifacts / "screenshots" / "kiosk-identification"
    shutil.rmtree(shots, ignore_errors=True)
    proc = Kiosk(tmp_path, id_backend.port, shots, extra_config=card_config(softhsm))
    yield proc
    code = proc.stop()
    (artifacts / "kiosk-identification.log").write_text(proc.log())
    assert code == 0, f"the kiosk did not stop cleanly (exit {code}):\n{proc.log()[-3000:]}"


def test_the_citizen_identifies_with_the_id_card_on_the_booths_keypad(
    id_backend: Backend, id_kiosk: Kiosk, pcsc: PcscStandIn, page, artifacts: Path, tmp_path: Path
):
    shots = artifacts / "screenshots"
    kiosk = id_kiosk
    sign_in(page, id_backend.url)
    kiosk.wait_phase("idle")
    start_walk_in(kiosk, "vero-personal")
    sid = kiosk.wait_phase("lobby", timeout=10)["session_id"]
    page.click(f"[data-testid='admit-{sid}']", timeout=10_000)
    kiosk.wait_phase("in_call", timeout=30)

    # The official asks; the booth asks the citizen for the card (none is in the reader yet).
    page.click("#ident-request")
    wait_for("the booth to ask for the card", lambda: kiosk.status()["screen"] == "idcard", timeout=10)
    page.wait_for_function(f"{IDENT_JS} === 'waiting_card'", timeout=10_000)
    assert "insert the ID card" in page.inner_text("#ident-status")
    page.screenshot(path=str(shots / "official-ident-waiting-card.png"))
    booth_shots = shots / "kiosk-identification"
    wait_for(
        "the booth's picture of its request", lambda: (booth_shots / "idcard-insert_card-fi.png").exists(), timeout=10
    )

    pcsc.insert_card()  # the citizen puts the card in: the PIN keypad comes up
    wait_for("the PIN keypad", lambda: kiosk.status()["screen"] == "pin", timeout=15)
    page.wait_for_function(f"{IDENT_JS} === 'typing_pin'", timeout=10_000)

    type_pin(kiosk, WRONG_PIN)  # a slip of the finger: the card refuses, the booth asks again
    page.wait_for_function("() => document.querySelector('#ident-status').textContent.startsWith('Wrong PIN')")
    wait_for("the keypad again", lambda: kiosk.status()["screen"] == "pin" and kiosk.status()["ident_step"] == "pin")
    page.screenshot(path=str(shots / "official-ident-wrong-pin.png"))

    type_pin(kiosk, PIN)
    page.wait_for_function(f"{IDENT_JS} === 'identified'", timeout=20_000)
    assert page.inner_text("#ident-status") == f"Strongly identified: {COMMON_NAME}"
    assert page.is_disabled("#ident-request") and page.is_disabled("#ident-in-person")
    page.screenshot(path=str(shots / "official-ident-identified.png"))
    wait_for("the booth to thank the citizen", lambda: kiosk.status()["ident_step"] == "result", timeout=10)
    wait_for("the meeting's picture again", lambda: kiosk.status()["screen"] == "call", timeout=15)

    page.click("#end-call")
    kiosk.wait_phase("idle", timeout=20)

    # The call's record counts the method; nothing names the citizen, in the database or the logs.
    with sqlite3.connect(tmp_path / "backend.db") as db:
        assert db.execute("SELECT call_id, method FROM call_identification").fetchall() == [(sid, "id_card")]
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("backend.db*"))
    logs = id_backend.log() + kiosk.log()
    for secret in (PIN, WRONG_PIN, SATU, COMMON_NAME):
        assert secret not in logs, f"{secret!r} in a log"
        assert secret.encode() not in stored, f"{secret!r} in the database"
    assert traces(tmp_path, kiosk.log(), (PIN, WRONG_PIN, SATU, COMMON_NAME)) == []  # nothing left on the booth
    # The booth's pictures are named with the citizen's one language (Finnish: the matter's).
    for shot in ("idcard-insert_card", "pin", "pin-wrong_pin", "idcard-identified"):
        assert (shots / "kiosk-identification" / f"{shot}-fi.png").exists(), shot
