"""Which network path a live peer connection took: the selected ICE candidate pair, without addresses.

The booth's side of "is this call direct or relayed, and over what": the
technician's status file and the network tests read it (the browser's side is
``getStats``). aiortc keeps the nominated pair inside aioice's connection and
gives no public accessor, so this reads it defensively: any surprise in those
internals gives None, never an exception in the booth.
"""

from __future__ import annotations

from typing import Any


def selected_pair(pc: Any) -> dict[str, str] | None:
    """``{"local": "host"|"srflx"|"relay"|…, "remote": …, "relay_protocol": "udp"|"tcp"|"tls"|""}``
    of ``pc``'s (an ``RTCPeerConnection``) first nominated pair; None before one is selected."""
    try:
        for transceiver in pc.getTransceivers():
            connection = transceiver.sender.transport.transport._connection
            pair = next(iter(connection._nominated.values()), None)
            if pair is None:
                continue
            local, remote = pair.local_candidate, pair.remote_candidate
            relay = ""
            if local.type == "relay":  # aiortc uses one TURN server: the pair's relay goes over its transport
                relay = "tls" if connection.turn_ssl else connection.turn_transport
            return {"local": local.type, "remote": remote.type, "relay_protocol": relay}
    except (AttributeError, StopIteration, TypeError):
        return None
    return None


def candidate_summary(sdp: str) -> str:
    """The ICE candidates an SDP carries, counted by type and transport, without addresses:
    ``"2 host/udp, 1 relay/udp"`` (``"none"`` when it has none). Logged for the booth's offer and
    each answer, so a call that does not connect shows which paths each end offered."""
    counts: dict[str, int] = {}
    for line in sdp.splitlines():
        if not line.startswith("a=candidate:"):
            continue
        fields = line.split()
        try:
            kind = fields[fields.index("typ") + 1]
        except (ValueError, IndexError):
            kind = "?"
        transport = fields[2].lower() if len(fields) > 2 else "?"
        key = f"{kind}/{transport}"
        counts[key] = counts.get(key, 0) + 1
    return ", ".join(f"{n} {key}" for key, n in sorted(counts.items())) or "none"
