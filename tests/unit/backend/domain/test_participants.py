"""Calls with more than two participants: peer ids, relay by peer, invite, remove, leave.

The accounts here have realistic ids so that a test can check none of them
ever reaches the booth: a citizen's screen learns peer ids and names only.
"""

from __future__ import annotations

import pytest

from backend.domain.access import Standing
from backend.domain.calls import BoothInfo, BrokerError, CallBroker, CallChanged, Deliver, Party
from protocol.codec import encode
from protocol.messages import (
    BoothAudio,
    BoothVolume,
    CameraSelect,
    CameraSource,
    DeviceState,
    DeviceStatus,
    ErrorCode,
    MicrophoneState,
    ParticipantJoined,
    ParticipantLeft,
    ParticipantLeftReason,
    ParticipantMuted,
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
    ShareState,
)

BOOTH = Party(Role.BOOTH, "imatra-1")
VEERA = Party(Role.OFFICIAL, "official-veera")  # admits: in charge
TULKKI = Party(Role.OFFICIAL, "official-tulkki")  # invited as a guest (an interpreter)
OLLI = Party(Role.OFFICIAL, "official-olli")  # invited as a second official


def official(person_id: str) -> Standing:
    return Standing(person_id, organisation_id="org", master=True, official_of=frozenset({"org"}))


def to(effects, party: Party) -> list[object]:
    return [
        e.message for e in effects if isinstance(e, Deliver) and e.to == party and not isinstance(e.message, Presence)
    ]


@pytest.fixture
def broker() -> CallBroker:
    b = CallBroker()
    b.booth_online(BoothInfo(BOOTH.id, "Booth 1", "Imatra"))
    for party, name in ((VEERA, "Veera"), (TULKKI, "Tuula Tulkki"), (OLLI, "Olli")):
        # Master admins who are also officials: these tests are about the call, not about who may see whom.
        b.official_online(party.id, name, standing=official(party.id))
    b.request(BOOTH.id, "s1", 100.0)
    b.admit(VEERA.id, "s1", 110.0)
    return b


def test_an_invited_guest_gets_a_fresh_peer_and_the_others_hear_of_them(broker: CallBroker):
    effects = broker.invite(VEERA.id, "s1", TULKKI.id, ParticipantRole.GUEST, 120.0)
    (admitted,) = to(effects, TULKKI)
    assert isinstance(admitted, SessionAdmitted)
    assert admitted.peer == "g2"
    assert [(p.peer, p.role, p.name) for p in admitted.participants] == [
        ("booth", ParticipantRole.BOOTH, "Booth 1"),
        ("o1", ParticipantRole.OFFICIAL, "Veera"),
        ("g2", ParticipantRole.GUEST, "Tuula Tulkki"),
    ]
    joined = ParticipantJoined(session_id="s1", participant=admitted.participants[2])
    assert to(effects, BOOTH) == [joined]
    assert to(effects, VEERA) == [joined]


def test_relay_reaches_each_participant_by_peer_and_names_the_sender(broker: CallBroker):
    broker.invite(VEERA.id, "s1", TULKKI.id, ParticipantRole.GUEST, 120.0)
    assert broker.relay(BOOTH, "s1", RtcOffer(session_id="s1", peer="g2", sdp="v=0 g")) == [
        Deliver(TULKKI, RtcOffer(session_id="s1", peer="booth", sdp="v=0 g"))
    ]
    assert broker.relay(BOOTH, "s1", RtcOffer(session_id="s1", peer="o1", sdp="v=0 o")) == [
        Deliver(VEERA, RtcOffer(session_id="s1", peer="booth", sdp="v=0 o"))
    ]
    # Between the remote participants too (the protocol does not assume the booth is in every link).
    assert broker.relay(TULKKI, "s1", RtcAnswer(session_id="s1", peer="o1", sdp="v=0 a")) == [
        Deliver(VEERA, RtcAnswer(session_id="s1", peer="g2", sdp="v=0 a"))
    ]


def test_no_account_id_ever_reaches_the_booth(broker: CallBroker):
    seen = broker.invite(VEERA.id, "s1", TULKKI.id, ParticipantRole.GUEST, 120.0)
    seen += broker.invite(VEERA.id, "s1", OLLI.id, ParticipantRole.OFFICIAL, 121.0)
    seen += broker.relay(TULKKI, "s1", RtcIce(session_id="s1", peer="booth", candidate=""))
    seen += broker.remove(VEERA.id, "s1", "o3", 130.0)
    seen += broker.end(VEERA, "s1", 140.0)
    wire = " ".join(encode(m) for m in to(seen, BOOTH))
    assert "g2" in wire and "o3" in wire
    for account in (VEERA.id, TULKKI.id, OLLI.id):
        assert account not in wire


def test_only_the_official_in_charge_invites_and_removes(broker: CallBroker):
    broker.invite(VEERA.id, "s1", TULKKI.id, ParticipantRole.GUEST, 120.0)
    with pytest.raises(BrokerError) as err:
        broker.invite(TULKKI.id, "s1", OLLI.id, ParticipantRole.OFFICIAL, 121.0)
    assert err.value.code is ErrorCode.NOT_ALLOWED
    with pytest.raises(BrokerError) as err:
        broker.remove(TULKKI.id, "s1", "o1", 121.0)
    assert err.value.code is ErrorCode.NOT_ALLOWED
    with pytest.raises(BrokerError) as err:  # not in the call at all: the session does not exist for them
        broker.remove(OLLI.id, "s1", "g2", 121.0)
    assert err.value.code is ErrorCode.NO_SUCH_SESSION


def test_the_booth_and_oneself_cannot_be_removed(broker: CallBroker):
    for peer, rule in (("booth", "session.end"), ("o1", "session.leave")):
        with pytest.raises(BrokerError) as err:
            broker.remove(VEERA.id, "s1", peer, 121.0)
        assert err.value.code is ErrorCode.NOT_ALLOWED and rule in err.value.reason
    with pytest.raises(BrokerError) as err:
        broker.remove(VEERA.id, "s1", "g9", 121.0)
    assert err.value.code is ErrorCode.WRONG_STATE and "g9" in err.value.reason


def test_a_removed_participant_is_told_and_their_peer_goes_away(broker: CallBroker):
    broker.invite(VEERA.id, "s1", TULKKI.id, ParticipantRole.GUEST, 120.0)
    effects = broker.remove(VEERA.id, "s1", "g2", 130.0)
    left = ParticipantLeft(session_id="s1", peer="g2", reason=ParticipantLeftReason.REMOVED)
    for party in (BOOTH, VEERA, TULKKI):
        assert to(effects, party) == [left]
    with pytest.raises(BrokerError):
        broker.relay(BOOTH, "s1", RtcOffer(session_id="s1", peer="g2", sdp="v=0"))
    with pytest.raises(BrokerError) as err:
        broker.relay(TULKKI, "s1", RtcIce(session_id="s1", peer="booth", candidate=""))
    assert err.value.code is ErrorCode.NO_SUCH_SESSION
    # The call goes on between the two, and a peer id is never given out again.
    assert broker.relay(BOOTH, "s1", RtcIce(session_id="s1", peer="o1", candidate="")) != []
    again = broker.invite(VEERA.id, "s1", TULKKI.id, ParticipantRole.GUEST, 140.0)
    assert to(again, TULKKI)[0].peer == "g3"


def test_a_guest_who_steps_out_or_drops_just_leaves(broker: CallBroker):
    broker.invite(VEERA.id, "s1", TULKKI.id, ParticipantRole.GUEST, 120.0)
    broker.invite(VEERA.id, "s1", OLLI.id, ParticipantRole.OFFICIAL, 121.0)
    stepped = broker.leave(TULKKI, "s1", 130.0)
    assert to(stepped, BOOTH) == [ParticipantLeft(session_id="s1", peer="g2", reason=ParticipantLeftReason.LEFT)]
    dropped = broker.official_offline(OLLI.id, 131.0)
    assert to(dropped, BOOTH) == [ParticipantLeft(session_id="s1", peer="o3", reason=ParticipantLeftReason.LEFT)]
    assert broker.sessions["s1"].official_id == VEERA.id
    assert [p.peer for p in broker.sessions["s1"].present()] == ["booth", "o1"]


def test_when_the_official_in_charge_steps_out_everyone_else_leaves_too(broker: CallBroker):
    broker.invite(VEERA.id, "s1", TULKKI.id, ParticipantRole.GUEST, 120.0)
    effects = broker.leave(VEERA, "s1", 130.0)
    left = SessionLeft(session_id="s1", role=Role.OFFICIAL, reason=SessionLeftReason.STEPPED_OUT)
    assert to(effects, BOOTH) == [left]
    assert to(effects, TULKKI) == [left]
    assert [p.peer for p in broker.sessions["s1"].present()] == ["booth"]
    # Both are free again: the guest may admit the waiting citizen.
    assert to(broker.admit(TULKKI.id, "s1", 140.0), BOOTH)[0].peer == "booth"
    assert [p.peer for p in broker.sessions["s1"].present()] == ["booth", "o3"]


def test_ending_tells_every_participant_and_records_when_each_left(broker: CallBroker):
    broker.invite(VEERA.id, "s1", TULKKI.id, ParticipantRole.GUEST, 120.0)
    with pytest.raises(BrokerError) as err:
        broker.end(TULKKI, "s1", 125.0)
    assert err.value.code is ErrorCode.NOT_ALLOWED
    effects = broker.end(VEERA, "s1", 150.0)
    ended = SessionEnded(session_id="s1", reason=SessionEndReason.HUNG_UP)
    for party in (BOOTH, VEERA, TULKKI):
        assert to(effects, party) == [ended]
    record = next(e.session for e in effects if isinstance(e, CallChanged))
    assert [(p.peer, p.party.id, p.joined_at, p.left_at) for p in record.participants] == [
        ("booth", BOOTH.id, 100.0, 150.0),
        ("o1", VEERA.id, 110.0, 150.0),
        ("g2", TULKKI.id, 120.0, 150.0),
    ]


def test_a_guest_cannot_switch_the_booths_camera(broker: CallBroker):
    broker.invite(VEERA.id, "s1", TULKKI.id, ParticipantRole.GUEST, 120.0)
    broker.device_status(BOOTH.id, (DeviceStatus(role="document_camera", state=DeviceState.OK),))
    select = CameraSelect(session_id="s1", source=CameraSource.DOCUMENT)
    with pytest.raises(BrokerError) as err:
        broker.relay(TULKKI, "s1", select)
    assert err.value.code is ErrorCode.NOT_ALLOWED
    assert broker.relay(VEERA, "s1", select) == [Deliver(BOOTH, select)]


def test_someone_in_a_call_cannot_be_invited_into_another(broker: CallBroker):
    broker.booth_online(BoothInfo("nurmes-1", "Booth 2", "Nurmes"))
    broker.request("nurmes-1", "s2", 101.0)
    broker.admit(OLLI.id, "s2", 111.0)
    with pytest.raises(BrokerError) as err:
        broker.invite(VEERA.id, "s1", OLLI.id, ParticipantRole.GUEST, 120.0)
    assert err.value.code is ErrorCode.BUSY


def test_officials_in_the_call_set_the_booths_volume_and_a_guest_cannot(broker: CallBroker):
    broker.invite(VEERA.id, "s1", TULKKI.id, ParticipantRole.GUEST, 120.0)
    broker.invite(VEERA.id, "s1", OLLI.id, ParticipantRole.OFFICIAL, 121.0)
    louder = BoothVolume(session_id="s1", volume=90)
    with pytest.raises(BrokerError) as err:
        broker.relay(TULKKI, "s1", louder)
    assert err.value.code is ErrorCode.NOT_ALLOWED
    assert broker.relay(VEERA, "s1", louder) == [Deliver(BOOTH, louder)]
    assert broker.relay(OLLI, "s1", louder) == [Deliver(BOOTH, louder)]


def test_only_the_official_in_charge_shares_a_window_with_the_booth(broker: CallBroker):
    broker.invite(VEERA.id, "s1", TULKKI.id, ParticipantRole.GUEST, 120.0)
    broker.invite(VEERA.id, "s1", OLLI.id, ParticipantRole.OFFICIAL, 121.0)
    share = ShareState(session_id="s1", sharing=True)
    assert broker.relay(VEERA, "s1", share) == [Deliver(BOOTH, share)]
    for other in (TULKKI, OLLI):
        with pytest.raises(BrokerError) as err:
            broker.relay(other, "s1", share)
        assert err.value.code is ErrorCode.NOT_ALLOWED


def test_the_official_in_charge_mutes_the_booth_or_a_guest_and_only_they_are_told(broker: CallBroker):
    broker.invite(VEERA.id, "s1", TULKKI.id, ParticipantRole.GUEST, 120.0)
    broker.invite(VEERA.id, "s1", OLLI.id, ParticipantRole.OFFICIAL, 121.0)
    peers = {p.party: p.peer for p in broker.sessions["s1"].present()}
    muted = ParticipantMuted(session_id="s1")
    assert broker.mute(VEERA.id, "s1", peers[BOOTH]) == [Deliver(BOOTH, muted)]
    assert broker.mute(VEERA.id, "s1", peers[TULKKI]) == [Deliver(TULKKI, muted)]
    for who, peer, code in (
        (OLLI, peers[BOOTH], ErrorCode.NOT_ALLOWED),  # another official in the call
        (TULKKI, peers[BOOTH], ErrorCode.NOT_ALLOWED),  # a guest
        (VEERA, peers[OLLI], ErrorCode.NOT_ALLOWED),  # a fellow official mutes themselves
        (VEERA, "g99", ErrorCode.WRONG_STATE),  # not in the call
    ):
        with pytest.raises(BrokerError) as err:
            broker.mute(who.id, "s1", peer)
        assert err.value.code is code, (who, peer)


def test_a_shared_window_is_taken_down_when_the_sharing_officials_page_goes_away(broker: CallBroker):
    assert broker.official_away(VEERA.id) == []  # nothing shared: nothing to tell
    broker.relay(VEERA, "s1", ShareState(session_id="s1", sharing=True))
    assert broker.official_away(OLLI.id) == []  # not theirs
    assert broker.official_away(VEERA.id) == [Deliver(BOOTH, ShareState(session_id="s1", sharing=False))]
    assert broker.official_away(VEERA.id) == []  # told once
    broker.relay(VEERA, "s1", ShareState(session_id="s1", sharing=True))
    broker.relay(VEERA, "s1", ShareState(session_id="s1", sharing=False))
    assert broker.official_away(VEERA.id) == []  # stopped on purpose: already down


def test_the_booths_microphone_level_reaches_the_officials_of_its_call_only(broker: CallBroker):
    broker.invite(VEERA.id, "s1", TULKKI.id, ParticipantRole.GUEST, 120.0)
    level = BoothAudio(session_id="s1", mic_level_dbfs=-52.5, mic_state=MicrophoneState.QUIET, volume=70)
    effects = broker.booth_audio(BOOTH, level)
    assert to(effects, VEERA) == [level]
    assert to(effects, TULKKI) == [] and to(effects, OLLI) == []
    with pytest.raises(BrokerError):
        broker.booth_audio(VEERA, level)  # only the booth reports its microphone
    assert broker.booth_audio(BOOTH, level.model_copy(update={"session_id": "s9"})) == []
    broker.end(VEERA, "s1", 130.0)
    assert broker.booth_audio(BOOTH, level) == []  # a late report after the call goes nowhere
