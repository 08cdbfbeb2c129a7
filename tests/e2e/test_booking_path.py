"""The booking path end to end: the advisor books, the citizen gets an SMS, checks in at
the booth with the code (typed, or its QR under the document camera), the booked official
is alerted and admits them. A check-in that cannot be accepted reaches the advisor.

Real processes: the backend (its clock started at a Tuesday 9.52 in Helsinki, so the test
runs in office hours whenever CI runs it), the kiosk driven over TUIO, Chromium for the
official and the advisor, and the SMS operator's gateway as a local stand-in.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from backend.notify.fake_gateway import FakeSmsGateway
from tests.e2e.bookings import ACCOUNTS, CLOCK_START, TUESDAY, advisor_books, login, wait_status
from tests.e2e.booth_ui import tap, type_code
from tests.e2e.browser import sign_in
from tests.e2e.media_files import write_qr_video
from tests.e2e.privacy import traces
from tests.e2e.processes import Backend, Kiosk
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e


@pytest.fixture
def backend(tmp_path: Path, gateway: FakeSmsGateway) -> Iterator[Backend]:
    proc = Backend(
        tmp_path,
        extra_args=("--clock-start", CLOCK_START.isoformat()),
        env={"ETAPISTE_NOTIFY_SMS_URL": gateway.url, "ETAPISTE_NOTIFY_POLL_SECONDS": "0.2"},
    )
    yield proc
    proc.stop()


def state(page) -> dict:
    return page.evaluate("() => window.etapiste.state()")


def booth(tmp_path: Path, backend: Backend, artifacts: Path, name: str, **kw) -> Kiosk:
    shots = artifacts / "screenshots" / name
    shutil.rmtree(shots, ignore_errors=True)
    return Kiosk(tmp_path, backend.port, shots, **kw)


def stop_booth(kiosk: Kiosk, artifacts: Path, name: str) -> None:
    code = kiosk.stop()
    (artifacts / f"{name}.log").write_text(kiosk.log())
    assert code == 0, f"the kiosk did not stop cleanly (exit {code}):\n{kiosk.log()[-3000:]}"


def test_advisor_books_citizen_gets_sms_checks_in_and_the_official_admits(
    tmp_path: Path, backend: Backend, gateway: FakeSmsGateway, new_page, artifacts: Path
):
    shots = artifacts / "screenshots"
    advisor = login(backend, ACCOUNTS.advisor_username, ACCOUNTS.advisor_password)
    booking = advisor_books(backend, advisor, TUESDAY, 10)
    tomorrow = advisor_books(backend, advisor, TUESDAY + timedelta(days=1), 10)
    code = booking["code"]

    # The citizen's phone: one Finnish SMS with the code, the place and the time.
    [sms] = wait_for(
        "the confirmation SMS at the gateway",
        lambda: [m for m in gateway.messages if code in m["text"]] or None,
        timeout=20,
    )
    assert sms["to"] == "+358401234567"
    assert "Suomi-piste Imatra" in sms["text"] and "klo 10.00" in sms["text"], sms["text"]

    official_page = new_page()
    advisor_page = new_page()
    kiosk = booth(tmp_path, backend, artifacts, "kiosk-checkin")
    try:
        sign_in(official_page, backend.url)
        sign_in(advisor_page, backend.url, ACCOUNTS.advisor_username, ACCOUNTS.advisor_password)
        kiosk.wait_phase("idle")
        # The official's day: today's booking (not tomorrow's), booked.
        day_entry = f"[data-testid='my-day'] li[data-code='{code}']"
        official_page.wait_for_selector(day_entry, timeout=10_000)
        assert official_page.get_attribute(day_entry, "data-state") == "booked"
        assert official_page.query_selector(f"[data-testid='my-day'] li[data-code='{tomorrow['code']}']") is None
        assert advisor_page.is_hidden("[data-testid='my-day']")  # an advisor has no day of bookings of their own

        # First the citizen types tomorrow's code: a kind "not today" at the booth, and the advisor is told.
        tap(kiosk, "booking")
        kiosk.wait_phase("checkin")
        type_code(kiosk, tomorrow["code"])
        wait_for(
            "the booth to show why the check-in was refused",
            lambda: (s := kiosk.status())["phase"] == "checkin" and s.get("checkin_result") == "wrong_day",
            timeout=15,
        )
        wait_for(  # a person can look at what the citizen was told
            "the booth's screenshot of its answer",
            lambda: (shots / "kiosk-checkin" / "checkin-answer.png").exists(),
            timeout=10,
        )
        alert = wait_for(
            "the advisor's alert", lambda: next(iter(state(advisor_page).get("alerts") or []), None), timeout=10
        )
        assert alert["kind"] == "checkin_refused" and alert["booking_code"] == tomorrow["code"]
        assert "Imatra booth 1" in advisor_page.inner_text("body")
        advisor_page.screenshot(path=str(shots / "advisor-alert.png"))
        assert state(official_page).get("alerts") in ([], None), "an official of Vero is not the point's advisor"
        advisor_page.click(f"[data-testid='ack-{alert['alert_id']}']")
        wait_for("the alert to leave the advisor's list", lambda: state(advisor_page)["alerts"] == [], timeout=10)

        # Then today's code: the citizen is in the lobby, and the booked official is told at once.
        tap(kiosk, "back")
        tap(kiosk, "booking")
        type_code(kiosk, code)
        status = kiosk.wait_phase("lobby", timeout=15)
        session_id = status["session_id"]
        wait_for("the offer on the official's page", lambda: session_id in state(official_page)["offers"], timeout=10)
        assert "Personal taxation" in official_page.inner_text("body")  # the matter in the page's language
        # The day view follows by itself: the citizen is here (no reload).
        official_page.wait_for_selector(f"{day_entry}.is-here", timeout=15_000)
        # The check-in pop-up stays although the offer's line came in the same instant.
        assert official_page.is_visible("[data-testid='arrival']")
        assert "has checked in at Imatra booth 1" in official_page.inner_text("#arrival-text")
        official_page.screenshot(path=str(shots / "official-booking-arrived.png"))
        wait_status(backend, advisor, code, "in_lobby")

        official_page.click(f"[data-testid='admit-{session_id}']")
        kiosk.wait_phase("in_call", timeout=30)
        assert official_page.is_hidden("[data-testid='arrival']")  # admitted: the pop-up has done its job
        wait_status(backend, advisor, code, "in_call")
        official_page.click("#end-call")
        kiosk.wait_phase("ended", timeout=10)
        wait_status(backend, advisor, code, "completed")
        assert traces(tmp_path, kiosk.log(), (code, tomorrow["code"])) == []  # typed codes leave no trace
    finally:
        stop_booth(kiosk, artifacts, "kiosk-checkin")


def test_the_qr_code_under_the_document_camera_checks_the_citizen_in(
    tmp_path: Path, backend: Backend, new_page, artifacts: Path
):
    advisor = login(backend, ACCOUNTS.advisor_username, ACCOUNTS.advisor_password)
    booking = advisor_books(backend, advisor, TUESDAY, 10)
    paper = write_qr_video(tmp_path / "confirmation.avi", booking["qr_payload"])
    official_page = new_page()
    kiosk = booth(tmp_path, backend, artifacts, "kiosk-qr", document_video=paper)
    try:
        sign_in(official_page, backend.url)
        kiosk.wait_phase("idle")
        tap(kiosk, "booking")  # the citizen lays the letter under the document camera: nothing to type
        status = kiosk.wait_phase("lobby", timeout=20)
        wait_for(
            "the official to be offered the citizen",
            lambda: status["session_id"] in state(official_page)["offers"],
            timeout=10,
        )
        wait_status(backend, advisor, booking["code"], "in_lobby")
    finally:
        stop_booth(kiosk, artifacts, "kiosk-qr")
