"""Putting the citizen's messages for a booking event into the outbox.

``outbox_stager`` runs inside the booking's own transaction (the booking
store calls it before committing), so a booking and its messages land
together or not at all: a lost race or a crash leaves neither. After that
the worker delivers: a gateway or mail server that is down delays a message,
never loses it, and never sends it twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from backend.domain.events import DomainEvent
from backend.domain.notices import notices_for
from backend.domain.notify import NoticeError, plan
from backend.notify import outbox

log = logging.getLogger("etapiste.notify")


def outbox_stager(clock: Callable[[], float]) -> Callable[[Session, DomainEvent], None]:
    def stage(session: Session, event: DomainEvent) -> None:
        now = clock()
        for notice in notices_for(event):
            try:
                planned = plan(notice, datetime.fromtimestamp(now, UTC))
            except NoticeError as exc:  # e.g. a phone number no gateway can reach: the booking still stands
                log.warning("no message for %s: %s", type(event).__name__, str(exc).split(":", 1)[0])
                continue
            ids = outbox.stage_plan(session, planned, now)
            log.info("%s: %d message(s) staged", type(event).__name__, len(ids))

    return stage
