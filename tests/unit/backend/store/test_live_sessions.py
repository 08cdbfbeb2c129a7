"""Live sessions and resume tokens in the store: a session reads back as the broker held it."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from backend.domain.calls import CallParticipant, CallPhase, CallSession, Party
from backend.store import live_sessions
from backend.store.database import migrate, open_engine, session_factory
from protocol.messages import ParticipantRole, Role, SessionEndReason

BOOTH = Party(Role.BOOTH, "imatra-1")
OFFICIAL = Party(Role.OFFICIAL, "o-1")


def a_call() -> CallSession:
    return CallSession(
        id="s-1",
        booth_id="imatra-1",
        requested_at=10.0,
        phase=CallPhase.IN_CALL,
        official_id="o-1",
        admitted_at=20.0,
        service_id="vero-personal",
        language="sv",
        screen_language="ru",
        queue_entry_id="q-1",
        participants=(
            CallParticipant("booth", ParticipantRole.BOOTH, BOOTH, "Imatra 1", 20.0),
            CallParticipant("o1", ParticipantRole.OFFICIAL, OFFICIAL, "Veera", 20.0),
            CallParticipant(
                "g2",
                ParticipantRole.GUEST,
                Party(Role.GUEST, "inv-1"),
                "Tulkki",
                21.0,
                left_at=22.0,
                duty="sign_interpreter",
            ),
        ),
        peers_issued=2,
    )


def test_a_session_reads_back_as_it_was_written():
    s = a_call()
    assert live_sessions.decode(live_sessions.encode(s)) == s
    ended = CallSession(
        id="s-2", booth_id="b", requested_at=1.0, phase=CallPhase.ENDED, end_reason=SessionEndReason.HUNG_UP
    )
    assert live_sessions.decode(live_sessions.encode(ended)) == ended


def test_every_field_of_a_session_is_written():
    """A field added to ``CallSession`` and not to the encoding would be lost in a restart."""
    written = json.loads(live_sessions.encode(a_call()))
    assert set(written) == {f.name for f in dataclasses.fields(CallSession)}
    assert set(written["participants"][0]) - {"party_role", "party_id"} == {
        f.name for f in dataclasses.fields(CallParticipant)
    } - {"party"}


def test_the_store_keeps_live_sessions_and_forgets_ended_ones(tmp_path: Path):
    engine = open_engine(f"sqlite:///{tmp_path}/t.db")
    migrate(engine)
    db = session_factory(engine)
    s = a_call()
    with db() as d:
        live_sessions.save(d, s, 30.0)
        d.commit()
    assert live_sessions.load(db) == [s]
    with db() as d:
        live_sessions.save(
            d, CallSession(id="s-1", booth_id="imatra-1", requested_at=10.0, phase=CallPhase.ENDED), 40.0
        )
        d.commit()
    assert live_sessions.load(db) == []


def test_resume_tokens_of_open_sockets_are_released_at_start_up(tmp_path: Path):
    engine = open_engine(f"sqlite:///{tmp_path}/t.db")
    migrate(engine)
    db = session_factory(engine)
    live_sessions.apply_token(db, live_sessions.TokenChange(BOOTH, "h-open"))
    live_sessions.apply_token(db, live_sessions.TokenChange(OFFICIAL, "h-old", expires_at=50.0))
    live_sessions.apply_token(db, live_sessions.TokenChange(OFFICIAL, "h-taken"))
    live_sessions.apply_token(db, live_sessions.TokenChange(OFFICIAL, "h-taken", gone=True))
    assert live_sessions.load_tokens(db, 100.0, 30.0) == [("h-open", BOOTH, 130.0)]  # h-old expired
    live_sessions.apply_token(db, live_sessions.TokenChange(BOOTH, None))  # forgotten: released ones go
    assert live_sessions.load_tokens(db, 100.0, 30.0) == []
