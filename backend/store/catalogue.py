"""Reading and writing the catalogue, and the roles of accounts.

Turns rows into the pure values of ``backend.domain.catalogue`` so slot search
and queue routing never touch the database. Writes check the organisation
scope here, in one place: an authority admin changes only their own
organisation's services and officials.

Reads never fail on a bad row: a row the domain would refuse (an empty
interval, an unknown identification, a day that is no date) is left out and
logged by its table and key (catalogue ids, never personal data), so one bad
value cannot take the point list, slot search or sign-in down for everyone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date, time

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from backend.domain import access
from backend.domain.bookings import BookingRuleError
from backend.domain.catalogue import (
    LANGUAGES,
    SCREEN_LANGUAGES,
    Identification,
    Interval,
    OfficialSkills,
    Point,
    Service,
)
from backend.store.booking_models import (
    OfficialHours,
    OfficialLanguage,
    OfficialService,
    PointClosure,
    PointHours,
    RoleGrant,
    ServiceRow,
)
from backend.store.models import Booth, Official, Organisation, ServicePoint
from backend.store.screen_text_models import ServiceScreenText

ROLES = access.ROLES
log = logging.getLogger("etapiste.store")


class NotFound(LookupError):
    """Something named in a request does not exist; the message says what."""


@dataclass(frozen=True)
class Role:
    role: str
    scope: str  # point id for advisors, organisation id for authority admins, "" otherwise


def _t(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def _m(t: time) -> int:
    return t.hour * 60 + t.minute


def _skipped(table: str, key: str, error: Exception) -> None:
    log.warning("catalogue: left out a %s row (%s) the domain refuses: %s", table, key, error)


def _interval_of(table: str, key: str, start_min: int, end_min: int) -> Interval | None:
    """Stored minutes as the domain's interval, or None (logged) when they do not make one."""
    try:
        return Interval(_t(start_min), _t(end_min))
    except ValueError as e:  # minutes outside the day, or not start < end
        _skipped(table, key, e)
        return None


def _usable_service(row: ServiceRow) -> Service | None:
    try:
        return to_service(row)
    except ValueError as e:
        _skipped("service", row.id, e)
        return None


def to_service(row: ServiceRow) -> Service:
    return Service(
        id=row.id,
        organisation_id=row.organisation_id,
        names={"fi": row.name_fi, "sv": row.name_sv, "en": row.name_en},
        descriptions={"fi": row.description_fi, "sv": row.description_sv, "en": row.description_en},
        duration_min=row.duration_min,
        identification=Identification(row.identification),
        languages=frozenset(x for x in row.languages.split(",") if x),
    )


def _with_screen_texts(db: Session, svcs: list[Service]) -> list[Service]:
    """The services with their names and descriptions in the booth's screen-only languages.

    A row in a language that is no longer a screen-only one is left out (and logged), as other bad rows are."""
    if not svcs:
        return svcs
    q = select(ServiceScreenText).where(ServiceScreenText.service_id.in_([s.id for s in svcs]))
    names: dict[str, dict[str, str]] = {}
    descriptions: dict[str, dict[str, str]] = {}
    for row in db.scalars(q):
        if row.language not in SCREEN_LANGUAGES or not row.name.strip():
            _skipped("service_screen_text", f"{row.service_id}, {row.language}", ValueError("not a screen language"))
            continue
        names.setdefault(row.service_id, {})[row.language] = row.name
        if row.description:
            descriptions.setdefault(row.service_id, {})[row.language] = row.description
    return [replace(s, screen_names=names.get(s.id, {}), screen_descriptions=descriptions.get(s.id, {})) for s in svcs]


def service(db: Session, service_id: str) -> Service:
    row = db.get(ServiceRow, service_id)
    svc = None if row is None else _usable_service(row)
    if svc is None:
        raise NotFound(f"no service {service_id!r}; list services with GET /api/services")
    return _with_screen_texts(db, [svc])[0]


def services(db: Session, organisation_id: str | None = None) -> list[Service]:
    q = select(ServiceRow).order_by(ServiceRow.id)
    if organisation_id is not None:
        q = q.where(ServiceRow.organisation_id == organisation_id)
    return _with_screen_texts(db, [svc for r in db.scalars(q) if (svc := _usable_service(r)) is not None])


def point(db: Session, point_id: str) -> Point:
    row = db.get(ServicePoint, point_id)
    if row is None:
        raise NotFound(f"no service point {point_id!r}; list points with GET /api/points")
    hours: dict[int, Interval] = {}
    for h in db.scalars(select(PointHours).where(PointHours.point_id == point_id)):
        key = f"{point_id}, weekday {h.weekday}"
        iv = _interval_of("point_hours", key, h.opens_min, h.closes_min)
        if iv is not None and 1 <= h.weekday <= 7:
            hours[h.weekday] = iv
    closures: set[date] = set()
    for c in db.scalars(select(PointClosure).where(PointClosure.point_id == point_id)):
        try:
            closures.add(date.fromisoformat(c.day))
        except ValueError as e:
            _skipped("point_closure", point_id, e)
    return Point(id=row.id, name=row.name, address=row.address, hours=hours, closures=frozenset(closures))


def points(db: Session) -> list[Point]:
    return [point(db, pid) for pid in db.scalars(select(ServicePoint.id).order_by(ServicePoint.id))]


def booth_ids(db: Session, point_id: str) -> list[str]:
    return list(db.scalars(select(Booth.id).where(Booth.point_id == point_id).order_by(Booth.id)))


def booth_point(db: Session, booth_id: str) -> str:
    row = db.get(Booth, booth_id)
    if row is None:
        raise NotFound(f"no booth {booth_id!r}")
    return row.point_id


def skills(db: Session, official_id: str) -> OfficialSkills:
    o = db.get(Official, official_id)
    if o is None:
        raise NotFound(f"no official {official_id!r}")
    hours: dict[int, list[Interval]] = {}
    for h in db.scalars(
        select(OfficialHours).where(OfficialHours.official_id == official_id).order_by(OfficialHours.starts_min)
    ):
        iv = _interval_of("official_hours", f"{official_id}, weekday {h.weekday}", h.starts_min, h.ends_min)
        if iv is not None and 1 <= h.weekday <= 7:
            hours.setdefault(h.weekday, []).append(iv)
    return OfficialSkills(
        official_id=o.id,
        organisation_id=o.organisation_id,
        services=frozenset(db.scalars(select(OfficialService.service_id).where(OfficialService.official_id == o.id))),
        languages=frozenset(db.scalars(select(OfficialLanguage.language).where(OfficialLanguage.official_id == o.id))),
        hours={k: tuple(v) for k, v in hours.items()},
    )


def officials_for(db: Session, service_id: str) -> list[OfficialSkills]:
    ids = db.scalars(
        select(OfficialService.official_id)
        .where(OfficialService.service_id == service_id)
        .order_by(OfficialService.official_id)
    )
    return [skills(db, i) for i in ids]


def officials_of(db: Session, organisation_id: str) -> list[OfficialSkills]:
    ids = db.scalars(select(Official.id).where(Official.organisation_id == organisation_id).order_by(Official.id))
    return [skills(db, i) for i in ids]


def roles(db: Session, official_id: str) -> list[Role]:
    return [
        Role(r.role, r.scope)
        for r in db.scalars(select(RoleGrant).where(RoleGrant.official_id == official_id).order_by(RoleGrant.role))
    ]


def points_served(db: Session, organisation_id: str) -> frozenset[str]:
    """The points where an organisation serves (``backend.domain.access`` says why it matters).

    Derived from the catalogue: an organisation serves at a point when one of
    its services is on the menu of the point's booths and one of its officials
    offers that service. Every booth's menu lists every service today (the hub
    sends the whole catalogue), so that is every point with a booth, once one
    of the organisation's services is offered by one of its officials.
    """
    offered = db.scalar(
        select(OfficialService.service_id)
        .join(ServiceRow, ServiceRow.id == OfficialService.service_id)
        .where(ServiceRow.organisation_id == organisation_id)
        .limit(1)
    )
    if offered is None:
        return frozenset()
    return frozenset(db.scalars(select(Booth.point_id).distinct()))


def standing(db: Session, official_id: str) -> access.Standing:
    """An account's standing: its grants and the points its organisations serve at."""
    o = db.get(Official, official_id)
    if o is None:
        raise NotFound(f"no official {official_id!r}")
    grants = [(r.role, r.scope) for r in roles(db, official_id)]
    staff_of = {o.organisation_id} | {s for r, s in grants if r == "authority_admin" and s}
    serves_at = frozenset().union(*(points_served(db, org) for org in staff_of))
    return access.Standing.of_grants(official_id, o.organisation_id, grants, serves_at)


def grant(db: Session, official_id: str, role: str, scope: str = "") -> None:
    if role not in ROLES:
        raise BookingRuleError(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
    if db.get(RoleGrant, (official_id, role, scope)) is None:
        db.add(RoleGrant(official_id=official_id, role=role, scope=scope))


# --- writes (authority admins: own organisation only; checked by the caller's scope) ---


def put_service(db: Session, svc: Service) -> None:
    """Create or replace a service."""
    if db.get(Organisation, svc.organisation_id) is None:
        raise NotFound(f"no organisation {svc.organisation_id!r}")
    bad = sorted(set(svc.languages) - set(LANGUAGES))
    if bad or not svc.languages:
        raise BookingRuleError(f"languages must be a non-empty subset of {', '.join(LANGUAGES)} (got {sorted(bad)})")
    existing = db.get(ServiceRow, svc.id)
    if existing is not None and existing.organisation_id != svc.organisation_id:
        raise BookingRuleError(f"service {svc.id!r} belongs to another organisation; choose another id")
    row = existing or ServiceRow(id=svc.id)
    row.organisation_id = svc.organisation_id
    for lang in LANGUAGES:
        setattr(row, f"name_{lang}", svc.names.get(lang, ""))
        setattr(row, f"description_{lang}", svc.descriptions.get(lang, ""))
    row.duration_min = svc.duration_min
    row.identification = svc.identification.value
    row.languages = ",".join(sorted(svc.languages))
    db.add(row)
    _put_screen_texts(db, svc, new=existing is None)


def _put_screen_texts(db: Session, svc: Service, new: bool) -> None:
    """Replace the service's screen-only language texts; a description needs a name in its language.

    A new service without such texts touches nothing (a database a migration behind can still be seeded)."""
    bad = sorted((set(svc.screen_names) | set(svc.screen_descriptions)) - set(SCREEN_LANGUAGES))
    if bad:
        accepted = ", ".join(SCREEN_LANGUAGES)
        raise BookingRuleError(f"screen_names: {bad} are not screen-only languages of the booth; use {accepted}")
    described = (lang for lang, text in svc.screen_descriptions.items() if text.strip())
    nameless = sorted(lang for lang in described if lang not in svc.screen_names)
    if nameless:
        raise BookingRuleError(f"screen_descriptions: a description in {', '.join(nameless)} needs a name in it too")
    if new and not svc.screen_names:
        return
    db.flush()  # the service row first: the texts refer to it
    db.execute(delete(ServiceScreenText).where(ServiceScreenText.service_id == svc.id))
    for lang, name in sorted(svc.screen_names.items()):
        if name.strip():
            text = svc.screen_descriptions.get(lang, "")
            db.add(ServiceScreenText(service_id=svc.id, language=lang, name=name.strip(), description=text.strip()))


def set_point_hours(db: Session, point_id: str, hours: dict[int, Interval], closures: frozenset[date]) -> None:
    point(db, point_id)  # exists?
    db.execute(delete(PointHours).where(PointHours.point_id == point_id))
    db.execute(delete(PointClosure).where(PointClosure.point_id == point_id))
    for wd, iv in sorted(hours.items()):
        db.add(PointHours(point_id=point_id, weekday=wd, opens_min=_m(iv.start), closes_min=_m(iv.end)))
    for d in sorted(closures):
        db.add(PointClosure(point_id=point_id, day=d.isoformat()))


def set_skills(db: Session, s: OfficialSkills) -> None:
    """Replace an official's services, languages and working hours."""
    o = db.get(Official, s.official_id)
    if o is None:
        raise NotFound(f"no official {s.official_id!r}")
    for sid in s.services:
        row = db.get(ServiceRow, sid)
        if row is None or row.organisation_id != o.organisation_id:
            raise BookingRuleError(f"service {sid!r} is not one of the official's organisation's services")
    for table in (OfficialService, OfficialLanguage, OfficialHours):
        db.execute(delete(table).where(table.official_id == s.official_id))
    db.flush()
    for sid in sorted(s.services):
        db.add(OfficialService(official_id=s.official_id, service_id=sid))
    for lang in sorted(s.languages):
        db.add(OfficialLanguage(official_id=s.official_id, language=lang))
    for wd, ivs in sorted(s.hours.items()):
        for iv in ivs:
            db.add(OfficialHours(official_id=s.official_id, weekday=wd, starts_min=_m(iv.start), ends_min=_m(iv.end)))
