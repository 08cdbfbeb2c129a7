"""Catalogue endpoints: anyone may read services and points; admins write their own organisation's part."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session, sessionmaker

from backend.api.roles import Caller, forbidden
from backend.api.schemas import PointHoursIn, PointOut, ServiceIn, ServiceOut, SkillsIn
from backend.domain import access
from backend.domain.catalogue import SCREEN_LANGUAGES, Interval, OfficialSkills, Service
from backend.store import audit
from backend.store import catalogue as repo
from backend.store.models import Official
from protocol.messages import Id


def router(db: sessionmaker[Session], clock: Callable[[], float], caller: Callable[..., Caller]) -> APIRouter:
    r = APIRouter(tags=["catalogue"])

    @r.get("/api/services", response_model=list[ServiceOut])
    def list_services(organisation: Id | None = None) -> list[ServiceOut]:
        with db() as s:
            return [ServiceOut.of(x) for x in repo.services(s, organisation)]

    @r.get("/api/screen-languages")
    def list_screen_languages() -> dict[str, list[str]]:
        """The booth's screen-only languages: a service may have a name and description in each (admin app)."""
        return {"screen_only": list(SCREEN_LANGUAGES)}

    @r.get("/api/points", response_model=list[PointOut])
    def list_points() -> list[PointOut]:
        with db() as s:
            return [PointOut.of(p) for p in repo.points(s)]

    @r.put("/api/admin/services/{service_id}", response_model=ServiceOut)
    def put_service(service_id: Id, body: ServiceIn, who: Caller = Depends(caller)) -> ServiceOut:
        """Create or change a service of the caller's own organisation."""
        if not access.may_edit_catalogue(who.standing, who.organisation_id):
            raise forbidden("only an authority admin can change services, and only their own organisation's")
        svc = Service(
            id=service_id,
            organisation_id=who.organisation_id,
            names={lang.value: name for lang, name in body.names.items()},
            descriptions={lang.value: text for lang, text in body.descriptions.items()},
            duration_min=body.duration_min,
            identification=body.identification,
            languages=frozenset(lang.value for lang in body.languages),
            screen_names={lang: name.strip() for lang, name in body.screen_names.items() if name.strip()},
            screen_descriptions={lang: text.strip() for lang, text in body.screen_descriptions.items() if text.strip()},
        )
        with db() as s:
            repo.put_service(s, svc)
            detail = f"duration {svc.duration_min}; identification {svc.identification.value}; languages "
            audit.record(
                s,
                who.official_id,
                "service.put",
                "service",
                service_id,
                clock(),
                detail + ",".join(sorted(svc.languages)),
            )
            s.commit()
            return ServiceOut.of(repo.service(s, service_id))

    @r.get("/api/admin/officials")
    def list_officials(who: Caller = Depends(caller)) -> list[dict[str, object]]:
        """The caller's organisation's officials with their skills (never another organisation's)."""
        if not access.may_edit_catalogue(who.standing, who.organisation_id):
            raise forbidden("only an authority admin sees their organisation's officials")
        with db() as s:
            return [
                {
                    "official_id": o.official_id,
                    "services": sorted(o.services),
                    "languages": sorted(o.languages),
                    "hours": {
                        wd: [[iv.start.isoformat(), iv.end.isoformat()] for iv in ivs] for wd, ivs in o.hours.items()
                    },
                }
                for o in repo.officials_of(s, who.organisation_id)
            ]

    @r.put("/api/admin/officials/{official_id}/skills", status_code=204)
    def put_skills(official_id: Id, body: SkillsIn, who: Caller = Depends(caller)) -> None:
        with db() as s:
            o = s.get(Official, official_id)
            if o is None or not access.may_edit_catalogue(who.standing, o.organisation_id):
                # the same answer for "not yours" and "does not exist": no peeking into other organisations
                raise forbidden("you can change only your own organisation's officials")
            hours: dict[int, list[Interval]] = {}
            for h in body.hours:
                hours.setdefault(h.weekday, []).append(Interval(h.starts, h.ends))
            repo.set_skills(
                s,
                OfficialSkills(
                    official_id,
                    o.organisation_id,
                    frozenset(body.services),
                    frozenset(lang.value for lang in body.languages),
                    {k: tuple(v) for k, v in hours.items()},
                ),
            )
            audit.record(
                s, who.official_id, "official.skills", "account", official_id, clock(), ",".join(sorted(body.services))
            )
            s.commit()

    @r.put("/api/admin/points/{point_id}/hours", response_model=PointOut)
    def put_point_hours(point_id: Id, body: PointHoursIn, who: Caller = Depends(caller)) -> PointOut:
        """Opening hours and closure days: the point's own business, so its advisor or a master admin."""
        if not access.may_edit_point(who.standing, point_id):
            raise forbidden("only the point's advisor or a master admin can change its opening hours")
        with db() as s:
            repo.set_point_hours(
                s,
                point_id,
                {h.weekday: Interval(h.opens, h.closes) for h in body.hours},
                frozenset(body.closures),
            )
            audit.record(
                s, who.official_id, "point.hours", "point", point_id, clock(), f"{len(body.closures)} closure days"
            )
            s.commit()
            return PointOut.of(repo.point(s, point_id))

    return r
