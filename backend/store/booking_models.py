"""Tables for the catalogue details, roles, bookings and the walk-in queue.

Times are UTC epoch seconds (``Float``) like the rest of the schema; opening and
working hours are local Helsinki wall-clock minutes after midnight, because that
is what a point's door sign says (DST is handled in ``backend.domain.slots``).

Citizen contact data (name, phone, e-mail) lives only in ``booking`` columns
that ``backend.store.retention`` blanks after the retention period; the rest of
the row stays for anonymous statistics.

``resource_slot`` is the no-double-booking guarantee: see ``backend.store.bookings``.

The catalogue's rules (hours within the day and start before end, the
protocol's id and name lengths, known languages and identifications) are also
the store's: migration ``0007_catalogue_checks`` adds them as CHECK
constraints on PostgreSQL and as triggers on SQLite.
"""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.store.models import Base


class ServiceRow(Base):
    __tablename__ = "service"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"), index=True)
    name_fi: Mapped[str] = mapped_column(String(200))
    name_sv: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    description_fi: Mapped[str] = mapped_column(String(1000), default="")
    description_sv: Mapped[str] = mapped_column(String(1000), default="")
    description_en: Mapped[str] = mapped_column(String(1000), default="")
    duration_min: Mapped[int] = mapped_column(Integer)
    identification: Mapped[str] = mapped_column(String(20))
    #: comma-separated language codes, e.g. "fi,sv".
    languages: Mapped[str] = mapped_column(String(40))


class PointHours(Base):
    """Opening hours of a point on one ISO weekday (1 = Monday)."""

    __tablename__ = "point_hours"
    point_id: Mapped[str] = mapped_column(ForeignKey("service_point.id"), primary_key=True)
    weekday: Mapped[int] = mapped_column(Integer, primary_key=True)
    opens_min: Mapped[int] = mapped_column(Integer)
    closes_min: Mapped[int] = mapped_column(Integer)


class PointClosure(Base):
    __tablename__ = "point_closure"
    point_id: Mapped[str] = mapped_column(ForeignKey("service_point.id"), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # ISO date


class OfficialService(Base):
    __tablename__ = "official_service"
    official_id: Mapped[str] = mapped_column(ForeignKey("official.id"), primary_key=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id"), primary_key=True)


class OfficialLanguage(Base):
    __tablename__ = "official_language"
    official_id: Mapped[str] = mapped_column(ForeignKey("official.id"), primary_key=True)
    language: Mapped[str] = mapped_column(String(8), primary_key=True)


class OfficialHours(Base):
    """One working-hours interval of an official on an ISO weekday."""

    __tablename__ = "official_hours"
    official_id: Mapped[str] = mapped_column(ForeignKey("official.id"), primary_key=True)
    weekday: Mapped[int] = mapped_column(Integer, primary_key=True)
    starts_min: Mapped[int] = mapped_column(Integer, primary_key=True)
    ends_min: Mapped[int] = mapped_column(Integer)


class RoleGrant(Base):
    """A role of an account: advisor (scope = point id), official, authority_admin (scope = organisation id),
    master_admin (scope = "")."""

    __tablename__ = "role_grant"
    official_id: Mapped[str] = mapped_column(ForeignKey("official.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    scope: Mapped[str] = mapped_column(String(64), primary_key=True, default="")


class BookingRow(Base):
    __tablename__ = "booking"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"), index=True)
    point_id: Mapped[str] = mapped_column(ForeignKey("service_point.id"), index=True)
    booth_id: Mapped[str] = mapped_column(ForeignKey("booth.id"), index=True)
    official_id: Mapped[str] = mapped_column(ForeignKey("official.id"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    start: Mapped[float] = mapped_column(Float, index=True)
    end: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(20))
    booked_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[float] = mapped_column(Float)
    #: personal data, blanked by retention; ``contact_erased_at`` records when.
    citizen_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    contact_erased_at: Mapped[float | None] = mapped_column(Float, nullable=True)


class BookingHistory(Base):
    """Every change of a booking: created, rescheduled, cancelled, status changes."""

    __tablename__ = "booking_history"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    booking_id: Mapped[str] = mapped_column(ForeignKey("booking.id"), index=True)
    at: Mapped[float] = mapped_column(Float)
    action: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    start: Mapped[float] = mapped_column(Float)
    booth_id: Mapped[str] = mapped_column(String(64))
    official_id: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(20))
    by: Mapped[str | None] = mapped_column(String(64), nullable=True)


class ResourceSlot(Base):
    """One grid unit of a booth's or an official's time, taken by one booking."""

    __tablename__ = "resource_slot"
    __table_args__ = (UniqueConstraint("resource_kind", "resource_id", "slot_start", name="uq_resource_slot"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    resource_kind: Mapped[str] = mapped_column(String(10))
    resource_id: Mapped[str] = mapped_column(String(64))
    slot_start: Mapped[int] = mapped_column(Integer)
    booking_id: Mapped[str] = mapped_column(ForeignKey("booking.id"), index=True)


class QueueRow(Base):
    """A citizen waiting at a point: a walk-in, or a checked-in appointment."""

    __tablename__ = "queue_entry"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    point_id: Mapped[str] = mapped_column(ForeignKey("service_point.id"), index=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id"))
    language: Mapped[str] = mapped_column(String(8))
    enqueued_at: Mapped[float] = mapped_column(Float)
    booking_id: Mapped[str | None] = mapped_column(ForeignKey("booking.id"), nullable=True)
    official_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    appointment_start: Mapped[float | None] = mapped_column(Float, nullable=True)
    #: waiting, offered, served, left
    state: Mapped[str] = mapped_column(String(10))
    offered_to: Mapped[str | None] = mapped_column(String(64), nullable=True)
    booth_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    #: booth (the citizen queued at a booth: gone with its session) or desk (the advisor queued them)
    origin: Mapped[str] = mapped_column(String(10), default="booth", server_default="booth")
