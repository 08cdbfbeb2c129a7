"""Slot search: when can this service be booked at this point, in this language.

A slot is bookable when, for the whole service duration,

* the point is open (its weekday hours, not a closure day),
* the service's organisation is not closed that day (its own closure days,
  set by its authority admin: ``closed_days``),
* at least one booth of the point is free, and
* at least one official who offers the service *in that language* is working
  and free.

Candidate starts lie on a grid (``grid_min``, 15 min by default) counted from
the point's opening time in local Helsinki time. Hours are local wall-clock;
everything returned and compared is UTC, so a DST change never stretches or
shrinks a slot (the switch happens at 03:00/04:00, but the arithmetic does not
rely on that). No clock is read here: ``now`` is passed in and slots starting
before it are not offered.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from backend.domain.catalogue import HELSINKI, Interval, OfficialSkills, Point, Service

DEFAULT_GRID_MIN = 15


@dataclass(frozen=True)
class Busy:
    """A resource (``"booth"`` or ``"official"``) taken from ``start`` to ``end`` (UTC)."""

    kind: str
    resource_id: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Slot:
    start: datetime  # UTC
    end: datetime
    booth_ids: tuple[str, ...]  # free booths, in a stable order
    official_ids: tuple[str, ...]  # free qualified officials


def local_dt(day: date, t: object) -> datetime:
    """``day`` at wall-clock ``t`` in Helsinki, as an aware UTC datetime."""
    return datetime.combine(day, t, tzinfo=HELSINKI).astimezone(UTC)  # type: ignore[arg-type]


def _within(start: datetime, end: datetime, day: date, interval: Interval) -> bool:
    return local_dt(day, interval.start) <= start and end <= local_dt(day, interval.end)


def _overlaps(start: datetime, end: datetime, busy: Busy) -> bool:
    return start < busy.end and busy.start < end


def _days(first: date, last: date) -> Iterable[date]:
    d = first
    while d <= last:
        yield d
        d += timedelta(days=1)


def free_slots(
    service: Service,
    point: Point,
    booth_ids: Sequence[str],
    officials: Sequence[OfficialSkills],
    busy: Sequence[Busy],
    language: str,
    first_day: date,
    last_day: date,
    now: datetime,
    grid_min: int = DEFAULT_GRID_MIN,
    closed_days: frozenset[date] = frozenset(),
) -> list[Slot]:
    """All bookable slots between ``first_day`` and ``last_day`` (inclusive, local days); none on the
    organisation's ``closed_days``."""
    if grid_min <= 0:
        raise ValueError("grid_min must be positive")
    if service.duration_min <= 0:
        raise ValueError("a service needs a positive duration")
    if language not in service.languages:
        return []
    qualified = [o for o in officials if o.can_serve(service.id, language)]
    if not qualified or not booth_ids:
        return []
    duration = timedelta(minutes=service.duration_min)
    step = timedelta(minutes=grid_min)
    by_resource: dict[tuple[str, str], list[Busy]] = {}
    for b in busy:
        by_resource.setdefault((b.kind, b.resource_id), []).append(b)

    def free(kind: str, rid: str, start: datetime, end: datetime) -> bool:
        return not any(_overlaps(start, end, b) for b in by_resource.get((kind, rid), ()))

    slots: list[Slot] = []
    for day in _days(first_day, last_day):
        hours = None if day in closed_days else point.open_on(day)
        if hours is None:
            continue
        start = local_dt(day, hours.start)
        closes = local_dt(day, hours.end)
        while start + duration <= closes:
            end = start + duration
            if start >= now:
                booths = tuple(b for b in booth_ids if free("booth", b, start, end))
                people = tuple(
                    o.official_id
                    for o in qualified
                    if any(_within(start, end, day, iv) for iv in o.hours.get(day.isoweekday(), ()))
                    and free("official", o.official_id, start, end)
                )
                if booths and people:
                    slots.append(Slot(start, end, booths, people))
            start += step
    return slots
