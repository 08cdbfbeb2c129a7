"""The advisor's app on a phone, end to end: Chromium with mobile emulation, the real backend
(and, for the call button, the real kiosk behind a socat serial line), and the push service
stand-in (tests/support/push_service.py), which checks the VAPID signature and decrypts
each push with the phone's keys.

Headless Chromium has no route to a real push service, so the phone's subscription is the
stand-in's (registered through the same API the app uses); the push it decrypts is then
handed to the app's service worker with the DevTools protocol
(``ServiceWorker.deliverPushMessage``), as the phone's browser would hand it over. The
notification is read back with ``registration.getNotifications()``, and its "I'm on it"
action runs the service worker's own ``notificationclick`` handler (a headless browser has
no screen to tap it on).

axe-core runs on each screen; screenshots of the phone screens go to artifacts/screenshots/advisor/.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import urllib.request
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from backend.store.seed import DemoAccounts
from drivers.button_logic import LedState
from drivers.sim.button import SimButtonBox
from tests.e2e.booth_ui import start_walk_in
from tests.e2e.browser import sign_in as official_sign_in
from tests.e2e.processes import Backend, Kiosk, urlopen
from tests.e2e.test_call import read_png
from tests.e2e.test_call_button import banner_colour
from tests.support.push_service import PushServiceStandIn, Received
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e

HELSINKI = ZoneInfo("Europe/Helsinki")
ACCOUNTS = DemoAccounts()
REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
#: A mid-range Android phone, as Playwright's device list describes a Pixel 7.
PHONE = {
    "viewport": {"width": 412, "height": 839},
    "screen": {"width": 412, "height": 915},
    "device_scale_factor": 2.625,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Mobile Safari/537.36",
}


def a_tuesday() -> date:
    day = date.today() + timedelta(days=7)
    return day + timedelta(days=(1 - day.weekday()) % 7)


CLOCK_START = datetime.combine(a_tuesday(), time(9, 52), HELSINKI)


@pytest.fixture
def push_service() -> Iterator[PushServiceStandIn]:
    service = PushServiceStandIn().start()
    yield service
    service.stop()


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[Backend]:
    """In opening hours whenever CI runs; alarms climb a level after 3 s instead of 30."""
    proc = Backend(
        tmp_path,
        extra_args=("--clock-start", CLOCK_START.isoformat()),
        env={"ETAPISTE_ALARMS_ESCALATE_AFTER_S": "3", "ETAPISTE_ALARMS_CHECK_EVERY_S": "0.2"},
    )
    yield proc
    proc.stop()


@pytest.fixture
def phone(chromium, backend: Backend):
    """A phone's browser with notifications allowed for the backend's origin."""
    context = chromium.new_context(**PHONE)
    context.grant_permissions(["notifications"], origin=backend.url)
    page = context.new_page()
    page.console_messages = []
    page.on("console", lambda m: page.console_messages.append(f"{m.type}: {m.text}"))
    yield page
    context.close()


@pytest.fixture(scope="session")
def shots(artifacts: Path) -> Path:
    """Cleared once per run, so the pictures are this run's and both tests' stay."""
    path = artifacts / "screenshots" / "advisor"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def api(backend: Backend, method: str, path: str, body: dict | None = None, token: str | None = None):
    request = urllib.request.Request(
        backend.url + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})},
    )
    with urlopen(request, timeout=10) as r:
        return json.loads(r.read() or b"null")


def no_accessibility_violations(page, screen: str) -> None:
    """axe-core's rules on the screen as it is now: no violations."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)"
    )
    assert found == [], f"axe on the {screen} screen: {found}"


def sign_in(page, backend: Backend) -> None:
    page.goto(backend.url + "/advisor/")
    page.get_by_label("Username").fill(ACCOUNTS.advisor_username)
    page.get_by_label("Password").fill(ACCOUNTS.advisor_password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("#connection[data-state='connected']", timeout=15_000)
    page.wait_for_function("() => document.querySelectorAll('#booths li').length > 0", timeout=15_000)


def wait_notice(page, text: str) -> None:
    """The app's notice line says ``text``; on a timeout, the failure names what it said instead."""
    try:
        page.wait_for_selector(f"#notice:has-text('{text}')", timeout=60_000)
    except Exception:
        raise AssertionError(f"the notice never said {text!r}; it says {page.inner_text('#notice')!r}") from None


def service_worker_registration(page) -> int:
    """The app's service worker is registered for /advisor/ and active; its DevTools registration id."""
    page.wait_for_function(
        "async () => { const r = await navigator.serviceWorker.getRegistration('/advisor/');"
        " return !!(r && r.active && r.active.state === 'activated'); }",
        timeout=15_000,
    )
    cdp = page.context.new_cdp_session(page)
    found: dict[str, str] = {}

    def seen(event: dict) -> None:
        for r in event["registrations"]:
            if r["scopeURL"].endswith("/advisor/") and not r.get("isDeleted"):
                found["id"] = r["registrationId"]

    cdp.on("ServiceWorker.workerRegistrationUpdated", seen)
    cdp.send("ServiceWorker.enable")
    # Playwright's sync API hands over CDP events while it runs a call: evaluate pumps them.
    wait_for(
        "the service worker's registration in DevTools",
        lambda: page.evaluate("() => true") and "id" in found,
        timeout=10,
    )
    page.cdp = cdp
    return int(found["id"])


def deliver(page, registration: int, push: Received, origin: str) -> None:
    """Hand the push the stand-in decrypted to the app's service worker, as the phone's browser would."""
    page.cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": origin, "registrationId": str(registration), "data": json.dumps(push.payload)},
    )


NOTIFICATIONS_JS = """async () => (await (await navigator.serviceWorker.getRegistration('/advisor/'))
  .getNotifications()).map(n => ({title: n.title, body: n.body, tag: n.tag, actions: n.actions.map(a => a.title)}))"""


def tap_im_on_it(page, tag: str) -> None:
    """Run the service worker's notificationclick handler for the notification's "I'm on it" action."""
    worker = next(w for w in page.context.service_workers if w.url.endswith("/advisor/sw.js"))
    worker.evaluate(
        """async (tag) => {
          const [note] = await self.registration.getNotifications({tag});
          self.dispatchEvent(new NotificationEvent('notificationclick', {notification: note, action: 'ack'}));
        }""",
        tag,
    )


def subscribe_phone(backend: Backend, push_service: PushServiceStandIn, language: str = "en") -> None:
    """The phone's push subscription, registered through the app's API as the advisor."""
    token = api(backend, "POST", "/api/login", {"username": "neuvoja", "password": "demo-advisor"})["token"]
    api(backend, "POST", "/api/push/subscriptions", {**push_service.new_subscription(), "language": language}, token)


def test_an_advisor_runs_the_desk_from_a_phone(backend: Backend, phone, shots: Path, push_service, artifacts):
    page = phone
    page.goto(backend.url + "/advisor/")
    manifest = page.evaluate("async () => (await fetch(document.querySelector('link[rel=manifest]').href)).json()")
    assert (manifest["scope"], manifest["display"]) == ("/advisor/", "standalone")
    assert {"192x192", "512x512"} <= {i["sizes"] for i in manifest["icons"]}
    no_accessibility_violations(page, "sign-in")
    page.screenshot(path=str(shots / "sign-in.png"))

    sign_in(page, backend)
    registration = service_worker_registration(page)
    booths = page.locator("#booths li")
    assert "Imatra" in booths.first.inner_text()

    # Book at the desk: the service says up front what identification it needs.
    page.get_by_label("Service", exact=True).select_option("vero-personal")
    assert "bank codes" in page.locator("#service-identification").inner_text()
    page.get_by_role("button", name="Find free times").click()
    page.wait_for_function("() => document.querySelectorAll('#slot option').length > 0", timeout=60_000)
    page.get_by_label("Time").select_option(label="10.00")
    page.get_by_label("Phone").fill("+358401234567")
    page.get_by_role("button", name="Book", exact=True).click()
    wait_notice(page, "code")
    booking = page.locator("#bookings li").filter(has_text="10.00")
    booking.wait_for(timeout=60_000)
    assert "Booked" in booking.inner_text()
    no_accessibility_violations(page, "desk")
    page.screenshot(path=str(shots / "desk-booked.png"), full_page=True)

    # Move it: the same booking, its details kept, at 11.00.
    booking.get_by_role("button", name="Move").click()
    booking.get_by_role("button", name="Find free times").click()
    page.wait_for_function("() => document.querySelectorAll('.move select option').length > 0", timeout=60_000)
    booking.get_by_label("New time").select_option(label="11.00")
    no_accessibility_violations(page, "move")
    page.screenshot(path=str(shots / "desk-move.png"), full_page=True)
    booking.get_by_role("button", name="Move here").click()
    moved = page.locator("#bookings li").filter(has_text="11.00")
    moved.wait_for(timeout=60_000)
    code = moved.get_attribute("data-code")

    # Resend its confirmation, then cancel it (a second tap confirms).
    moved.get_by_role("button", name="Resend").click()
    wait_notice(page, "sent again")
    moved.get_by_role("button", name="Cancel").click()
    moved.get_by_role("button", name="Yes, cancel").click()
    page.locator(f"#bookings li[data-code='{code}']").filter(has_text="Cancelled").wait_for(timeout=60_000)

    # Serve now: a walk-in joins the queue.
    page.get_by_role("button", name="Serve now").click()
    page.locator("#queue li").first.wait_for(timeout=60_000)
    assert "Personal taxation" in page.locator("#queue li").first.inner_text()
    page.screenshot(path=str(shots / "desk-queue.png"), full_page=True)

    # An alarm with the app's screen elsewhere: a refused check-in (the cancelled booking's code at
    # the booth) is pushed to the phone, shown as a notification, and "I'm on it" takes it.
    subscribe_phone(backend, push_service, "en")
    refused = api(
        backend,
        "POST",
        "/api/checkin",
        {"booth_id": ACCOUNTS.booth_id, "booth_secret": ACCOUNTS.booth_secret, "code": code},
    )
    assert refused["result"] == "cancelled"
    push = push_service.wait_for(lambda r: r.payload["kind"] == "checkin_refused")
    deliver(page, registration, push, backend.url)
    notes = wait_for("the notification", lambda: page.evaluate(NOTIFICATIONS_JS) or None, timeout=10)
    assert len(notes) == 1 and notes[0]["tag"] == push.payload["alert_id"]
    assert notes[0]["actions"] == ["I'm on it"] and "could not check in" in notes[0]["body"]
    deliver(page, registration, push, backend.url)  # the same push again: never shown twice
    assert len(page.evaluate(NOTIFICATIONS_JS)) == 1
    page.locator("#alarms li").first.wait_for(timeout=60_000)
    no_accessibility_violations(page, "alarm")
    page.screenshot(path=str(shots / "desk-alarm.png"), full_page=True)

    tap_im_on_it(page, push.payload["alert_id"])
    wait_notice(page, "You took the alarm")
    page.wait_for_function("() => document.querySelectorAll('#alarms li').length === 0", timeout=60_000)
    token = api(backend, "POST", "/api/login", {"username": "neuvoja", "password": "demo-advisor"})["token"]
    assert api(backend, "GET", "/api/alerts", token=token) == []
    assert page.evaluate(NOTIFICATIONS_JS) == []
    handled = page.evaluate("() => window.etapisteAdvisor.pushesHandled()")
    deliver(page, registration, push, backend.url)  # delivered again after it was taken: still not shown again
    page.wait_for_function(f"() => window.etapisteAdvisor.pushesHandled() > {handled}", timeout=60_000)
    assert page.evaluate(NOTIFICATIONS_JS) == []
    errors = [m for m in page.console_messages if m.startswith("error")]
    assert errors == [], errors


@pytest.fixture
def button_kiosk(tmp_path: Path, backend: Backend, artifacts: Path, serial_pair):
    booth_shots = artifacts / "screenshots" / "kiosk-advisor"
    shutil.rmtree(booth_shots, ignore_errors=True)
    extra = f'[call_button]\nkind = "serial"\npath = "{serial_pair.device_path}"\n'
    box = SimButtonBox(serial_pair.host_path)
    kiosk = Kiosk(tmp_path, backend.port, booth_shots, extra_config=extra)
    yield kiosk, box, booth_shots
    box.close()
    assert kiosk.stop() == 0, kiosk.log()[-3000:]


def test_the_call_button_rings_the_phone_and_a_desk_check_in_reaches_the_booth(
    backend: Backend, button_kiosk, phone, shots: Path, push_service
):
    kiosk, box, booth_shots = button_kiosk
    page = phone
    subscribe_phone(backend, push_service, "fi")
    page.goto(backend.url + "/advisor/")
    page.get_by_label("Language").first.select_option("fi")
    page.wait_for_selector("html[lang='fi']", timeout=15_000)
    page.get_by_label("Käyttäjätunnus").fill(ACCOUNTS.advisor_username)
    page.get_by_label("Salasana").fill(ACCOUNTS.advisor_password)
    page.get_by_role("button", name="Kirjaudu sisään").click()
    page.wait_for_selector("#connection[data-state='connected']", timeout=15_000)
    registration = service_worker_registration(page)
    kiosk.wait_phase("idle")

    box.press()  # the physical button, over the serial line
    first = push_service.wait_for(lambda r: r.payload["kind"] == "call_button", timeout=15)
    assert first.payload["message"] == "Asiakas kioskilla Imatra booth 1 painoi kutsunappia"
    page.locator("#booths li.state-help").wait_for(timeout=60_000)

    # Nobody answers: after the escalation time every advisor of the point is rung again.
    again = push_service.wait_for(lambda r: r.payload["kind"] == "call_button" and r.payload["level"] == 1, timeout=15)
    assert again.payload["alert_id"] == first.payload["alert_id"]
    assert again.payload["title"].startswith("Kukaan ei ole vielä vastannut")
    deliver(page, registration, again, backend.url)
    notes = wait_for("the notification", lambda: page.evaluate(NOTIFICATIONS_JS) or None, timeout=10)
    assert notes[0]["actions"] == ["Hoidan asian"]
    page.locator("#alarms li.kind-call_button").wait_for(timeout=60_000)
    no_accessibility_violations(page, "call button alarm (Finnish)")
    page.screenshot(path=str(shots / "call-button-alarm-fi.png"), full_page=True)

    tap_im_on_it(page, again.payload["alert_id"])
    wait_for("the button's light to blink", lambda: box.led is LedState.BLINK, timeout=10)
    page.locator("#booths li.state-help-coming").wait_for(timeout=60_000)
    acknowledged = wait_for(
        "the booth's 'on the way' banner", lambda: read_png(booth_shots / "assist-acknowledged.png"), timeout=15
    )
    b, g, r = banner_colour(acknowledged)
    assert r > 150 and g > 100 and b < 80, "the booth shows an amber 'advisor on the way' banner"
    page.screenshot(path=str(shots / "call-button-taken-fi.png"), full_page=True)

    # A citizen with a booking comes to the desk: booked in Finnish, checked in from the phone, the booth
    # shows its lobby and the booking reads "arrived" (then "in the booth").
    page.get_by_label("Palvelu", exact=True).select_option("vero-personal")
    page.get_by_role("button", name="Hae vapaat ajat").click()
    page.wait_for_function("() => document.querySelectorAll('#slot option').length > 0", timeout=60_000)
    page.get_by_label("Aika", exact=True).select_option(label="10.00")
    page.get_by_label("Puhelin").fill("+358401234567")
    page.get_by_role("button", name="Varaa", exact=True).click()
    wait_notice(page, "koodi")
    booked = page.locator("#bookings li").filter(has_text="10.00")
    booked.get_by_role("button", name="Ilmoittaudu").click()
    kiosk.wait_phase("lobby")
    # arrived, and in the booth once the booth's lobby session is recorded
    page.locator("#bookings li").filter(has_text=re.compile("Saapunut|Kioskissa")).wait_for(timeout=60_000)
    # The button's alarm was taken but not cleared: help is still on its way, to a booth with someone inside.
    page.locator("#booths li.state-help-coming").filter(has_text="Asiakas sisällä").wait_for(timeout=60_000)
    no_accessibility_violations(page, "checked in (Finnish)")
    page.screenshot(path=str(shots / "desk-checked-in-fi.png"), full_page=True)


def test_the_advisor_identifies_the_citizen_in_a_call_in_person_and_the_official_sees_it(
    backend: Backend, kiosk: Kiosk, page, phone, shots: Path, tmp_path: Path
):
    """Police and DVV matters need the citizen's ID seen: the advisor at the desk checks it and taps
    "Identified in person" on the booth's line; the official in the call reads it on their page."""
    official_sign_in(page, backend.url)
    kiosk.wait_phase("idle")
    start_walk_in(kiosk, "vero-personal")
    sid = kiosk.wait_phase("lobby", timeout=10)["session_id"]
    page.click(f"[data-testid='admit-{sid}']", timeout=60_000)
    kiosk.wait_phase("in_call", timeout=30)

    sign_in(phone, backend)
    line = phone.locator("#booths li").filter(has_text="In a call")
    line.get_by_role("button", name="Identified in person").click()
    line.get_by_text("Did you check the customer's ID document with your own eyes?").wait_for(timeout=60_000)
    no_accessibility_violations(phone, "identified in person: confirm")
    phone.screenshot(path=str(shots / "identify-confirm.png"), full_page=True)
    line.get_by_role("button", name="Yes, I checked the ID").click()
    wait_notice(phone, "was identified in person")
    line.locator(".ok").filter(has_text="Identified in person").wait_for(timeout=60_000)
    phone.screenshot(path=str(shots / "identify-done.png"), full_page=True)

    page.wait_for_function("() => window.etapiste.state().ident === 'in_person'", timeout=60_000)
    assert page.inner_text("#ident-status") == "Identified in person"
    assert page.is_disabled("#ident-in-person")

    page.click("#end-call")
    kiosk.wait_phase("idle", timeout=20)
    # The citizen left: the booth's line offers nothing (the next citizen starts unidentified).
    phone.locator("#booths li").filter(has_text="Free").wait_for(timeout=60_000)
    assert phone.locator("#booths li .actions").count() == 0
    with sqlite3.connect(tmp_path / "backend.db") as db:
        assert db.execute("SELECT call_id, method, recorded_by FROM call_identification").fetchall() == [
            (sid, "in_person", "advisor-1")
        ]
