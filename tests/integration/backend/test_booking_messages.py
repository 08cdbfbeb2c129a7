"""Booking through the API reaches the citizen's phone: the backend's own worker,
the outbox and an SMS gateway standing in for the operator's (a real HTTP server)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from backend.app import create_app
from backend.config import BackendSettings
from backend.notify import NotifyConfig
from backend.notify.fake_gateway import FakeSmsGateway
from backend.notify.outbox import OutboxMessage
from backend.notify.publisher import outbox_stager
from backend.store import bookings
from backend.store.booking_models import BookingRow
from tests.integration.backend.test_api_bookings import advisor, book, local_iso
from tests.support.bookings import *  # noqa: F403 - the store fixtures (SQLite and PostgreSQL)
from tests.support.bookings import NOW, TUESDAY, at
from tests.support.waiting import wait_for
from tests.unit.backend.store.test_booking_store import request


@pytest.fixture
def client(tmp_path: Path, gateway: FakeSmsGateway) -> Iterator[TestClient]:
    notify = NotifyConfig(sms_url=gateway.url, poll_seconds=0.2, retry_base_seconds=0.2, retry_cap_seconds=0.5)
    app = create_app(BackendSettings(database_url=f"sqlite:///{tmp_path}/b.db", seed_demo=True, notify=notify))
    with TestClient(app) as c:
        yield c


def settle() -> None:
    """Let several worker passes (0.2 s apart) go by, so a duplicate would have shown."""
    time.sleep(1.5)


def sms_to(gateway: FakeSmsGateway, code: str) -> list[dict]:
    return [m for m in gateway.messages if code in m["text"]]


def test_advisor_books_and_the_citizen_gets_one_sms_in_finnish(client: TestClient, gateway: FakeSmsGateway):
    r = book(client, advisor(client))
    assert r.status_code == 201, r.text
    code = r.json()["code"]
    [sms] = wait_for("the confirmation SMS at the gateway", lambda: sms_to(gateway, code) or None, timeout=15)
    assert sms["to"] == "+358401234567"
    assert "Suomi-piste Imatra" in sms["text"] and "klo 10.00" in sms["text"]
    settle()
    assert len(gateway.messages) == 1, "sent once, not again on later worker passes"


def test_reschedule_and_cancel_are_told_too(client: TestClient, gateway: FakeSmsGateway):
    h = advisor(client)
    code = book(client, h).json()["code"]
    wait_for("the confirmation", lambda: len(sms_to(gateway, code)) == 1, timeout=15)
    r = client.post(f"/api/bookings/{code}/reschedule", json={"start": local_iso(11), "channel": "advisor"}, headers=h)
    assert r.status_code == 200, r.text
    wait_for("the reschedule SMS", lambda: any("11.00" in m["text"] for m in sms_to(gateway, code)), timeout=15)
    assert client.post(f"/api/bookings/{code}/cancel", json={"channel": "advisor"}, headers=h).status_code == 200
    wait_for("the cancellation SMS", lambda: len(sms_to(gateway, code)) == 3, timeout=15)


def test_a_gateway_that_is_down_delays_the_sms_but_never_loses_or_doubles_it(client, gateway: FakeSmsGateway):
    gateway.set_mode("fail")
    code = book(client, advisor(client)).json()["code"]
    wait_for("the worker to try and be refused", lambda: gateway.requests >= 2, timeout=15)
    assert sms_to(gateway, code) == []
    gateway.set_mode("ok")
    wait_for("the SMS once the gateway is back", lambda: len(sms_to(gateway, code)) == 1, timeout=15)
    settle()
    assert len(sms_to(gateway, code)) == 1, "sent once after the outage, not once per retry"


# --- the booking and its messages commit together (store level, both engines) ---------------------------


def outbox_codes(db) -> list[str]:
    with db() as s:
        return [r.booking_code for r in s.scalars(select(OutboxMessage))]


def booking_count(db) -> int:
    with db() as s:
        return len(list(s.scalars(select(BookingRow))))


def test_messages_are_in_the_outbox_the_moment_the_booking_exists(store):
    row, _ = bookings.book(store, request(at(TUESDAY, 10)), NOW, stage=outbox_stager(lambda: NOW.timestamp()))
    assert row.code in outbox_codes(store)  # no window in which the booking exists without its messages


def test_a_booking_that_loses_the_race_leaves_no_messages(store):
    stage = outbox_stager(lambda: NOW.timestamp())
    booked: set[str] = set()
    with pytest.raises(bookings.SlotTaken):  # book 10.00 until no booth or official is left for it
        for _ in range(10):
            booked.add(bookings.book(store, request(at(TUESDAY, 10), phone="+358409999999"), NOW, stage=stage)[0].code)
    assert booked, "the first booking of the slot succeeds"
    assert set(outbox_codes(store)) == booked  # the refused attempt left no message behind


def test_if_the_messages_cannot_be_stored_the_booking_is_not_made_either(store):
    def broken(_session, _event) -> None:
        raise OperationalError("INSERT INTO outbox", {}, Exception("disk full"))

    with pytest.raises(bookings.DatabaseBusy):
        bookings.book(store, request(at(TUESDAY, 11)), NOW, stage=broken)
    assert booking_count(store) == 0
    assert outbox_codes(store) == []
