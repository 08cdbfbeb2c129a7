"""The periodic jobs with a fixed clock: no-show alerts stored and handed on, the daily erasure, resilience."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from backend import jobs as jobs_module
from backend.domain.bookings import BookedVia, Status
from backend.jobs import Jobs, JobSettings
from backend.store import alerts, bookings
from backend.store.booking_models import BookingRow
from protocol.messages import AlertKind
from tests.support.bookings import NOW, TUESDAY, at, seeded

WEDNESDAY = TUESDAY + timedelta(days=1)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    factory, engine = seeded(f"sqlite:///{tmp_path}/jobs.db")
    yield factory
    engine.dispose()  # type: ignore[attr-defined]


def book(db, hour: int, phone: str | None = None) -> BookingRow:
    req = bookings.BookingRequest(
        "vero-personal", "imatra", "fi", at(TUESDAY, hour), BookedVia.PHONE, "advisor-1", phone=phone
    )
    return bookings.book(db, req, NOW)[0]


def checked_in(db, hour: int = 10) -> BookingRow:
    row = book(db, hour)
    assert bookings.check_in(db, row.code, "imatra-1", at(TUESDAY, hour - 1, 58)).result.ok
    return row


class Told:
    def __init__(self, fail: bool = False) -> None:
        self.batches: list[list[alerts.StoredAlert]] = []
        self.fail = fail

    async def __call__(self, raised: list[alerts.StoredAlert]) -> None:
        self.batches.append(raised)
        if self.fail:
            raise RuntimeError("hub gone")


async def test_a_pass_marks_no_shows_stores_their_alerts_and_hands_them_on(db):
    row = checked_in(db)
    told = Told()
    jobs = Jobs(db, clock=lambda: 0.0, settings=JobSettings(no_show_grace_min=10), on_alerts=told)
    early = await jobs.run_once(at(TUESDAY, 10, 9).timestamp())
    assert early.no_shows == 0 and early.alerts == [] and told.batches == []
    report = await jobs.run_once(at(TUESDAY, 10, 12).timestamp())
    assert report.no_shows == 1 and report.failed == []
    [alert] = report.alerts
    assert alert.kind is AlertKind.OFFICIAL_NO_SHOW and alert.booking_code == row.code
    assert "(12 min myöhässä)" in alert.message_fi
    assert told.batches == [[alert]]
    assert alerts.pending(db, ["imatra"]) == [alert]
    again = await jobs.run_once(at(TUESDAY, 10, 13).timestamp())
    assert again.no_shows == 0 and told.batches == [[alert]]  # once only


async def test_joined_bookings_and_the_grace_setting_are_respected(db):
    row = checked_in(db)
    joined: set[str] = {row.id}
    jobs = Jobs(db, clock=lambda: 0.0, settings=JobSettings(no_show_grace_min=20), joined=lambda: joined)
    assert (await jobs.run_once(at(TUESDAY, 10, 25).timestamp())).no_shows == 0  # the official is in the call
    joined.clear()
    assert (await jobs.run_once(at(TUESDAY, 10, 19).timestamp())).no_shows == 0  # within 20 minutes
    assert (await jobs.run_once(at(TUESDAY, 10, 20).timestamp())).no_shows == 1


async def test_alerts_survive_a_failing_hub_and_a_failing_store(db, monkeypatch, caplog):
    checked_in(db, 10)
    told = Told(fail=True)
    jobs = Jobs(db, clock=lambda: 0.0, on_alerts=told)
    report = await jobs.run_once(at(TUESDAY, 10, 12).timestamp())
    assert report.failed == ["on_alerts"] and len(alerts.pending(db, None)) == 1  # stored: sent on (re)connect
    assert "telling advisors" in caplog.text

    checked_in(db, 11)
    real = jobs_module.record_alerts

    def broken(*_a: object) -> list[alerts.StoredAlert]:
        raise RuntimeError("database away")

    monkeypatch.setattr(jobs_module, "record_alerts", broken)
    report = await jobs.run_once(at(TUESDAY, 11, 12).timestamp())
    assert report.no_shows == 1 and report.failed == ["record_alerts"] and len(alerts.pending(db, None)) == 1
    monkeypatch.setattr(jobs_module, "record_alerts", real)
    report = await jobs.run_once(at(TUESDAY, 11, 13).timestamp())  # the kept event is stored now
    assert report.no_shows == 0 and len(report.alerts) == 1 and len(alerts.pending(db, None)) == 2


async def test_contact_data_is_erased_on_start_then_once_a_day_from_the_set_hour(db):
    book(db, 10, phone="+358401111111")
    jobs = Jobs(db, clock=lambda: 0.0, settings=JobSettings(contact_retention_days=0, erase_at_local_hour=3))
    assert (await jobs.run_once(at(TUESDAY, 11).timestamp())).erased == 1  # first pass after a start
    later = book(db, 12, phone="+358402222222")
    assert (await jobs.run_once(at(TUESDAY, 13).timestamp())).erased is None  # done today already
    assert (await jobs.run_once(at(WEDNESDAY, 2, 59).timestamp())).erased is None  # not yet 3 o'clock
    assert (await jobs.run_once(at(WEDNESDAY, 3).timestamp())).erased == 1
    assert (await jobs.run_once(at(WEDNESDAY, 3, 1).timestamp())).erased is None
    with db() as s:
        assert s.get(BookingRow, later.id).phone is None


async def test_run_forever_keeps_going_after_a_failed_pass_and_stops_when_asked(db, monkeypatch, caplog):
    checked_in(db)
    stop = asyncio.Event()
    calls = 0

    def flaky(*args: object) -> list:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("database away")
        if calls == 3:
            stop.set()
        return real(*args)

    real = jobs_module.mark_official_no_shows
    monkeypatch.setattr(jobs_module, "mark_official_no_shows", flaky)
    told = Told()
    jobs = Jobs(
        db,
        clock=lambda: at(TUESDAY, 10, 15).timestamp(),
        settings=JobSettings(check_every_s=0.01),
        on_alerts=told,
    )
    caplog.set_level(logging.ERROR)
    await asyncio.wait_for(jobs.run_forever(stop), timeout=10)
    assert calls == 3 and "checking for official no-shows failed" in caplog.text
    assert len(told.batches) == 1
    with db() as s:
        assert {b.status for b in s.query(BookingRow)} == {Status.OFFICIAL_NO_SHOW.value}


async def test_the_outbox_is_erased_on_its_own_schedule(db):
    """A sent message keeps its recipient for ``outbox_retention_days``, whatever the bookings' period."""
    from backend.notify import outbox
    from backend.notify.outbox import OutboxMessage
    from backend.notify.publisher import outbox_stager

    req = bookings.BookingRequest(
        "vero-personal", "imatra", "fi", at(TUESDAY, 10), BookedVia.PHONE, "advisor-1", phone="+358401111111"
    )
    bookings.book(db, req, NOW, stage=outbox_stager(lambda: NOW.timestamp()))
    with db() as s:
        for row in outbox.claim(s, "w", NOW.timestamp(), 60, limit=100):
            outbox.mark_sent(s, row.id, "w", NOW.timestamp(), None)
    settings = JobSettings(contact_retention_days=0, outbox_retention_days=3, erase_at_local_hour=3)
    jobs = Jobs(db, clock=lambda: 0.0, settings=settings)
    report = await jobs.run_once((NOW + timedelta(days=2)).timestamp())
    assert report.erased == 1 and report.erased_outbox == 0  # the booking's period is over, the outbox's not
    with db() as s:
        sent = [r for r in s.query(OutboxMessage).all() if r.state == "sent"]
        assert sent and all(r.recipient == "+358401111111" for r in sent)
    report = await jobs.run_once((NOW + timedelta(days=3, hours=1)).timestamp())
    assert report.erased_outbox == len(sent)
    with db() as s:
        assert all(r.recipient == "" and r.body == "" for r in s.query(OutboxMessage).all() if r.state == "sent")


async def test_feedback_free_text_is_erased_on_its_own_setting(db):
    """The nightly pass blanks a feedback reply's free text after ``feedback_text_retention_days``, not before."""
    from backend.store.appointment_models import CallFeedbackRow
    from backend.store.models import CallRecord

    with db() as s:
        s.add(CallRecord(id="fb", booth_id="imatra-1", phase="ended", requested_at=NOW.timestamp() - 3600))
        s.flush()
        s.add(CallFeedbackRow(call_id="fb", sms_overall=5, sms_text="Hyvä palvelu", sms_at=NOW.timestamp()))
        s.commit()
    settings = JobSettings(contact_retention_days=0, feedback_text_retention_days=5, erase_at_local_hour=3)
    jobs = Jobs(db, clock=lambda: 0.0, settings=settings)
    assert (await jobs.run_once((NOW + timedelta(days=4)).timestamp())).erased_feedback == 0
    assert (await jobs.run_once((NOW + timedelta(days=5, hours=1)).timestamp())).erased_feedback == 1
    with db() as s:
        row = s.get(CallFeedbackRow, "fb")
        assert row.sms_text is None and row.sms_overall == 5
