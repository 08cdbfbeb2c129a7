"""The audit log on SQLite and PostgreSQL: append-only, and tampering (an edited or deleted entry) is named."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from backend.store import audit
from etapiste.cli import main
from tests.support.bookings import *  # noqa: F403


def _fill(store, n: int = 5) -> None:
    with store() as s:
        for i in range(n):
            audit.record(s, "master-1", "booth.register", "booth", f"b{i}", 1_800_000_000.0 + i, f"point imatra {i}")
        s.commit()


def _drop_guard(s) -> None:
    """What an intruder with database access would do first: remove the append-only triggers."""
    if s.bind.dialect.name == "postgresql":
        s.execute(text("DROP TRIGGER audit_entry_append_only ON audit_entry"))
    else:
        s.execute(text("DROP TRIGGER audit_entry_no_update"))
        s.execute(text("DROP TRIGGER audit_entry_no_delete"))


def _verify_cli(store, capsys) -> tuple[int, str]:
    url = store.kw["bind"].url.render_as_string(hide_password=False)
    with pytest.raises(SystemExit) as done:
        main(["audit", "verify", "--database-url", url])
    out = capsys.readouterr()
    return int(done.value.code or 0), out.out + out.err


def test_an_intact_chain_verifies_and_the_command_prints_its_head(store, capsys):
    _fill(store)
    with store() as s:
        verdict = audit.verify(s)
    assert verdict.ok and verdict.entries == 5 and verdict.head_seq == 5
    code, out = _verify_cli(store, capsys)
    assert code == 0 and "5 entries" in out and verdict.head_hash in out


def test_the_database_refuses_to_change_or_delete_an_entry(store):
    _fill(store, 2)
    for sql in ("UPDATE audit_entry SET actor = 'someone' WHERE seq = 1", "DELETE FROM audit_entry WHERE seq = 1"):
        with store() as s, pytest.raises(DatabaseError, match="append-only"):
            s.execute(text(sql))
            s.commit()


def test_an_edited_entry_is_named(store, capsys):
    _fill(store)
    with store() as s:
        _drop_guard(s)
        s.execute(text("UPDATE audit_entry SET resource_id = 'other-booth' WHERE seq = 3"))
        s.commit()
    with store() as s:
        verdict = audit.verify(s)
    assert (verdict.broken_at, verdict.head_seq) == (3, 2), verdict
    assert "changed" in verdict.reason
    code, out = _verify_cli(store, capsys)
    assert code == 1 and "BROKEN at entry 3" in out


def test_an_edited_entry_with_a_recomputed_hash_breaks_the_next_link(store):
    _fill(store)
    with store() as s:
        _drop_guard(s)
        row = s.execute(text("SELECT prev_hash, at FROM audit_entry WHERE seq = 2")).one()
        forged = audit.entry_hash(row[0], 2, row[1], "master-1", "booth.register", "booth", "forged", "point imatra 1")
        s.execute(text("UPDATE audit_entry SET resource_id = 'forged', hash = :h WHERE seq = 2"), {"h": forged})
        s.commit()
    with store() as s:
        verdict = audit.verify(s)
    assert verdict.broken_at == 3 and "does not link" in verdict.reason


def test_a_deleted_entry_is_named(store, capsys):
    _fill(store)
    with store() as s:
        _drop_guard(s)
        s.execute(text("DELETE FROM audit_entry WHERE seq = 4"))
        s.commit()
    with store() as s:
        verdict = audit.verify(s)
    assert verdict.broken_at == 4 and "missing" in verdict.reason
    code, out = _verify_cli(store, capsys)
    assert code == 1 and "BROKEN at entry 4" in out


def test_contact_data_never_reaches_a_detail(store):
    with store() as s:
        for detail in ("sent to maija@example.fi", "phone +358401234567", "call 040 123 4567"):
            audit.record(s, "master-1", "x", "booking", "b1", 0.0, detail)
        audit.record(s, "master-1", "point.change", "point", "imatra", 0.0, "closure 2026-12-24; hours 1 09:00-15:00")
        s.commit()
        details = [e.detail for e in reversed(audit.entries(s))]
    assert details == [
        "sent to [redacted]",
        "phone [redacted]",
        "call [redacted]",
        "closure 2026-12-24; hours 1 09:00-15:00",
    ]


def test_migration_0008_goes_down_and_up_again_keeping_the_core_tables(store):
    """Downgrade to 0007 drops administration's tables (and on PostgreSQL the trigger function), upgrade
    brings them back; the demo's booths and accounts are untouched both ways."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import inspect

    from backend.store.database import MIGRATIONS

    engine = store.kw["bind"]
    _fill(store, 2)

    def run(action: str, target: str) -> None:
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            getattr(command, action)(cfg, target)

    admin_tables = {"audit_entry", "password_setup", "account_state", "booth_retirement"}
    run("downgrade", "0007_catalogue_checks")
    assert not admin_tables & set(inspect(engine).get_table_names())
    run("upgrade", "heads")
    assert admin_tables <= set(inspect(engine).get_table_names())
    with store() as s:
        assert audit.verify(s).entries == 0  # a fresh log after the round trip
        assert s.execute(text("SELECT count(*) FROM booth")).scalar() == 2
        audit.record(s, "master-1", "x", "booth", "imatra-1", 1.0)
        s.commit()
        with pytest.raises(DatabaseError, match="append-only"):
            s.execute(text("DELETE FROM audit_entry"))
            s.commit()
