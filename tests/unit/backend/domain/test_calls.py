"""The call broker's rules, without sockets."""

from __future__ import annotations

from dataclasses import replace

import pytest

from backend.domain.access import Standing
from backend.domain.calls import (
    BoothInfo,
    BrokerError,
    CallBroker,
    CallChanged,
    CallPhase,
    Deliver,
    Party,
)
from protocol.messages import (
    AssistState,
    AssistStatus,
    CameraSelect,
    CameraSource,
    DeviceState,
    DeviceStatus,
    ErrorCode,
    Participant,
    ParticipantRole,
    Presence,
    Role,
    RtcAnswer,
    RtcIce,
    RtcOffer,
    SessionAdmitted,
    SessionEnded,
    SessionEndReason,
    SessionLeft,
    SessionLeftReason,
    SessionLobby,
)

B1, B2 = Party(Role.BOOTH, "b1"), Party(Role.BOOTH, "b2")
#: Officials who see everything and may admit a citizen who chose no matter.
ANYONE = Standing("o", organisation_id="org", master=True, official_of=frozenset({"org"}))
O1, O2 = Party(Role.OFFICIAL, "o1"), Party(Role.OFFICIAL, "o2")


def delivered(effects, to: Party | None = None) -> list[object]:
    """Messages to ``to``, leaving out the presence snapshots every change sends."""
    return [
        e.message
        for e in effects
        if isinstance(e, Deliver) and (to is None or e.to == to) and not isinstance(e.message, Presence)
    ]


def presences(effects, to: Party) -> list[Presence]:
    return [e.message for e in effects if isinstance(e, Deliver) and e.to == to and isinstance(e.message, Presence)]


@pytest.fixture
def broker() -> CallBroker:
    b = CallBroker()
    b.know_booth(BoothInfo("b1", "Booth 1", "Imatra"))
    b.know_booth(BoothInfo("b2", "Booth 2", "Nurmes"))
    b.booth_online(BoothInfo("b1", "Booth 1", "Imatra"))
    b.booth_online(BoothInfo("b2", "Booth 2", "Nurmes"))
    b.official_online("o1", "Veera", standing=replace(ANYONE, person_id="o1"))
    b.official_online("o2", "Olli", standing=replace(ANYONE, person_id="o2"))
    return b


def in_call(b: CallBroker, sid: str = "s1") -> None:
    b.request("b1", sid, 100.0)
    b.admit("o1", sid, 110.0)


def test_known_booths_are_listed_offline_until_they_connect():
    b = CallBroker()
    b.know_booth(BoothInfo("b9", "Booth 9", "Porvoo"))
    assert [(x.booth_id, x.online) for x in b.presence().booths] == [("b9", False)]
    b.booth_online(BoothInfo("b9", "Booth 9", "Porvoo"))
    assert b.presence().booths[0].online


def test_request_puts_the_booth_in_the_lobby_and_tells_every_official(broker: CallBroker):
    effects = broker.request("b1", "s1", 100.0)
    assert delivered(effects, B1) == [SessionLobby(session_id="s1")]
    presence = presences(effects, O1)[0]
    assert isinstance(presence, Presence)
    assert [(e.session_id, e.booth_name, e.waiting_since) for e in presence.lobby] == [("s1", "Booth 1", 100.0)]
    assert any(isinstance(e, CallChanged) and e.session.phase is CallPhase.LOBBY for e in effects)


def test_lobby_is_ordered_by_waiting_time(broker: CallBroker):
    broker.request("b2", "s2", 50.0)
    broker.request("b1", "s1", 60.0)
    assert [e.session_id for e in broker.presence().lobby] == ["s2", "s1"]


def test_a_booth_cannot_have_two_sessions(broker: CallBroker):
    broker.request("b1", "s1", 100.0)
    with pytest.raises(BrokerError) as err:
        broker.request("b1", "s2", 101.0)
    assert err.value.code is ErrorCode.BUSY


def test_an_offline_booth_cannot_request(broker: CallBroker):
    broker.booth_offline("b1", 5.0)
    with pytest.raises(BrokerError) as err:
        broker.request("b1", "s1", 6.0)
    assert err.value.code is ErrorCode.NOT_ALLOWED


def test_admit_tells_booth_and_official_and_empties_lobby(broker: CallBroker):
    broker.request("b1", "s1", 100.0)
    effects = broker.admit("o1", "s1", 110.0)
    both = (
        Participant(peer="booth", role=ParticipantRole.BOOTH, name="Booth 1"),
        Participant(peer="o1", role=ParticipantRole.OFFICIAL, name="Veera"),
    )
    msg = SessionAdmitted(session_id="s1", official_name="Veera", booth_name="Booth 1", peer="booth", participants=both)
    assert delivered(effects, B1) == [msg]
    assert delivered(effects, O1) == [msg.model_copy(update={"peer": "o1"})]
    assert broker.presence().lobby == ()
    assert broker.sessions["s1"].admitted_at == 110.0


def test_two_officials_cannot_admit_the_same_citizen(broker: CallBroker):
    broker.request("b1", "s1", 100.0)
    broker.admit("o1", "s1", 110.0)
    with pytest.raises(BrokerError) as err:
        broker.admit("o2", "s1", 110.5)
    # The second official learns nothing about a call they are not in.
    assert err.value.code is ErrorCode.NO_SUCH_SESSION


def test_admitting_an_unknown_session_is_refused(broker: CallBroker):
    with pytest.raises(BrokerError) as err:
        broker.admit("o1", "nope", 1.0)
    assert err.value.code is ErrorCode.NO_SUCH_SESSION


def test_relay_goes_only_to_the_other_party_and_names_the_sender(broker: CallBroker):
    in_call(broker)
    offer = RtcOffer(session_id="s1", peer="o1", sdp="v=0")
    assert broker.relay(B1, "s1", offer) == [Deliver(O1, RtcOffer(session_id="s1", peer="booth", sdp="v=0"))]
    answer = RtcAnswer(session_id="s1", peer="booth", sdp="v=0")
    assert broker.relay(O1, "s1", answer) == [Deliver(B1, RtcAnswer(session_id="s1", peer="o1", sdp="v=0"))]


def test_relay_to_oneself_or_to_a_peer_not_in_the_call_is_refused(broker: CallBroker):
    in_call(broker)
    for peer in ("booth", "o2", "g1"):
        with pytest.raises(BrokerError) as err:
            broker.relay(B1, "s1", RtcIce(session_id="s1", peer=peer, candidate=""))
        assert err.value.code is ErrorCode.WRONG_STATE
        assert "peer" in err.value.reason


def test_a_booth_can_never_reach_another_booths_session(broker: CallBroker):
    in_call(broker)
    for attempt in (
        lambda: broker.relay(B2, "s1", RtcOffer(session_id="s1", peer="o1", sdp="v=0")),
        lambda: broker.end(B2, "s1", 120.0),
    ):
        with pytest.raises(BrokerError) as err:
            attempt()
        assert err.value.code is ErrorCode.NO_SUCH_SESSION
    assert broker.sessions["s1"].phase is CallPhase.IN_CALL


def test_an_official_not_in_the_call_cannot_relay_or_end_it(broker: CallBroker):
    in_call(broker)
    with pytest.raises(BrokerError):
        broker.relay(O2, "s1", RtcAnswer(session_id="s1", peer="booth", sdp="v=0"))
    with pytest.raises(BrokerError):
        broker.end(O2, "s1", 1.0)


def test_relay_in_the_lobby_is_refused(broker: CallBroker):
    broker.request("b1", "s1", 100.0)
    with pytest.raises(BrokerError) as err:
        broker.relay(B1, "s1", RtcOffer(session_id="s1", peer="o1", sdp="v=0"))
    assert err.value.code is ErrorCode.WRONG_STATE


def test_official_hangs_up(broker: CallBroker):
    in_call(broker)
    effects = broker.end(O1, "s1", 200.0)
    ended = SessionEnded(session_id="s1", reason=SessionEndReason.HUNG_UP)
    assert delivered(effects, B1) == [ended]
    assert delivered(effects, O1) == [ended]
    record = next(e.session for e in effects if isinstance(e, CallChanged))
    assert (record.phase, record.ended_at, record.end_reason) == (CallPhase.ENDED, 200.0, SessionEndReason.HUNG_UP)
    assert "s1" not in broker.sessions
    broker.request("b1", "s2", 201.0)  # the booth is free again


def test_the_citizen_at_a_booth_is_its_session_while_waiting_and_in_the_call_and_nobody_after(broker: CallBroker):
    """The desk names booths, not sessions: "the citizen in booth 1" is its live session."""
    assert broker.citizen_at("b1") is None
    broker.request("b1", "s1", 100.0)
    assert (broker.citizen_at("b1"), broker.citizen_at("b2"), broker.citizen_at("nowhere")) == ("s1", None, None)
    broker.admit("o1", "s1", 110.0)
    assert broker.citizen_at("b1") == "s1"
    broker.end(O1, "s1", 200.0)
    assert broker.citizen_at("b1") is None


def test_an_official_may_end_a_waiting_session_they_see(broker: CallBroker):
    broker.request("b1", "s1", 100.0)
    effects = broker.end(O2, "s1", 105.0)
    assert delivered(effects, B1) == [SessionEnded(session_id="s1", reason=SessionEndReason.HUNG_UP)]
    assert "s1" not in broker.sessions


def test_booth_cancelling_in_lobby_and_failing_in_call_have_their_reasons(broker: CallBroker):
    broker.request("b1", "s1", 100.0)
    assert delivered(broker.end(B1, "s1", 101.0), B1)[0].reason is SessionEndReason.CANCELLED
    in_call(broker, "s2")
    assert delivered(broker.end(B1, "s2", 130.0), O1)[0].reason is SessionEndReason.MEDIA_FAILED


def test_booth_dropping_ends_its_call_and_tells_the_official(broker: CallBroker):
    in_call(broker)
    effects = broker.booth_offline("b1", 150.0)
    assert delivered(effects, O1) == [SessionEnded(session_id="s1", reason=SessionEndReason.BOOTH_OFFLINE)]
    assert delivered(effects, B1) == []
    assert not next(b for b in broker.presence().booths if b.booth_id == "b1").online


def test_official_dropping_sends_the_citizen_back_to_the_lobby(broker: CallBroker):
    in_call(broker)
    effects = broker.official_offline("o1", 150.0)
    left = SessionLeft(session_id="s1", role=Role.OFFICIAL, reason=SessionLeftReason.DISCONNECTED)
    assert delivered(effects, B1) == [left]
    assert [e.session_id for e in broker.presence().lobby] == ["s1"]
    assert broker.presence().lobby[0].waiting_since == 100.0  # keeps their place
    broker.admit("o2", "s1", 160.0)
    assert broker.sessions["s1"].official_id == "o2"


def test_official_may_step_out_and_only_from_their_own_call(broker: CallBroker):
    in_call(broker)
    with pytest.raises(BrokerError):
        broker.leave(B1, "s1", 1.0)
    effects = broker.leave(O1, "s1", 120.0)
    # On purpose, not a lost connection: the booth must not tell the citizen the official was disconnected.
    left = SessionLeft(session_id="s1", role=Role.OFFICIAL, reason=SessionLeftReason.STEPPED_OUT)
    assert delivered(effects, B1) == [left]


def test_device_status_reaches_presence(broker: CallBroker):
    devices = (DeviceStatus(role="face_camera", state=DeviceState.DEGRADED, reason="black picture"),)
    effects = broker.device_status("b1", devices)
    presence = presences(effects, O1)[0]
    assert next(b for b in presence.booths if b.booth_id == "b1").devices == devices


def booth_view(broker: CallBroker, booth_id: str = "b1"):
    return next(b for b in broker.presence().booths if b.booth_id == booth_id)


def test_call_button_lights_the_booth_and_alerts_officials(broker: CallBroker):
    effects = broker.assist_request("b1", 300.0)
    assert delivered(effects, B1) == [AssistStatus(state=AssistState.REQUESTED)]
    view = presences(effects, O1)[0].booths[0]
    assert (view.booth_id, view.assist, view.assist_since) == ("b1", AssistState.REQUESTED, 300.0)


def test_pressing_again_keeps_the_first_time_and_an_acknowledged_light(broker: CallBroker):
    broker.assist_request("b1", 300.0)
    broker.assist_update("o1", "b1", AssistState.ACKNOWLEDGED)
    effects = broker.assist_request("b1", 320.0)
    assert delivered(effects, B1) == [AssistStatus(state=AssistState.ACKNOWLEDGED)]
    assert booth_view(broker).assist_since == 300.0


def test_acknowledge_blinks_and_clear_turns_off(broker: CallBroker):
    broker.assist_request("b1", 300.0)
    assert delivered(broker.assist_update("o1", "b1", AssistState.ACKNOWLEDGED), B1) == [
        AssistStatus(state=AssistState.ACKNOWLEDGED)
    ]
    assert delivered(broker.assist_update("o1", "b1", AssistState.NONE), B1) == [AssistStatus(state=AssistState.NONE)]
    assert (booth_view(broker).assist, booth_view(broker).assist_since) == (AssistState.NONE, None)


def test_acknowledging_a_booth_that_did_not_ask_is_refused(broker: CallBroker):
    with pytest.raises(BrokerError) as err:
        broker.assist_update("o1", "b1", AssistState.ACKNOWLEDGED)
    assert err.value.code is ErrorCode.WRONG_STATE


def test_an_alert_survives_the_booth_reconnecting(broker: CallBroker):
    broker.assist_request("b1", 300.0)
    broker.booth_offline("b1", 301.0)
    assert booth_view(broker).assist is AssistState.REQUESTED  # never dropped
    effects = broker.booth_online(BoothInfo("b1", "Booth 1", "Imatra"))
    assert delivered(effects, B1) == [AssistStatus(state=AssistState.REQUESTED)]


def with_document_camera(broker: CallBroker, booth_id: str = "b1", state: DeviceState = DeviceState.OK) -> None:
    devices = (
        DeviceStatus(role="face_camera", state=DeviceState.OK),
        DeviceStatus(role="document_camera", state=state),
    )
    broker.device_status(booth_id, devices)


def test_only_the_official_in_the_call_switches_the_booths_camera(broker: CallBroker):
    in_call(broker)
    with_document_camera(broker)
    select = CameraSelect(session_id="s1", source=CameraSource.DOCUMENT)
    assert broker.relay(O1, "s1", select) == [Deliver(B1, select)]
    with pytest.raises(BrokerError):
        broker.relay(B1, "s1", select)
    with pytest.raises(BrokerError):
        broker.relay(O2, "s1", select)


def test_a_camera_the_booth_lacks_is_refused_with_a_reason(broker: CallBroker):
    """Found using the demo: "Show document camera" on a booth without one changed nothing, silently."""
    in_call(broker)
    document = CameraSelect(session_id="s1", source=CameraSource.DOCUMENT)
    broker.device_status("b1", (DeviceStatus(role="face_camera", state=DeviceState.OK),))
    with pytest.raises(BrokerError) as err:
        broker.relay(O1, "s1", document)
    assert err.value.code is ErrorCode.NOT_ALLOWED and "no working document camera" in err.value.reason
    with_document_camera(broker, state=DeviceState.MISSING)  # configured, but unplugged
    with pytest.raises(BrokerError):
        broker.relay(O1, "s1", document)
    face = CameraSelect(session_id="s1", source=CameraSource.FACE)
    assert broker.relay(O1, "s1", face) == [Deliver(B1, face)]  # back to the face is always allowed
    with_document_camera(broker, state=DeviceState.DEGRADED)
    assert broker.relay(O1, "s1", document) == [Deliver(B1, document)]
