"""Storage: migrations match the models; accounts and login sessions behave."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from backend.store import accounts
from backend.store.all_models import metadata
from backend.store.database import migrate, open_engine, session_factory
from backend.store.seed import DemoAccounts, seed_demo


def test_migrations_produce_exactly_the_models(tmp_path: Path):
    engine = open_engine(f"sqlite:///{tmp_path}/m.db")
    migrate(engine)
    migrate(engine)  # idempotent
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path):
    engine = open_engine(f"sqlite:///{tmp_path}/w.db")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_login_tokens_expire_and_only_their_hash_is_stored(tmp_path: Path):
    engine = open_engine(f"sqlite:///{tmp_path}/a.db")
    migrate(engine)
    db = session_factory(engine)()
    seed_demo(db)
    seed_demo(db)  # idempotent
    demo = DemoAccounts()
    assert accounts.login(db, demo.username, "wrong", 1000.0) is None
    token, official = accounts.login(db, demo.username, demo.password, 1000.0)
    assert official.name == "Veera Virkailija"
    assert accounts.official_by_token(db, token, 1001.0) == official
    assert accounts.official_by_token(db, token, 1000.0 + accounts.LOGIN_TTL_S + 1) is None
    with engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT token_hash FROM login_session").scalars().all()
    assert token not in stored and len(stored) == 1


def test_unknown_users_and_booths_cost_the_same_scrypt_as_known_ones(tmp_path: Path, monkeypatch):
    """An existing username answered 20x slower than an unknown one: no hash was computed for unknown ones."""
    engine = open_engine(f"sqlite:///{tmp_path}/t.db")
    migrate(engine)
    db = session_factory(engine)()
    seed_demo(db)
    checked: list[str] = []
    real = accounts.verify_secret

    def counting(secret: str, stored: str) -> bool:
        checked.append(stored)
        return real(secret, stored)

    monkeypatch.setattr(accounts, "verify_secret", counting)
    assert accounts.login(db, "nobody-here", "x", 1000.0) is None
    assert accounts.login(db, DemoAccounts().username, "wrong", 1000.0) is None
    assert accounts.booth_by_credential(db, "no-such-booth", "x") is None
    assert accounts.booth_by_credential(db, "", "x") is None
    assert accounts.booth_by_credential(db, "imatra-1", "wrong") is None
    assert len(checked) == 5 and all(stored.startswith("scrypt$") for stored in checked)


def test_booth_credentials(tmp_path: Path):
    engine = open_engine(f"sqlite:///{tmp_path}/b.db")
    migrate(engine)
    db = session_factory(engine)()
    demo = seed_demo(db)
    info = accounts.booth_by_credential(db, demo.booth_id, demo.booth_secret)
    assert info is not None and info.point == "Suomi-piste Imatra"
    assert accounts.booth_by_credential(db, demo.booth_id, "wrong") is None
    assert accounts.booth_by_credential(db, "no-such-booth", demo.booth_secret) is None
