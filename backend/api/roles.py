"""Who is calling: the login token in ``Authorization: Bearer`` and the caller's roles.

Roles come from ``role_grant`` and become a ``Standing`` (see
``backend.store.catalogue.standing``); every endpoint asks
``backend.domain.access`` what that standing may see and do, so the HTTP API,
the hub and the broker apply one policy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Header, HTTPException
from sqlalchemy.orm import Session, sessionmaker

from backend.domain import access
from backend.store import accounts, catalogue


@dataclass(frozen=True)
class Caller:
    """The signed-in account; what it may see and do is ``backend.domain.access``'s to answer."""

    official_id: str
    organisation_id: str
    standing: access.Standing


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
            standing = catalogue.standing(s, who.official_id)
        return Caller(who.official_id, who.organisation_id, standing)

    return current_caller
