"""The booth's egress allow-list, from its config: the backend, the TURN/STUN servers, a network printer.

``/etc/nftables.conf`` on the image drops every outgoing packet except DHCP,
DNS, NTP and what the sets ``egress4``/``egress6`` list; this module computes
those sets from the booth config (the one file the kiosk reads too, so the
firewall can never disagree with it) and loads them with ``nft``.

``destinations`` is pure (name, protocol, port); ``elements`` takes the
resolved addresses; ``apply`` is the thin shell that resolves and runs nft.
"""

from __future__ import annotations

import ipaddress
import socket
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from kiosk.config import BoothFile

TABLE = "inet etapiste"

#: ICE URL schemes: default port and transport (RFC 7064, RFC 7065).
_ICE_DEFAULTS = {"stun": (3478, "udp"), "turn": (3478, "udp"), "turns": (5349, "tcp")}


@dataclass(frozen=True, order=True)
class Destination:
    """A host the booth may reach, by protocol and port."""

    host: str
    proto: str  # "tcp" or "udp"
    port: int


def destinations(booth: BoothFile) -> list[Destination]:
    """Every destination the booth's config needs, deduplicated and sorted."""
    found: set[Destination] = set()
    url = urlsplit(booth.backend.url)
    if url.hostname:
        found.add(Destination(url.hostname, "tcp", url.port or (443 if url.scheme == "wss" else 80)))
    for server in booth.firewall.turn:
        found.update(_ice_destinations(server))
    printer = booth.printer
    if printer is not None and printer.kind == "network":
        found.add(Destination(printer.host, "tcp", printer.port))
    return sorted(found)


def _ice_destinations(url: str) -> list[Destination]:
    """``turn:host:port?transport=tcp`` → where the booth sends; a TURN URL without transport may use both."""
    scheme, _, rest = url.partition(":")
    default_port, default_proto = _ICE_DEFAULTS[scheme]
    address, _, query = rest.partition("?")
    params = dict(p.partition("=")[::2] for p in query.split("&") if p)
    if address.startswith("["):  # [v6]:port
        host, _, tail = address[1:].partition("]")
        port_text = tail.lstrip(":")
    else:
        host, _, port_text = address.partition(":")
    port = int(port_text) if port_text.isdigit() else default_port
    transport = params.get("transport")
    if transport in ("tcp", "udp"):
        protos = [transport]
    elif scheme == "turn":
        protos = ["udp", "tcp"]
    else:
        protos = [default_proto]
    return [Destination(host, proto, port) for proto in protos]


Resolver = Callable[[str], list[str]]


def resolve(host: str) -> list[str]:
    """The host's addresses (an IP literal is itself); none when it does not resolve now."""
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError:
        return []
    return sorted({str(info[4][0]) for info in infos})


def elements(dests: Iterable[Destination], resolver: Resolver = resolve) -> tuple[list[str], list[str]]:
    """nft set elements (``addr . proto . port``) for IPv4 and IPv6."""
    v4: set[str] = set()
    v6: set[str] = set()
    for dest in dests:
        for address in resolver(dest.host):
            ip = ipaddress.ip_address(address)
            (v4 if ip.version == 4 else v6).add(f"{ip} . {dest.proto} . {dest.port}")
    return sorted(v4), sorted(v6)


def nft_script(v4: list[str], v6: list[str]) -> str:
    """Replace both sets' contents in one transaction: no moment with the old or an empty list half-applied."""
    lines = [f"flush set {TABLE} egress4", f"flush set {TABLE} egress6"]
    if v4:
        lines.append(f"add element {TABLE} egress4 {{ {', '.join(v4)} }}")
    if v6:
        lines.append(f"add element {TABLE} egress6 {{ {', '.join(v6)} }}")
    return "\n".join(lines) + "\n"


def apply(script: str) -> None:
    """Load the script into the running firewall (``nft -f -``); raises with nft's message on failure."""
    result = subprocess.run(["nft", "-f", "-"], input=script, text=True, capture_output=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"nft refused the egress sets: {result.stderr.strip()}")
