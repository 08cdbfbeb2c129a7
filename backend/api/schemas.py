"""Request and response bodies of the booking API (pydantic: the 422 names the field and the rule)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field, model_validator

from backend.domain.bookings import BookedVia, qr_payload
from backend.domain.catalogue import Identification, Point, Service
from backend.store.booking_models import BookingRow
from backend.store.bookings import dt

Language = Literal["fi", "sv", "en"]
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
        )


class HoursIn(BaseModel):
    weekday: int = Field(ge=1, le=7, description="ISO weekday, 1 = Monday")
    opens: time
    closes: time

    @model_validator(mode="after")
    def _order(self) -> HoursIn:
        if not self.opens < self.closes:
            raise ValueError("opens must be before closes")
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
    names: dict[Language, str] = Field(description="fi, sv and en names")
    descriptions: dict[Language, str] = Field(default_factory=dict)
    duration_min: int = Field(ge=5, le=240)
    identification: Identification = Identification.NONE
    languages: list[Language] = Field(min_length=1)

    @model_validator(mode="after")
    def _all_names(self) -> ServiceIn:
        missing = [lang for lang in ("fi", "sv", "en") if not self.names.get(lang, "").strip()]  # type: ignore[call-overload]
        if missing:
            raise ValueError(f"names needs a name in each of fi, sv, en; missing: {', '.join(missing)}")
        return self


class PointHoursIn(BaseModel):
    hours: list[HoursIn]
    closures: list[date] = Field(default_factory=list)


class WorkingHoursIn(BaseModel):
    weekday: int = Field(ge=1, le=7)
    starts: time
    ends: time


class SkillsIn(BaseModel):
    services: list[str]
    languages: list[Language]
    hours: list[WorkingHoursIn]


class SlotOut(BaseModel):
    start: datetime
    end: datetime
    booths: list[str]
    officials: int = Field(description="how many qualified officials are free then")


class BookingIn(BaseModel):
    service_id: str = Field(min_length=1, max_length=64)
    point_id: str = Field(min_length=1, max_length=64)
    language: Language
    start: AwareDatetime = Field(description="one of the starts from GET /api/slots, with its UTC offset")
    channel: BookedVia
    booth_id: str | None = None
    official_id: str | None = None
    citizen_name: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, pattern=PHONE, description="for SMS: +358401234567")
    email: str | None = Field(default=None, pattern=EMAIL, max_length=200)


class RescheduleIn(BaseModel):
    start: AwareDatetime
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
    booth_id: str = Field(min_length=1, max_length=64)
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
    point_id: str = Field(min_length=1, max_length=64)
    service_id: str = Field(min_length=1, max_length=64)
    language: Language
    booth_id: str | None = None


class BoothEnqueueIn(BaseModel):
    booth_id: str = Field(min_length=1, max_length=64)
    booth_secret: str = Field(min_length=1, max_length=200)
    service_id: str = Field(min_length=1, max_length=64)
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
