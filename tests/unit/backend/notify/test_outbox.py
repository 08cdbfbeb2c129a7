"""The outbox table on real SQLite and real PostgreSQL: storing, claiming under a lease, marking."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from backend.domain.notify import HELSINKI, BookingNotice, NoticeKind, plan
from backend.notify import outbox
from backend.notify.outbox import OutboxMessage
from backend.store.database import migrate, open_engine, session_factory
from backend.store.models import Base
from tests.support.postgres import postgres_server, postgres_url  # noqa: F401  (fixtures)

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=HELSINKI)
T0 = NOW.timestamp()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path}/o.db" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    eng = open_engine(url)
    migrate(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)


def notice(kind: NoticeKind = NoticeKind.CONFIRMATION, **changes: object) -> BookingNotice:
    base = BookingNotice(
        kind=kind,
        booking_code="K7M2QX",
        service_name={"fi": "Verokortin muutos"},
        point_name="Suomi-piste Imatra",
        point_address="Virastokatu 2",
        starts_at=datetime(2026, 11, 26, 10, 0, tzinfo=HELSINKI),
        language="fi",
        phone="040 123 4567",
        email="maija@example.fi",
        old_starts_at=datetime(2026, 11, 25, 13, 30, tzinfo=HELSINKI) if kind is NoticeKind.RESCHEDULE else None,
    )
    return replace(base, **changes)


def states(session: Session) -> Counter[tuple[str, str]]:
    return Counter((r.kind, r.state) for r in session.query(OutboxMessage))


def test_migration_creates_the_outbox_exactly_as_modelled(engine: Engine):
    migrate(engine)  # idempotent
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    # Only judge the outbox here; other tables belong to other modules' tests.
    assert [d for d in diff if "outbox" in repr(d)] == []


def test_a_plan_stored_twice_is_stored_once(sessions: sessionmaker[Session]):
    with sessions() as s:
        first = outbox.apply_plan(s, plan(notice(), NOW), T0)
        again = outbox.apply_plan(s, plan(notice(), NOW + timedelta(minutes=3)), T0 + 180)
        assert len(first) == 6  # confirmation + 2 reminders, each by SMS and e-mail
        assert again == first
        assert s.query(OutboxMessage).count() == 6


def test_reschedule_cancels_old_reminders_and_keeps_them_visible(sessions: sessionmaker[Session]):
    with sessions() as s:
        outbox.apply_plan(s, plan(notice(starts_at=datetime(2026, 11, 25, 13, 30, tzinfo=HELSINKI)), NOW), T0)
        outbox.apply_plan(s, plan(notice(NoticeKind.RESCHEDULE), NOW), T0)
        assert states(s) == {
            ("confirmation", "pending"): 2,
            ("reschedule", "pending"): 2,
            ("reminder_day_before", "cancelled"): 2,
            ("reminder_same_day", "cancelled"): 2,
            ("reminder_day_before", "pending"): 2,
            ("reminder_same_day", "pending"): 2,
        }


def test_moving_a_booking_back_revives_its_reminders(sessions: sessionmaker[Session]):
    original = datetime(2026, 11, 26, 10, 0, tzinfo=HELSINKI)
    other = datetime(2026, 11, 27, 10, 0, tzinfo=HELSINKI)
    with sessions() as s:
        outbox.apply_plan(s, plan(notice(starts_at=original), NOW), T0)
        outbox.apply_plan(s, plan(notice(NoticeKind.RESCHEDULE, starts_at=other, old_starts_at=original), NOW), T0)
        outbox.apply_plan(s, plan(notice(NoticeKind.RESCHEDULE, starts_at=original, old_starts_at=other), NOW), T0)
        pending = [r for r in s.query(OutboxMessage) if r.kind.startswith("reminder") and r.state == "pending"]
        assert sorted(r.due_at for r in pending) == sorted(
            [
                datetime(2026, 11, 25, 10, 0, tzinfo=HELSINKI).timestamp(),
                datetime(2026, 11, 26, 7, 30, tzinfo=HELSINKI).timestamp(),
            ]
            * 2
        )


def test_cancellation_withdraws_pending_reminders_but_not_sent_messages(sessions: sessionmaker[Session]):
    with sessions() as s:
        outbox.apply_plan(s, plan(notice(email=None), NOW), T0)
        claimed = outbox.claim(s, "w1", T0, 60)
        assert [c.kind for c in claimed] == ["confirmation"]
        assert outbox.mark_sent(s, claimed[0].id, "w1", T0 + 1, "gw-1")
        outbox.apply_plan(s, plan(notice(NoticeKind.CANCELLATION, email=None), NOW), T0 + 2)
        assert states(s) == {
            ("confirmation", "sent"): 1,
            ("reminder_day_before", "cancelled"): 1,
            ("reminder_same_day", "cancelled"): 1,
            ("cancellation", "pending"): 1,
        }


def test_only_due_rows_are_claimed_and_a_held_lease_keeps_others_out(sessions: sessionmaker[Session]):
    with sessions() as s:
        outbox.apply_plan(s, plan(notice(), NOW), T0)
        first = outbox.claim(s, "w1", T0, lease_seconds=60)
        assert sorted(c.channel for c in first) == ["email", "sms"]  # the reminders are not due yet
        assert outbox.claim(s, "w2", T0 + 30, lease_seconds=60) == []
        # w1 died: after its lease has run out the rows can be taken again.
        retaken = outbox.claim(s, "w2", T0 + 61, lease_seconds=60)
        assert {c.id for c in retaken} == {c.id for c in first}
        assert not outbox.mark_sent(s, first[0].id, "w1", T0 + 62, None)  # w1 no longer holds it
        assert outbox.mark_sent(s, first[0].id, "w2", T0 + 62, None)


def test_retry_keeps_the_row_pending_until_its_new_time(sessions: sessionmaker[Session]):
    with sessions() as s:
        outbox.apply_plan(s, plan(notice(email=None), NOW), T0)
        (row,) = outbox.claim(s, "w1", T0, 60)
        assert outbox.mark_retry(s, row.id, "w1", T0 + 30, "SMS gateway answered 503: busy")
        assert outbox.claim(s, "w1", T0 + 29, 60) == []
        (again,) = outbox.claim(s, "w1", T0 + 30, 60)
        assert again.id == row.id and again.attempts == 1
        stored = s.get(OutboxMessage, row.id, populate_existing=True)
        assert stored is not None
        assert (stored.state, stored.last_error) == ("pending", "SMS gateway answered 503: busy")


def test_permanent_failure_is_kept_with_its_reason_and_no_personal_data(sessions: sessionmaker[Session]):
    with sessions() as s:
        outbox.apply_plan(s, plan(notice(email=None), NOW), T0)
        (row,) = outbox.claim(s, "w1", T0, 60)
        outbox.mark_failed(s, row.id, "w1", "SMS gateway answered 400: +358401234567 is not a mobile number")
        stored = s.get(OutboxMessage, row.id, populate_existing=True)
        assert stored is not None
        assert stored.state == "failed"
        assert stored.last_error == "SMS gateway answered 400: [redacted] is not a mobile number"
        assert outbox.claim(s, "w1", T0 + 3600, 60) == []


def test_two_workers_racing_never_hold_the_same_row(sessions: sessionmaker[Session], engine: Engine):
    with sessions() as s:
        for n in range(40):
            outbox.apply_plan(s, plan(notice(booking_code=f"B{n:03d}", email=None), NOW), T0)
    taken: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(4)

    def worker(name: str) -> None:
        local = session_factory(engine)
        start.wait()
        with local() as s:
            while True:
                rows = outbox.claim(s, name, T0, 600, limit=5)
                with lock:
                    taken.extend(r.id for r in rows)
                left = s.query(OutboxMessage).filter(OutboxMessage.lease_owner.is_(None), OutboxMessage.due_at <= T0)
                if not rows and left.count() == 0:  # every due row is held by someone
                    return

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert len(taken) == 40  # the 40 due confirmations; the reminders are not due yet
    assert len(set(taken)) == 40


def test_forgetting_a_booking_erases_recipient_and_text_but_keeps_the_count(sessions: sessionmaker[Session]):
    with sessions() as s:
        outbox.apply_plan(s, plan(notice(), NOW), T0)
        outbox.apply_plan(s, plan(notice(NoticeKind.CANCELLATION), NOW), T0)
        for row in outbox.claim(s, "w1", T0, 60):
            outbox.mark_sent(s, row.id, "w1", T0, None)
        assert outbox.forget_recipients(s, ["K7M2QX"]) == 8  # 4 sent + 4 cancelled reminders
        rows = list(s.query(OutboxMessage))
        assert len(rows) == 8
        assert all(r.recipient == "" and r.body == "" for r in rows)
