"""The alarm pass: climbs the escalation ladder and sends the pushes that are due.

Runs beside the periodic jobs (``backend.jobs``), in the same shape: a pass
with ``now`` passed in (``run_once``), repeated every ``check_every_s`` until
stopped, failures logged and retried on the next pass. A new alarm
(``raise_alarms``) wakes it at once, so a call-button press reaches the
phones without waiting for the next tick. The rules are
``backend.domain.escalation``'s; the deliveries live in the database, so a
restart or a push service that is down loses nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from backend.domain import escalation
from backend.domain.escalation import AlarmSettings
from backend.notify.webpush import PushSender, SendReport
from backend.store import alerts
from backend.store import push as store

log = logging.getLogger(__name__)


async def _nobody(_alert: alerts.StoredAlert) -> None:
    return None


@dataclass
class AlarmPass:
    """What one pass did, for tests and logs."""

    effects: list[escalation.Effect] = field(default_factory=list)
    sent: SendReport = field(default_factory=SendReport)


class Alarms:
    def __init__(
        self,
        db: sessionmaker[Session],
        clock: Callable[[], float],
        settings: AlarmSettings | None = None,
        tell_official: Callable[[alerts.StoredAlert], Awaitable[None]] = _nobody,
    ) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings or AlarmSettings()
        self.tell_official = tell_official
        self.sender = PushSender(db, clock, self.settings)
        self._wake = asyncio.Event()

    async def raise_alarms(self, raised: list[alerts.StoredAlert]) -> None:
        """Stored alerts become alarms: on the ladder with their first pushes planned, and the pass woken."""
        now = self.clock()
        for alert in raised:
            for effect in escalation.raised(alert.alert_id):
                if isinstance(effect, escalation.Push):
                    n = await asyncio.to_thread(
                        store.start_alarm,
                        self.db,
                        alert.alert_id,
                        alert.point_id,
                        alert.at,
                        effect.audience,
                        effect.level,
                        now,
                    )
                    if n is not None:
                        log.info("alarm %s raised: %d phone(s) to ring", alert.alert_id, n)
        self._wake.set()

    async def run_once(self, now: float) -> AlarmPass:
        """Send what is due first (a new alarm woke us), then climb the ladder; its pushes go next pass."""
        done = AlarmPass()
        done.sent = await self.sender.send_due(now)
        for alarm in await asyncio.to_thread(store.open_alarms, self.db):
            effects = escalation.step(alarm, now, self.settings)
            done.effects += effects
            await self._apply(effects, now)
        if any(isinstance(e, escalation.Push) for e in done.effects):
            self._wake.set()  # the next level's pushes: at once, not a tick later
        return done

    async def run_forever(self, stop: asyncio.Event) -> None:
        try:
            while not stop.is_set():
                self._wake.clear()
                try:
                    await self.run_once(self.clock())
                except Exception:
                    log.exception("alarm pass failed; trying again in %.0f s", self.settings.check_every_s)
                waits = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())]
                await asyncio.wait(waits, timeout=self.settings.check_every_s, return_when=asyncio.FIRST_COMPLETED)
                for w in waits:
                    w.cancel()
        finally:
            await self.sender.close()

    async def _apply(self, effects: list[escalation.Effect], now: float) -> None:
        for e in effects:
            match e:
                case escalation.Push(alert_id=alert_id, audience=who, level=level):
                    alert = await asyncio.to_thread(alerts.get, self.db, alert_id)
                    if alert is None:
                        continue
                    ids = await asyncio.to_thread(store.audience, self.db, alert.point_id, who, now)
                    n = await asyncio.to_thread(store.plan_deliveries, self.db, alert_id, ids, level, now)
                    log.info("alarm %s level %d: %d phone(s) to ring", alert_id, level, n)
                case escalation.TellOfficialInCall(alert_id=alert_id):
                    alert = await asyncio.to_thread(alerts.get, self.db, alert_id)
                    if alert is not None:
                        log.info("alarm %s: no advisor has answered; telling the official in the call", alert_id)
                        await self.tell_official(alert)
                case escalation.SetLevel(alert_id=alert_id, level=level, closed=closed):
                    await asyncio.to_thread(store.set_level, self.db, alert_id, level, closed)
