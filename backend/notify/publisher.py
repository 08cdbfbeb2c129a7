"""Putting the citizen's messages for booking events into the outbox.

Called right after the booking's own transaction commits. The outbox row is
then durable: a gateway or mail server that is down delays the message, the
worker never sends it twice. (The window between the booking's commit and
this one is the remaining gap: see docs/ARCHITECTURE.md.)
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from backend.domain.events import DomainEvent
from backend.domain.notices import notices_for
from backend.domain.notify import NoticeError, plan
from backend.notify import outbox

log = logging.getLogger("etapiste.notify")


def outbox_publisher(db: sessionmaker[Session], clock: Callable[[], float]) -> Callable[[Sequence[DomainEvent]], None]:
    def publish(events: Sequence[DomainEvent]) -> None:
        now = clock()
        with db() as session:
            for event in events:
                for notice in notices_for(event):
                    try:
                        ids = outbox.apply_plan(session, plan(notice, datetime.fromtimestamp(now, UTC)), now)
                    except NoticeError as exc:  # e.g. a phone number the gateway cannot reach
                        log.warning("no message for %s: %s", type(event).__name__, str(exc).split(":", 1)[0])
                        continue
                    log.info("%s: %d message(s) queued", type(event).__name__, len(ids))
            session.commit()
        for event in events:
            log.info("domain event %s", type(event).__name__)

    return publish
