"""The catalogue as plain values: services, service points, officials' skills.

Pure data shared by slot search, queue routing and check-in. Hours are *local
wall-clock* times in Europe/Helsinki (what a point's door sign says); the
arithmetic that turns them into UTC lives in ``slots`` so DST is handled in one
place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from enum import StrEnum

from protocol.messages import Language
from texts.catalogues import SCREEN_ONLY_LANGUAGES
from texts.dates import HELSINKI as HELSINKI  # the one Helsinki zone: opening hours and texts agree

LANGUAGES = tuple(lang.value for lang in Language)
#: The booth's screen-only languages (``texts.SCREEN_ONLY_LANGUAGES``): a service may have a name and a
#: description in each, for the booth's screens; the meeting itself is in one of ``LANGUAGES``.
SCREEN_LANGUAGES = SCREEN_ONLY_LANGUAGES


def screen_language(code: str, field_name: str = "screen_language") -> str:
    """``code`` if it is one of the booth's screen-only languages; else a ValueError naming the field."""
    if code not in SCREEN_LANGUAGES:
        accepted = ", ".join(SCREEN_LANGUAGES)
        raise ValueError(f"{field_name}: {code!r} is not a screen-only language of the booth; use one of {accepted}")
    return code


class Identification(StrEnum):
    """How the citizen proves who they are for this service."""

    NONE = "none"
    STRONG_EID = "strong_eid"  # strong e-identification at the booth
    IN_PERSON = "in_person"  # the advisor checks an ID document at the desk


def wall_clock(t: time) -> time:
    """Check that ``t`` is a local wall-clock time the catalogue can keep: whole minutes, no UTC offset.

    Hours are stored as minutes after local midnight, so seconds would be cut off
    (10:00:30–10:00:45 became an empty interval) and an offset would be dropped
    (10:00+05:00 became 10:00 Helsinki time); both are refused instead.
    """
    if t.tzinfo is not None:
        raise ValueError(f"must be a local Helsinki time without a UTC offset, like 09:30 (got {t.isoformat()})")
    if t.second or t.microsecond:
        raise ValueError(f"must be a whole minute, like 09:30 (got {t.isoformat()})")
    return t


@dataclass(frozen=True)
class Interval:
    """A local wall-clock interval within one day: whole minutes, no offset, ``start < end``."""

    start: time
    end: time

    def __post_init__(self) -> None:
        wall_clock(self.start)
        wall_clock(self.end)
        if not self.start < self.end:
            raise ValueError(f"an interval must start before it ends (got {self.start}–{self.end})")


@dataclass(frozen=True)
class Service:
    id: str
    organisation_id: str
    names: dict[str, str]
    duration_min: int
    identification: Identification = Identification.NONE
    languages: frozenset[str] = frozenset({"fi"})
    descriptions: dict[str, str] = field(default_factory=dict)
    #: Name and description per screen-only language (``SCREEN_LANGUAGES``); a booth showing that language
    #: offers the service only if it has a name in it, so no second language is on the citizen's screen.
    screen_names: dict[str, str] = field(default_factory=dict)
    screen_descriptions: dict[str, str] = field(default_factory=dict)

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names.get("fi") or self.id


@dataclass(frozen=True)
class Point:
    """A service point: its opening hours per ISO weekday (1 = Monday) and closure days."""

    id: str
    name: str
    address: str
    hours: dict[int, Interval]
    closures: frozenset[date] = frozenset()

    def open_on(self, day: date) -> Interval | None:
        if day in self.closures:
            return None
        return self.hours.get(day.isoweekday())


@dataclass(frozen=True)
class OfficialSkills:
    """What an official can serve, in which languages, and when they work."""

    official_id: str
    organisation_id: str
    services: frozenset[str]
    languages: frozenset[str]
    hours: dict[int, tuple[Interval, ...]]

    def can_serve(self, service_id: str, language: str) -> bool:
        return service_id in self.services and language in self.languages
