"""A backend killed before its store had recorded a citizen's wait: the booth is not left waiting.

The hub writes live sessions in the background right after telling the booth; on a busy machine
that lagged by seconds (tests/e2e/test_faults.py). The booth's resume token was in the store but
its session was not, so the restarted backend welcomed it as resumed into nothing: the booth
showed "you are in the queue" while no official could see it. Now the welcome says not resumed,
and the booth goes back to Start (kiosk/session.py ``_link_back``).
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import delete, select

from backend.app import create_app
from backend.config import BackendSettings
from backend.store.live_models import LiveSessionRow, ResumeTokenRow
from tests.support.backend_app import recv_until, send
from tests.support.waiting import wait_for

BOOTH1 = {"type": "hello", "role": "booth", "booth_id": "imatra-1", "token": "demo-booth-secret"}


def _app(url: str) -> TestClient:
    return TestClient(create_app(BackendSettings(database_url=url, seed_demo=True, resume_grace_s=60)))


def test_a_booth_whose_wait_was_not_recorded_is_told_it_was_not_resumed(tmp_path: Path):
    url = f"sqlite:///{tmp_path}/crash.db"
    with ExitStack() as first:
        api = first.enter_context(_app(url))
        hub = api.app.state.hub
        booth = first.enter_context(api.websocket_connect("/ws"))
        send(booth, BOOTH1)
        token = recv_until(booth, "welcome")["resume_token"]
        send(booth, {"type": "session.request", "service_id": "vero-personal", "language": "fi"})
        sid = recv_until(booth, "session.lobby")["session_id"]

        def written() -> bool:
            with hub.db() as db:
                token_kept = db.scalars(select(ResumeTokenRow)).first() is not None
                return token_kept and db.get(LiveSessionRow, sid) is not None

        wait_for("the wait and the token in the store", written)
        with hub.db() as db:  # the kill came before the wait was written: only the token is there
            db.execute(delete(LiveSessionRow))
            db.commit()

        with _app(url) as again, again.websocket_connect("/ws") as booth2:
            send(booth2, {**BOOTH1, "resume": token})
            assert recv_until(booth2, "welcome")["resumed"] is False
            assert not again.app.state.hub.broker.has_session("imatra-1")
