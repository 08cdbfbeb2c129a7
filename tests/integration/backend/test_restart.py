"""A backend that crashed is restarted on the same SQLite file: what the crash left is put right.

The crash is the first app stopping its record writer's work mid-stream: the
second app is started on the same database file while the first still holds
its citizens, as after kill -9 (nothing of the first app's shutdown reaches
the database before the second app has reconciled and been checked).
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from backend.app import create_app
from backend.auth import hash_secret
from backend.config import BackendSettings
from backend.domain.calls import BoothInfo
from backend.store.booking_models import QueueRow
from backend.store.models import Booth, CallParticipantRow, CallRecord
from backend.store.reconcile import RESTART_REASON
from tests.support.backend_app import recv_until, send
from tests.support.bookings import bearer
from tests.support.waiting import wait_for

BOOTH1 = {"type": "hello", "role": "booth", "booth_id": "imatra-1", "token": "demo-booth-secret"}
BOOTH2 = {"type": "hello", "role": "booth", "booth_id": "imatra-2", "token": "second-secret"}


def _app(url: str, resume_grace_s: float = 0.0) -> TestClient:
    """A backend on ``url``; resuming off unless asked (then the restart restores what was live)."""
    return TestClient(create_app(BackendSettings(database_url=url, seed_demo=True, resume_grace_s=resume_grace_s)))


def test_a_restart_after_a_crash_closes_what_was_live_and_requeues_the_desk(tmp_path: Path):
    url = f"sqlite:///{tmp_path}/crash.db"
    with ExitStack() as first:
        api = first.enter_context(_app(url))
        hub = api.app.state.hub
        with hub.db() as db:
            db.add(
                Booth(id="imatra-2", name="Imatra booth 2", point_id="imatra", secret_hash=hash_secret("second-secret"))
            )
            db.commit()
        hub.know_booths([BoothInfo("imatra-2", "Imatra booth 2", "Suomi-piste Imatra", "imatra")])
        official = bearer(api, "virkailija", "demo-password")["Authorization"][7:]
        advisor = bearer(api, "neuvoja", "demo-advisor")

        booth1 = first.enter_context(api.websocket_connect("/ws"))
        send(booth1, BOOTH1)
        recv_until(booth1, "welcome")
        send(booth1, {"type": "session.request", "service_id": "vero-personal", "language": "fi"})
        in_call = recv_until(booth1, "session.lobby")["session_id"]
        desk_ws = first.enter_context(api.websocket_connect("/ws"))
        send(desk_ws, {"type": "hello", "role": "official", "token": official})
        recv_until(desk_ws, "session.offer")
        send(desk_ws, {"type": "session.admit", "session_id": in_call})
        recv_until(booth1, "session.admitted")

        booth2 = first.enter_context(api.websocket_connect("/ws"))
        send(booth2, BOOTH2)
        recv_until(booth2, "welcome")
        send(booth2, {"type": "session.request", "service_id": "vero-taxcard", "language": "fi"})
        waiting = recv_until(booth2, "session.lobby")["session_id"]
        desk = api.post(
            "/api/queue", json={"point_id": "imatra", "service_id": "vero-taxcard", "language": "sv"}, headers=advisor
        )
        assert desk.status_code == 201, desk.text
        desk_id = desk.json()["entry_id"]

        def written() -> bool:
            with hub.db() as db:
                records = {r.id: r.phase for r in db.scalars(select(CallRecord))}
                states = sorted(r.state for r in db.scalars(select(QueueRow)))
            return records == {in_call: "in_call", waiting: "lobby"} and states == ["served", "waiting", "waiting"]

        wait_for("the first backend's records", written)
        before = {e["entry_id"] for e in api.get("/api/queue/imatra", headers=advisor).json()["entries"]}
        assert desk_id in before and len(before) == 2  # the booth's waiting citizen and the desk's

        # -- the crash: a second backend starts on the same file; the first never gets to shut down cleanly
        with _app(url) as again:
            advisor2 = bearer(again, "neuvoja", "demo-advisor")
            entries = again.get("/api/queue/imatra", headers=advisor2).json()["entries"]
            assert [(e["entry_id"], e["state"]) for e in entries] == [(desk_id, "waiting")]
            with again.app.state.hub.db() as db:
                records = list(db.scalars(select(CallRecord)))
                assert {r.id for r in records} == {in_call, waiting}
                assert all(r.phase == "ended" and r.end_reason == RESTART_REASON for r in records)
                assert all(r.ended_at is not None for r in records)
                assert all(p.left_at is not None for p in db.scalars(select(CallParticipantRow)))
                assert sorted(r.state for r in db.scalars(select(QueueRow))) == ["left", "served", "waiting"]
            # The desk walk-in is in the new broker again: the official who connects is offered it.
            official2 = bearer(again, "virkailija", "demo-password")["Authorization"][7:]
            with again.websocket_connect("/ws") as ws:
                send(ws, {"type": "hello", "role": "official", "token": official2})
                assert recv_until(ws, "session.offer")["session_id"] == desk_id


def test_a_restarted_backend_restores_the_call_and_both_sides_resume_it(tmp_path: Path):
    """With resuming on, what was live is held again after the crash: the booth and the official
    come back with their resume tokens into the same call, and the lobby keeps its citizen."""
    url = f"sqlite:///{tmp_path}/crash.db"
    with ExitStack() as first:
        api = first.enter_context(_app(url, resume_grace_s=60))
        hub = api.app.state.hub
        official = bearer(api, "virkailija", "demo-password")["Authorization"][7:]
        booth = first.enter_context(api.websocket_connect("/ws"))
        send(booth, BOOTH1)
        booth_token = recv_until(booth, "welcome")["resume_token"]
        send(booth, {"type": "session.request", "service_id": "vero-personal", "language": "fi"})
        sid = recv_until(booth, "session.lobby")["session_id"]
        desk = first.enter_context(api.websocket_connect("/ws"))
        send(desk, {"type": "hello", "role": "official", "token": official})
        official_token = recv_until(desk, "welcome")["resume_token"]
        recv_until(desk, "session.offer")
        send(desk, {"type": "session.admit", "session_id": sid})
        recv_until(booth, "session.admitted")

        def written() -> bool:
            with hub.db() as db:
                from backend.store.live_models import LiveSessionRow, ResumeTokenRow

                live = [r.id for r in db.scalars(select(LiveSessionRow))]
                tokens = len(list(db.scalars(select(ResumeTokenRow))))
                return live == [sid] and tokens == 2 and '"phase":"in_call"' in db.get(LiveSessionRow, sid).body

        wait_for("the first backend's live state in the store", written)

        # -- the crash: a second backend on the same file; the first never shuts down cleanly
        with _app(url, resume_grace_s=60) as again:
            hub2 = again.app.state.hub
            assert hub2.broker.sessions[sid].phase.value == "in_call"
            with hub2.db() as db:
                record = db.get(CallRecord, sid)
                assert (record.phase, record.ended_at) == ("in_call", None)  # not closed: it waits for a resume
            with again.websocket_connect("/ws") as booth2, again.websocket_connect("/ws") as page:
                send(booth2, {**BOOTH1, "resume": booth_token})
                assert recv_until(booth2, "welcome")["resumed"] is True
                assert recv_until(booth2, "session.admitted")["session_id"] == sid
                send(page, {"type": "hello", "role": "official", "token": official, "resume": official_token})
                assert recv_until(page, "welcome")["resumed"] is True
                admitted = recv_until(page, "session.admitted")
                assert (admitted["session_id"], admitted["peer"]) == (sid, "o1")
                # Both ends rejoin the same call: signalling flows between them again.
                send(page, {"type": "rtc.restart", "session_id": sid, "peer": "booth"})
                assert recv_until(booth2, "rtc.restart")["peer"] == "o1"
                send(booth2, {"type": "rtc.offer", "session_id": sid, "peer": "o1", "sdp": "v=0"})
                assert recv_until(page, "rtc.offer")["sdp"] == "v=0"
                send(page, {"type": "session.end", "session_id": sid})
                assert recv_until(booth2, "session.ended")["reason"] == "hung_up"


def test_what_nobody_resumes_after_a_restart_ends_when_the_grace_period_passes(tmp_path: Path):
    url = f"sqlite:///{tmp_path}/crash.db"
    with ExitStack() as first:
        api = first.enter_context(_app(url, resume_grace_s=0.5))
        hub = api.app.state.hub
        booth = first.enter_context(api.websocket_connect("/ws"))
        send(booth, BOOTH1)
        recv_until(booth, "welcome")
        send(booth, {"type": "session.request", "service_id": "vero-personal", "language": "fi"})
        sid = recv_until(booth, "session.lobby")["session_id"]
        wait_for("the lobby's row", lambda: _phase(hub, sid) == "lobby")
        with _app(url, resume_grace_s=0.5) as again:
            hub2 = again.app.state.hub
            assert sid in hub2.broker.sessions
            wait_for("the unresumed wait to end", lambda: _phase(hub2, sid) == "ended")
            assert sid not in hub2.broker.sessions
            with hub2.db() as db:
                assert db.get(CallRecord, sid).end_reason == "booth_offline"

            def queue_states() -> list[str]:
                with hub2.db() as db:
                    return [r.state for r in db.scalars(select(QueueRow))]

            # The queue row follows the record in a write of its own (the hub's record writer).
            wait_for("the queue row to say the citizen left", lambda: queue_states() == ["left"])


def _phase(hub, sid: str) -> str | None:
    with hub.db() as db:
        record = db.get(CallRecord, sid)
        return record.phase if record else None
