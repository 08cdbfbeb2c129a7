"""Running the backend under uvicorn with the ``websockets`` implementation."""

from __future__ import annotations

import ssl

import uvicorn
from fastapi import FastAPI

from backend.app import create_app
from backend.client_tls import ClientCertWebSocketProtocol
from backend.config import BackendSettings, running_clock


def uvicorn_config(settings: BackendSettings, app: FastAPI | None = None) -> uvicorn.Config:
    """The one uvicorn configuration (``serve`` and the tests of the limits it enforces use it)."""
    return uvicorn.Config(
        app or create_app(settings, clock=running_clock(settings.clock_start)),
        host=settings.host,
        port=settings.port,
        # uvicorn's websockets-sansio, with a booth's verified client certificate in the scope.
        ws=ClientCertWebSocketProtocol,
        # Bigger websocket messages close the socket (1009) before they are read (uvicorn's default is 16 MiB).
        ws_max_size=settings.limits.ws_max_bytes,
        log_level="info",
        access_log=False,  # request lines can carry tokens in query strings; not needed
        ssl_certfile=settings.tls.cert_file or None,
        ssl_keyfile=settings.tls.key_file or None,
        # Booths show a certificate of the booth CA; browsers none (hence optional, not required).
        ssl_cert_reqs=ssl.CERT_OPTIONAL if settings.enroll.enabled else ssl.CERT_NONE,
        ssl_ca_certs=settings.enroll.ca_cert_file or None,
        # Behind a reverse proxy: believe its X-Forwarded-* headers, and only from the listed addresses.
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=settings.trusted_proxies or None,
    )


def serve(settings: BackendSettings) -> None:
    uvicorn.Server(uvicorn_config(settings)).run()
