"""A participant's report about its call: only in a call it is in, about someone in it, a size whole."""

from __future__ import annotations

import pytest

from backend.domain.call_reports import QualityReported, report
from backend.domain.calls import BrokerError, CallParticipant, CallPhase, CallSession, Deliver, Party
from protocol.messages import CallEvent, CallStats, ErrorCode, ParticipantRole, Role

BOOTH = Party(Role.BOOTH, "imatra-1")
OFFICIAL = Party(Role.OFFICIAL, "official-1")
STRANGER = Party(Role.OFFICIAL, "official-2")
CALL = CallSession(
    "s1",
    "imatra-1",
    100.0,
    phase=CallPhase.IN_CALL,
    official_id="official-1",
    admitted_at=110.0,
    participants=(
        CallParticipant("booth", ParticipantRole.BOOTH, BOOTH, "Imatra 1", 100.0),
        CallParticipant("o1", ParticipantRole.OFFICIAL, OFFICIAL, "Veera", 110.0),
    ),
)
GUEST = Party(Role.GUEST, "inv-1")


def test_the_booths_figures_are_kept_and_go_to_the_official_naming_the_booth():
    effects = report(CALL, BOOTH, CallStats(session_id="s1", peer="o1", fps=30), 120.0)
    kept, sent = effects
    assert isinstance(kept, QualityReported) and (kept.peer, kept.role, kept.at) == ("booth", "booth", 120.0)
    assert isinstance(sent, Deliver) and sent.to == OFFICIAL and sent.message.peer == "booth"


def test_a_guests_figures_about_the_official_go_to_that_official_naming_the_guest():
    call = CallSession(
        "s1",
        "imatra-1",
        100.0,
        phase=CallPhase.IN_CALL,
        official_id="official-1",
        admitted_at=110.0,
        participants=(*CALL.participants, CallParticipant("g2", ParticipantRole.GUEST, GUEST, "Tuula", 115.0)),
    )
    kept, sent = report(call, GUEST, CallStats(session_id="s1", peer="o1", fps=24), 120.0)
    assert isinstance(kept, QualityReported) and (kept.peer, kept.role) == ("g2", "guest")
    assert isinstance(sent, Deliver) and sent.to == OFFICIAL and sent.message.peer == "g2"
    # about the booth: kept for the timeline, shown to nobody live (the booth is no official)
    assert [type(e) for e in report(call, GUEST, CallStats(session_id="s1", peer="booth", fps=24), 1)] == [
        QualityReported
    ]


def test_the_officials_figures_and_events_are_kept_not_relayed():
    assert [type(e) for e in report(CALL, OFFICIAL, CallStats(session_id="s1", peer="booth", fps=30), 1)] == [
        QualityReported
    ]
    ev = CallEvent(session_id="s1", kind="reconnecting", peer="booth")
    assert [type(e) for e in report(CALL, OFFICIAL, ev, 1)] == [QualityReported]


@pytest.mark.parametrize(
    ("session", "party"),
    [(None, BOOTH), (CALL, STRANGER), (CallSession("s1", "imatra-1", 100.0), BOOTH)],
    ids=["no such call", "not a participant", "still in the lobby"],
)
def test_reports_outside_ones_own_call_in_progress_go_nowhere(session, party):
    assert report(session, party, CallStats(session_id="s1", peer="o1", fps=30), 1) == []


@pytest.mark.parametrize(
    ("message", "code", "field"),
    [
        (CallStats(session_id="s1", peer="o9", fps=30), ErrorCode.WRONG_STATE, "peer"),
        (CallStats(session_id="s1", peer="booth", fps=30), ErrorCode.NOT_ALLOWED, "peer"),
        (CallStats(session_id="s1", peer="o1", width=640), ErrorCode.MALFORMED, "width and height"),
    ],
)
def test_a_report_that_breaks_the_rules_is_refused_naming_the_field(message, code, field):
    with pytest.raises(BrokerError) as refused:
        report(CALL, BOOTH, message, 1)
    assert refused.value.code is code and refused.value.reason.startswith(field)
