"""The delivery loop: due outbox rows go to the SMS gateway or the mail server.

One pass (:meth:`DeliveryWorker.run_once`) claims the due rows under a lease,
sends each, and marks it: sent; pending again later with exponential backoff
on a temporary failure; failed with the reason on a permanent one. Nothing is
deleted. A reminder whose appointment has begun is not sent any more (it is
marked failed as expired, visibly). A channel that is not configured leaves
its rows pending, so configuring it later still delivers them.

Logs name row ids, kinds and channels — never recipients or texts.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from backend.domain.notify import retry_delay
from backend.notify import NotifyConfig, PermanentFailure, TemporaryFailure, outbox
from backend.notify.email import EmailSender
from backend.notify.sms import SmsGateway

log = logging.getLogger(__name__)


@dataclass
class PassReport:
    """What one pass did, for tests and the health view."""

    sent: int = 0
    retried: int = 0
    failed: int = 0


class DeliveryWorker:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        config: NotifyConfig,
        sms: SmsGateway | None = None,
        email: EmailSender | None = None,
        worker_id: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.config = config
        self.sms = sms if sms is not None else SmsGateway.from_config(config)
        self.email = email if email is not None else EmailSender.from_config(config)
        self.worker_id = worker_id or f"worker-{uuid.uuid4().hex[:12]}"

    def run_once(self, now: float, limit: int = 20) -> PassReport:
        """Claim and deliver the rows due at ``now`` (epoch seconds)."""
        report = PassReport()
        with self.sessions() as session:
            for row in outbox.claim(session, self.worker_id, now, self.config.lease_seconds, limit):
                self._deliver(session, row, now, report)
        return report

    def _deliver(self, session: Session, row: outbox.Claimed, now: float, report: PassReport) -> None:
        if row.expires_at is not None and now >= row.expires_at:
            outbox.mark_failed(session, row.id, self.worker_id, "expired: the appointment had already begun")
            log.info("outbox %s (%s/%s) expired before it could be sent", row.id, row.kind, row.channel)
            report.failed += 1
            return
        try:
            external_id = self._send(row)
        except TemporaryFailure as exc:
            delay = retry_delay(row.attempts + 1, self.config.retry_base_seconds, self.config.retry_cap_seconds)
            outbox.mark_retry(session, row.id, self.worker_id, now + delay, str(exc))
            log.warning(
                "outbox %s (%s/%s) not delivered, retry in %.0f s: %s",
                row.id,
                row.kind,
                row.channel,
                delay,
                outbox.redact(str(exc)),
            )
            report.retried += 1
            return
        except PermanentFailure as exc:
            outbox.mark_failed(session, row.id, self.worker_id, str(exc))
            log.error("outbox %s (%s/%s) refused for good: %s", row.id, row.kind, row.channel, outbox.redact(str(exc)))
            report.failed += 1
            return
        if outbox.mark_sent(session, row.id, self.worker_id, now, external_id):
            log.info("outbox %s (%s/%s) delivered", row.id, row.kind, row.channel)
        else:  # the lease ran out mid-send; the idempotency key / Message-ID make a resend recognisable
            log.warning("outbox %s (%s/%s) delivered after its lease ran out", row.id, row.kind, row.channel)
        report.sent += 1

    def _send(self, row: outbox.Claimed) -> str | None:
        if row.channel == "sms":
            if self.sms is None:
                raise TemporaryFailure("SMS is not configured (sms_url); the message waits until it is")
            return self.sms.send(row.recipient, row.body, row.id)
        if row.channel == "email":
            if self.email is None:
                raise TemporaryFailure("e-mail is not configured (smtp_host); the message waits until it is")
            return self.email.send(row.recipient, row.subject or "", row.body, row.id)
        raise PermanentFailure(f"unknown channel {row.channel!r}")

    async def run_forever(self, stop: asyncio.Event | None = None) -> None:
        """Deliver until ``stop`` is set; sends run in a thread so the event loop stays free.

        An unexpected error (the database briefly unavailable) is logged and the
        loop carries on: the rows stay in the outbox.
        """
        stop = stop or asyncio.Event()
        while not stop.is_set():
            try:
                report = await asyncio.to_thread(self.run_once, self.clock())
            except Exception:
                log.exception("outbox delivery pass failed; retrying")
                report = PassReport()
            if report.sent or report.retried or report.failed:
                continue  # there may be more due rows
            try:
                await asyncio.wait_for(stop.wait(), timeout=self.config.poll_seconds)
            except TimeoutError:
                pass
