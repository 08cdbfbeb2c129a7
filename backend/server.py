"""Running the backend under uvicorn with the ``websockets`` implementation."""

from __future__ import annotations

import uvicorn

from backend.app import create_app
from backend.config import BackendSettings, running_clock


def serve(settings: BackendSettings) -> None:
    config = uvicorn.Config(
        create_app(settings, clock=running_clock(settings.clock_start)),
        host=settings.host,
        port=settings.port,
        ws="websockets-sansio",
        # Bigger websocket messages close the socket before they are read (uvicorn's default is 16 MiB).
        ws_max_size=settings.limits.ws_max_bytes,
        # An HTTP/1.1 connection is held this long between requests; idle ones go.
        timeout_keep_alive=5,
        log_level="info",
        access_log=False,  # request lines can carry tokens in query strings; not needed
    )
    uvicorn.Server(config).run()
