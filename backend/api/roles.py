"""Who is calling: the login token in ``Authorization: Bearer`` and the caller's roles.

Roles come from ``role_grant`` (see ``backend.store.catalogue``): an advisor is
scoped to a service point, an authority admin to an organisation; an official
serves their organisation's bookings; a master admin sees everything. Scope
checks live here so each endpoint states its rule in one line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Header, HTTPException
from sqlalchemy.orm import Session, sessionmaker

from backend.store import accounts, catalogue


@dataclass(frozen=True)
class Caller:
    official_id: str
    organisation_id: str
    roles: tuple[catalogue.Role, ...]

    def has(self, role: str, scope: str | None = None) -> bool:
        return any(r.role == role and (scope is None or r.scope == scope) for r in self.roles)

    @property
    def master(self) -> bool:
        return self.has("master_admin")

    def advisor_of(self, point_id: str) -> bool:
        return self.master or self.has("advisor", point_id)

    def admin_of(self, organisation_id: str) -> bool:
        return self.master or self.has("authority_admin", organisation_id)

    def sees_booking(self, point_id: str, organisation_id: str, official_id: str) -> bool:
        """Advisors see their point's bookings, officials their own, admins their organisation's."""
        return self.advisor_of(point_id) or self.admin_of(organisation_id) or official_id == self.official_id


def forbidden(why: str) -> HTTPException:
    return HTTPException(403, why)


def caller_dependency(db: sessionmaker[Session], clock: Callable[[], float]) -> Callable[..., Caller]:
    """A FastAPI dependency that loads the caller, or answers 401 saying how to sign in."""

    def current_caller(authorization: str | None = Header(default=None)) -> Caller:
        if not authorization or not authorization.lower().startswith("bearer "):
            raise HTTPException(
                401,
                "sign in first: POST /api/login, then send the token as 'Authorization: Bearer <token>'",
                headers={"WWW-Authenticate": "Bearer"},
            )
        token = authorization[7:].strip()
        with db() as s:
            who = accounts.official_by_token(s, token, clock())
            if who is None:
                raise HTTPException(
                    401,
                    "the sign-in has expired or is not valid; sign in again",
                    headers={"WWW-Authenticate": "Bearer"},
                )
            roles = tuple(catalogue.roles(s, who.official_id))
        return Caller(who.official_id, who.organisation_id, roles)

    return current_caller
