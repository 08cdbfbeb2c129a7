"""Sends the advisor's phone alarms through Web Push (RFC 8030), encrypted per RFC 8291, signed per RFC 8292.

pywebpush does the payload encryption (aes128gcm with the subscription's
p256dh and auth keys) and py-vapid the VAPID JWT; this module only decides what
happens with the push service's answer:

- 201/202: taken; the push service keeps it (``TTL``) until the phone is online;
- 404/410: the subscription is gone (uninstalled app, revoked permission): it
  is removed, with whatever else was waiting for it;
- anything else, or no answer at all (push service down, a network error):
  tried again after ``escalation.backoff_s`` — an alarm is never dropped.

The payload names no citizen: the alert's own text in the phone's language,
the booth, and a proof (``store.push.ack_proof``) the phone's service worker
sends back with "I'm on it".
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import aiohttp
from pywebpush import WebPusher
from sqlalchemy.orm import Session, sessionmaker

import texts
from backend.domain.escalation import AlarmSettings, backoff_s
from backend.store import alerts
from backend.store import push as store

log = logging.getLogger(__name__)
_ = texts.Domain("backend").gettext

#: A push service's answers that mean "this subscription will never work again".
GONE = frozenset({404, 410})
#: Web Push payloads must fit in 4096 bytes of ciphertext; keep well inside.
MAX_PAYLOAD = 3000


@dataclass
class SendReport:
    sent: int = 0
    gone: int = 0
    retried: int = 0
    statuses: list[int] = field(default_factory=list)


def payload(alert: alerts.StoredAlert, sub: store.Subscription, level: int) -> bytes:
    """What the phone's service worker gets: enough to show the notification and acknowledge it."""
    message = {"fi": alert.message_fi, "sv": alert.message_sv, "en": alert.message_en}.get(
        sub.language, alert.message_fi
    )
    lang = sub.language if sub.language in ("fi", "sv", "en") else "fi"
    where = alert.booth_name or alert.point_name
    body = {
        "title": _(lang, "Help needed: {place}", place=where)
        if level == 0
        else _(lang, "Nobody has answered yet: {place}", place=where),
        "action": _(lang, "I'm on it"),
        "alert_id": alert.alert_id,
        "kind": alert.kind.value,
        "booth_name": alert.booth_name,
        "point": alert.point_name,
        "at": alert.at,
        "level": level,
        "message": message,
        "ack": {"subscription_id": sub.subscription_id, "proof": store.ack_proof(sub.ack_key, alert.alert_id)},
    }
    data = json.dumps(body, ensure_ascii=False).encode()
    if len(data) > MAX_PAYLOAD:  # never seen (messages are at most 500 characters), but never fail on it
        body["message"] = message[:300]
        data = json.dumps(body, ensure_ascii=False).encode()
    return data


class PushSender:
    """Sends every due delivery once per ``send_due``; the alarm pass (``backend.alarms``) calls it."""

    def __init__(
        self,
        db: sessionmaker[Session],
        clock: Callable[[], float],
        settings: AlarmSettings | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings or AlarmSettings()
        self._session: aiohttp.ClientSession | None = None
        self._key: store.VapidKey | None = None  # stored once, never changes: read once

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def send_due(self, now: float) -> SendReport:
        report = SendReport()
        todo = await asyncio.to_thread(store.due, self.db, now)
        if not todo:
            return report
        if self._key is None:
            self._key = await asyncio.to_thread(store.vapid_key, self.db, now)
        key = self._key
        for d in todo:
            alert = await asyncio.to_thread(alerts.get, self.db, d.alert_id)
            if alert is None:  # pragma: no cover - alerts are never deleted
                continue
            status = await self._post(key, d.subscription, payload(alert, d.subscription, d.level), now)
            report.statuses.append(status)
            if status in (200, 201, 202):
                await asyncio.to_thread(store.mark_sent, self.db, d.delivery_id, self.clock())
                report.sent += 1
            elif status in GONE:
                log.info("push subscription %s is gone (%d): removed", d.subscription.subscription_id, status)
                await asyncio.to_thread(store.drop_gone, self.db, d.subscription.subscription_id)
                report.gone += 1
            else:
                attempts = d.attempts + 1
                wait = backoff_s(attempts)
                log.warning("push of alarm %s failed (%d); try %d in %.0f s", d.alert_id, status, attempts + 1, wait)
                await asyncio.to_thread(store.mark_retry, self.db, d.delivery_id, attempts, now + wait)
                report.retried += 1
        return report

    async def _post(self, key: store.VapidKey, sub: store.Subscription, data: bytes, now: float) -> int:
        """The push service's HTTP status; 0 when it could not be reached."""
        parts = urlsplit(sub.endpoint)
        # exp is the push service's real time, never the backend's (possibly shifted) clock.
        exp = int(time.time()) + 3600
        claims = {"sub": self.settings.vapid_subject, "aud": f"{parts.scheme}://{parts.netloc}", "exp": exp}
        headers = {**key.signer.sign(claims), "Urgency": "high"}
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        try:
            pusher = WebPusher(sub.info(), aiohttp_session=self._session)
            resp = await pusher.send_async(data, headers, ttl=self.settings.push_ttl_s, content_encoding="aes128gcm")
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            log.warning("push service unreachable: %s", type(exc).__name__)
            return 0
        return int(resp.status)  # type: ignore[union-attr]
