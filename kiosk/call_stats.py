"""The booth's figures for each peer connection of a call (``call.stats``): measured, never content.

Every ``REPORT_S`` seconds in a call the controller asks each ``PeerLink`` for
aiortc's ``getStats`` and its own frame counter, and turns the running totals
into the interval's figures with ``figures`` (pure, tested with made-up
reports): round trip (aiortc's RTCP round trip of what we send), loss and
jitter of what we receive, frames a second decoded, bit rates in and out, the
remote picture's size, and what the selected ICE pair goes through. aiortc
conceals no audio (it has no packet loss concealment), so ``concealed_pct`` is
never sent from the booth: the official's page reports its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

#: How often, in a call, the booth reports its connections.
REPORT_S = 3.0

#: RTP clock rate of Opus, to turn aiortc's audio jitter (in timestamp units) into milliseconds.
OPUS_CLOCK_HZ = 48_000


@dataclass(frozen=True)
class Snapshot:
    """Running totals at one moment, to measure the next interval against."""

    at: float
    lost: int = 0
    received: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    frames: int = 0


def figures(
    stats: Iterable[Any], frames: int, size: tuple[int, int] | None, previous: Snapshot | None, now: float
) -> tuple[dict[str, object], Snapshot]:
    """The interval's figures (``CallStats`` fields) from aiortc stats objects and the link's
    decoded frame count, and the snapshot for the next interval. Without a previous snapshot the
    rates are over nothing: only the round trip, jitter and size are given."""
    out: dict[str, object] = {}
    lost = received = bytes_in = bytes_out = transport_in = 0
    rtts: list[float] = []
    for s in stats:
        kind = getattr(s, "type", "")
        if kind == "inbound-rtp":
            lost += max(0, getattr(s, "packetsLost", 0) or 0)
            received += getattr(s, "packetsReceived", 0) or 0
            bytes_in += getattr(s, "bytesReceived", 0) or 0
            if getattr(s, "kind", "") == "audio" and getattr(s, "jitter", None) is not None:
                out["jitter_ms"] = round(s.jitter * 1000 / OPUS_CLOCK_HZ, 1)
        elif kind == "outbound-rtp":
            bytes_out += getattr(s, "bytesSent", 0) or 0
        elif kind == "remote-inbound-rtp" and getattr(s, "roundTripTime", None) is not None:
            rtts.append(s.roundTripTime)
        elif kind == "transport":
            transport_in += getattr(s, "bytesReceived", 0) or 0
    # aiortc's inbound streams count no bytes; its transport does (all media share one, bundled).
    bytes_in = bytes_in or transport_in
    if rtts:
        out["rtt_ms"] = round(min(60_000.0, max(rtts) * 1000), 1)
    if size is not None:
        out["width"], out["height"] = size
    snap = Snapshot(now, lost, received, bytes_in, bytes_out, frames)
    if previous is not None and now > previous.at:
        seconds = now - previous.at
        d_lost, d_received = max(0, lost - previous.lost), max(0, received - previous.received)
        if d_lost + d_received:
            out["loss_pct"] = round(min(100.0, 100 * d_lost / (d_lost + d_received)), 1)
        out["fps"] = round(min(240.0, max(0, frames - previous.frames) / seconds), 1)
        out["kbps_in"] = round(8 * max(0, bytes_in - previous.bytes_in) / 1000 / seconds, 1)
        out["kbps_out"] = round(8 * max(0, bytes_out - previous.bytes_out) / 1000 / seconds, 1)
    return out, snap


def pair_type(local_type: str | None, remote_type: str | None, relay_over: str | None) -> str:
    """What the selected pair goes through, as ``protocol.messages.CandidatePairType`` names it."""
    if local_type == "relay":
        return {"tls": "relay_tls", "tcp": "relay_tcp"}.get(relay_over or "", "relay_udp")
    for t in ("relay", "srflx", "prflx", "host"):
        if t in (local_type, remote_type):
            return "relay_udp" if t == "relay" else t
    return "unknown"


def selected_pair(pc: Any) -> str:
    """The selected pair's type of an aiortc peer connection, from aioice's nominated pair.

    aiortc has no public getter for it; any change inside gives ``unknown``
    rather than an error (a statistic is never worth a failing call)."""
    try:
        transport = pc.getTransceivers()[0].sender.transport.transport
        pair = next(iter(transport._connection._nominated.values()))
        local, remote = pair.protocol.local_candidate, pair.remote_candidate
        over = None
        if local.type == "relay":
            inner = getattr(pair.protocol.transport, "_TurnTransport__inner_protocol", None)
            inner_transport = getattr(inner, "transport", None)
            if type(inner).__name__ == "TurnClientTcpProtocol":
                tls = inner_transport is not None and inner_transport.get_extra_info("sslcontext") is not None
                over = "tls" if tls else "tcp"
        return pair_type(local.type, remote.type, over)
    except (AttributeError, IndexError, StopIteration, TypeError):
        return "unknown"
