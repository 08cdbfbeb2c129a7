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
from tests.support.postgres import postgres_server, postgres_url  # noqa: F401 - fixtures
from tests.support.push_service import PushServiceStandIn

NOW = 1_800_000_000.0


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    """The real schema on SQLite and on PostgreSQL (Debian's, started by the fixture)."""
    url = f"sqlite:///{tmp_path}/push.db" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    engine = open_engine(url)
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


async def test_an_alarm_starts_once_on_its_ladder_and_leaves_it_when_answered(db, push_service):
    from backend.domain.escalation import Audience
    from backend.store import alerts

    sub = push_service.new_subscription()
    store.subscribe(db, "advisor-1", sub["endpoint"], sub["keys"]["p256dh"], sub["keys"]["auth"], "fi", NOW)
    alert = store.raise_booth_alarm(db, "call_button", "imatra-1", NOW)
    assert store.raise_booth_alarm(db, "call_button", "imatra-1", NOW + 1) is None  # pressed again: the same alarm
    # Nobody is signed in: level 0 rings every advisor of the point rather than nobody.
    assert store.start_alarm(db, alert.alert_id, "imatra", NOW, Audience.ON_DUTY, 0, NOW) == 1
    assert store.start_alarm(db, alert.alert_id, "imatra", NOW, Audience.ON_DUTY, 0, NOW) is None
    [open_alarm] = store.open_alarms(db)
    assert (open_alarm.level, open_alarm.acknowledged, open_alarm.at_booth) == (0, False, True)
    alerts.acknowledge(db, alert.alert_id, "advisor-1", NOW + 5)
    assert store.open_alarms(db)[0].acknowledged
    store.set_level(db, alert.alert_id, 0, closed=True)
    assert store.open_alarms(db) == []
    assert store.open_booth_alarms(db, "imatra-1", "call_button") == []
