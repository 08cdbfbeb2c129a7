"""How a call went, from what its participants reported: a link's quality and the call's verdict.

Pure: the store hands in a call's record, its participants, the periodic
figures (``call.stats``) and the events (``call.event``) both ends sent; this
module grades each report (good / fair / poor, with the reasons) and says at a
glance whose trouble it was, if any: the **network** (the connection failed
or dropped, loss, delay or jitter too high), a **device** (a camera or the
microphone failed), the **system** (the booth went offline, the media never
came up, or the picture or sound suffered with no packet lost: a computer that
did not keep up) or a **person** (the citizen left,
the official stepped out). In the pilot every fault needed a long
investigation to tell these apart (seed 003 l.796); the admin's timeline shows
this verdict first.

The thresholds are the ones the official's live indicator uses
(``backend/web/official/quality.js``), so what the official saw during the
call and what the admin reads after it agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class Level(StrEnum):
    GOOD = "good"
    FAIR = "fair"
    POOR = "poor"


class Cause(StrEnum):
    """Whose trouble it was; ``none`` when the call went well."""

    NONE = "none"
    NETWORK = "network"
    DEVICE = "device"
    SYSTEM = "system"
    PERSON = "person"


#: (fair from, poor from) per figure where more is worse.
WORSE_ABOVE: dict[str, tuple[float, float]] = {
    "loss_pct": (3.0, 10.0),
    "rtt_ms": (300.0, 600.0),
    "jitter_ms": (40.0, 100.0),
    "concealed_pct": (5.0, 15.0),
}
#: (fair below, poor below) per figure where less is worse.
WORSE_BELOW: dict[str, tuple[float, float]] = {"fps": (15.0, 8.0)}

#: Share of a link's reports that must be poor before the call's verdict blames the network.
POOR_SHARE = 0.25


@dataclass(frozen=True)
class Sample:
    """One report of one peer connection, as measured by ``peer`` about ``about_peer``."""

    at: float
    peer: str
    role: str
    about_peer: str
    rtt_ms: float | None = None
    loss_pct: float | None = None
    jitter_ms: float | None = None
    fps: float | None = None
    kbps_in: float | None = None
    kbps_out: float | None = None
    width: int | None = None
    height: int | None = None
    concealed_pct: float | None = None
    pair: str | None = None


@dataclass(frozen=True)
class Event:
    at: float
    peer: str
    role: str
    kind: str  # protocol.messages.CallEventKind, or the record's own: joined, left, ended
    detail: str | None = None
    about_peer: str | None = None


@dataclass(frozen=True)
class Stay:
    """A participant of the call (``call_participant``)."""

    peer: str
    role: str
    joined_at: float
    left_at: float | None = None


@dataclass(frozen=True)
class CallFacts:
    """Everything stored about one call, no content."""

    call_id: str
    requested_at: float
    admitted_at: float | None
    ended_at: float | None
    end_reason: str | None  # protocol.messages.SessionEndReason
    stays: Sequence[Stay] = ()
    samples: Sequence[Sample] = ()
    events: Sequence[Event] = ()


@dataclass(frozen=True)
class Grade:
    level: Level
    reasons: tuple[str, ...] = ()  # the figures that made it worse than good, worst first


@dataclass(frozen=True)
class Verdict:
    """The call at a glance: whose trouble (``cause``), what (``code``), and where (``peer``, ``at``)."""

    cause: Cause
    code: str
    peer: str | None = None
    at: float | None = None
    detail: str | None = None


def grade(sample: Sample) -> Grade:
    """good / fair / poor for one report, with the figures that made it so (poor ones first)."""
    poor: list[str] = []
    fair: list[str] = []
    for name, (fair_from, poor_from) in WORSE_ABOVE.items():
        value = getattr(sample, name)
        if value is None:
            continue
        if value >= poor_from:
            poor.append(name)
        elif value >= fair_from:
            fair.append(name)
    for name, (fair_below, poor_below) in WORSE_BELOW.items():
        value = getattr(sample, name)
        if value is None:
            continue
        if value < poor_below:
            poor.append(name)
        elif value < fair_below:
            fair.append(name)
    if poor:
        return Grade(Level.POOR, tuple(poor + fair))
    if fair:
        return Grade(Level.FAIR, tuple(fair))
    return Grade(Level.GOOD)


#: Connection or ICE states that mean the network let the call down.
_NETWORK_STATES = frozenset({"failed", "disconnected"})


def timeline(facts: CallFacts) -> list[Event]:
    """The call's events in time order, the record's own (joined, left, ended) among the reported ones."""
    own: list[Event] = [Event(facts.requested_at, "booth", "booth", "requested")]
    for s in facts.stays:
        if s.role != "booth":
            own.append(Event(s.joined_at, s.peer, s.role, "joined"))
            if s.left_at is not None and (facts.ended_at is None or s.left_at < facts.ended_at):
                own.append(Event(s.left_at, s.peer, s.role, "left"))
    if facts.ended_at is not None:
        own.append(Event(facts.ended_at, _ender(facts), _ender_role(facts), "ended", facts.end_reason))
    return sorted([*own, *facts.events], key=lambda e: e.at)


def _ender(facts: CallFacts) -> str:
    """Who ended the call, as far as the record tells: the official in charge hangs up, the booth the rest."""
    if facts.end_reason == "hung_up":
        officials = [s for s in facts.stays if s.role == "official"]
        return officials[0].peer if officials else "o1"
    return "booth"


def _ender_role(facts: CallFacts) -> str:
    return "official" if facts.end_reason == "hung_up" else "booth"


def verdict(facts: CallFacts) -> Verdict:
    """Whose trouble the call had, the most telling first: a device, then the network, then the
    system, then a person; ``none`` for a call that was admitted, went well and was hung up."""
    faults = [e for e in facts.events if e.kind == "device_fault"]
    if faults:
        first = min(faults, key=lambda e: e.at)
        return Verdict(Cause.DEVICE, "device_fault", first.peer, first.at, first.detail)
    network = _network_trouble(facts)
    if network is not None:
        return network
    if facts.end_reason == "booth_offline":
        return Verdict(Cause.SYSTEM, "booth_offline", "booth", facts.ended_at)
    if facts.end_reason == "media_failed":
        return Verdict(Cause.SYSTEM, "media_failed", "booth", facts.ended_at)
    struggling = _poor_links(facts, _MEDIA_REASONS)
    if struggling is not None:
        (peer, _about), s, reason = struggling
        return Verdict(Cause.SYSTEM, "media_poor", peer, s.at, reason)
    if facts.end_reason == "cancelled":
        code = "citizen_left" if facts.admitted_at is not None else "cancelled_in_lobby"
        return Verdict(Cause.PERSON, code, "booth", facts.ended_at)
    stepped_out = [s for s in facts.stays if s.role == "official" and s.left_at is not None and facts.ended_at is None]
    if stepped_out:
        return Verdict(Cause.PERSON, "official_left", stepped_out[0].peer, stepped_out[0].left_at)
    if facts.ended_at is None:
        return Verdict(Cause.NONE, "in_progress")
    return Verdict(Cause.NONE, "hung_up", _ender(facts), facts.ended_at)


def _network_trouble(facts: CallFacts) -> Verdict | None:
    failed = [
        e
        for e in facts.events
        if (e.kind in ("ice_state", "connection_state") and e.detail in _NETWORK_STATES) or e.kind == "reconnecting"
    ]
    if failed:
        first = min(failed, key=lambda e: e.at)
        code = "reconnecting" if first.kind == "reconnecting" else f"connection_{first.detail}"
        return Verdict(Cause.NETWORK, code, first.peer, first.at, first.about_peer)
    poor = _poor_links(facts, _NETWORK_REASONS)
    if poor is None:
        return None
    (peer, about), s, reason = poor
    return Verdict(Cause.NETWORK, f"poor_{reason}", peer, s.at, about)


#: What the network does to a link: packets lost, delayed, or delayed unevenly.
_NETWORK_REASONS = ("loss_pct", "rtt_ms", "jitter_ms")
#: What a busy or failing computer does even on a good network: too few frames decoded, sound
#: made up to fill gaps (with no packet lost, the sender or the receiver did not keep up).
_MEDIA_REASONS = ("fps", "concealed_pct")


def _poor_links(facts: CallFacts, reasons: tuple[str, ...]) -> tuple[tuple[str, str], Sample, str] | None:
    """The first link poor for one of ``reasons`` in at least ``POOR_SHARE`` of its reports: the
    link, its first such report, and the reason."""
    for link, samples in _links(facts.samples).items():
        poor = [(s, r) for s in samples for r in grade(s).reasons[:1] if grade(s).level is Level.POOR and r in reasons]
        if poor and len(poor) / len(samples) >= POOR_SHARE:
            s, reason = poor[0]
            return link, s, reason
    return None


def _links(samples: Iterable[Sample]) -> dict[tuple[str, str], list[Sample]]:
    links: dict[tuple[str, str], list[Sample]] = {}
    for s in sorted(samples, key=lambda s: s.at):
        links.setdefault((s.peer, s.about_peer), []).append(s)
    return links


@dataclass(frozen=True)
class LinkSummary:
    """One measured connection over the whole call: medians and the worst."""

    peer: str
    role: str
    about_peer: str
    reports: int
    median_rtt_ms: float | None
    worst_loss_pct: float | None
    median_fps: float | None
    pair: str | None
    levels: dict[str, int] = field(default_factory=dict)  # good/fair/poor → how many reports


def summaries(facts: CallFacts) -> list[LinkSummary]:
    out = []
    for (peer, about), samples in _links(facts.samples).items():
        levels: dict[str, int] = {level.value: 0 for level in Level}
        for s in samples:
            levels[grade(s).level.value] += 1
        out.append(
            LinkSummary(
                peer=peer,
                role=samples[0].role,
                about_peer=about,
                reports=len(samples),
                median_rtt_ms=_median([s.rtt_ms for s in samples]),
                worst_loss_pct=max((s.loss_pct for s in samples if s.loss_pct is not None), default=None),
                median_fps=_median([s.fps for s in samples]),
                pair=next((s.pair for s in reversed(samples) if s.pair), None),
                levels=levels,
            )
        )
    return out


def _median(values: list[float | None]) -> float | None:
    present = sorted(v for v in values if v is not None)
    if not present:
        return None
    mid = len(present) // 2
    return present[mid] if len(present) % 2 else (present[mid - 1] + present[mid]) / 2
