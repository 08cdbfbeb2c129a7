"""Support asks for a booth's screen in the admin app: idle, the picture comes at once; in a call the
citizen decides on the booth's screen — Do not allow, and support reads "the citizen declined"; Allow,
and the call's picture (without the question) is shown.

Real backend and kiosk processes, Chromium for the support provider and the official; the citizen taps
the booth's screen over TUIO.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker

from backend.store.database import open_engine
from kiosk.i18n import in_language
from tests.e2e.admin_ui import open_section
from tests.e2e.admin_ui import sign_in as admin_sign_in
from tests.e2e.booth_screens import read_dump
from tests.e2e.booth_ui import tap
from tests.e2e.browser import sign_in
from tests.e2e.processes import Backend, Kiosk
from tests.support.bookings import add_account
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e


def _shown_picture(admin) -> tuple[int, int]:
    """The picture in Booth support, decoded by the browser: its natural size (0, 0 while none)."""
    return admin.evaluate(
        "() => { const i = document.querySelector('.booth-screenshot img');"
        " return i && i.complete ? [i.naturalWidth, i.naturalHeight] : [0, 0]; }"
    )


def test_support_sees_the_idle_booth_and_the_citizen_decides_during_a_call(
    tmp_path: Path, backend: Backend, kiosk: Kiosk, new_page, page, artifacts: Path
):
    engine = open_engine(f"sqlite:///{tmp_path}/backend.db")
    add_account(sessionmaker(engine), "support-1", "tuki", "imatra-city", "support", "", "support pw 1")
    engine.dispose()
    shots = artifacts / "screenshots" / "kiosk"
    admin = new_page()
    admin.set_default_timeout(60_000)  # a ceiling for states on a loaded 2-core machine, never a wait
    admin.goto(backend.url + "/admin/")
    admin_sign_in(admin, "support pw 1", username="tuki")
    open_section(admin, "Booth support")
    status = admin.get_by_role("status")
    kiosk.wait_phase("idle")

    # -- nobody at the booth: the picture comes at once --
    admin.get_by_role("button", name="Screenshot of imatra-1").click()
    status.filter(has_text="The screen of imatra-1 is shown below.").wait_for()
    width, height = _shown_picture(admin)
    assert width > 0 and height > 0
    admin.screenshot(path=str(artifacts / "screenshots" / "admin-booth-screenshot-idle.png"), full_page=True)

    # -- a citizen in a call: the booth asks them, in their language --
    sign_in(page, backend.url)
    tap(kiosk, "start")
    tap(kiosk, "service:vero-personal")
    session_id = kiosk.wait_phase("lobby", timeout=20)["session_id"]
    wait_for("the offer on the official's page", lambda: page.query_selector(f"[data-testid='admit-{session_id}']"))
    page.click(f"[data-testid='admit-{session_id}']")
    kiosk.wait_phase("in_call", timeout=60)

    admin.get_by_role("button", name="Screenshot of imatra-1").click()
    question = read_dump(shots, "screenshot-question-fi")
    on_screen = [t["text"] for t in question["texts"]]
    assert in_language("screenshot_question", "fi") in on_screen
    assert in_language("screenshot_allow", "fi") in on_screen and in_language("screenshot_deny", "fi") in on_screen
    assert in_language("screenshot_question", "sv") not in on_screen  # one language
    tap(kiosk, "screenshot_deny")
    status.filter(has_text="The citizen declined.").wait_for()
    assert kiosk.status()["phase"] == "in_call"  # the call goes on

    # -- asked again, the citizen allows: the call's screen, without the question --
    (shots / "screenshot-question-fi.json").unlink()
    admin.get_by_role("button", name="Screenshot of imatra-1").click()
    read_dump(shots, "screenshot-question-fi")
    idle_picture = admin.locator(".booth-screenshot img").get_attribute("src")
    tap(kiosk, "screenshot_allow")
    status.filter(has_text="The screen of imatra-1 is shown below.").wait_for()
    assert admin.locator(".booth-screenshot img").get_attribute("src") != idle_picture  # a new picture
    wait_for("the call's picture decoded", lambda: _shown_picture(admin)[0] > 0)
    admin.screenshot(path=str(artifacts / "screenshots" / "admin-booth-screenshot-call.png"), full_page=True)
    assert "screenshot_allow" not in (kiosk.status().get("targets") or {})  # the question is gone
    page.click("#end-call")
    kiosk.wait_phase("ended", timeout=20)
