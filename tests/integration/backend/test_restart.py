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


def _app(url: str) -> TestClient:
    return TestClient(create_app(BackendSettings(database_url=url, seed_demo=True)))


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
