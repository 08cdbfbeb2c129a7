"""The admin app in Chromium, issue 14's rest.

An authority admin words a message text (a bad placeholder refused on the page,
a preview with sample values, saved, back to the default) and sets a closure
day, on which the advisor's desk offers no free time and the booking API takes
no booking; the master admin pages through the audit log by keyboard with a
filter kept. axe-core on each screen; screenshots ``admin-texts.png``,
``admin-closures.png``, ``admin-closure-day-advisor.png``, ``admin-audit-paged.png``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from backend.domain.catalogue import HELSINKI
from backend.notify.outbox import OutboxMessage
from backend.store.database import open_engine
from tests.e2e.admin_ui import axe_violations, open_section, sign_in, sign_out
from tests.e2e.processes import Backend
from tests.support.bookings import next_weekday

pytestmark = pytest.mark.timeout(300)

OWN = "Verohallinto: {service} {when}, {point}. Varauskoodi {code}. Ota henkilöllisyystodistus mukaan."


def _shot(page, artifacts, name: str, a11y: list[str]) -> None:
    page.screenshot(path=str(artifacts / "screenshots" / f"admin-{name}.png"), full_page=True)
    found = axe_violations(page)
    if found:
        a11y.append(f"{name}: {', '.join(found)}")


def _book(page, url: str, day: date, hour: int):
    advisor = {"username": "neuvoja", "password": "demo-advisor"}
    token = page.request.post(url + "/api/login", data=advisor).json()["token"]
    start = datetime.combine(day, time(hour), tzinfo=HELSINKI).isoformat()
    body = {"service_id": "vero-personal", "point_id": "imatra", "language": "fi", "channel": "advisor",
            "start": start, "phone": "+358401234567"}  # fmt: skip
    return page.request.post(url + "/api/bookings", data=body, headers={"Authorization": f"Bearer {token}"})


def _confirmation_sms(tmp_path, code: str) -> str:
    engine = open_engine(f"sqlite:///{tmp_path}/backend.db")
    try:
        with sessionmaker(engine)() as s:
            q = select(OutboxMessage.body).where(
                OutboxMessage.booking_code == code,
                OutboxMessage.kind == "confirmation",
                OutboxMessage.channel == "sms",
            )
            return s.scalars(q).one()
    finally:
        engine.dispose()


def test_texts_closure_days_and_audit_paging_by_role(tmp_path, new_page, artifacts):
    backend = Backend(tmp_path)
    a11y: list[str] = []
    try:
        page = new_page()
        page.set_default_timeout(60_000)  # a ceiling for states on a loaded 2-core machine, never a wait
        view = page.locator("#view")
        page.goto(backend.url + "/admin/?audit-page=2")

        # -- the authority admin words the confirmation SMS --
        sign_in(page, "demo-admin", username="vero-admin")
        assert page.evaluate("etapisteAdmin.sections()") == [
            "accounts", "services", "skills", "texts", "closures", "reports", "calls"]  # fmt: skip
        open_section(page, "Message texts")
        view.get_by_label("Message", exact=True).select_option(label="Booking confirmation – SMS and e-mail text")
        view.get_by_label("Language", exact=True).select_option(label="Suomi")
        text = view.get_by_label("Text", exact=True)
        assert text.input_value().startswith("Etäpiste: {service} {when}")  # the default, to start from
        text.fill("Aika {when}, koodi {code}, {servise}")
        view.get_by_role("button", name="Save text").click()
        view.get_by_text("Unknown placeholder {servise}").wait_for()
        assert text.get_attribute("aria-invalid") == "true"
        text.fill(OWN + " " + "Lisätietoa palvelusta verkossa. " * 6)  # too long: the backend's preview says so
        view.get_by_role("button", name="Preview").click()
        view.get_by_text("too long for an SMS").wait_for()
        text.fill(OWN)
        view.get_by_role("button", name="Preview").click()
        preview = view.get_by_test_id("text-preview")
        preview.get_by_text("Perustoimeentulotuen hakeminen ja neuvonta").wait_for()
        preview.get_by_text("1 SMS segment").or_(preview.get_by_text("2 SMS segment")).wait_for()
        view.get_by_role("button", name="Save text").click()
        page.get_by_role("status").filter(has_text="Messages sent from now on use it").wait_for()
        view.get_by_role("row", name="Booking confirmation – SMS and e-mail text Own text Default Default").wait_for()
        _shot(page, artifacts, "texts", a11y)

        # -- and a closure day for the organisation --
        closed, open_day = next_weekday(3), next_weekday(4)
        open_section(page, "Closure days")
        view.get_by_text("No closure days.").wait_for()
        view.get_by_label("Day", exact=True).fill(closed.isoformat())
        view.get_by_role("button", name="Add closure day").click()
        view.get_by_text("Say why the organisation is closed").wait_for()  # the reason is needed
        view.get_by_label("Reason", exact=True).fill("Henkilöstön koulutuspäivä")
        view.get_by_role("button", name="Add closure day").click()
        view.get_by_role("cell", name="Henkilöstön koulutuspäivä", exact=True).wait_for()
        _shot(page, artifacts, "closures", a11y)

        # The advisor's desk offers no free time on the closed day, and does on the next.
        desk = new_page()
        desk.set_default_timeout(60_000)
        desk.goto(backend.url + "/advisor/")
        desk.get_by_label("Username").fill("neuvoja")
        desk.get_by_label("Password").fill("demo-advisor")
        desk.get_by_role("button", name="Sign in").click()
        desk.locator("#connection[data-state='connected']").wait_for()
        desk.get_by_label("Service", exact=True).select_option("vero-personal")
        desk.get_by_label("Day", exact=True).fill(closed.isoformat())
        desk.get_by_role("button", name="Find free times").click()
        desk.locator("#notice").filter(has_text="No free times that day.").wait_for()
        assert desk.locator("#slot option").count() == 0
        desk.screenshot(path=str(artifacts / "screenshots" / "admin-closure-day-advisor.png"), full_page=True)
        desk.get_by_label("Day", exact=True).fill(open_day.isoformat())
        desk.get_by_role("button", name="Find free times").click()
        desk.locator("#slot option").first.wait_for(state="attached")

        # The booking boundary refuses the closed day; a booking on another day gets the organisation's SMS.
        refused = _book(page, backend.url, closed, 10)
        assert refused.status == 409 and "closure day" in refused.json()["detail"]
        slots = page.request.get(
            f"{backend.url}/api/slots?service=vero-personal&point=imatra&language=fi&from={closed}&to={open_day}"
        ).json()
        offered = {datetime.fromisoformat(s["start"]).astimezone(HELSINKI).date() for s in slots}
        assert closed not in offered and open_day in offered
        booked = _book(page, backend.url, open_day, 10)
        assert booked.status == 201, booked.text()
        code = booked.json()["code"]
        sms = _confirmation_sms(tmp_path, code)
        assert sms.startswith("Verohallinto: ") and f"Varauskoodi {code}." in sms, sms

        # Back to the default.
        open_section(page, "Message texts")
        view.get_by_label("Message", exact=True).select_option(label="Booking confirmation – SMS and e-mail text")
        view.get_by_role("button", name="Back to the default text").click()
        page.get_by_role("status").filter(has_text="is back to the default text").wait_for()
        assert view.get_by_label("Text", exact=True).input_value().startswith("Etäpiste: {service} {when}")
        later = _book(page, backend.url, open_day + timedelta(days=7), 10).json()["code"]
        assert _confirmation_sms(tmp_path, later).startswith("Etäpiste: ")
        sign_out(page)

        # -- the master admin pages the audit log by keyboard, two entries a page, the filter kept --
        sign_in(page, "demo-master", username="paakayttaja")
        open_section(page, "Audit log")
        view.get_by_text("The audit log is intact").wait_for()
        first = view.locator("tbody tr").first.inner_text().split("\t")[0]
        older = view.get_by_role("button", name="Older entries")
        newer = view.get_by_role("button", name="Newer entries")
        assert newer.is_disabled() and older.is_enabled()
        older.focus()
        page.keyboard.press("Enter")
        page.locator(f"#view:not([data-audit-first='{first}'])").wait_for()
        assert int(view.locator("tbody tr").first.inner_text().split("\t")[0]) == int(first) - 2
        newer.focus()
        page.keyboard.press("Enter")
        page.locator(f"#view[data-audit-first='{first}']").wait_for()
        view.get_by_label("Action", exact=True).fill("message_text")
        view.get_by_role("button", name="Filter", exact=True).click()
        # The filtered page, not the unfiltered one still shown (its newest row is message_text.default too).
        view.get_by_role("cell", name="message_text.set", exact=True).wait_for()
        actions = [r.split("\t")[3] for r in view.locator("tbody tr").all_inner_texts()]
        assert actions == ["message_text.default", "message_text.set"], actions
        assert older.is_disabled() and newer.is_disabled()
        _shot(page, artifacts, "audit-paged", a11y)
    finally:
        backend.stop()
    assert a11y == [], a11y
