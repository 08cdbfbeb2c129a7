"""Call records with participants, and migration 0005 moving ``official_id`` into them,
on real SQLite and real PostgreSQL, with rows written before the migration."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, inspect, select, text

from backend.domain.access import Standing
from backend.domain.calls import BoothInfo, CallBroker, CallChanged
from backend.store.call_records import participants_of, record_call
from backend.store.call_service_models import CallServiceRow
from backend.store.database import MIGRATIONS, migrate, open_engine, session_factory
from backend.store.models import CallRecord
from protocol.messages import ParticipantRole
from tests.support.postgres import postgres_server, postgres_url  # noqa: F401  (fixtures)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path}/c.db" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    eng = open_engine(url)
    yield eng
    eng.dispose()


def alembic(engine: Engine, action: str, target: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        getattr(command, action)(cfg, target)


def seed_accounts(engine: Engine) -> None:
    with engine.begin() as c:
        c.execute(text("INSERT INTO organisation (id, name) VALUES ('kela', 'Kela')"))
        c.execute(text("INSERT INTO service_point (id, name, address) VALUES ('imatra', 'Imatra', '')"))
        c.execute(text("INSERT INTO booth (id, name, point_id, secret_hash) VALUES ('imatra-1', 'B1', 'imatra', 'x')"))
        for oid in ("official-1", "official-2"):
            c.execute(
                text(
                    "INSERT INTO official (id, username, display_name, organisation_id, password_hash) "
                    "VALUES (:id, :id, 'V', 'kela', 'x')"
                ),
                {"id": oid},
            )


def test_migration_0005_moves_the_official_into_participants_and_back(engine: Engine):
    alembic(engine, "upgrade", "0004_alerts")  # both branches before 0005 (0004 needs 0002)
    seed_accounts(engine)
    with engine.begin() as c:
        rows = (
            ("s-call", "official-1", "ended", 100.0, 110.0, 200.0, "hung_up"),
            ("s-cancelled", None, "ended", 300.0, None, 305.0, "cancelled"),
            ("s-waiting", None, "lobby", 400.0, None, None, None),
        )
        for sid, oid, phase, req, adm, end, why in rows:
            c.execute(
                text(
                    "INSERT INTO call_record (id, booth_id, official_id, phase, requested_at, admitted_at, "
                    "ended_at, end_reason) VALUES (:id, 'imatra-1', :oid, :phase, :req, :adm, :end, :why)"
                ),
                {"id": sid, "oid": oid, "phase": phase, "req": req, "adm": adm, "end": end, "why": why},
            )

    alembic(engine, "upgrade", "heads")
    assert "official_id" not in {c["name"] for c in inspect(engine).get_columns("call_record")}
    with engine.connect() as c:
        got = c.execute(
            text(
                "SELECT call_id, peer, role, booth_id, official_id, joined_at, left_at FROM call_participant "
                "ORDER BY call_id, joined_at"
            )
        ).all()
        kept = c.execute(text("SELECT id, phase, end_reason FROM call_record ORDER BY id")).all()
    assert [tuple(r) for r in got] == [
        ("s-call", "booth", "booth", "imatra-1", None, 100.0, 200.0),
        ("s-call", "o1", "official", None, "official-1", 110.0, 200.0),
        ("s-cancelled", "booth", "booth", "imatra-1", None, 300.0, 305.0),
        ("s-waiting", "booth", "booth", "imatra-1", None, 400.0, None),
    ]
    assert [tuple(r) for r in kept] == [
        ("s-call", "ended", "hung_up"),
        ("s-cancelled", "ended", "cancelled"),
        ("s-waiting", "lobby", None),
    ]

    # A call recorded after the migration, where a second official took over: the
    # downgrade keeps the latest one in the single column.
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO call_participant (call_id, peer, role, official_id, joined_at) VALUES "
                "('s-waiting', 'o1', 'official', 'official-1', 401.0), "
                "('s-waiting', 'o2', 'official', 'official-2', 402.0)"
            )
        )
    alembic(engine, "downgrade", "0004_alerts")
    assert "call_participant" not in inspect(engine).get_table_names()
    with engine.connect() as c:
        back = c.execute(text("SELECT id, official_id FROM call_record ORDER BY id")).all()
    assert [tuple(r) for r in back] == [("s-call", "official-1"), ("s-cancelled", None), ("s-waiting", "official-2")]


def test_a_call_with_a_guest_is_recorded_with_every_participant(engine: Engine):
    migrate(engine)
    seed_accounts(engine)
    db = session_factory(engine)
    broker = CallBroker()
    broker.booth_online(BoothInfo("imatra-1", "B1", "Imatra"))
    for official_id, name in (("official-1", "Veera"), ("official-2", "Tulkki")):
        standing = Standing(official_id, organisation_id="vero", master=True, official_of=frozenset({"vero"}))
        broker.official_online(official_id, name, standing=standing)
    effects = broker.request("imatra-1", "s1", 100.0)
    effects += broker.admit("official-1", "s1", 110.0)
    effects += broker.invite("official-1", "s1", "official-2", ParticipantRole.GUEST, 120.0)
    effects += broker.remove("official-1", "s1", "g2", 130.0)
    effects += broker.end(broker.sessions["s1"].participants[1].party, "s1", 150.0)
    with db() as s:
        for e in effects:
            if isinstance(e, CallChanged):
                record_call(s, e.session)
    with db() as s:
        rows = [(p.peer, p.role, p.booth_id, p.official_id, p.joined_at, p.left_at) for p in participants_of(s, "s1")]
        rec = s.get(CallRecord, "s1")
        assert rec is not None and (rec.phase, rec.end_reason) == ("ended", "hung_up")
    assert rows == [
        ("booth", "booth", "imatra-1", None, 100.0, 150.0),
        ("o1", "official", None, "official-1", 110.0, 150.0),
        ("g2", "guest", None, "official-2", 120.0, 130.0),
    ]


def test_the_calls_matter_is_recorded_once_for_the_reports(engine: Engine):
    migrate(engine)
    seed_accounts(engine)
    db = session_factory(engine)
    broker = CallBroker()
    broker.booth_online(BoothInfo("imatra-1", "B1", "Imatra"))
    effects = broker.request("imatra-1", "s2", 100.0)
    effects += broker.end(broker.sessions["s2"].participants[0].party, "s2", 150.0)  # the citizen gave up
    effects += broker.request("imatra-1", "s3", 200.0)
    with db() as s:
        for e in effects:
            if isinstance(e, CallChanged):
                # the broker's session as a walk-in who chose a matter (s2) and one who chose none (s3)
                matter = "kela-benefit" if e.session.id == "s2" else None
                record_call(s, replace(e.session, service_id=matter))
                record_call(s, replace(e.session, service_id=matter))  # recorded again on every change
    with db() as s:
        rows = [(r.call_id, r.service_id) for r in s.scalars(select(CallServiceRow))]
    assert rows == [("s2", "kela-benefit")]
