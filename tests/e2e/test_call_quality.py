"""Call quality as people see it: the official's live indicator in a call, and the admin's timeline after it.

Real backend, kiosk and Chromium (as the official and then as the authority
admin). Both ends report their connection every few seconds; the official's
page grades the booth link and says it in words; after the hang-up the Vero
admin opens the call in the admin app's Calls section and reads its verdict,
events and quality over time. Screenshots of both go to artifacts/screenshots/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from backend.store.seed import DemoAccounts
from tests.e2e.admin_ui import axe_violations, open_section
from tests.e2e.admin_ui import sign_in as admin_sign_in
from tests.e2e.booth_ui import start_walk_in
from tests.e2e.browser import sign_in
from tests.e2e.processes import Backend, Kiosk

pytestmark = pytest.mark.e2e

#: What the indicator says once it has figures from both ends: a level, and the figures behind it.
#: A verdict other than "no trouble" for this call says which figure suffered, or what the connection did.
SAID_IN_WORDS = re.compile(
    r"(delay|packet loss|uneven delay|frame rate|broken-up sound)\.|interrupted|failed|set up again"
)
MEASURED = re.compile(r"^(Good connection|Fair connection: .+|Poor connection: .+)$")


def test_the_official_sees_the_link_quality_and_the_admin_reads_the_calls_timeline(
    backend: Backend, kiosk: Kiosk, new_page, artifacts: Path
):
    shots = artifacts / "screenshots"
    page = new_page(permissions=["camera", "microphone"])
    page.set_default_timeout(60_000)  # a ceiling for states on a loaded 2-core machine, never a wait
    sign_in(page, backend.url, language="en")
    kiosk.wait_phase("idle")
    start_walk_in(kiosk, "vero-personal", "fi")
    session_id = kiosk.wait_phase("lobby", timeout=30)["session_id"]
    page.click(f"[data-testid='admit-{session_id}']")
    kiosk.wait_phase("in_call", timeout=30)

    # The indicator measures first, then speaks: this page's own figures and the booth's report.
    indicator = page.locator("[data-testid='call-quality']")
    assert indicator.get_attribute("role") == "status"  # read out when it changes
    page.wait_for_function("() => { const q = window.etapiste.state().quality; return q && q.mine && q.booth; }")
    page.wait_for_function("() => document.querySelector('#call-quality').dataset.level !== 'unknown'")
    text = page.inner_text("#call-quality-text")
    assert MEASURED.match(text), text
    detail = page.inner_text("#call-quality-detail")
    assert re.search(r"delay \d+ ms · loss [\d.]+ % · \d+ frames/s", detail), detail
    assert indicator.get_attribute("data-level") in ("good", "fair", "poor")
    page.screenshot(path=str(shots / "official-call-quality-en.png"))
    page.locator(".call-header").screenshot(path=str(shots / "official-call-quality-indicator-en.png"))
    page.click("#end-call")
    kiosk.wait_phase("ended", timeout=30)

    # -- after the call: the Vero admin reads its timeline, by keyboard --
    admin = new_page()
    admin.set_default_timeout(60_000)
    admin.goto(backend.url + "/admin/")
    accounts = DemoAccounts()
    admin_sign_in(admin, accounts.admin_password, username=accounts.admin_username)
    admin.locator("body[data-section='accounts']").wait_for()  # the first section, before moving on
    open_section(admin, "Calls")
    view = admin.locator("#view")
    row = view.locator("tbody tr", has=admin.locator(f"button[data-call='{session_id}']"))
    assert "Imatra booth 1" in row.inner_text()
    button = row.get_by_role("button", name="Timeline")
    button.focus()
    admin.keyboard.press("Enter")
    timeline = view.locator("[data-testid='call-timeline']")
    verdict = timeline.locator("[data-testid='call-verdict']")
    verdict.wait_for()
    heading = verdict.locator("h3")
    assert heading.evaluate("h => document.activeElement === h")  # focus moved to the answer
    # Hung up by the official with every device working: not a device's trouble, not a person's.
    # Whether the figures stayed good depends on the machine's load (its own network is the
    # loopback, its delays the busy CPU's), so the verdict is "no trouble" or says in words
    # which figures suffered.
    said = verdict.locator("p").inner_text()
    assert heading.inner_text() in ("No trouble", "System trouble", "Network trouble"), said
    if heading.inner_text() == "No trouble":
        assert said == "The official ended the call; the connection was good."
    else:
        assert re.search(SAID_IN_WORDS, said), said
    events = timeline.locator("table").first.inner_text()
    for line in ("The citizen asked for an official.", "Joined: Official o1",
                 "Connection Booth → Official o1: connected", "Connection Official o1 → Booth: connected",
                 "The official ended the call."):  # fmt: skip
        assert line in events, events
    # Both ends reported their side of the link over time.
    measured_by = timeline.locator("table").nth(1).inner_text()
    assert "Booth ← Official o1" in measured_by and "Official o1 ← Booth" in measured_by, measured_by
    assert timeline.locator("table").nth(2).locator("tbody tr").count() >= 2
    admin.screenshot(path=str(shots / "admin-call-timeline-en.png"), full_page=True)
    assert axe_violations(admin) == []
