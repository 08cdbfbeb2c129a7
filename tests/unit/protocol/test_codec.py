"""The wire contract: what decodes, what is refused and how the refusal reads."""

from __future__ import annotations

import json

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from protocol.codec import KNOWN_TYPES, MAX_FRAME_BYTES, MAX_NESTING, ProtocolError, decode, encode, error_for
from protocol.messages import (
    AdvisorAlert,
    AlertAcknowledge,
    AlertCleared,
    AlertKind,
    AssistAcknowledge,
    AssistClear,
    AssistRequest,
    AssistState,
    AssistStatus,
    AssistUnanswered,
    BookingArrived,
    BoothAudio,
    BoothCatalogue,
    BoothLogs,
    BoothMaintenance,
    BoothPresence,
    BoothSoftware,
    BoothVolume,
    CallEvent,
    CallStats,
    CameraSelect,
    CameraSource,
    CheckinRequest,
    CheckinResult,
    DeviceReport,
    DeviceState,
    DeviceStatus,
    Error,
    ErrorCode,
    FeedbackCitizen,
    FeedbackOfficial,
    FeedbackRequest,
    FeedbackStatus,
    GuestAdmit,
    GuestRefuse,
    GuestStatus,
    GuestWaiting,
    Hello,
    IdentChallenge,
    IdentProgress,
    IdentRequest,
    IdentResponse,
    IdentState,
    IdentStatus,
    LobbyEntry,
    MicrophoneState,
    Participant,
    ParticipantJoined,
    ParticipantLeft,
    ParticipantLeftReason,
    ParticipantMute,
    ParticipantMuted,
    ParticipantRemove,
    ParticipantRole,
    Presence,
    PrintJob,
    PrintStatus,
    QueueStatus,
    Role,
    RtcAnswer,
    RtcIce,
    RtcOffer,
    RtcRestart,
    ScreenshotOutcome,
    ScreenshotRequest,
    ScreenshotResult,
    ServiceChoice,
    SessionAdmit,
    SessionAdmitted,
    SessionEnd,
    SessionEnded,
    SessionEndReason,
    SessionLeave,
    SessionLeft,
    SessionLobby,
    SessionOffer,
    SessionRequest,
    ShareState,
    StillCapture,
    StillFailed,
    StillReady,
    StillRequest,
    SummarySend,
    Welcome,
)
from protocol.schema import json_schema

EXAMPLES = [
    Hello(role=Role.BOOTH, token="t", booth_id="imatra-1", client="kiosk"),
    Welcome(role=Role.OFFICIAL, name="Veera", server_time=1.5),
    Error(code=ErrorCode.BUSY, reason="busy", ref="session.request", fatal=False),
    Presence(
        booths=(
            BoothPresence(
                booth_id="b1",
                name="B",
                point="P",
                online=True,
                devices=(DeviceStatus(role="face_camera", state=DeviceState.OK),),
            ),
        ),
        lobby=(LobbyEntry(session_id="s1", booth_id="b1", booth_name="B", point="P", waiting_since=3.0),),
    ),
    SessionRequest(),
    SessionRequest(service_id="vero-henkilo", language="sv"),
    SessionOffer(
        session_id="s1", booth_name="B", point="P", service_name="Henkilöverotus", language="fi", waiting_since=2.0
    ),
    QueueStatus(session_id="s1", position=2, wait_min=None),
    BoothCatalogue(
        services=(
            ServiceChoice(
                service_id="vero-henkilo",
                name_fi="Henkilöverotus",
                name_sv="Personbeskattning",
                name_en="Personal taxation",
                languages=("fi", "sv"),
            ),
        )
    ),
    AdvisorAlert(
        alert_id="a1",
        kind=AlertKind.OFFICIAL_NO_SHOW,
        point="P",
        booth_name="B",
        at=4.0,
        message_fi="Virkailija ei ole liittynyt",
        message_sv="Handläggaren har inte anslutit",
        message_en="The official has not joined",
        booking_code="K7M2QX",
    ),
    AlertAcknowledge(alert_id="a1"),
    AlertCleared(alert_id="a1"),
    AssistUnanswered(booth_id="b1", booth_name="Imatra 1", since=5.0),
    SessionLobby(session_id="s1"),
    SessionAdmit(session_id="s1"),
    SessionAdmitted(
        session_id="s1",
        official_name="Veera",
        booth_name="B",
        peer="booth",
        participants=(
            Participant(peer="booth", role=ParticipantRole.BOOTH, name="B"),
            Participant(peer="o1", role=ParticipantRole.OFFICIAL, name="Veera"),
        ),
    ),
    ParticipantJoined(session_id="s1", participant=Participant(peer="g2", role=ParticipantRole.GUEST, name="Tulkki")),
    ParticipantRemove(session_id="s1", peer="g2"),
    ParticipantLeft(session_id="s1", peer="g2", reason=ParticipantLeftReason.REMOVED),
    SessionLeave(session_id="s1"),
    SessionLeft(session_id="s1", role=Role.OFFICIAL),
    SessionEnd(session_id="s1"),
    SessionEnded(session_id="s1", reason=SessionEndReason.HUNG_UP),
    RtcOffer(session_id="s1", peer="o1", sdp="v=0\r\n"),
    RtcAnswer(session_id="s1", peer="booth", sdp="v=0\r\n"),
    RtcRestart(session_id="s1", peer="booth"),
    RtcIce(
        session_id="s1",
        peer="booth",
        candidate="candidate:1 1 udp 2 192.0.2.2 5000 typ host",
        sdp_mid="0",
        sdp_mline_index=0,
    ),
    DeviceReport(devices=(DeviceStatus(role="microphone", state=DeviceState.MISSING, reason="unplugged"),)),
    BoothSoftware(version="0.1+20261130", slot="A", update_state="good", started_at=1_790_000_000.0),
    BoothMaintenance(action="restart_kiosk"),
    BoothLogs(text="2026-11-30 09:00:00 INFO etapiste.kiosk: connected"),
    ScreenshotRequest(request_id="shot-1"),
    ScreenshotResult(request_id="shot-1", outcome=ScreenshotOutcome.SENT, png="iVBORw0KGgo="),
    AssistRequest(long_press=True),
    AssistAcknowledge(booth_id="b1"),
    AssistClear(booth_id="b1"),
    AssistStatus(state=AssistState.ACKNOWLEDGED),
    CameraSelect(session_id="s1", source=CameraSource.DOCUMENT),
    BoothVolume(session_id="s1", volume=80),
    ShareState(session_id="s1", sharing=True),
    ParticipantMute(session_id="s1", peer="g2"),
    ParticipantMuted(session_id="s1"),
    BoothAudio(session_id="s1", mic_level_dbfs=-31.5, mic_state=MicrophoneState.OK, volume=80),
    CheckinRequest(code="ETP1:K7M2QX"),
    CheckinResult(
        ok=False,
        result="too_early",
        message_fi="Tervetuloa klo 10.00",
        message_sv="Välkommen kl. 10.00",
        message_en="Welcome at 10.00",
        language="fi",
    ),
    BookingArrived(
        session_id="s1", booking_code="K7M2QX", service_name="Henkilöverotus", starts_at=1.0, booth_name="B", point="P"
    ),
    IdentRequest(session_id="s1"),
    IdentChallenge(session_id="s1", challenge="AAECAw=="),
    IdentProgress(session_id="s1", state=IdentState.FAILED, code="wrong_pin", tries_left=2),
    IdentResponse(
        session_id="s1", challenge="AAECAw==", certificate="MIIB", signature="AAAA", mechanism="ecdsa-sha256"
    ),
    IdentStatus(session_id="s1", state=IdentState.IDENTIFIED, name="TESTINEN TEPPO"),
    StillRequest(session_id="s1"),
    StillCapture(session_id="s1", still_id="st-1", upload_token="abcdefghijklmnop_-12"),
    StillReady(session_id="s1", still_id="st-1", width=2480, height=1754, size=812_345, mime="image/jpeg"),
    StillFailed(session_id="s1", still_id="st-1", code="no_document_camera"),
    SummarySend(session_id="s1", text="Verokortti tulee postissa. Tarkista se OmaVerossa.", print=True),
    PrintStatus(session_id="s1", job="summary", state="printed", printer_before="ok", printer_after="paper near end"),
    FeedbackRequest(session_id="s1"),
    PrintJob(session_id="s1", job_id="pj-1", token="abcdefghijklmnop_-12"),
    FeedbackCitizen(session_id="s1", service=5, ease=4, overall=None, skipped=True),
    FeedbackOfficial(session_id="s1", technical=4, handled=5),
    FeedbackStatus(session_id="s1", state="answered"),
    CallStats(
        session_id="s1",
        peer="o1",
        rtt_ms=31.5,
        loss_pct=0.4,
        jitter_ms=4,
        fps=29.5,
        kbps_in=800,
        kbps_out=750,
        width=640,
        height=480,
        concealed_pct=0.1,
        pair="relay_tls",
    ),
    CallEvent(session_id="s1", kind="device_fault", detail="face_camera"),
    GuestWaiting(session_id="s1", guest_id="g1", name="Aino Tulkki", guest_role="spoken_interpreter", language="ar"),
    GuestAdmit(session_id="s1", guest_id="g1"),
    GuestRefuse(session_id="s1", guest_id="g1"),
    GuestStatus(state="waiting"),
]


def test_every_message_type_has_an_example():
    assert {m.type for m in EXAMPLES} == KNOWN_TYPES


@pytest.mark.parametrize("message", EXAMPLES, ids=lambda m: m.type)
def test_round_trip(message):
    assert decode(encode(message)) == message


@pytest.mark.parametrize("message", EXAMPLES, ids=lambda m: m.type)
def test_exported_schema_accepts_what_we_send(message):
    jsonschema.validate(json.loads(encode(message)), json_schema())


def test_exported_schema_rejects_an_unknown_field():
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"v": 1, "type": "session.admit", "session_id": "s1", "extra": 1}, json_schema())


def refusal(frame: str | bytes) -> ProtocolError:
    with pytest.raises(ProtocolError) as err:
        decode(frame)
    return err.value


def test_not_json():
    err = refusal("{oops")
    assert err.code is ErrorCode.MALFORMED and "not valid JSON" in err.reason


def test_not_an_object():
    assert refusal("[1, 2]").code is ErrorCode.MALFORMED


def test_missing_type():
    assert "type" in refusal('{"session_id": "s1"}').reason


def test_unknown_type_lists_the_known_ones():
    err = refusal('{"type": "session.teleport"}')
    assert err.code is ErrorCode.UNKNOWN_TYPE and err.ref == "session.teleport"
    assert "session.admit" in err.reason


def test_other_version_is_refused_with_ours_named():
    err = refusal('{"v": 2, "type": "session.request"}')
    assert err.code is ErrorCode.UNSUPPORTED_VERSION and "1" in err.reason


def test_missing_field_is_named():
    err = refusal('{"type": "rtc.answer", "session_id": "s1"}')
    assert (err.code, err.ref) == (ErrorCode.MALFORMED, "rtc.answer")
    assert err.reason.startswith("peer:") and "; sdp:" in err.reason


@pytest.mark.parametrize("peer", ["", "Booth", "official-1", "o" * 17, "1o"])
def test_a_peer_id_is_short_lowercase_and_cannot_carry_an_account_id(peer: str):
    frame = json.dumps({"type": "rtc.ice", "session_id": "s1", "peer": peer, "candidate": ""})
    assert refusal(frame).reason.startswith("peer:")


def test_admitted_names_at_least_two_participants():
    frame = {"type": "session.admitted", "session_id": "s1", "official_name": "V", "booth_name": "B", "peer": "booth"}
    alone = [{"peer": "booth", "role": "booth", "name": "B"}]
    assert "participants" in refusal(json.dumps({**frame, "participants": alone})).reason


def test_bad_enum_and_extra_field_are_named():
    assert "role" in refusal('{"type": "hello", "role": "admin", "token": "x"}').reason
    assert "extra" in refusal('{"type": "session.request", "extra": 1}').reason


def test_session_id_pattern_is_enforced():
    assert "session_id" in refusal('{"type": "session.admit", "session_id": "../../etc"}').reason


def test_oversized_frame_is_refused_before_parsing():
    err = refusal("x" * (MAX_FRAME_BYTES + 1))
    assert err.code is ErrorCode.MALFORMED and str(MAX_FRAME_BYTES) in err.reason


@pytest.mark.parametrize(
    "frame",
    ["[" * 100_000, '{"a":' * 2000 + "1" + "}" * 2000, '{"type": "hello", "token": ' + "[" * 40 + "]" * 40 + "}"],
)
def test_deep_nesting_is_refused_naming_the_limit(frame: str):
    """A parser that recursed 100 000 levels used to raise RecursionError out of decode."""
    err = refusal(frame)
    assert err.code is ErrorCode.MALFORMED and f"deeper than {MAX_NESTING}" in err.reason


def test_nesting_up_to_the_limit_is_left_to_the_schema():
    nested = "[" * (MAX_NESTING - 1) + "]" * (MAX_NESTING - 1)
    err = refusal('{"type": "hello", "role": "booth", "token": ' + nested + "}")
    assert "deeper" not in err.reason and err.reason.startswith("token:")


def test_a_binary_frame_is_refused_with_a_code():
    err = refusal(b'{"type": "session.request"}')
    assert err.code is ErrorCode.MALFORMED and "binary" in err.reason


def test_the_published_schema_requires_type_as_the_server_does():
    schema = json_schema()
    for name, definition in schema["$defs"].items():
        if "const" in definition.get("properties", {}).get("type", {}):
            assert "type" in definition["required"], name
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"session_id": "s1"}, schema)
    assert "type" in refusal('{"session_id": "s1"}').reason


def test_error_for_carries_code_reason_and_ref():
    msg = error_for(ProtocolError(ErrorCode.UNKNOWN_TYPE, "no such thing", "x.y"), fatal=True)
    assert (msg.code, msg.reason, msg.ref, msg.fatal) == (ErrorCode.UNKNOWN_TYPE, "no such thing", "x.y", True)


@given(st.text(max_size=300))
def test_any_text_decodes_or_is_refused_cleanly(text: str):
    try:
        decode(text)
    except ProtocolError as err:
        assert err.reason


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=10,
)


@given(st.sampled_from(sorted(KNOWN_TYPES)), st.dictionaries(st.text(max_size=12), json_values, max_size=5))
def test_any_object_with_a_known_type_decodes_or_is_refused_cleanly(kind: str, fields: dict):
    try:
        message = decode(json.dumps({**fields, "type": kind}))
    except ProtocolError as err:
        assert err.code in (ErrorCode.MALFORMED, ErrorCode.UNSUPPORTED_VERSION)
    else:
        assert message.type == kind
        assert decode(encode(message)) == message


@given(
    st.text(alphabet=st.characters(codec="ascii", categories=["L", "N"]), min_size=1, max_size=64),
    st.text(max_size=1000),
)
def test_ice_round_trips_for_any_candidate_text(session_id: str, candidate: str):
    msg = RtcIce(session_id=session_id, peer="o1", candidate=candidate)
    assert decode(encode(msg)) == msg
