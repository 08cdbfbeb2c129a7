"""TURN credentials for a call's participants, as pure code: the TURN REST scheme.

Booths and officials' browsers sit behind NATs, firewalls and proxies that may
allow only TCP or TLS on 443 (a proxy stopped officials' video for weeks in
the 2026 pilot), so every participant of every call is given the TURN server
with credentials of its own: username ``<expiry-unix>:<participant-ref>``,
password base64(HMAC-SHA1(shared secret, username)). The TURN server
(coturn's ``use-auth-secret``) checks them with the same secret and refuses
them after the expiry, so nothing long-lived reaches a client and no user
database is kept on the TURN server. The participant reference is the call's
peer id: it names no person. ``now`` is passed in; this reads no clock.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from pydantic import BaseModel, ConfigDict, Field, model_validator

from protocol.messages import IceServer


class TurnSettings(BaseModel):
    """``ETAPISTE_TURN_<FIELD>``; no ``host``: no TURN server, participants get an empty list."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: The TURN server's name (or address) as clients reach it; its TLS certificate must name it.
    host: str = Field("", max_length=253, pattern=r"^[A-Za-z0-9.:\[\]-]*$")
    #: The plain listener, offered over UDP and TCP (coturn's ``listening-port``).
    port: int = Field(3478, ge=1, le=65535)
    #: The TLS listener (``tls-listening-port``), 443 where the server can bind it; 0: none.
    tls_port: int = Field(443, ge=0, le=65535)
    #: The secret shared with the TURN server (``static-auth-secret``).
    secret: str = Field("", max_length=256)
    #: How long credentials stay valid, seconds; longer than the longest call (the server
    #: refuses to refresh an allocation whose username has expired).
    ttl_s: int = Field(12 * 3600, ge=60, le=7 * 24 * 3600)

    @model_validator(mode="after")
    def _secret_with_host(self) -> TurnSettings:
        if self.host and len(self.secret) < 16:
            raise ValueError("secret: give the TURN server's shared secret (16 characters at least) with the host")
        return self

    def urls(self) -> tuple[str, ...]:
        """The server's URLs, most direct first: UDP, TCP, then TLS."""
        if not self.host:
            return ()
        host = f"[{self.host}]" if ":" in self.host and not self.host.startswith("[") else self.host
        plain = f"turn:{host}:{self.port}"
        tls = (f"turns:{host}:{self.tls_port}?transport=tcp",) if self.tls_port else ()
        return (f"{plain}?transport=udp", f"{plain}?transport=tcp", *tls)


def turn_password(secret: str, username: str) -> str:
    """base64(HMAC-SHA1(secret, username)): what coturn's ``use-auth-secret`` computes."""
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def ice_servers_for(turn: TurnSettings, participant_ref: str, now: float) -> tuple[IceServer, ...]:
    """The ICE server list one participant is given for one call (empty without TURN)."""
    urls = turn.urls()
    if not urls:
        return ()
    username = f"{int(now) + turn.ttl_s}:{participant_ref}"
    return (IceServer(urls=urls, username=username, credential=turn_password(turn.secret, username)),)
