"""The Web Push sender against the push service stand-in: VAPID-signed, RFC 8291-encrypted, 410 removes, 503 retries."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from backend.domain.escalation import AlarmSettings
from backend.notify.webpush import PushSender
from backend.store import push as store
from backend.store.database import migrate, open_engine, session_factory
from backend.store.seed import seed_demo
from tests.support.push_service import PushServiceStandIn

NOW = 1_800_000_000.0


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    engine = open_engine(f"sqlite:///{tmp_path}/push.db")
    migrate(engine)
    factory = session_factory(engine)
    with factory() as s:
        seed_demo(s)
    yield factory
    engine.dispose()


@pytest.fixture
def push_service() -> Iterator[PushServiceStandIn]:
    service = PushServiceStandIn().start()
    yield service
    service.stop()


def _alarm_for_phone(db, push_service, answers=None, language="sv"):
    sub = push_service.new_subscription(answers)
    mine = store.subscribe(db, "advisor-1", sub["endpoint"], sub["keys"]["p256dh"], sub["keys"]["auth"], language, NOW)
    alert = store.raise_booth_alarm(db, "call_button", "imatra-1", NOW)
    assert alert is not None
    assert store.plan_deliveries(db, alert.alert_id, {"advisor-1"}, 0, NOW) == 1
    return sub, mine, alert


async def test_a_push_is_signed_encrypted_and_readable_only_with_the_phones_keys(db, push_service):
    _sub, mine, alert = _alarm_for_phone(db, push_service)
    sender = PushSender(db, lambda: NOW, AlarmSettings())
    report = await sender.send_due(NOW)
    await sender.close()
    assert report.sent == 1 and push_service.refused == []
    got = push_service.received[0]
    assert got.payload["alert_id"] == alert.alert_id
    assert got.payload["kind"] == "call_button"
    assert "Imatra" in got.payload["message"] and "anropsknappen" in got.payload["message"]  # the phone's language
    assert got.payload["ack"] == {
        "subscription_id": mine.subscription_id,
        "proof": store.ack_proof(mine.ack_key, alert.alert_id),
    }
    assert int(got.headers["ttl"]) == AlarmSettings().push_ttl_s
    assert store.deliveries_of(db, alert.alert_id) == [(mine.subscription_id, 0, "sent", 0)]
    # Sent once: a second pass sends nothing again.
    again = PushSender(db, lambda: NOW, AlarmSettings())
    assert (await again.send_due(NOW + 5)).sent == 0
    await again.close()


async def test_the_vapid_key_is_kept_across_restarts(db):
    first = store.vapid_key(db, NOW)
    assert store.vapid_key(db, NOW + 100).public_key == first.public_key


async def test_503_is_retried_with_backoff_until_the_push_service_takes_it(db, push_service):
    _sub, mine, alert = _alarm_for_phone(db, push_service, answers=[503, 503])
    sender = PushSender(db, lambda: NOW, AlarmSettings())
    assert (await sender.send_due(NOW)).retried == 1
    assert store.deliveries_of(db, alert.alert_id) == [(mine.subscription_id, 0, "pending", 1)]
    assert (await sender.send_due(NOW + 0.5)).statuses == []  # not due yet: backoff 1 s
    assert (await sender.send_due(NOW + 1)).retried == 1  # second 503: backoff 2 s
    assert (await sender.send_due(NOW + 2)).statuses == []
    report = await sender.send_due(NOW + 3)
    await sender.close()
    assert report.sent == 1
    assert store.deliveries_of(db, alert.alert_id) == [(mine.subscription_id, 0, "sent", 2)]
    assert [r.status for r in push_service.received] == [503, 503, 201]


async def test_410_removes_the_subscription_and_what_waited_for_it(db, push_service):
    _sub, mine, alert = _alarm_for_phone(db, push_service, answers=[410])
    sender = PushSender(db, lambda: NOW, AlarmSettings())
    assert (await sender.send_due(NOW)).gone == 1
    await sender.close()
    assert store.subscription(db, mine.subscription_id) is None
    assert store.deliveries_of(db, alert.alert_id) == [(mine.subscription_id, 0, "gone", 0)]
    # The next alarm has nobody to ring on that phone.
    store.open_booth_alarms(db, "imatra-1", "call_button")
    assert store.plan_deliveries(db, alert.alert_id, {"advisor-1"}, 1, NOW) == 0


async def test_a_push_service_that_is_down_keeps_the_alarm(db, push_service):
    _sub, mine, alert = _alarm_for_phone(db, push_service)
    push_service.stop()  # nothing listens there now
    sender = PushSender(db, lambda: NOW, AlarmSettings())
    report = await sender.send_due(NOW)
    await sender.close()
    assert report.retried == 1 and report.statuses == [0]
    assert store.deliveries_of(db, alert.alert_id) == [(mine.subscription_id, 0, "pending", 1)]
