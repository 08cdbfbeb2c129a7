"""The backend on a real uvicorn server in a thread of the test process (TLS, limits, mTLS tests).

Why not a fixed ceiling on the start: the app's start is CPU work (FastAPI
building the routes' models, the migrations, the demo's scrypt hashes); it
takes 1–2 s on a quiet machine and was measured at 21 s on this machine kind
under a CPU hog and three other test runs, so "started within 30 s" failed
there for no fault of the server. This waits for the server's own states:
serving, or its thread ended (then it fails at once, with the reason). A start
that hangs is ended by pytest-timeout (pyproject.toml).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from backend.config import BackendSettings
from backend.server import uvicorn_config

#: How long a stopping server may take to end its thread; it is a daemon, so a slow one is left behind.
STOP_S = 30


@contextmanager
def serving(settings: BackendSettings) -> Iterator[uvicorn.Server]:
    """Run the backend with ``settings`` until the block ends; yields once it accepts connections."""
    server = uvicorn.Server(uvicorn_config(settings))
    failure: list[BaseException] = []

    def run() -> None:
        try:
            server.run()
        except BaseException as exc:  # uvicorn exits (SystemExit) when it cannot start
            failure.append(exc)

    thread = threading.Thread(target=run, name="uvicorn", daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            reason = repr(failure[0]) if failure else "its thread ended"
            raise AssertionError(f"uvicorn did not start on port {settings.port}: {reason}")
        time.sleep(0.05)
    try:
        yield server
    finally:
        server.should_exit = True
        thread.join(STOP_S)
