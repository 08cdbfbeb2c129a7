"""The walk-in queue ("serve now") and appointments waiting at the booth.

Order (as Qmatic does it): an appointment whose citizen is inside its check-in
window (``Window``: from ``early_min`` before to ``late_min`` after its start)
goes first, earliest start first; everyone else — walk-ins and appointments
that arrived too late — in order of arrival. An appointment is offered only to
its booked official; a walk-in to any present official who offers that service
in that language.

Waiting estimate, and why it is honest: the people ahead who compete for the
same officials (an entry ahead counts if at least one official qualified for
*this* entry could serve it too) each take their service's duration; that work
is shared by the qualified officials present now::

    wait_min = ceil(sum(duration of competitors ahead) / qualified officials present)

It assumes nobody else joins ahead and that officials start a new citizen the
moment they finish. With no qualified official present there is no honest
number: ``wait_min`` is None and the booth says so. Pure: ``now`` is passed in.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from backend.domain.catalogue import OfficialSkills
from backend.domain.checkin import Window


@dataclass(frozen=True)
class QueueEntry:
    entry_id: str
    service_id: str
    language: str
    enqueued_at: datetime
    #: set for a checked-in appointment: its start and the booked official.
    appointment_start: datetime | None = None
    official_id: str | None = None


@dataclass(frozen=True)
class Estimate:
    position: int  # 1 = next
    wait_min: int | None  # None = no qualified official present, no honest estimate
    qualified_present: int


def in_window(entry: QueueEntry, now: datetime, window: Window) -> bool:
    s = entry.appointment_start
    return s is not None and s - timedelta(minutes=window.early_min) <= now <= s + timedelta(minutes=window.late_min)


def ordered(entries: Sequence[QueueEntry], now: datetime, window: Window = Window()) -> list[QueueEntry]:
    """Serving order: appointments on time first (by start), then everyone by arrival."""

    def key(e: QueueEntry) -> tuple[int, datetime, datetime, str]:
        if in_window(e, now, window):
            return (0, e.appointment_start, e.enqueued_at, e.entry_id)  # type: ignore[return-value]
        return (1, e.enqueued_at, e.enqueued_at, e.entry_id)

    return sorted(entries, key=key)


def can_take(official: OfficialSkills, entry: QueueEntry) -> bool:
    if entry.official_id is not None:
        return entry.official_id == official.official_id
    return official.can_serve(entry.service_id, entry.language)


def next_for(
    official: OfficialSkills, entries: Sequence[QueueEntry], now: datetime, window: Window = Window()
) -> QueueEntry | None:
    """The citizen to offer to this official, who has just become free."""
    return next((e for e in ordered(entries, now, window) if can_take(official, e)), None)


def estimate(
    entry_id: str,
    entries: Sequence[QueueEntry],
    present: Sequence[OfficialSkills],
    durations_min: Mapping[str, int],
    now: datetime,
    window: Window = Window(),
) -> Estimate:
    """Position and waiting time for one entry; see the module docstring for the formula."""
    order = ordered(entries, now, window)
    index = next((i for i, e in enumerate(order) if e.entry_id == entry_id), None)
    if index is None:
        raise KeyError(f"no queue entry {entry_id}")
    me = order[index]
    mine = [o for o in present if can_take(o, me)]
    ahead = [e for e in order[:index] if any(can_take(o, e) for o in mine)] if mine else list(order[:index])
    if not mine:
        return Estimate(position=len(ahead) + 1, wait_min=None, qualified_present=0)
    work = sum(durations_min[e.service_id] for e in ahead)
    return Estimate(position=len(ahead) + 1, wait_min=math.ceil(work / len(mine)), qualified_present=len(mine))
