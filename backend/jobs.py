"""The backend's periodic jobs: official no-shows (with their advisor alerts) and contact-data erasure
(bookings' contact data, the outbox's recipients and texts, and feedback's free text, each on its own period).

Every ``check_every_s`` a pass marks the checked-in bookings whose official has
not joined within the grace time, stores an advisor alert for each and hands
the stored alerts to ``on_alerts`` (the hub tells the advisors who are online;
the others get them when they connect). Once per Helsinki day, at or after
``erase_at_local_hour``, it blanks the contact data that has outlived its
retention period — and also on the first pass after a start, so a backend that
was down at that hour still erases (it is idempotent, so a second run the same
day costs nothing).

Database work runs in a thread (``asyncio.to_thread``) so the event loop that
carries the calls never waits on it. ``joined`` is called on the loop, since
the hub's state lives there. A failing job is logged and tried again on the
next pass; no-show events whose alert could not be stored are kept and stored
on the next pass, so the alert is not lost while the process lives.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session, sessionmaker

from backend.domain.bookings import NoShowRule
from backend.domain.catalogue import HELSINKI
from backend.domain.events import OfficialNoShow
from backend.store.alerts import StoredAlert, record_alerts
from backend.store.bookings import mark_official_no_shows
from backend.store.retention import (
    DEFAULT_FEEDBACK_TEXT_KEEP_DAYS,
    DEFAULT_KEEP_DAYS,
    erase_contact_data,
    erase_feedback_text,
    erase_guest_contacts,
    erase_outbox_contacts,
)

log = logging.getLogger(__name__)


class JobSettings(BaseModel):
    """The jobs' timing: the ``jobs`` group of ``backend.config.BackendSettings`` (``ETAPISTE_JOBS_*``).

    A bad value stops the start with an error naming the variable, rather
    than silently erasing data too early or alerting at the wrong time.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: minutes after the start before a missing official counts as a no-show.
    no_show_grace_min: int = Field(NoShowRule().grace_min, ge=0)
    check_every_s: float = Field(60.0, gt=0)
    #: days after a booking ended before its citizen's name, phone and e-mail are blanked.
    contact_retention_days: int = Field(DEFAULT_KEEP_DAYS, ge=0)
    #: days after an outbox message was sent (or failed, or was withdrawn) before its recipient and text are blanked.
    outbox_retention_days: int = Field(DEFAULT_KEEP_DAYS, ge=0)
    #: days after a feedback SMS reply arrived before its free text (the citizen's own words) is blanked.
    feedback_text_retention_days: int = Field(DEFAULT_FEEDBACK_TEXT_KEEP_DAYS, ge=0)
    #: days after an invited third party's link closed before their name, phone and e-mail are blanked.
    guest_retention_days: int = Field(DEFAULT_KEEP_DAYS, ge=0)
    #: Helsinki hour (0-23) from which the daily erasure runs: a quiet time.
    erase_at_local_hour: int = Field(3, ge=0, le=23)


@dataclass
class PassReport:
    """What one pass did, for tests and logs."""

    no_shows: int = 0
    alerts: list[StoredAlert] = field(default_factory=list)
    erased: int | None = None  # None: the erasure was not due in this pass
    erased_outbox: int | None = None  # outbox rows blanked; None when not due
    erased_feedback: int | None = None  # feedback free texts blanked; None when not due
    erased_guests: int | None = None  # invited third parties' contact data blanked; None when not due
    failed: list[str] = field(default_factory=list)  # names of the jobs that raised


async def _no_alerts(_alerts: list[StoredAlert]) -> None:
    return None


class Jobs:
    """Runs the periodic jobs until stopped; the app's lifespan starts ``run_forever``."""

    def __init__(
        self,
        db: sessionmaker[Session],
        clock: Callable[[], float],
        settings: JobSettings | None = None,
        joined: Callable[[], set[str]] = set,
        on_alerts: Callable[[list[StoredAlert]], Awaitable[None]] = _no_alerts,
    ) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings or JobSettings()
        self.joined = joined
        self.on_alerts = on_alerts
        self.rule = NoShowRule(grace_min=self.settings.no_show_grace_min)
        #: Helsinki day of the last erasure; None until the first pass (which always erases).
        self.erased_on: date | None = None
        #: no-shows already marked whose alert could not be stored yet: retried each pass.
        self._unrecorded: list[OfficialNoShow] = []

    async def run_once(self, now: float) -> PassReport:
        """One pass at ``now`` (epoch seconds): no-shows and their alerts, then the erasure if it is due."""
        report = PassReport()
        await self._no_shows(now, report)
        if self._erase_due(now):
            await self._erase(now, report)
        return report

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Pass every ``check_every_s`` until ``stop`` is set; a failing pass is logged, never fatal."""
        while not stop.is_set():
            try:
                await self.run_once(self.clock())
            except Exception:
                log.exception("periodic jobs: the pass failed; trying again in %.0f s", self.settings.check_every_s)
            try:
                await asyncio.wait_for(stop.wait(), timeout=self.settings.check_every_s)
            except TimeoutError:
                pass

    async def _no_shows(self, now: float, report: PassReport) -> None:
        at = datetime.fromtimestamp(now, UTC)
        try:
            joined = set(self.joined())
            events = await asyncio.to_thread(mark_official_no_shows, self.db, at, joined, self.rule)
        except Exception:
            log.exception("periodic jobs: checking for official no-shows failed")
            report.failed.append("no_shows")
            events = []
        report.no_shows = len(events)
        todo = [*self._unrecorded, *events]
        if not todo:
            return
        try:
            report.alerts = await asyncio.to_thread(record_alerts, self.db, todo)
            self._unrecorded = []
        except Exception:
            log.exception("periodic jobs: storing %d no-show alerts failed; kept for the next pass", len(todo))
            report.failed.append("record_alerts")
            self._unrecorded = todo
            return
        if report.alerts:
            log.info("periodic jobs: %d official no-show alerts", len(report.alerts))
            try:
                await self.on_alerts(report.alerts)
            except Exception:  # stored: advisors still get them when they (re)connect
                log.exception("periodic jobs: telling advisors about %d alerts failed", len(report.alerts))
                report.failed.append("on_alerts")

    def _erase_due(self, now: float) -> bool:
        local = datetime.fromtimestamp(now, HELSINKI)
        if self.erased_on is None:
            return True  # first pass after a start: catch up on a missed night
        return local.date() != self.erased_on and local.hour >= self.settings.erase_at_local_hour

    async def _erase(self, now: float, report: PassReport) -> None:
        at = datetime.fromtimestamp(now, UTC)
        try:
            report.erased = await asyncio.to_thread(
                erase_contact_data, self.db, at, self.settings.contact_retention_days
            )
            report.erased_outbox = await asyncio.to_thread(
                erase_outbox_contacts, self.db, at, self.settings.outbox_retention_days
            )
            report.erased_feedback = await asyncio.to_thread(
                erase_feedback_text, self.db, at, self.settings.feedback_text_retention_days
            )
            report.erased_guests = await asyncio.to_thread(
                erase_guest_contacts, self.db, at, self.settings.guest_retention_days
            )
        except Exception:
            log.exception("periodic jobs: erasing old contact data failed; trying again on the next pass")
            report.failed.append("erase_contact_data")
            return
        if report.erased_feedback:
            log.info("periodic jobs: free text erased from %d feedback replies", report.erased_feedback)
        if report.erased_outbox:
            log.info("periodic jobs: recipients and texts erased from %d outbox messages", report.erased_outbox)
        self.erased_on = datetime.fromtimestamp(now, HELSINKI).date()
        if report.erased:
            log.info("periodic jobs: contact data erased from %d ended bookings", report.erased)
