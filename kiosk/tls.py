"""The booth's trust in the backend's TLS: one SSL context for everything that uses the backend URL.

A municipality's backend may use a certificate from its own CA (or the demo's
local CA): the booth file's ``backend.ca_file`` names it, and the websocket,
the stills upload and the print-job fetch all verify the server with it —
never with verification switched off. Without ``ca_file`` the system's CAs
are used (Python's default context).
"""

from __future__ import annotations

import functools
import os
import ssl


@functools.cache
def client_context(ca_file: str) -> ssl.SSLContext | None:
    """A verifying client context trusting ``ca_file`` (PEM); None for "" (the default context)."""
    if not ca_file:
        return None
    return ssl.create_default_context(cafile=ca_file)


def trust_for_turn(ca_file: str) -> None:
    """Make ``ca_file`` the CA of this process's default TLS contexts.

    aiortc hands aioice only ``ssl=True`` for a ``turns:`` server, so the TURN
    server's TLS listener is verified with Python's default context, which
    reads ``SSL_CERT_FILE``. The booth talks only to its backend and TURN
    server, both under this CA, so the kiosk process trusts it alone.
    """
    if ca_file:
        os.environ["SSL_CERT_FILE"] = ca_file
