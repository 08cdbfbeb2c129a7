"""What the participants report about their call (``call.stats``, ``call.event``): checked, kept, relayed.

Pure, beside the broker (``backend.domain.calls``): given the call's session
as the broker holds it, a report from one party becomes effects. Only a
participant of a call in progress reports about it; a late report after the
end (the booth sends every few seconds and cannot see the race) goes nowhere,
quietly, like ``booth.audio``. What is checked beyond the wire's own limits:
the connection it names is another participant of this call, and a picture
size comes whole (width and height, or neither). What is kept is figures and
codes, never content; the booth's and the guests' figures go to the official
their connection is to (``access.sees_link_quality``) for that party's live
quality badge.
"""

from __future__ import annotations

from dataclasses import dataclass

from backend.domain import access
from backend.domain.calls import BrokerError, CallPhase, CallSession, Deliver, Party
from protocol.messages import CallEvent, CallStats, ErrorCode, ParticipantRole


@dataclass(frozen=True)
class QualityReported:
    """Store this report for the call, as ``peer`` (``role``) sent it at ``at``."""

    call_id: str
    peer: str
    role: str
    report: CallStats | CallEvent
    at: float


def report(session: CallSession | None, party: Party, message: CallStats | CallEvent, now: float) -> list[object]:
    """Effects of one report: store it, and relay the booth's and a guest's figures about their
    connection to an official to that official (each party's quality badge in the call view)."""
    if session is None or session.phase is not CallPhase.IN_CALL:
        return []
    me = session.participant(party)
    if me is None:
        return []
    about = message.peer
    if about is not None:
        if about == me.peer:
            raise BrokerError(ErrorCode.NOT_ALLOWED, "peer: a connection is to another participant, not to oneself")
        if all(p.peer != about for p in session.participants):
            raise BrokerError(ErrorCode.WRONG_STATE, f"peer: {about} is not in this call")
    if isinstance(message, CallStats) and (message.width is None) != (message.height is None):
        raise BrokerError(ErrorCode.MALFORMED, "width and height: give both or neither")
    effects: list[object] = [QualityReported(session.id, me.peer, me.role.value, message, now)]
    if isinstance(message, CallStats) and me.role in (ParticipantRole.BOOTH, ParticipantRole.GUEST):
        relayed = message.model_copy(update={"peer": me.peer})  # delivered naming the sender, as rtc.* are
        effects += [
            Deliver(p.party, relayed)
            for p in session.present()
            if p.peer == about and access.sees_link_quality(p.role.value)
        ]
    return effects
