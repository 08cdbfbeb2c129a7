"""The official's tools as rules: in-person identification by booth, and what an admitted official is told."""

from __future__ import annotations

import pytest

from backend.domain.access import Standing
from backend.domain.appointment import Appointments, Identified, NotYours, Refused
from backend.domain.calls import BoothInfo, CallBroker, Deliver, Party
from backend.domain.identification import Identifications
from protocol.messages import IdentState, IdentStatus, Role

IMATRA = BoothInfo("b1", "Booth 1", "Imatra", point_id="imatra")
ADVISOR = Standing("a1", organisation_id="city", advises=frozenset({"imatra"}))
ELSEWHERE = Standing("a2", organisation_id="city", advises=frozenset({"nurmes"}))
OFFICIAL = Standing("o1", organisation_id="vero", official_of=frozenset({"vero"}), serves_at=frozenset({"imatra"}))


@pytest.fixture
def tools() -> Appointments:
    b = CallBroker()
    b.booth_online(IMATRA)
    b.official_online("o1", "Veera", standing=OFFICIAL)
    return Appointments(b, Identifications())


def test_the_advisor_identifies_the_citizen_in_a_booth_on_the_sessions_own_path(tools: Appointments):
    with pytest.raises(NotYours, match="no citizen is in booth"):
        tools.in_person_at(ADVISOR, "b1", 10.0)
    tools.broker.request("b1", "s1", 20.0)
    sid, effects = tools.in_person_at(ADVISOR, "b1", 30.0)
    assert sid == "s1"
    assert [e for e in effects if isinstance(e, Identified)] == [Identified("s1", "in_person", 30.0, "a1")]
    to_booth = [e.message for e in effects if isinstance(e, Deliver) and e.to == Party(Role.BOOTH, "b1")]
    assert [m.state for m in to_booth] == [IdentState.IN_PERSON]


def test_by_booth_unseen_booths_are_not_found_and_those_who_see_but_may_not_identify_are_refused(
    tools: Appointments,
):
    tools.broker.request("b1", "s1", 20.0)
    with pytest.raises(NotYours, match="no booth"):
        tools.in_person_at(ELSEWHERE, "b1", 30.0)  # another point's advisor: the booth is not theirs to see
    with pytest.raises(NotYours, match="no booth"):
        tools.in_person_at(ADVISOR, "b9", 30.0)
    with pytest.raises(Refused):
        tools.in_person_at(OFFICIAL, "b1", 30.0)  # sees the booth, has not met the citizen
    assert tools.identifications.current("s1") is None  # nothing recorded by a refusal


def test_an_official_admitting_a_citizen_identified_while_waiting_is_told_with_the_admission(tools: Appointments):
    tools.broker.request("b1", "s1", 20.0)
    assert tools.joining(tools.broker.admit("o1", "s1", 25.0)) == []  # nobody identified them: nothing to tell
    tools.broker.leave(Party(Role.OFFICIAL, "o1"), "s1", 26.0)
    tools.in_person_at(ADVISOR, "b1", 30.0)
    told = tools.joining(tools.broker.admit("o1", "s1", 40.0))
    assert told == [Deliver(Party(Role.OFFICIAL, "o1"), IdentStatus(session_id="s1", state=IdentState.IN_PERSON))]
