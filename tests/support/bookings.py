"""Fixtures for the booking tests: a migrated, seeded database on SQLite or PostgreSQL.

Import into a test module: ``from tests.support.bookings import *``
brings ``store`` (parametrised over both engines) and the PostgreSQL fixtures.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from backend.app import create_app
from backend.auth import hash_secret
from backend.config import BackendSettings
from backend.domain.catalogue import HELSINKI
from backend.store import catalogue
from backend.store.database import migrate, open_engine, session_factory
from backend.store.models import Booth, Official, Organisation, ServicePoint
from backend.store.seed import IMATRA_HOURS, seed_demo
from tests.support.postgres import postgres_server, postgres_url

__all__ = [
    "NOW",
    "TUESDAY",
    "api",
    "at",
    "bearer",
    "next_weekday",
    "postgres_server",
    "postgres_url",
    "seeded",
    "store",
]

#: A fixed "now": Monday 23 November 2026, 08.00 in Helsinki. No test reads the clock.
NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
TUESDAY = date(2026, 11, 24)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=HELSINKI).astimezone(UTC)


def seeded(url: str) -> tuple[sessionmaker[Session], object]:
    engine = open_engine(url)
    migrate(engine)
    db = session_factory(engine)
    with db() as s:
        seed_demo(s)
        # A second point with its own booth, to test "wrong point" and scoping.
        s.add(ServicePoint(id="lappeenranta", name="Suomi-piste Lappeenranta", address="Villimiehenkatu 1"))
        s.flush()
        s.add(Booth(id="lpr-1", name="Lappeenranta booth 1", point_id="lappeenranta", secret_hash=hash_secret("x")))
        catalogue.set_point_hours(s, "lappeenranta", IMATRA_HOURS, frozenset())
        s.commit()
    return db, engine


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/bookings.db"
    else:
        url = request.getfixturevalue("postgres_url")
    db, engine = seeded(url)
    yield db
    engine.dispose()  # type: ignore[attr-defined]


def next_weekday(iso_weekday: int, at_least_days: int = 7) -> date:
    """A date at least ``at_least_days`` ahead of the real today (the app under test reads the real clock)."""
    d = datetime.now(HELSINKI).date() + timedelta(days=at_least_days)
    while d.isoweekday() != iso_weekday:
        d += timedelta(days=1)
    return d


@pytest.fixture
def api(tmp_path: Path) -> Iterator[TestClient]:
    """The real app on SQLite with the demo seed, plus a Kela organisation (official + admin) for scoping tests."""
    app = create_app(BackendSettings(database_url=f"sqlite:///{tmp_path}/api.db", seed_demo=True))
    with TestClient(app) as client:
        with app.state.hub.db() as s:
            s.add(Organisation(id="kela", name="Kela"))
            s.add(ServicePoint(id="lappeenranta", name="Suomi-piste Lappeenranta", address="Villimiehenkatu 1"))
            s.flush()
            s.add(Booth(id="lpr-1", name="Lappeenranta 1", point_id="lappeenranta", secret_hash=hash_secret("lpr")))
            for oid, user, role in (("kela-1", "kela", "official"), ("kela-admin-1", "kela-admin", "authority_admin")):
                s.add(
                    Official(
                        id=oid,
                        username=user,
                        display_name=user,
                        organisation_id="kela",
                        password_hash=hash_secret("pw"),
                    )
                )
                s.flush()
                catalogue.grant(s, oid, role, "kela" if role == "authority_admin" else "")
            s.commit()
        app.state.test_events = []
        app.state.booking_events = app.state.test_events.extend
        yield client


def bearer(client: TestClient, username: str, password: str) -> dict[str, str]:
    r = client.post("/api/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def add_account(
    db: sessionmaker[Session],
    official_id: str,
    username: str,
    organisation_id: str,
    role: str,
    scope: str,
    password: str,
) -> None:
    """One more person who can sign in, with one grant."""
    with db() as s:
        s.add(
            Official(
                id=official_id,
                username=username,
                display_name=username.title(),
                organisation_id=organisation_id,
                password_hash=hash_secret(password),
            )
        )
        s.flush()
        catalogue.grant(s, official_id, role, scope)
        s.commit()


def add_lappeenranta_advisor(db: sessionmaker[Session]) -> None:
    """An advisor of another point (Lappeenranta), to prove points stay apart."""
    add_account(db, "advisor-lpr", "lpr", "imatra-city", "advisor", "lappeenranta", password="x")
