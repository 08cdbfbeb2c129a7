"""Every transition of the booth's session machine, with time passed in."""

from __future__ import annotations

from typing import get_args

import pytest

from kiosk import session as sm
from kiosk.session import Phase, Screen
from protocol.messages import (
    AssistRequest,
    AssistState,
    AssistStatus,
    BoothCatalogue,
    CameraSelect,
    CameraSource,
    DeviceState,
    DeviceStatus,
    Error,
    ErrorCode,
    IceServer,
    Participant,
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
    RtcRestart,
    ServiceChoice,
    SessionAdmitted,
    SessionEnd,
    SessionEnded,
    SessionEndReason,
    SessionLeft,
    SessionLeftReason,
    SessionLobby,
    SessionRequest,
    ShareState,
)

SID = "s-1"
#: A well-formed booking code (the booth checks the shape only; the backend the rest).
CODE = "K7M2QX"
BOOTH_ME = Participant(peer="booth", role=ParticipantRole.BOOTH, name="B1")


def admitted(official: str = "Veera", sid: str = SID, peer: str = "o1") -> SessionAdmitted:
    """What the backend sends the booth when ``official`` admits: the booth and the official."""
    them = Participant(peer=peer, role=ParticipantRole.OFFICIAL, name=official)
    return SessionAdmitted(
        session_id=sid, official_name=official, booth_name="B1", peer="booth", participants=(BOOTH_ME, them)
    )


SERVICES = (
    ServiceChoice(service_id="tax", name_fi="Verot", name_sv="Skatter", name_en="Taxes", languages=("fi", "sv")),
    ServiceChoice(service_id="kela", name_fi="Kela", name_sv="FPA", name_en="Kela", languages=("fi", "sv", "en")),
)


def sends(commands: list[sm.Command]) -> list[object]:
    return [c.message for c in commands if isinstance(c, sm.Send)]


def screens(commands: list[sm.Command]) -> list[sm.Show]:
    return [c for c in commands if isinstance(c, sm.Show)]


def machine_in(phase: Phase) -> sm.BoothSession:
    """A machine driven to ``phase`` through the real transitions."""
    m = sm.BoothSession()
    if phase is Phase.OFFLINE:
        return m
    m.handle(sm.Connected(0))
    if phase is Phase.IDLE:
        return m
    if phase is Phase.CHOOSING:
        m.handle(sm.Received(BoothCatalogue(services=SERVICES), 0.5))
        m.handle(sm.StartPressed(1))
        return m
    if phase in (Phase.CHECKIN, Phase.CHECKING):
        m.handle(sm.BookingPressed(1))
        if phase is Phase.CHECKING:
            m.handle(sm.CodeSubmitted(CODE, 1.5))
        return m
    m.handle(sm.StartPressed(1))
    if phase is Phase.REQUESTING:
        return m
    m.handle(sm.Received(SessionLobby(session_id=SID), 2))
    if phase is Phase.LOBBY:
        return m
    m.handle(sm.Received(admitted(), 3))
    if phase is Phase.CONNECTING:
        return m
    m.handle(sm.MediaConnected(SID, "o1", 4))
    if phase is Phase.IN_CALL:
        return m
    m.handle(sm.Received(SessionEnded(session_id=SID, reason=SessionEndReason.HUNG_UP), 5))
    assert phase is Phase.ENDED
    return m


def test_starts_offline_and_shows_attract_when_connected():
    m = sm.BoothSession()
    assert m.state.phase is Phase.OFFLINE
    out = m.handle(sm.Connected(0))
    assert m.state.phase is Phase.IDLE
    assert screens(out) == [sm.Show(Screen.ATTRACT)]


def test_start_sends_request_and_shows_lobby_at_once():
    m = machine_in(Phase.IDLE)
    out = m.handle(sm.StartPressed(10))
    assert m.state.phase is Phase.REQUESTING
    assert sends(out) == [SessionRequest()]
    assert screens(out)[0].screen is Screen.LOBBY


def test_second_tap_on_start_is_ignored():
    m = machine_in(Phase.REQUESTING)
    assert m.handle(sm.StartPressed(1.2)) == []
    assert m.state.phase is Phase.REQUESTING


@pytest.mark.parametrize("phase", [Phase.OFFLINE, Phase.LOBBY, Phase.CONNECTING, Phase.IN_CALL, Phase.ENDED])
def test_start_does_nothing_outside_idle(phase: Phase):
    m = machine_in(phase)
    assert m.handle(sm.StartPressed(9)) == []
    assert m.state.phase is phase


def test_lobby_acknowledgement_enters_lobby_with_session_id():
    m = machine_in(Phase.REQUESTING)
    m.handle(sm.Received(SessionLobby(session_id=SID), 2))
    assert m.state.phase is Phase.LOBBY
    assert m.state.session_id == SID


def test_request_times_out_back_to_attract_with_notice():
    m = machine_in(Phase.REQUESTING)
    assert m.handle(sm.Tick(1 + sm.REQUEST_TIMEOUT_S - 0.1)) == []
    out = m.handle(sm.Tick(1 + sm.REQUEST_TIMEOUT_S))
    assert m.state.phase is Phase.IDLE
    assert screens(out) == [sm.Show(Screen.ATTRACT, sm.Notice.START_FAILED)]


def test_request_refused_by_backend_returns_to_attract():
    m = machine_in(Phase.REQUESTING)
    out = m.handle(sm.Received(Error(code=ErrorCode.BUSY, reason="busy", ref="session.request"), 2))
    assert m.state.phase is Phase.IDLE
    assert screens(out) == [sm.Show(Screen.ATTRACT, sm.Notice.START_FAILED)]


def test_cancel_in_lobby_ends_session_and_returns_to_attract():
    m = machine_in(Phase.LOBBY)
    out = m.handle(sm.CancelPressed(3))
    assert sends(out) == [SessionEnd(session_id=SID)]
    assert m.state.phase is Phase.IDLE
    assert m.state.session_id is None


def test_cancel_before_acknowledgement_returns_to_attract_without_message():
    m = machine_in(Phase.REQUESTING)
    out = m.handle(sm.CancelPressed(1.5))
    assert sends(out) == []
    assert m.state.phase is Phase.IDLE


@pytest.mark.parametrize("phase", [Phase.CONNECTING, Phase.IN_CALL])
def test_citizen_cannot_end_a_call(phase: Phase):
    m = machine_in(phase)
    assert m.handle(sm.CancelPressed(9)) == []
    assert m.state.phase is phase


def test_admit_starts_media_and_shows_call_connecting():
    m = machine_in(Phase.LOBBY)
    out = m.handle(sm.Received(admitted(), 3))
    assert m.state.phase is Phase.CONNECTING
    assert out[:2] == [sm.StartMedia(SID), sm.ConnectPeer(SID, "o1")]
    assert (m.state.peer, m.state.lead_peer, m.state.remotes) == ("booth", "o1", ("o1",))
    assert screens(out) == [sm.Show(Screen.CALL, sm.Notice.CONNECTING, "Veera")]


def test_the_calls_ice_servers_from_the_backend_go_to_the_media():
    turn = IceServer(urls=("turns:t.example:443?transport=tcp",), username="9:s.booth", credential="x")
    m = machine_in(Phase.LOBBY)
    out = m.handle(sm.Received(admitted().model_copy(update={"ice_servers": (turn,)}), 3))
    assert out[0] == sm.StartMedia(SID, (turn,))


def test_admit_for_another_session_is_ignored():
    m = machine_in(Phase.LOBBY)
    out = m.handle(sm.Received(admitted("X", sid="s-other"), 3))
    assert m.state.phase is Phase.LOBBY
    assert all(isinstance(c, sm.Log) for c in out)


def test_offer_is_sent_only_to_a_peer_of_the_same_session():
    m = machine_in(Phase.CONNECTING)
    assert sends(m.handle(sm.OfferReady(SID, "o1", "v=0", 3.5))) == [RtcOffer(session_id=SID, peer="o1", sdp="v=0")]
    assert sends(m.handle(sm.OfferReady("s-old", "o1", "v=0", 3.5))) == []
    assert sends(m.handle(sm.OfferReady(SID, "g9", "v=0", 3.5))) == []


def test_answer_and_ice_are_applied_to_the_peers_connection():
    m = machine_in(Phase.CONNECTING)
    answer = RtcAnswer(session_id=SID, peer="o1", sdp="v=0")
    assert m.handle(sm.Received(answer, 3.6)) == [sm.ApplyAnswer(SID, "o1", "v=0")]
    ice = RtcIce(
        session_id=SID,
        peer="o1",
        candidate="candidate:1 1 udp 1 192.0.2.2 5000 typ host",
        sdp_mid="0",
        sdp_mline_index=0,
    )
    assert m.handle(sm.Received(ice, 3.7)) == [sm.AddIceCandidate(SID, "o1", ice.candidate, "0", 0)]


def test_answer_from_a_peer_the_booth_has_no_connection_to_is_only_logged():
    m = machine_in(Phase.IN_CALL)
    out = m.handle(sm.Received(RtcAnswer(session_id=SID, peer="g7", sdp="v=0"), 5))
    assert all(isinstance(c, sm.Log) for c in out) and "g7" in out[0].text
    assert m.state.phase is Phase.IN_CALL


def test_media_connected_shows_the_call():
    m = machine_in(Phase.CONNECTING)
    out = m.handle(sm.MediaConnected(SID, "o1", 4))
    assert m.state.phase is Phase.IN_CALL
    assert screens(out) == [sm.Show(Screen.CALL, official_name="Veera")]


def test_media_that_never_connects_ends_the_call_and_tells_the_backend():
    m = machine_in(Phase.CONNECTING)
    out = m.handle(sm.Tick(3 + sm.MEDIA_TIMEOUT_S))
    assert m.state.phase is Phase.ENDED
    assert sm.StopMedia() in out
    assert sends(out) == [SessionEnd(session_id=SID)]
    assert screens(out) == [sm.Show(Screen.ENDED, sm.Notice.CONNECTION_FAILED)]


def test_media_failure_in_call_offers_a_new_connection_and_says_so_kindly():
    m = machine_in(Phase.IN_CALL)
    out = m.handle(sm.MediaFailed(SID, "o1", "ICE failed", 10))
    assert m.state.phase is Phase.IN_CALL and sm.StopMedia() not in out
    assert sm.ConnectPeer(SID, "o1") in out  # a new peer connection: aiortc has no ICE restart
    assert screens(out) == [sm.Show(Screen.CALL, sm.Notice.RECONNECTING, "Veera")]
    assert sends(m.handle(sm.OfferReady(SID, "o1", "v=0 new", 10.5))) == [
        RtcOffer(session_id=SID, peer="o1", sdp="v=0 new")
    ]
    out = m.handle(sm.MediaConnected(SID, "o1", 12))
    assert screens(out) == [sm.Show(Screen.CALL, official_name="Veera")] and m.state.media_lost_at is None


def test_media_that_does_not_come_back_ends_the_call():
    m = machine_in(Phase.IN_CALL)
    m.handle(sm.MediaFailed(SID, "o1", "ICE failed", 10))
    assert m.handle(sm.MediaFailed(SID, "o1", "ICE failed", 20)) == [
        sm.Log("media failed: ICE failed; offering peer o1 a new connection"),
        sm.ConnectPeer(SID, "o1"),
    ]  # tried again, said once
    assert m.handle(sm.Tick(10 + sm.MEDIA_RETRY_S - 1)) == []
    out = m.handle(sm.Tick(10 + sm.MEDIA_RETRY_S))
    assert m.state.phase is Phase.ENDED
    assert sends(out) == [SessionEnd(session_id=SID)]


def test_media_failure_while_connecting_ends_it():
    m = machine_in(Phase.CONNECTING)
    out = m.handle(sm.MediaFailed(SID, "o1", "ICE failed", 10))
    assert m.state.phase is Phase.ENDED
    assert sends(out) == [SessionEnd(session_id=SID)]


@pytest.mark.parametrize("phase", [Phase.CONNECTING, Phase.IN_CALL])
def test_a_peer_asking_for_a_new_connection_gets_a_new_offer(phase: Phase):
    m = machine_in(phase)
    out = m.handle(sm.Received(RtcRestart(session_id=SID, peer="o1"), 10))
    assert sm.ConnectPeer(SID, "o1") in out and sm.StopMedia() not in out
    assert m.state.phase is phase
    assert m.handle(sm.Received(RtcRestart(session_id=SID, peer="g9"), 11)) == [
        sm.Log("ignored rtc.restart from peer g9, not connected")
    ]


def test_a_restarted_booth_rejoins_the_call_its_resumed_session_is_in():
    m = machine_in(Phase.IDLE)  # a fresh kiosk: its machine knows nothing of the call
    out = m.handle(sm.Received(admitted(), 3))
    assert m.state.phase is Phase.CONNECTING and m.state.session_id == SID
    assert sm.StartMedia(SID) in out and sm.ConnectPeer(SID, "o1") in out


@pytest.mark.parametrize(
    ("reason", "notice"),
    [
        # Found using the demo: a citizen returned to the lobby on purpose was told the official was disconnected.
        (SessionLeftReason.STEPPED_OUT, sm.Notice.BACK_IN_QUEUE),
        (SessionLeftReason.DISCONNECTED, sm.Notice.OFFICIAL_DISCONNECTED),
    ],
)
def test_official_leaving_returns_citizen_to_lobby_not_to_the_start(reason, notice):
    m = machine_in(Phase.IN_CALL)
    out = m.handle(sm.Received(SessionLeft(session_id=SID, role=Role.OFFICIAL, reason=reason), 10))
    assert m.state.phase is Phase.LOBBY
    assert m.state.session_id == SID
    assert sm.StopMedia() in out
    assert screens(out) == [sm.Show(Screen.LOBBY, notice)]
    # ... and a second official can admit the same session.
    out = m.handle(sm.Received(admitted("Olli", peer="o2"), 11))
    assert m.state.phase is Phase.CONNECTING
    assert m.state.official_name == "Olli"
    assert sm.ConnectPeer(SID, "o2") in out


@pytest.mark.parametrize(
    ("reason", "notice"),
    [(SessionEndReason.HUNG_UP, sm.Notice.CALL_ENDED), (SessionEndReason.MEDIA_FAILED, sm.Notice.CONNECTION_FAILED)],
)
def test_official_hangs_up_thanks_then_attract(reason: SessionEndReason, notice: sm.Notice):
    m = machine_in(Phase.IN_CALL)
    out = m.handle(sm.Received(SessionEnded(session_id=SID, reason=reason), 20))
    assert m.state.phase is Phase.ENDED
    assert sm.StopMedia() in out
    assert screens(out) == [sm.Show(Screen.ENDED, notice)]
    assert m.handle(sm.Tick(20 + sm.ENDED_SCREEN_S - 0.1)) == []
    out = m.handle(sm.Tick(20 + sm.ENDED_SCREEN_S))
    assert m.state.phase is Phase.IDLE
    assert m.state.session_id is None
    assert screens(out) == [sm.Show(Screen.ATTRACT)]


def test_session_ended_while_waiting_shows_thanks_without_media():
    m = machine_in(Phase.LOBBY)
    out = m.handle(sm.Received(SessionEnded(session_id=SID, reason=SessionEndReason.HUNG_UP), 5))
    assert m.state.phase is Phase.ENDED
    assert sm.StopMedia() not in out


SESSION_PHASES = (Phase.LOBBY, Phase.CONNECTING, Phase.IN_CALL)


@pytest.mark.parametrize("phase", [p for p in Phase if p not in SESSION_PHASES])
def test_backend_connection_drop_outside_a_session_goes_offline(phase: Phase):
    m = machine_in(phase)
    out = m.handle(sm.Disconnected(30))
    assert m.state.phase is Phase.OFFLINE
    assert m.state.session_id is None
    assert (sm.StopMedia() in out) == (phase in (Phase.CONNECTING, Phase.IN_CALL))
    assert screens(out) == [sm.Show(Screen.OFFLINE)]
    m.handle(sm.Connected(31))
    assert m.state.phase is Phase.IDLE


@pytest.mark.parametrize("phase", SESSION_PHASES)
def test_a_drop_in_a_session_keeps_it_and_its_media_for_a_resume(phase: Phase):
    m = machine_in(phase)
    before = m.state
    out = m.handle(sm.Disconnected(30))
    assert (m.state.phase, m.state.session_id, m.state.remotes) == (phase, before.session_id, before.remotes)
    assert sm.StopMedia() not in out
    assert sm.Show(Screen.OFFLINE) not in out  # never the offline screen in a session
    # In the lobby a calm line; in a call nothing the citizen sees (the picture goes on).
    expected = [sm.Show(Screen.LOBBY, sm.Notice.RECONNECTING)] if phase is Phase.LOBBY else []
    assert screens(out) == expected
    assert m.handle(sm.Disconnected(32)) == []  # each failed retry is not news
    out = m.handle(sm.Connected(33, resumed=True))
    assert (m.state.phase, m.state.session_id, m.state.link_lost_at) == (phase, before.session_id, None)
    assert sm.StopMedia() not in out
    assert screens(out) == ([sm.Show(Screen.LOBBY)] if phase is Phase.LOBBY else [])


def test_signalling_goes_on_after_a_resumed_drop():
    m = machine_in(Phase.CONNECTING)
    m.handle(sm.Disconnected(30))
    m.handle(sm.Connected(31, resumed=True))
    out = m.handle(sm.Received(RtcAnswer(session_id=SID, peer="o1", sdp="v=0"), 32))
    assert sm.ApplyAnswer(SID, "o1", "v=0") in out


@pytest.mark.parametrize("phase", SESSION_PHASES)
def test_a_session_the_backend_did_not_keep_ends_and_start_comes_back(phase: Phase):
    m = machine_in(phase)
    m.handle(sm.Disconnected(30))
    out = m.handle(sm.Connected(90, resumed=False))
    assert m.state.session_id is None
    if phase is Phase.LOBBY:  # a wait, not a meeting: straight back to Start
        assert m.state.phase is Phase.IDLE and sm.StopMedia() not in out
        assert screens(out) == [sm.Show(Screen.ATTRACT)]
        return
    assert m.state.phase is Phase.ENDED and sm.StopMedia() in out
    assert screens(out) == [sm.Show(Screen.ENDED, sm.Notice.CALL_ENDED)]
    assert screens(m.handle(sm.Tick(90 + sm.ENDED_SCREEN_S))) == [sm.Show(Screen.ATTRACT)]


def test_a_booth_that_cannot_reach_the_backend_for_long_gives_the_session_up():
    m = machine_in(Phase.IN_CALL)
    m.handle(sm.Disconnected(30))
    assert m.handle(sm.Tick(30 + sm.RESUME_GIVE_UP_S - 1)) == []
    out = m.handle(sm.Tick(30 + sm.RESUME_GIVE_UP_S))
    assert m.state.phase is Phase.OFFLINE and sm.StopMedia() in out
    assert screens(out) == [sm.Show(Screen.OFFLINE)]
    m.handle(sm.Connected(400))
    assert m.state.phase is Phase.IDLE


def test_backend_forgetting_our_session_recovers_to_attract():
    m = machine_in(Phase.IN_CALL)
    out = m.handle(sm.Received(Error(code=ErrorCode.NO_SUCH_SESSION, reason="gone", ref="rtc.ice"), 10))
    assert m.state.phase is Phase.IDLE
    assert sm.StopMedia() in out


@pytest.mark.parametrize("phase", list(Phase))
def test_unexpected_message_changes_nothing(phase: Phase):
    m = machine_in(phase)
    before = m.state
    out = m.handle(sm.Received(Presence(booths=(), lobby=()), 50))
    assert m.state == before
    assert all(isinstance(c, sm.Log) for c in out)


def test_unknown_event_is_logged_not_raised():
    m = machine_in(Phase.IDLE)
    out = m.handle(object())  # type: ignore[arg-type]
    assert m.state.phase is Phase.IDLE
    assert len(out) == 1 and isinstance(out[0], sm.Log)


def test_other_backend_errors_are_logged_only():
    m = machine_in(Phase.LOBBY)
    out = m.handle(sm.Received(Error(code=ErrorCode.MALFORMED, reason="x", ref="device.status"), 3))
    assert m.state.phase is Phase.LOBBY
    assert all(isinstance(c, sm.Log) for c in out)


def test_device_health_is_reported_now_or_on_next_connect():
    devices = (DeviceStatus(role="face_camera", state=DeviceState.MISSING, reason="unplugged"),)
    offline = sm.BoothSession()
    assert offline.handle(sm.DevicesChanged(devices, 0)) == []
    assert sends(offline.handle(sm.Connected(1)))[0].devices == devices
    online = machine_in(Phase.IN_CALL)
    assert sends(online.handle(sm.DevicesChanged(devices, 9)))[0].devices == devices
    assert online.state.phase is Phase.IN_CALL


# --- call button and camera choice ----------------------------------------------------


@pytest.mark.parametrize("phase", [Phase.IDLE, Phase.LOBBY, Phase.IN_CALL, Phase.ENDED])
def test_call_button_works_in_any_phase_and_lights_at_once(phase: Phase):
    m = machine_in(phase)
    out = m.handle(sm.AssistPressed(long_press=False, now=40))
    assert sm.ShowAssist(AssistState.REQUESTED, confirmed=False) in out  # "calling…" until the backend says so
    assert sends(out) == [AssistRequest(long_press=False)]
    assert m.state.phase is phase


def test_call_button_press_is_kept_until_the_backend_confirms_it():
    m = machine_in(Phase.IN_CALL)
    m.handle(sm.AssistPressed(long_press=True, now=40))
    m.handle(sm.Disconnected(41))  # the send may have been lost with the connection
    assert sends(m.handle(sm.Connected(42))) == [AssistRequest(long_press=True)]
    out = m.handle(sm.Received(AssistStatus(state=AssistState.REQUESTED), 43))
    assert out == [sm.ShowAssist(AssistState.REQUESTED)]
    m.handle(sm.Disconnected(44))
    assert AssistRequest(long_press=True) not in sends(m.handle(sm.Connected(45)))


def test_call_button_pressed_offline_is_sent_on_reconnect():
    m = sm.BoothSession()
    out = m.handle(sm.AssistPressed(long_press=False, now=1))
    assert sends(out) == [] and sm.ShowAssist(AssistState.REQUESTED, confirmed=False) in out
    assert sends(m.handle(sm.Connected(2))) == [AssistRequest(long_press=False)]


@pytest.mark.parametrize("state", list(AssistState))
def test_light_follows_the_backend(state: AssistState):
    m = machine_in(Phase.LOBBY)
    assert m.handle(sm.Received(AssistStatus(state=state), 9)) == [sm.ShowAssist(state)]


def test_official_switches_to_the_document_camera_only_in_a_call():
    m = machine_in(Phase.IN_CALL)
    select = CameraSelect(session_id=SID, source=CameraSource.DOCUMENT)
    assert m.handle(sm.Received(select, 9)) == [sm.SelectCamera(CameraSource.DOCUMENT)]
    lobby = machine_in(Phase.LOBBY)
    assert all(isinstance(c, sm.Log) for c in lobby.handle(sm.Received(select, 9)))


def test_a_lobby_started_by_the_backend_after_check_in_is_joined():
    m = machine_in(Phase.IDLE)
    out = m.handle(sm.Received(SessionLobby(session_id="s-booked"), 5))
    assert m.state.phase is Phase.LOBBY and m.state.session_id == "s-booked"
    assert screens(out) == [sm.Show(Screen.LOBBY)]


@pytest.mark.parametrize("phase", [Phase.LOBBY, Phase.CONNECTING, Phase.IN_CALL, Phase.ENDED])
def test_a_stray_lobby_message_does_not_break_a_session(phase: Phase):
    m = machine_in(phase)
    before = m.state
    m.handle(sm.Received(SessionLobby(session_id="s-other"), 9))
    assert m.state == before


# --- more than two participants -------------------------------------------------


def in_call_with_a_guest() -> sm.BoothSession:
    m = machine_in(Phase.IN_CALL)
    guest = Participant(peer="g2", role=ParticipantRole.GUEST, name="Tulkki")
    out = m.handle(sm.Received(ParticipantJoined(session_id=SID, participant=guest), 6))
    assert sm.ConnectPeer(SID, "g2") in out
    assert m.state.remotes == ("o1", "g2")
    return m


def test_a_joining_guest_is_one_more_connection_with_its_own_offer_answer_and_ice():
    m = in_call_with_a_guest()
    assert sends(m.handle(sm.OfferReady(SID, "g2", "v=0 g", 6.1))) == [RtcOffer(session_id=SID, peer="g2", sdp="v=0 g")]
    answer = RtcAnswer(session_id=SID, peer="g2", sdp="v=0 a")
    assert m.handle(sm.Received(answer, 6.2)) == [sm.ApplyAnswer(SID, "g2", "v=0 a")]
    assert m.handle(sm.MediaConnected(SID, "g2", 6.3)) == [sm.Log("peer g2 connected")]  # already in the call
    assert m.state.phase is Phase.IN_CALL


def test_a_guest_who_leaves_or_is_removed_loses_only_their_connection():
    m = in_call_with_a_guest()
    out = m.handle(sm.Received(ParticipantLeft(session_id=SID, peer="g2", reason=ParticipantLeftReason.REMOVED), 7))
    assert sm.DisconnectPeer("g2") in out and sm.StopMedia() not in out
    assert (m.state.phase, m.state.remotes) == (Phase.IN_CALL, ("o1",))
    assert sends(m.handle(sm.OfferReady(SID, "g2", "v=0", 7.1))) == []  # a late offer goes nowhere


def test_a_guests_failed_connection_is_closed_and_the_call_goes_on():
    m = in_call_with_a_guest()
    out = m.handle(sm.MediaFailed(SID, "g2", "ICE failed", 8))
    assert sm.DisconnectPeer("g2") in out and not sends(out)
    assert (m.state.phase, m.state.remotes) == (Phase.IN_CALL, ("o1",))
    out = m.handle(sm.MediaFailed(SID, "o1", "ICE failed", 9))  # the official's fails: a new connection
    assert sm.ConnectPeer(SID, "o1") in out and m.state.remotes == ("o1",)


def test_a_joiner_arriving_while_connecting_waits_for_the_official_to_connect():
    m = machine_in(Phase.CONNECTING)
    guest = Participant(peer="g2", role=ParticipantRole.GUEST, name="Tulkki")
    m.handle(sm.Received(ParticipantJoined(session_id=SID, participant=guest), 3.2))
    m.handle(sm.MediaConnected(SID, "g2", 3.3))
    assert m.state.phase is Phase.CONNECTING  # the call is the official's
    m.handle(sm.MediaConnected(SID, "o1", 3.4))
    assert (m.state.phase, m.state.remotes) == (Phase.IN_CALL, ("o1", "g2"))


def test_the_call_screen_is_told_who_is_in_the_call_official_first_then_the_guest_with_their_duty():
    m = machine_in(Phase.IN_CALL)
    official = m.state.people[0]
    assert (official.peer, official.role) == ("o1", ParticipantRole.OFFICIAL)
    guest = Participant(peer="g2", role=ParticipantRole.GUEST, name="Viivi", duty="sign_interpreter")
    out = m.handle(sm.Received(ParticipantJoined(session_id=SID, participant=guest), 6))
    assert sm.ShowPeople((official, guest)) in out
    out = m.handle(sm.Received(ParticipantLeft(session_id=SID, peer="g2", reason=ParticipantLeftReason.REMOVED), 7))
    assert sm.ShowPeople((official,)) in out


def test_a_guests_failed_connection_takes_their_picture_off_the_screen():
    m = in_call_with_a_guest()
    out = m.handle(sm.MediaFailed(SID, "g2", "ICE failed", 8))
    assert [c for c in out if isinstance(c, sm.ShowPeople)] == [sm.ShowPeople(m.state.people[:1])]


def test_the_officials_shared_window_is_shown_and_taken_down_in_the_call_only():
    m = machine_in(Phase.IN_CALL)
    assert m.handle(sm.Received(ShareState(session_id=SID, sharing=True), 6)) == [sm.ShowShare(True)]
    assert m.handle(sm.Received(ShareState(session_id=SID, sharing=False), 7)) == [sm.ShowShare(False)]
    out = m.handle(sm.Received(ShareState(session_id="other", sharing=True), 8))
    assert not [c for c in out if isinstance(c, sm.ShowShare)]
    waiting = machine_in(Phase.LOBBY)
    out = waiting.handle(sm.Received(ShareState(session_id=SID, sharing=True), 9))
    assert not [c for c in out if isinstance(c, sm.ShowShare)]


def test_the_officials_page_coming_back_takes_a_shared_window_down():
    m = machine_in(Phase.IN_CALL)
    m.handle(sm.Received(ShareState(session_id=SID, sharing=True), 6))
    out = m.handle(sm.Received(RtcRestart(session_id=SID, peer="o1"), 7))  # the reloaded page asks again
    assert sm.ShowShare(False) in out and sm.ConnectPeer(SID, "o1") in out
    guest = in_call_with_a_guest()
    guest.handle(sm.Received(RtcRestart(session_id=SID, peer="g2"), 7))
    assert sm.ShowShare(False) not in guest.handle(sm.Received(RtcRestart(session_id=SID, peer="g2"), 8))


def test_the_official_mutes_the_booth_and_the_citizen_may_unmute():
    m = machine_in(Phase.IN_CALL)
    out = m.handle(sm.Received(ParticipantMuted(session_id=SID), 6))
    assert sm.SetMuted(True, by_official=True) in out
    assert sm.SetMuted(False) in m.handle(sm.UnmutePressed(7))

    def mutes(out: list[sm.Command]) -> list[sm.Command]:
        return [c for c in out if isinstance(c, sm.SetMuted)]

    assert not mutes(m.handle(sm.Received(ParticipantMuted(session_id="other"), 8)))
    waiting = machine_in(Phase.LOBBY)
    assert not mutes(waiting.handle(sm.Received(ParticipantMuted(session_id=SID), 9)))
    assert not mutes(waiting.handle(sm.UnmutePressed(10)))


def test_every_event_has_a_handler_in_the_dispatch_table():
    assert set(sm._HANDLERS) == set(get_args(sm.Event))


def test_an_unknown_event_is_reported_not_silently_dropped():
    class Teleported:  # e.g. an event renamed in the shell but not in the machine
        now = 1.0

    m = machine_in(Phase.IDLE)
    out = m.handle(Teleported())  # type: ignore[arg-type]
    assert out == [sm.Log("unknown event Teleported: no handler; ignored")]
    assert m.state.phase is Phase.IDLE


def test_the_officials_volume_is_carried_out_in_a_call_only():
    from protocol.messages import BoothVolume

    m = machine_in(Phase.IN_CALL)
    assert m.handle(sm.Received(BoothVolume(session_id=SID, volume=85), 9)) == [sm.SetVolume(85)]
    assert all(isinstance(c, sm.Log) for c in m.handle(sm.Received(BoothVolume(session_id="other", volume=5), 9)))
    lobby = machine_in(Phase.LOBBY)
    assert all(isinstance(c, sm.Log) for c in lobby.handle(sm.Received(BoothVolume(session_id=SID, volume=5), 9)))
