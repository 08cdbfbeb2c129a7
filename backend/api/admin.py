"""The admin API behind the admin app (``/admin/``): organisations, points, booths, accounts, the audit log.

Every endpoint asks ``backend.domain.access`` (``may_administer``) and refuses
with 403 naming what the caller lacks; an authority admin's "not yours" and
"does not exist" get the same answer, so nothing leaks about other
organisations. Every change is written with its audit entry in one
transaction (``backend.store.admin``). The set-password endpoint is the only
one without a sign-in: the one-time link is the credential.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from backend.api import organisation_admin
from backend.api import reports as reports_api
from backend.api.admin_schemas import (
    AccountOut,
    AuditEntryOut,
    AuditOut,
    BoothIn,
    BoothOut,
    BoothRegistered,
    InviteIn,
    InviteOut,
    MeOut,
    OrganisationIn,
    OrganisationOut,
    PointIn,
    ResetIn,
    SetPasswordIn,
    SetPasswordOut,
)
from backend.api.roles import Caller, forbidden
from backend.api.schemas import PointOut
from backend.domain import access
from backend.domain.access import AdminRef
from backend.domain.accounts import AccountRuleError
from backend.domain.calls import BoothInfo
from backend.domain.catalogue import Interval
from backend.store import admin, audit, booth_software, enrollment
from backend.store import catalogue as repo
from backend.store.booth_software_models import BoothSoftwareRow
from backend.store.models import Official, Organisation, ServicePoint
from protocol.messages import Id


def _software(row: BoothSoftwareRow | None) -> dict[str, object]:
    if row is None:
        return {}
    return {"version": row.version, "slot": row.slot, "update_state": row.update_state, "started_at": row.started_at}


def router(
    db: sessionmaker[Session],
    clock: Callable[[], float],
    caller: Callable[..., Caller],
    links: admin.LinkSettings,
    booth_added: Callable[[BoothInfo], None] = lambda _b: None,
    account_ended: Callable[[str], Awaitable[None]] | None = None,
    booth_retired: Callable[[str], Awaitable[None]] | None = None,
) -> APIRouter:
    """``booth_added`` tells the hub about a newly registered booth (shown offline until it connects);
    ``account_ended`` closes a deactivated or reset account's open sockets (the hub); ``booth_retired``
    closes a retired booth's open socket (the hub)."""
    r = APIRouter(tags=["admin"])

    def need(who: Caller, ref: AdminRef, why: str) -> None:
        if not access.may_administer(who.standing, ref):
            raise forbidden(why)

    @r.get("/api/me", response_model=MeOut)
    def me(who: Caller = Depends(caller)) -> MeOut:
        st = who.standing
        with db() as s:
            o = s.get(Official, who.official_id)
            name = o.display_name if o else ""
        return MeOut(
            official_id=who.official_id,
            name=name,
            organisation_id=who.organisation_id,
            master=st.master,
            official=st.is_official,
            admin_of=sorted(st.admin_of),
            reporter_of=sorted(st.reporter_of),
            support=st.support,
        )

    @r.get("/api/admin/organisations", response_model=list[OrganisationOut])
    def organisations(who: Caller = Depends(caller)) -> list[OrganisationOut]:
        """The master admin sees all; everyone else sees the organisations they work for or report on."""
        st = who.standing
        with db() as s:
            rows = s.scalars(select(Organisation).order_by(Organisation.name)).all()
        mine = st.works_for | st.reporter_of | {who.organisation_id}
        return [OrganisationOut(id=o.id, name=o.name) for o in rows if st.master or o.id in mine]

    @r.put("/api/admin/organisations/{org_id}", response_model=OrganisationOut)
    def put_organisation(org_id: Id, body: OrganisationIn, who: Caller = Depends(caller)) -> OrganisationOut:
        need(who, AdminRef("organisation"), "only the master admin creates and renames organisations")
        with db() as s:
            admin.put_organisation(s, who.official_id, org_id, body.name, clock())
            s.commit()
        return OrganisationOut(id=org_id, name=body.name)

    @r.put("/api/admin/points/{point_id}", response_model=PointOut)
    def put_point(point_id: Id, body: PointIn, who: Caller = Depends(caller)) -> PointOut:
        """A service point with its address, weekly hours and closure days (master admin)."""
        need(who, AdminRef("point"), "only the master admin creates and changes service points")
        with db() as s:
            admin.put_point(
                s,
                who.official_id,
                point_id,
                body.name,
                body.address,
                {h.weekday: Interval(h.opens, h.closes) for h in body.hours},
                frozenset(body.closures),
                clock(),
            )
            s.commit()
            return PointOut.of(repo.point(s, point_id))

    @r.get("/api/admin/booths", response_model=list[BoothOut])
    def list_booths(who: Caller = Depends(caller)) -> list[BoothOut]:
        need(who, AdminRef("booth"), "only the master admin manages booths")
        with db() as s:
            certs = enrollment.cert_states(s)
            software = booth_software.all_reports(s)
            return [
                BoothOut(
                    booth_id=b.booth_id,
                    name=b.name,
                    point_id=b.point_id,
                    retired=b.retired,
                    enrolled=b.booth_id in certs,
                    certificate_until=certs[b.booth_id].not_after if b.booth_id in certs else None,
                    **_software(software.get(b.booth_id)),
                )
                for b in admin.booths(s)
            ]

    @r.put("/api/admin/booths/{booth_id}", response_model=BoothRegistered, status_code=201)
    def register_booth(booth_id: Id, body: BoothIn, who: Caller = Depends(caller)) -> BoothRegistered:
        need(who, AdminRef("booth"), "only the master admin registers booths")
        with db() as s:
            secret = admin.register_booth(s, who.official_id, booth_id, body.name, body.point_id, clock())
            s.commit()
            point = s.get(ServicePoint, body.point_id)
        booth_added(BoothInfo(booth_id, body.name, point.name if point else "", body.point_id))
        return BoothRegistered(booth_id=booth_id, name=body.name, point_id=body.point_id, retired=False, secret=secret)

    @r.post("/api/admin/booths/{booth_id}/retire", status_code=204)
    async def retire_booth(booth_id: Id, who: Caller = Depends(caller)) -> None:
        """A retired booth can never sign in again, and its open socket closes now."""
        need(who, AdminRef("booth"), "only the master admin retires booths")

        def run() -> None:
            with db() as s:
                admin.retire_booth(s, who.official_id, booth_id, clock())
                s.commit()

        await asyncio.to_thread(run)
        if booth_retired is not None:
            await booth_retired(booth_id)

    def _org_of(who: Caller, body: InviteIn) -> str:
        return body.organisation_id or who.organisation_id

    @r.get("/api/admin/accounts", response_model=list[AccountOut])
    def list_accounts(organisation: Id | None = None, who: Caller = Depends(caller)) -> list[AccountOut]:
        """One organisation's accounts (the master admin: any, or all without ``organisation``)."""
        org = organisation if organisation is not None or who.standing.master else who.organisation_id
        if org is None:
            need(who, AdminRef("authority_admin"), "name the organisation")
        else:
            need(who, AdminRef("official", org), "only the organisation's authority admin sees its accounts")
        with db() as s:
            rows = admin.accounts(s, org, who.official_id, clock())
            s.commit()
        return [AccountOut(**a.__dict__) for a in rows]

    @r.post("/api/admin/accounts", response_model=InviteOut, status_code=201)
    def invite(body: InviteIn, who: Caller = Depends(caller)) -> InviteOut:
        """Create an account and e-mail it a set-password link (through the outbox)."""
        org = _org_of(who, body)
        if body.role in ("official", "reporter"):
            need(who, AdminRef("official", org), "only the organisation's authority admin invites its officials")
        else:
            need(who, AdminRef(body.role), "only the master admin invites authority admins, advisors and support")
        scope = {
            "official": "",
            "reporter": org,
            "authority_admin": org,
            "advisor": body.point_id or "",
            "support": "",
        }[body.role]
        with db() as s:
            official_id, _token = admin.invite(
                s,
                who.official_id,
                organisation_id=org,
                username=body.username,
                display_name=body.display_name,
                email=body.email,
                role=body.role,
                scope=scope,
                language=body.language.value,
                links=links,
                now=clock(),
            )
            s.commit()
        return InviteOut(official_id=official_id)

    def _account_org(s: Session, who: Caller, official_id: str) -> None:
        o = s.get(Official, official_id)
        if o is None or not access.may_administer(who.standing, AdminRef("official", o.organisation_id)):
            raise forbidden("you can manage only your own organisation's accounts")

    @r.post("/api/admin/accounts/{official_id}/deactivate", status_code=204)
    async def deactivate(official_id: Id, who: Caller = Depends(caller)) -> None:
        """The account cannot sign in any more; its sign-ins and open pages end now."""

        def work() -> None:
            with db() as s:
                _account_org(s, who, official_id)
                admin.deactivate(s, who.official_id, official_id, clock())
                s.commit()

        await asyncio.to_thread(work)
        if account_ended is not None:
            await account_ended(official_id)

    @r.post("/api/admin/accounts/{official_id}/reset", status_code=204)
    async def reset(official_id: Id, body: ResetIn, who: Caller = Depends(caller)) -> None:
        """Clear the password, end the sign-ins and e-mail a new set-password link."""

        def work() -> None:
            with db() as s:
                _account_org(s, who, official_id)
                admin.reset(s, who.official_id, official_id, body.language.value, links, clock())
                s.commit()

        await asyncio.to_thread(work)
        if account_ended is not None:
            await account_ended(official_id)

    @r.post("/api/password", response_model=SetPasswordOut)
    def set_password(body: SetPasswordIn) -> SetPasswordOut:
        """Set a password with the one-time link from an invitation or a reset."""
        with db() as s:
            username = admin.set_password(s, body.token, body.password, clock())
            s.commit()
        return SetPasswordOut(username=username)

    @r.get("/api/admin/audit", response_model=AuditOut)
    def audit_log(
        before: int | None = Query(None, ge=1, le=2**31 - 1, description="entries before this seq (older pages)"),
        after: int | None = Query(None, ge=0, le=2**31 - 1, description="entries after this seq (newer pages)"),
        limit: int = Query(200, ge=1, le=200, description="entries on a page"),
        action: str = Query("", max_length=60, pattern=r"^[a-z_.]*$", description="an action or its prefix"),
        resource_kind: str = Query("", max_length=40, pattern=r"^[a-z_]*$"),
        actor: str = Query("", max_length=64, pattern=r"^[A-Za-z0-9_.:-]*$"),
        who: Caller = Depends(caller),
    ) -> AuditOut:
        """A page of entries, newest first, and whether the whole chain verifies (master admin).

        Keyset paging: ``before`` the oldest shown for older entries, ``after`` the newest shown for newer."""
        need(who, AdminRef("audit"), "only the master admin reads the audit log")
        if before is not None and after is not None:
            raise HTTPException(422, "give before or after, not both")
        with db() as s:
            verdict = audit.verify(s)
            found = audit.page(s, limit, before, after, action, resource_kind, actor)
        return AuditOut(
            entries=[AuditEntryOut(**e.__dict__) for e in found.entries],
            ok=verdict.ok,
            broken_at=verdict.broken_at,
            reason=verdict.reason,
            head_seq=verdict.head_seq,
            older=found.older,
            newer=found.newer,
        )

    return r


def include_admin(
    app: FastAPI,
    db: sessionmaker[Session],
    clock: Callable[[], float],
    caller: Callable[..., Caller],
    links: admin.LinkSettings,
    booth_added: Callable[[BoothInfo], None],
    account_ended: Callable[[str], Awaitable[None]] | None = None,
    booth_retired: Callable[[str], Awaitable[None]] | None = None,
) -> None:
    app.include_router(router(db, clock, caller, links, booth_added, account_ended, booth_retired))
    app.include_router(reports_api.router(db, clock, caller))
    organisation_admin.include(app, db, clock, caller)

    @app.exception_handler(AccountRuleError)
    async def _bad(_r: Request, exc: AccountRuleError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)
