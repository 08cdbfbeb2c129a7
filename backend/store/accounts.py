"""Who may connect: booths by their credential, officials by login."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from backend.auth import new_token, token_hash, verify_secret
from backend.domain.calls import BoothInfo
from backend.store.models import Booth, LoginSession, Official, ServicePoint

LOGIN_TTL_S = 12 * 3600  # one working day


@dataclass(frozen=True)
class OfficialInfo:
    official_id: str
    name: str
    organisation_id: str


def booth_by_credential(db: Session, booth_id: str, secret: str) -> BoothInfo | None:
    row = db.execute(
        select(Booth, ServicePoint).join(ServicePoint, Booth.point_id == ServicePoint.id).where(Booth.id == booth_id)
    ).first()
    if row is None or not verify_secret(secret, row.Booth.secret_hash):
        return None
    return BoothInfo(
        booth_id=row.Booth.id, name=row.Booth.name, point=row.ServicePoint.name, point_id=row.ServicePoint.id
    )


def all_booths(db: Session) -> list[BoothInfo]:
    rows = db.execute(select(Booth, ServicePoint).join(ServicePoint, Booth.point_id == ServicePoint.id)).all()
    return [
        BoothInfo(booth_id=r.Booth.id, name=r.Booth.name, point=r.ServicePoint.name, point_id=r.ServicePoint.id)
        for r in rows
    ]


def login(db: Session, username: str, password: str, now: float) -> tuple[str, OfficialInfo] | None:
    """Check the password; on success store a new login session, return its token."""
    official = db.scalar(select(Official).where(Official.username == username))
    if official is None or not verify_secret(password, official.password_hash):
        return None
    token = new_token()
    db.execute(delete(LoginSession).where(LoginSession.expires_at < now))
    db.add(
        LoginSession(
            token_hash=token_hash(token), official_id=official.id, created_at=now, expires_at=now + LOGIN_TTL_S
        )
    )
    db.commit()
    return token, _info(official)


def official_by_token(db: Session, token: str, now: float) -> OfficialInfo | None:
    row = db.execute(
        select(Official)
        .join(LoginSession, LoginSession.official_id == Official.id)
        .where(LoginSession.token_hash == token_hash(token), LoginSession.expires_at > now)
    ).scalar_one_or_none()
    return _info(row) if row else None


def logout(db: Session, token: str) -> None:
    db.execute(delete(LoginSession).where(LoginSession.token_hash == token_hash(token)))
    db.commit()


def _info(o: Official) -> OfficialInfo:
    return OfficialInfo(official_id=o.id, name=o.display_name, organisation_id=o.organisation_id)
