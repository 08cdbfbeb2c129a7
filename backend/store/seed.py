"""Sample data for the demo and the tests: one point, one booth, one official."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from backend.auth import hash_secret
from backend.store.models import Booth, Official, Organisation, ServicePoint


@dataclass(frozen=True)
class DemoAccounts:
    booth_id: str = "imatra-1"
    booth_secret: str = "demo-booth-secret"
    username: str = "virkailija"
    password: str = "demo-password"


def seed_demo(db: Session, accounts: DemoAccounts = DemoAccounts()) -> DemoAccounts:
    """Insert the sample catalogue if it is not there yet (idempotent)."""
    if db.get(Organisation, "vero") is None:
        db.add(Organisation(id="vero", name="Verohallinto"))
    if db.get(ServicePoint, "imatra") is None:
        db.add(ServicePoint(id="imatra", name="Suomi-piste Imatra", address="Virastokatu 2, 55100 Imatra"))
    db.flush()
    if db.get(Booth, accounts.booth_id) is None:
        db.add(
            Booth(
                id=accounts.booth_id,
                name="Imatra booth 1",
                point_id="imatra",
                secret_hash=hash_secret(accounts.booth_secret),
            )
        )
    if db.get(Official, "official-1") is None:
        db.add(
            Official(
                id="official-1",
                username=accounts.username,
                display_name="Veera Virkailija",
                organisation_id="vero",
                password_hash=hash_secret(accounts.password),
            )
        )
    db.commit()
    return accounts
