"""How the hub learns a booth's verified client certificate: from the TLS connection itself.

With ``ETAPISTE_TLS_*`` and ``ETAPISTE_ENROLL_CA_CERT_FILE`` set, uvicorn's TLS
listener asks every client for a certificate of the booth CA
(``ssl.CERT_OPTIONAL``: browsers send none and are served as before; a
certificate that does not verify fails the handshake). uvicorn does not put the
peer certificate in the ASGI scope, so the websocket protocol below adds it
as the ASGI TLS extension (``scope["extensions"]["tls"]["client_cert_chain"]``)
right after the handshake, before the app sees the connection. A reverse proxy
in front must pass TLS through (not terminate it) for booths: a header from a
proxy is not believed for identity (docs/SECURITY.md).
"""

from __future__ import annotations

import ssl
from typing import Any

from starlette.websockets import WebSocket
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol


class ClientCertWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's ``websockets-sansio`` protocol, with the verified peer certificate in the scope."""

    def handle_connect(self, event: Any) -> None:
        super().handle_connect(event)
        scope = getattr(self, "scope", None)
        if scope is None:
            return  # the handshake was refused; there is no app call
        ssl_object: ssl.SSLObject | None = self.transport.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
        if der:
            pem = ssl.DER_cert_to_PEM_cert(der)
            scope["extensions"]["tls"] = {"client_cert_chain": [pem], "client_cert_error": None}


def peer_certificate(ws: WebSocket) -> bytes | None:
    """The DER of the socket's verified client certificate, None without one."""
    tls = (ws.scope.get("extensions") or {}).get("tls") or {}
    chain = tls.get("client_cert_chain") or []
    if not chain:
        return None
    return ssl.PEM_cert_to_DER_cert(chain[0])
