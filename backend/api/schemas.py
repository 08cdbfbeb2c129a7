"""Request and response bodies of the booking API (pydantic: the 422 names the field and the rule).

Every input model refuses what the domain or the wire would refuse later, with
the same rules: ids, names and languages are ``protocol.messages``' own types
(a service that got in with a long name used to break every booth's hello), and
hours are the domain's ``wall_clock`` times (whole minutes, no UTC offset), so
nothing stored can later make a read fail.
"""

from __future__ import annotations

from datetime import date, datetime, time
from itertools import pairwise
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, Field, model_validator

from backend.domain.bookings import BookedVia, calendar_day, calendar_moment, qr_payload
from backend.domain.catalogue import Identification, Interval, Point, Service, screen_language, wall_clock
from backend.store.booking_models import BookingRow
from backend.store.bookings import dt
from protocol.messages import Description, Id, Language, Name

#: A local Helsinki wall-clock time as the catalogue keeps it: whole minutes, no UTC offset.
WallClock = Annotated[time, AfterValidator(wall_clock)]
#: A day of the booking calendar (``backend.domain.bookings.EARLIEST_DAY``–``LATEST_DAY``).
Day = Annotated[date, AfterValidator(calendar_day)]
#: A moment with its UTC offset, on a day of the booking calendar.
Moment = Annotated[AwareDatetime, AfterValidator(calendar_moment)]
PHONE = r"^\+?[0-9 ()-]{6,20}$"
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class ServiceOut(BaseModel):
    id: str
    organisation_id: str
    names: dict[str, str]
    descriptions: dict[str, str]
    duration_min: int
    identification: Identification
    languages: list[str]
    screen_names: dict[str, str] = Field(default_factory=dict)
    screen_descriptions: dict[str, str] = Field(default_factory=dict)

    @classmethod
    def of(cls, s: Service) -> ServiceOut:
        return cls(
            id=s.id,
            organisation_id=s.organisation_id,
            names=s.names,
            descriptions=s.descriptions,
            duration_min=s.duration_min,
            identification=s.identification,
            languages=sorted(s.languages),
            screen_names=s.screen_names,
            screen_descriptions=s.screen_descriptions,
        )


def _interval(start: time, end: time, names: tuple[str, str]) -> Interval:
    """The domain's interval, by the domain's rule; its refusal restated with the two fields' names
    for the 422 (both times already passed ``WallClock``, so only the order can be wrong here)."""
    try:
        return Interval(start, end)
    except ValueError:
        raise ValueError(f"{names[0]} must be before {names[1]} (got {start.isoformat()}–{end.isoformat()})") from None


class HoursIn(BaseModel):
    weekday: int = Field(ge=1, le=7, description="ISO weekday, 1 = Monday")
    opens: WallClock = Field(description="local Helsinki time, whole minutes: 09:00")
    closes: WallClock = Field(description="local Helsinki time, whole minutes: 15:30")

    @model_validator(mode="after")
    def _order(self) -> HoursIn:
        _interval(self.opens, self.closes, ("opens", "closes"))
        return self


class PointOut(BaseModel):
    id: str
    name: str
    address: str
    hours: list[HoursIn]
    closures: list[date]

    @classmethod
    def of(cls, p: Point) -> PointOut:
        return cls(
            id=p.id,
            name=p.name,
            address=p.address,
            hours=[HoursIn(weekday=wd, opens=iv.start, closes=iv.end) for wd, iv in sorted(p.hours.items())],
            closures=sorted(p.closures),
        )


class ServiceIn(BaseModel):
    names: dict[Language, Name] = Field(description="fi, sv and en names")
    descriptions: dict[Language, Description] = Field(default_factory=dict)
    duration_min: int = Field(ge=5, le=240)
    identification: Identification = Identification.NONE
    languages: list[Language] = Field(min_length=1)
    screen_names: dict[str, Name] = Field(
        default_factory=dict, description="names in the booth's screen-only languages (ru); optional"
    )
    screen_descriptions: dict[str, Description] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _all_names(self) -> ServiceIn:
        missing = [lang for lang in ("fi", "sv", "en") if not self.names.get(lang, "").strip()]  # type: ignore[call-overload]
        if missing:
            raise ValueError(f"names needs a name in each of fi, sv, en; missing: {', '.join(missing)}")
        for lang in self.screen_names:
            screen_language(lang, "screen_names")
        for lang, text in self.screen_descriptions.items():
            screen_language(lang, "screen_descriptions")
            if text.strip() and not self.screen_names.get(lang, "").strip():
                raise ValueError(f"screen_descriptions: a description in {lang} needs a name in {lang} too")
        return self


class PointHoursIn(BaseModel):
    hours: list[HoursIn] = Field(max_length=7, description="at most one interval per weekday")
    closures: list[Day] = Field(default_factory=list, max_length=366)

    @model_validator(mode="after")
    def _one_per_weekday(self) -> PointHoursIn:
        days = [h.weekday for h in self.hours]
        twice = sorted({d for d in days if days.count(d) > 1})
        if twice:
            raise ValueError(f"hours: a point has one opening interval per weekday; repeated: {twice}")
        return self


class WorkingHoursIn(BaseModel):
    weekday: int = Field(ge=1, le=7)
    starts: WallClock = Field(description="local Helsinki time, whole minutes: 08:00")
    ends: WallClock = Field(description="local Helsinki time, whole minutes: 16:00")

    @model_validator(mode="after")
    def _order(self) -> WorkingHoursIn:
        _interval(self.starts, self.ends, ("starts", "ends"))
        return self


class SkillsIn(BaseModel):
    services: list[Id] = Field(max_length=200)
    languages: list[Language] = Field(max_length=3)
    hours: list[WorkingHoursIn] = Field(max_length=7 * 24)

    @model_validator(mode="after")
    def _no_overlap(self) -> SkillsIn:
        by_day: dict[int, list[WorkingHoursIn]] = {}
        for h in self.hours:
            by_day.setdefault(h.weekday, []).append(h)
        for wd, ivs in sorted(by_day.items()):
            ivs.sort(key=lambda h: h.starts)
            for a, b in pairwise(ivs):
                if b.starts < a.ends:
                    raise ValueError(
                        f"hours: intervals on weekday {wd} overlap ({a.starts.isoformat('minutes')}–"
                        f"{a.ends.isoformat('minutes')} and {b.starts.isoformat('minutes')}–"
                        f"{b.ends.isoformat('minutes')})"
                    )
        return self


class SlotOut(BaseModel):
    start: datetime
    end: datetime
    booths: list[str]
    officials: int = Field(description="how many qualified officials are free then")


class BookingIn(BaseModel):
    service_id: Id
    point_id: Id
    language: Language
    start: Moment = Field(description="one of the starts from GET /api/slots, with its UTC offset")
    channel: BookedVia
    booth_id: Id | None = None
    official_id: Id | None = None
    citizen_name: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, pattern=PHONE, description="for SMS: +358401234567")
    email: str | None = Field(default=None, pattern=EMAIL, max_length=200)


class RescheduleIn(BaseModel):
    start: Moment
    channel: BookedVia


class CancelIn(BaseModel):
    channel: BookedVia


class StatusIn(BaseModel):
    status: Literal["in_lobby", "in_call", "completed", "citizen_no_show"] = Field(
        description="checked_in comes from the booth's check-in; cancelled from /cancel; official_no_show from the rule"
    )


class BookingOut(BaseModel):
    code: str
    qr_payload: str
    status: str
    service_id: str
    point_id: str
    booth_id: str
    official_id: str
    language: str
    start: datetime
    end: datetime
    channel: str
    citizen_name: str | None
    phone: str | None
    email: str | None

    @classmethod
    def of(cls, b: BookingRow) -> BookingOut:
        return cls(
            code=b.code,
            qr_payload=qr_payload(b.code),
            status=b.status,
            service_id=b.service_id,
            point_id=b.point_id,
            booth_id=b.booth_id,
            official_id=b.official_id,
            language=b.language,
            start=dt(b.start),
            end=dt(b.end),
            channel=b.channel,
            citizen_name=b.citizen_name,
            phone=b.phone,
            email=b.email,
        )


class CheckinIn(BaseModel):
    booth_id: Id
    booth_secret: str = Field(min_length=1, max_length=200)
    code: str = Field(min_length=1, max_length=40, description="typed code or the scanned QR payload ETP1:<code>")


class CheckinOut(BaseModel):
    result: str
    ok: bool
    messages: dict[str, str]
    tell_advisor: bool
    to_queue: bool
    queue_entry_id: str | None


class EnqueueIn(BaseModel):
    point_id: Id
    service_id: Id
    language: Language
    booth_id: Id | None = None


class BoothEnqueueIn(BaseModel):
    booth_id: Id
    booth_secret: str = Field(min_length=1, max_length=200)
    service_id: Id
    language: Language


class QueueEntryOut(BaseModel):
    entry_id: str
    service_id: str
    language: str
    enqueued_at: datetime
    appointment: bool
    state: str
    position: int
    wait_min: int | None = Field(description="None: no qualified official present, so no honest estimate")
    offered_to: str | None = None


class QueueOut(BaseModel):
    point_id: str
    entries: list[QueueEntryOut]
    how_estimated: str
