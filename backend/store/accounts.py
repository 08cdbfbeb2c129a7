"""Who may connect: booths by their credential, officials by login."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from backend.auth import hash_secret, new_token, token_hash, verify_secret
from backend.domain.calls import BoothInfo
from backend.store.admin_models import AccountState, BoothRetirement
from backend.store.models import Booth, LoginSession, Official, ServicePoint

LOGIN_TTL_S = 12 * 3600  # one working day
#: Checked when there is no stored hash (an unknown username or booth id), so the
#: answer takes as long as for a known one and does not tell which names exist.
_NOBODY = hash_secret("no such account")


@dataclass(frozen=True)
class OfficialInfo:
    official_id: str
    name: str
    organisation_id: str
    #: When the sign-in this was loaded with ends (unix seconds); None when not loaded by token.
    expires_at: float | None = None


def booth_by_credential(db: Session, booth_id: str, secret: str) -> BoothInfo | None:
    row = db.execute(
        select(Booth, ServicePoint).join(ServicePoint, Booth.point_id == ServicePoint.id).where(Booth.id == booth_id)
    ).first()
    if row is None:
        verify_secret(secret, _NOBODY)  # the same work as for a known booth
        return None
    if not verify_secret(secret, row.Booth.secret_hash) or db.get(BoothRetirement, booth_id) is not None:
        return None
    return BoothInfo(
        booth_id=row.Booth.id, name=row.Booth.name, point=row.ServicePoint.name, point_id=row.ServicePoint.id
    )


def all_booths(db: Session) -> list[BoothInfo]:
    rows = db.execute(
        select(Booth, ServicePoint)
        .join(ServicePoint, Booth.point_id == ServicePoint.id)
        .where(~exists().where(BoothRetirement.booth_id == Booth.id))
    ).all()
    return [
        BoothInfo(booth_id=r.Booth.id, name=r.Booth.name, point=r.ServicePoint.name, point_id=r.ServicePoint.id)
        for r in rows
    ]


def login(db: Session, username: str, password: str, now: float) -> tuple[str, OfficialInfo] | None:
    """Check the password; on success store a new login session, return its token."""
    official = db.scalar(select(Official).where(Official.username == username))
    if official is None:
        verify_secret(password, _NOBODY)  # the same work as for a known username
        return None
    if not verify_secret(password, official.password_hash) or deactivated(db, official.id):
        return None
    token = new_token()
    db.execute(delete(LoginSession).where(LoginSession.expires_at < now))
    db.add(
        LoginSession(
            token_hash=token_hash(token), official_id=official.id, created_at=now, expires_at=now + LOGIN_TTL_S
        )
    )
    db.commit()
    return token, replace(_info(official), expires_at=now + LOGIN_TTL_S)


def official_by_token(db: Session, token: str, now: float) -> OfficialInfo | None:
    row = db.execute(
        select(Official, LoginSession.expires_at)
        .join(LoginSession, LoginSession.official_id == Official.id)
        .where(
            LoginSession.token_hash == token_hash(token),
            LoginSession.expires_at > now,
            ~exists().where(AccountState.official_id == Official.id, AccountState.deactivated_at.is_not(None)),
        )
    ).first()
    return replace(_info(row[0]), expires_at=row[1]) if row else None


def deactivated(db: Session, official_id: str) -> bool:
    """An admin deactivated the account (``backend.store.admin``): it may not sign in."""
    state = db.get(AccountState, official_id)
    return state is not None and state.deactivated_at is not None


def logout(db: Session, token: str) -> None:
    db.execute(delete(LoginSession).where(LoginSession.token_hash == token_hash(token)))
    db.commit()


def _info(o: Official) -> OfficialInfo:
    return OfficialInfo(official_id=o.id, name=o.display_name, organisation_id=o.organisation_id)
