"""Every message that crosses a websocket between booth, backend and browsers.

This module is the one wire contract. The booth (kiosk), the backend and the
browser apps all speak exactly these messages; the browser apps validate
against the JSON Schema exported from here (``protocol.schema``).

Each message is a JSON object with a ``type`` discriminator and the protocol
version ``v``. Field limits are deliberate: they bound what a misbehaving peer
can make us store or relay.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

#: Bumped on any incompatible change. A peer announcing another version is
#: refused at ``hello`` with ``ErrorCode.UNSUPPORTED_VERSION``.
PROTOCOL_VERSION = 1

Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
Name = Annotated[str, Field(min_length=1, max_length=120)]
#: A service's description (not sent to booths today; the HTTP API and the store keep this bound).
Description = Annotated[str, Field(max_length=1000)]
#: A language the booth's screens speak, a meeting language or a screen-only one (``texts.SCREEN_ONLY_LANGUAGES``,
#: e.g. "ru"): an ISO 639-1 code. The backend checks it against that one list; the wire only checks the shape.
ScreenLanguage = Annotated[str, Field(min_length=2, max_length=3, pattern=r"^[a-z]{2,3}$")]
Sdp = Annotated[str, Field(min_length=1, max_length=64_000)]
Reason = Annotated[str, Field(max_length=500)]
#: A resume token: URL-safe base64 of 32 random bytes (``secrets.token_urlsafe``).
ResumeToken = Annotated[str, Field(min_length=20, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
#: A participant's handle within one call, given by the backend ("booth", "o1", "g2"):
#: opaque, unique within the session, never an account id.
PeerId = Annotated[str, Field(min_length=1, max_length=16, pattern=r"^[a-z][a-z0-9]*$")]


class Language(StrEnum):
    """The languages a booth, a message and a text speak: Finnish, Swedish, English (the order shown)."""

    FI = "fi"
    SV = "sv"
    EN = "en"


class Role(StrEnum):
    """Who is on the other end of a connection."""

    BOOTH = "booth"
    OFFICIAL = "official"
    GUEST = "guest"  # an invited third party (interpreter, support person), by one-time link and code


class ParticipantRole(StrEnum):
    """What a participant is in a call (not how they connected: a guest may sign in as an official)."""

    BOOTH = "booth"  # the citizen at the booth
    OFFICIAL = "official"  # an official serving the citizen
    GUEST = "guest"  # someone invited into the call (e.g. an interpreter)


class ParticipantLeftReason(StrEnum):
    LEFT = "left"  # they stepped out or their connection closed
    REMOVED = "removed"  # the official in charge removed them


class SessionLeftReason(StrEnum):
    """Why the official in charge left a call and the citizen waits again; the booth words it."""

    STEPPED_OUT = "stepped_out"  # the official returned the citizen to the lobby on purpose
    DISCONNECTED = "disconnected"  # the official's connection closed


class ErrorCode(StrEnum):
    """Machine-readable error codes; the ``reason`` text is for humans."""

    MALFORMED = "malformed"  # not JSON, not an object, or fields wrong
    UNKNOWN_TYPE = "unknown_type"  # a type this protocol does not define
    UNSUPPORTED_VERSION = "unsupported_version"
    NOT_AUTHENTICATED = "not_authenticated"  # anything before a good hello
    AUTH_FAILED = "auth_failed"  # bad credential (fatal)
    NOT_ALLOWED = "not_allowed"  # this role may not send this message
    NO_SUCH_SESSION = "no_such_session"  # unknown, or not yours
    WRONG_STATE = "wrong_state"  # e.g. admitting a session already in call
    BUSY = "busy"  # e.g. a booth requesting a second session
    RATE_LIMITED = "rate_limited"  # too many messages or attempts: wait (the reason says how long)
    OVERLOADED = "overloaded"  # too many connections (from this address or in all): try again later
    INTERNAL = "internal"


class SessionEndReason(StrEnum):
    """Why a session ended; shown to the citizen and kept in call statistics."""

    HUNG_UP = "hung_up"  # the official ended the call
    BOOTH_OFFLINE = "booth_offline"  # the booth lost its connection
    CANCELLED = "cancelled"  # the booth withdrew before being admitted
    MEDIA_FAILED = "media_failed"  # the WebRTC connection could not be set up


class AssistState(StrEnum):
    """The call button's alert, as the booth's light shows it."""

    NONE = "none"  # light off
    REQUESTED = "requested"  # light on: the citizen asked for the advisor
    ACKNOWLEDGED = "acknowledged"  # light blinking: someone is coming


class CameraSource(StrEnum):
    FACE = "face"
    DOCUMENT = "document"


class BoothUse(StrEnum):
    """Whether someone is using a booth (never who): for the advisor's view of their booths."""

    FREE = "free"
    CITIZEN_INSIDE = "citizen_inside"  # waiting in the lobby: checked in or asked for a matter
    IN_CALL = "in_call"


class DeviceState(StrEnum):
    OK = "ok"
    DEGRADED = "degraded"
    MISSING = "missing"


class MicrophoneState(StrEnum):
    """How the booth's microphone sounds now, for the official's call view."""

    OK = "ok"
    QUIET = "quiet"  # the citizen is far from it: the booth asks them to come closer
    SILENT = "silent"  # nothing at all comes from it
    CLIPPING = "clipping"  # too loud: distorted
    MISSING = "missing"  # unplugged, or the sound server is down


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    v: Literal[1] = PROTOCOL_VERSION


# --- connection ---------------------------------------------------------------


class Hello(_Message):
    """First message from any client: who it is and its credential.

    A booth sends its booth id and per-booth secret as ``token``; an official
    sends the session token obtained from ``POST /api/login``.
    """

    type: Literal["hello"] = "hello"
    role: Role
    token: Annotated[str, Field(min_length=1, max_length=512)]
    booth_id: Id | None = None
    client: Annotated[str, Field(max_length=120)] = ""
    #: The ``resume_token`` of this party's last ``welcome``: within the grace period the
    #: backend keeps its session (lobby place, offer, call) and ``welcome.resumed`` is true.
    resume: ResumeToken | None = None


class Welcome(_Message):
    """The backend accepted ``hello``."""

    type: Literal["welcome"] = "welcome"
    role: Role
    name: Name
    server_time: float
    #: Send it as ``hello.resume`` after a dropped socket; valid once, for this party only,
    #: until the grace period after the drop ends (docs/RESILIENCE.md).
    resume_token: ResumeToken | None = None
    #: The ``hello.resume`` token was valid: the session, lobby place and call were kept.
    resumed: bool = False


class Error(_Message):
    """Something the peer sent was refused. ``fatal`` means the socket closes."""

    type: Literal["error"] = "error"
    code: ErrorCode
    reason: Reason
    ref: Annotated[str, Field(max_length=64)] | None = None  # offending type
    fatal: bool = False


# --- presence (backend -> officials) ------------------------------------------


class DeviceStatus(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    role: Annotated[str, Field(min_length=1, max_length=40)]  # e.g. face_camera
    state: DeviceState
    reason: Reason = ""


class BoothPresence(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    booth_id: Id
    name: Name
    point: Name
    online: bool
    devices: tuple[DeviceStatus, ...] = ()
    assist: AssistState = AssistState.NONE
    assist_since: float | None = None  # unix time of the press, while not cleared
    use: BoothUse = BoothUse.FREE


class LobbyEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    session_id: Id
    booth_id: Id
    booth_name: Name
    point: Name
    waiting_since: float  # unix time the citizen pressed Start (or checked in)
    booking_code: Annotated[str, Field(max_length=16)] | None = None  # checked in for a booking
    booked_for: Id | None = None  # the official the booking is with
    service_name: Annotated[str, Field(max_length=120)] | None = None  # what a walk-in chose (Finnish name)
    #: The matter's name in each language, so the official's page shows it in the official's own.
    service_names: dict[Language, Name] | None = None
    language: Language | None = None  # the language the citizen chose or booked in
    offered_to: Id | None = None  # the official the backend offered this citizen to
    #: The language the citizen reads the booth's screens in, when it is not the meeting's (e.g. "ru").
    screen_language: ScreenLanguage | None = None


class Presence(_Message):
    """Snapshot pushed to officials whenever booths or the lobby change.

    A full snapshot (not a diff) so that a browser that missed a message is
    correct again at the next one, and a fresh page never needs a reload.
    """

    type: Literal["presence"] = "presence"
    booths: tuple[BoothPresence, ...]
    lobby: tuple[LobbyEntry, ...]


# --- session lifecycle ----------------------------------------------------------


class SessionRequest(_Message):
    """Booth: the citizen pressed Start, and chose what their matter is about.

    With ``service_id`` and ``language`` the citizen is a walk-in for that
    service and is offered to the next free official who serves it in that
    language; without them any official may admit them (a booth whose point
    has no services in the catalogue).
    """

    type: Literal["session.request"] = "session.request"
    service_id: Id | None = None
    language: Language | None = None
    #: The language the citizen reads the booth's screens in when no meeting is held in it (a screen-only
    #: language, e.g. "ru", while the meeting is in ``language``): the official sees it and can call an interpreter.
    screen_language: ScreenLanguage | None = None


class IceServer(BaseModel):
    """One STUN/TURN server and the recipient's own time-limited credentials for it (the TURN REST
    scheme: ``<expiry-unix>:<participant-ref>`` and an HMAC); what ``RTCIceServer`` takes."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    urls: Annotated[
        tuple[Annotated[str, Field(pattern=r"^(stun|stuns|turn|turns):[^\s]{1,250}$")], ...],
        Field(min_length=1, max_length=8),
    ]
    username: Annotated[str, Field(max_length=300)] = ""
    credential: Annotated[str, Field(max_length=300)] = ""


class SessionLobby(_Message):
    """Backend -> booth: you are waiting in the lobby for an official."""

    type: Literal["session.lobby"] = "session.lobby"
    session_id: Id
    #: The booth's own TURN servers and credentials for this session, given already in the lobby:
    #: the booth prepares its first peer connection while the citizen waits (aiortc gathers every
    #: candidate before its offer, and with TURN that waits for the allocations).
    ice_servers: Annotated[tuple[IceServer, ...], Field(max_length=4)] = ()


class SessionOffer(_Message):
    """Backend -> an official who is free: this waiting citizen is yours to admit.

    Sent when the walk-in queue (or a checked-in booking) routes a citizen to
    them; the official admits with ``session.admit`` as for any lobby entry.
    """

    type: Literal["session.offer"] = "session.offer"
    session_id: Id
    booth_name: Name
    point: Name
    service_name: Annotated[str, Field(max_length=120)] | None = None
    service_names: dict[Language, Name] | None = None  # as on a lobby entry
    language: Language | None = None
    waiting_since: float


class QueueStatus(_Message):
    """Backend -> booth: the waiting citizen's place in the queue, and an honest estimate.

    ``wait_min`` is None when no official who serves this matter is present:
    the booth says so instead of guessing.
    """

    type: Literal["queue.status"] = "queue.status"
    session_id: Id
    position: Annotated[int, Field(ge=1, le=10_000)]
    wait_min: Annotated[int, Field(ge=0, le=10_000)] | None = None


class Participant(BaseModel):
    """One party of a call, as the others see it: no account id, only the call's peer id."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    peer: PeerId
    role: ParticipantRole
    name: Name
    #: A guest's duty in the call (what the booth writes under their picture); None for the others.
    duty: Literal["spoken_interpreter", "sign_interpreter", "support_person"] | None = None


class SessionAdmit(_Message):
    """Official: let this waiting citizen in."""

    type: Literal["session.admit"] = "session.admit"
    session_id: Id


class SessionAdmitted(_Message):
    """Backend -> each party of a call as they join it: the call may start.

    ``peer`` is the recipient's own peer id in this call; ``participants`` are
    everyone in the call now, the recipient included. The booth creates a
    WebRTC offer for every other participant; they answer.
    """

    type: Literal["session.admitted"] = "session.admitted"
    session_id: Id
    official_name: Name
    booth_name: Name
    peer: PeerId
    participants: Annotated[tuple[Participant, ...], Field(min_length=2, max_length=8)]
    #: The recipient's ICE servers for this call (TURN with its own credentials); empty without TURN.
    ice_servers: Annotated[tuple[IceServer, ...], Field(max_length=4)] = ()


class SessionLeave(_Message):
    """A party leaves the session without ending it (official: back to lobby)."""

    type: Literal["session.leave"] = "session.leave"
    session_id: Id


class SessionLeft(_Message):
    """Backend -> booth: the official left; the citizen is back in the lobby."""

    type: Literal["session.left"] = "session.left"
    session_id: Id
    role: Role
    #: Absent from older backends: then the booth cannot tell, and says the connection was lost.
    reason: SessionLeftReason = SessionLeftReason.DISCONNECTED


class ParticipantJoined(_Message):
    """Backend -> the participants already in a call: someone joined (the booth offers to them)."""

    type: Literal["participant.joined"] = "participant.joined"
    session_id: Id
    participant: Participant


class ParticipantRemove(_Message):
    """The official in charge: take this participant out of the call (the booth cannot be; end the call)."""

    type: Literal["participant.remove"] = "participant.remove"
    session_id: Id
    peer: PeerId


class ParticipantLeft(_Message):
    """Backend -> the participants, the one who went included: this peer is no longer in the call.

    Everyone closes their peer connection to ``peer``; the party whose own peer
    it is knows they are out of the call.
    """

    type: Literal["participant.left"] = "participant.left"
    session_id: Id
    peer: PeerId
    reason: ParticipantLeftReason


class SessionEnd(_Message):
    """Official ends the call, or a booth cancels its waiting request."""

    type: Literal["session.end"] = "session.end"
    session_id: Id


class SessionEnded(_Message):
    """Backend -> parties: the session is over."""

    type: Literal["session.ended"] = "session.ended"
    session_id: Id
    reason: SessionEndReason


class GuestWaiting(_Message):
    """Backend -> the official in charge of a call: an invited third party is at the door.

    ``guest_id`` names the invitation (never an account); ``guest_role`` is what they were
    invited as, ``language`` the language a spoken-language interpreter interprets.
    """

    type: Literal["guest.waiting"] = "guest.waiting"
    session_id: Id
    guest_id: Id
    name: Name
    guest_role: Literal["spoken_interpreter", "sign_interpreter", "support_person"]
    language: Annotated[str, Field(min_length=2, max_length=3, pattern=r"^[a-z]{2,3}$")] | None = None


class GuestAdmit(_Message):
    """The official in charge: let this waiting guest into the call (they join as a participant)."""

    type: Literal["guest.admit"] = "guest.admit"
    session_id: Id
    guest_id: Id


class GuestRefuse(_Message):
    """The official in charge: do not let this guest in (their link stops working)."""

    type: Literal["guest.refuse"] = "guest.refuse"
    session_id: Id
    guest_id: Id


class GuestStatus(_Message):
    """Backend -> a guest: waiting for the official (no call yet, or not admitted yet), or refused."""

    type: Literal["guest.status"] = "guest.status"
    state: Literal["waiting", "refused"]


class ParticipantMute(_Message):
    """The official in charge: mute this participant's microphone (the booth's or a guest's).

    Only the official in charge may (``access.may_mute``); the muted party may unmute
    themselves, as in common meeting tools: this is "you are muted", not a lock."""

    type: Literal["participant.mute"] = "participant.mute"
    session_id: Id
    peer: PeerId


class ParticipantMuted(_Message):
    """Backend -> the participant the official in charge muted: their microphone goes off at once,
    and their screen says the official muted them (with a button to unmute)."""

    type: Literal["participant.muted"] = "participant.muted"
    session_id: Id


# --- WebRTC relay -------------------------------------------------------------
#
# ``peer`` names the other end of one peer connection: when sent, the
# addressee's peer id; when delivered, the backend has rewritten it to the
# sender's, so the receiver knows which connection the message belongs to.


class RtcOffer(_Message):
    type: Literal["rtc.offer"] = "rtc.offer"
    session_id: Id
    peer: PeerId
    sdp: Sdp


class RtcAnswer(_Message):
    type: Literal["rtc.answer"] = "rtc.answer"
    session_id: Id
    peer: PeerId
    sdp: Sdp


class RtcIce(_Message):
    """A trickled ICE candidate; ``candidate`` empty means end of candidates."""

    type: Literal["rtc.ice"] = "rtc.ice"
    session_id: Id
    peer: PeerId
    candidate: Annotated[str, Field(max_length=1000)]
    sdp_mid: Annotated[str, Field(max_length=64)] | None = None
    sdp_mline_index: Annotated[int, Field(ge=0, le=64)] | None = None


class RtcRestart(_Message):
    """ "My connection to you is gone; offer me again": sent to the peer that offers (the booth)
    when a page rejoins a call after a reload, or its connection failed. The booth answers
    with a new peer connection and a new ``rtc.offer`` (aiortc has no ICE restart)."""

    type: Literal["rtc.restart"] = "rtc.restart"
    session_id: Id
    peer: PeerId


# --- call button and cameras ----------------------------------------------------


class AssistRequest(_Message):
    """Booth: the citizen pressed the call button (``long_press`` for a held press)."""

    type: Literal["assist.request"] = "assist.request"
    long_press: bool = False


class AssistAcknowledge(_Message):
    """Official (later also the advisor): I have seen the alert and someone is coming."""

    type: Literal["assist.ack"] = "assist.ack"
    booth_id: Id


class AssistClear(_Message):
    """Official (later also the advisor): the citizen has been helped."""

    type: Literal["assist.clear"] = "assist.clear"
    booth_id: Id


class AssistStatus(_Message):
    """Backend -> booth: what the call button's light should show."""

    type: Literal["assist.status"] = "assist.status"
    state: AssistState


class CameraSelect(_Message):
    """Official -> booth (relayed in a call): which camera the booth sends."""

    type: Literal["camera.select"] = "camera.select"
    session_id: Id
    source: CameraSource


class BoothVolume(_Message):
    """Official -> booth (relayed in a call): the booth speaker's volume in %, kept within the
    booth's configured limits; the citizen's louder/quieter buttons move it too, and every
    call starts at the booth's default."""

    type: Literal["booth.volume"] = "booth.volume"
    session_id: Id
    volume: Annotated[int, Field(ge=0, le=100)]


class BoothAudio(_Message):
    """Booth -> the officials of its call (relayed), once a second: how the citizen is heard
    (the microphone's level and state) and the speaker's volume. Levels only, no sound."""

    type: Literal["booth.audio"] = "booth.audio"
    session_id: Id
    mic_level_dbfs: Annotated[float, Field(ge=-120, le=0)]
    mic_state: MicrophoneState
    volume: Annotated[int, Field(ge=0, le=100)]


class AssistUnanswered(_Message):
    """Backend -> the official in a call at the booth: the call button's alarm went to every
    advisor of the point and nobody has answered, so the official should help the citizen."""

    type: Literal["assist.unanswered"] = "assist.unanswered"
    booth_id: Id
    booth_name: Name
    since: float  # unix time of the press


class ShareState(_Message):
    """The official in charge -> booth (relayed in a call): their shared window is shown to the
    citizen (``sharing``), or no longer. The picture itself comes on the booth's third, receive-only
    video transceiver; this says when to show it (a still window sends no frames to judge by)."""

    type: Literal["share.state"] = "share.state"
    session_id: Id
    sharing: bool


# --- check-in ---------------------------------------------------------------------


class CheckinRequest(_Message):
    """Booth: the citizen typed their booking code, or showed its QR code to a camera."""

    type: Literal["checkin.request"] = "checkin.request"
    code: Annotated[str, Field(min_length=1, max_length=64)]
    #: The booth's screen-only language the citizen reads (e.g. "ru"), as in ``session.request``.
    screen_language: ScreenLanguage | None = None


class CheckinResult(_Message):
    """Backend -> booth: the outcome, with a kind message in each language.

    ``result`` is a code (ok, unknown_code, wrong_point, wrong_day, too_early,
    too_late, cancelled, ...); on ok a ``session.lobby`` follows.
    """

    type: Literal["checkin.result"] = "checkin.result"
    ok: bool
    result: Annotated[str, Field(min_length=1, max_length=40)]
    message_fi: Reason
    message_sv: Reason
    message_en: Reason
    language: Language | None = None  # the booking's language, when known


class BookingArrived(_Message):
    """Backend -> the booked official: your citizen has checked in and waits in the lobby."""

    type: Literal["booking.arrived"] = "booking.arrived"
    session_id: Id
    booking_code: Annotated[str, Field(max_length=16)]
    service_name: Name  # in the booking's language
    service_names: dict[Language, Name] | None = None  # in every language, for the official's page
    starts_at: float
    booth_name: Name
    point: Name


# --- the booth's menu -------------------------------------------------------------


class ServiceChoice(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    service_id: Id
    name_fi: Name
    name_sv: Name
    name_en: Name
    languages: Annotated[tuple[Language, ...], Field(min_length=1, max_length=3)]
    #: The matter's name in the booth's screen-only languages that have one (e.g. {"ru": "..."}); a
    #: booth showing a screen-only language offers only the matters named in it.
    screen_names: Annotated[dict[ScreenLanguage, Name], Field(max_length=8)] = Field(default_factory=dict)


class BoothCatalogue(_Message):
    """Backend -> booth, after ``welcome``: the matters a walk-in citizen can choose from."""

    type: Literal["booth.catalogue"] = "booth.catalogue"
    services: Annotated[tuple[ServiceChoice, ...], Field(max_length=64)]


# --- advisor alerts ---------------------------------------------------------------


class AlertKind(StrEnum):
    CHECKIN_REFUSED = "checkin_refused"  # a citizen could not check in at a booth
    OFFICIAL_NO_SHOW = "official_no_show"  # a checked-in citizen's official has not joined
    CALL_BUTTON = "call_button"  # the citizen pressed the booth's call button
    DEVICE_FAULT = "device_fault"  # a device of the booth stopped working


class AdvisorAlert(_Message):
    """Backend -> the advisors of a point: a citizen at one of their booths needs a person.

    Kept by the backend until an advisor acknowledges it (``alert.ack``), and
    sent again to every advisor who connects meanwhile.
    """

    type: Literal["advisor.alert"] = "advisor.alert"
    alert_id: Id
    kind: AlertKind
    point: Name
    booth_name: Annotated[str, Field(max_length=120)] | None = None
    at: float
    message_fi: Reason
    message_sv: Reason
    message_en: Reason
    booking_code: Annotated[str, Field(max_length=16)] | None = None


class AlertAcknowledge(_Message):
    """Advisor: I have seen this alert and will take care of it."""

    type: Literal["alert.ack"] = "alert.ack"
    alert_id: Id


class AlertCleared(_Message):
    """Backend -> the point's advisors: an advisor acknowledged this alert; take it off the list."""

    type: Literal["alert.cleared"] = "alert.cleared"
    alert_id: Id


# --- devices ------------------------------------------------------------------


class DeviceReport(_Message):
    """Booth -> backend: current health of every device in the booth."""

    type: Literal["device.status"] = "device.status"
    devices: Annotated[tuple[DeviceStatus, ...], Field(max_length=32)]


class BoothSoftware(_Message):
    """Booth -> backend after ``welcome``: its image version, booted slot and RAUC update state, and when the
    kiosk started (its uptime); the admin app's booth list shows them. ``version`` "" and ``update_state``
    "not an image" for a booth that does not run the appliance image (a developer's machine, the demo)."""

    type: Literal["booth.software"] = "booth.software"
    version: Annotated[str, Field(max_length=80)]
    slot: Annotated[str, Field(max_length=16)] = ""
    update_state: Annotated[str, Field(max_length=80)]
    started_at: float


class BoothMaintenance(_Message):
    """Backend -> booth: the support provider restarts the kiosk (``restart_kiosk``: the kiosk exits and
    systemd starts it again) or reboots the booth (``reboot``), both only while no citizen is at the booth;
    or asks for the kiosk's recent log (``send_logs``: answered with ``booth.logs``)."""

    type: Literal["booth.maintenance"] = "booth.maintenance"
    action: Literal["restart_kiosk", "reboot", "send_logs"]


class BoothLogs(_Message):
    """Booth -> backend: the kiosk's own recent log lines (``kiosk/log_ring.py``; no personal data)."""

    type: Literal["booth.logs"] = "booth.logs"
    text: Annotated[str, Field(max_length=100_000)]


class ScreenshotRequest(_Message):
    """Backend -> booth: the support provider asks to see the booth's screen. The booth sends it at once
    when no citizen is at it (Start screen, idle, enrollment); otherwise it asks the citizen on the screen
    and sends it only if they allow (``kiosk/screenshot.py``); answered with ``screenshot.result``."""

    type: Literal["screenshot.request"] = "screenshot.request"
    request_id: Id


class ScreenshotOutcome(StrEnum):
    SENT = "sent"
    DECLINED = "declined"  # the citizen said no, or did not answer in time
    FAILED = "failed"  # the booth could not take the picture (or was already asking)


class ScreenshotResult(_Message):
    """Booth -> backend: the picture of its screen (PNG, base64, scaled to fit the frame limit) or why not.
    The backend keeps it in memory briefly for the support provider, never in a database or a log."""

    type: Literal["screenshot.result"] = "screenshot.result"
    request_id: Id
    outcome: ScreenshotOutcome
    png: Annotated[str, Field(max_length=120_000, pattern=r"^[A-Za-z0-9+/=]*$")] = ""


# --- the official's tools: identification in the call ----------------------------
#
# The official asks (``ident.request``); the backend gives the booth a fresh
# challenge (``ident.challenge``); the booth asks the citizen for the ID card
# and the PIN, tells how far it got (``ident.progress``) and sends what the card
# signed (``ident.response``); the backend verifies it and tells the call
# (``ident.status``). Identification in person is recorded over HTTP
# (``POST /api/calls/{session_id}/identification``) and told the same way.

#: Base64 (standard alphabet, padded) of binary data on the wire.
Base64 = Annotated[str, Field(min_length=4, max_length=16_384, pattern=r"^[A-Za-z0-9+/]+={0,2}$")]
#: A stable, machine-readable reason code (e.g. ``wrong_pin``): the receiver words it.
ReasonCode = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")]


class IdentState(StrEnum):
    """Where an identification in a call stands; the booth and the official's page word it."""

    REQUESTED = "requested"  # the official asked; the booth got the challenge
    WAITING_CARD = "waiting_card"  # the booth asks the citizen to insert the ID card
    TYPING_PIN = "typing_pin"  # the citizen types the card's PIN on the booth
    SIGNING = "signing"  # the card signs; the backend checks
    IDENTIFIED = "identified"  # strongly identified with the ID card
    IN_PERSON = "in_person"  # identified in person (the official or the point's advisor recorded it)
    FAILED = "failed"  # ``code`` says why (wrong_pin, pin_locked, card_removed, untrusted, ...); may be asked again
    CANCELLED = "cancelled"  # the citizen went back to the meeting without identifying


class IdentRequest(_Message):
    """Official in the call: ask the citizen for strong identification with the ID card."""

    type: Literal["ident.request"] = "ident.request"
    session_id: Id


class IdentChallenge(_Message):
    """Backend -> booth: sign this fresh challenge with the citizen's ID card (answerable once, 2 min)."""

    type: Literal["ident.challenge"] = "ident.challenge"
    session_id: Id
    challenge: Base64


class IdentProgress(_Message):
    """Booth: how far the citizen got (waiting_card, typing_pin, signing, failed, cancelled)."""

    type: Literal["ident.progress"] = "ident.progress"
    session_id: Id
    state: IdentState
    code: ReasonCode | None = None  # with failed: wrong_pin, pin_locked, card_removed, no_certificate, ...
    tries_left: Annotated[int, Field(ge=0, le=15)] | None = None


class IdentResponse(_Message):
    """Booth: what the card signed. No PIN, only public data: the certificate and the signature."""

    type: Literal["ident.response"] = "ident.response"
    session_id: Id
    challenge: Base64
    certificate: Base64  # the authentication certificate, DER
    signature: Base64
    mechanism: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z0-9-]+$")]


class IdentStatus(_Message):
    """Backend -> the call's officials (with ``name``) and the booth (without): where identification stands."""

    type: Literal["ident.status"] = "ident.status"
    session_id: Id
    state: IdentState
    name: Name | None = None  # the name on the certificate; to the officials of the call only
    code: ReasonCode | None = None
    tries_left: Annotated[int, Field(ge=0, le=15)] | None = None


# --- the official's tools: document stills ---------------------------------------
#
# The official asks for a picture (``still.request``); the booth takes a still at
# the document camera's full resolution and uploads it over HTTP with the one-time
# token it was given (``PUT /api/stills/{still_id}``); the backend keeps it in
# memory only, for the call, and tells the call's officials (``still.ready``), who
# fetch it (``GET /api/stills/{still_id}``). Gone when the call ends.


class StillRequest(_Message):
    """Official in the call: take a picture with the booth's document camera."""

    type: Literal["still.request"] = "still.request"
    session_id: Id


class StillCapture(_Message):
    """Backend -> booth: take still ``still_id`` and upload it with ``upload_token`` (once, within a minute)."""

    type: Literal["still.capture"] = "still.capture"
    session_id: Id
    still_id: Id
    upload_token: Annotated[str, Field(min_length=16, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")]


class StillReady(_Message):
    """Backend -> the call's officials: a still arrived; fetch it with ``GET /api/stills/{still_id}``."""

    type: Literal["still.ready"] = "still.ready"
    session_id: Id
    still_id: Id
    width: Annotated[int, Field(ge=1, le=20_000)]
    height: Annotated[int, Field(ge=1, le=20_000)]
    size: Annotated[int, Field(ge=1)]  # bytes
    mime: Literal["image/jpeg", "image/png"]


class StillFailed(_Message):
    """Booth (relayed to the call's officials): the still could not be taken or uploaded."""

    type: Literal["still.failed"] = "still.failed"
    session_id: Id
    still_id: Id
    code: ReasonCode  # no_document_camera, camera_error, upload_failed


# --- the official's tools: the end of the appointment, printing at this booth -----


class SummarySend(_Message):
    """Official in the call -> the booth (relayed): the plain-language "what next", shown on the booth
    and printed there as the visit summary when ``print`` is set (the citizen can also print it)."""

    type: Literal["summary.send"] = "summary.send"
    session_id: Id
    text: Annotated[str, Field(min_length=1, max_length=1000)]
    language: Language = Language.FI  # the slip's headings; the text is the official's own words
    print: bool = False


class PrintJob(_Message):
    """Backend -> booth: the official sent a document (PDF) for this booth's A4 printer; fetch it
    once with ``GET /api/print-jobs/{job_id}`` and the token, print it, and keep nothing."""

    type: Literal["print.job"] = "print.job"
    session_id: Id
    job_id: Id
    token: Annotated[str, Field(min_length=16, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")]


class PrintStatus(_Message):
    """Booth -> the call's officials: a print job at this booth, with the printer's state before and after."""

    type: Literal["print.status"] = "print.status"
    session_id: Id
    job: Literal["summary", "document"]
    job_id: Id | None = None
    state: Literal["printing", "printed", "failed"]
    code: ReasonCode | None = None  # why it failed: no_printer, out_of_paper, cover_open, unreachable, ...
    printer_before: Reason = ""  # the printer's state in words ("ok", "paper near end", ...)
    printer_after: Reason = ""


# --- the official's tools: quick feedback ------------------------------------------

#: An answer on the 1-5 scale (5 best); None: not answered.
Score = Annotated[int, Field(ge=1, le=5)]


class FeedbackRequest(_Message):
    """Official in the call -> the booth (relayed): ask the citizen the three quick questions."""

    type: Literal["feedback.request"] = "feedback.request"
    session_id: Id


class FeedbackCitizen(_Message):
    """Booth: the citizen's answers (service, ease of use, overall), each 1-5 or None; ``skipped``
    when they skipped or walked away before the end (then one SMS may ask the overall question)."""

    type: Literal["feedback.citizen"] = "feedback.citizen"
    session_id: Id
    service: Score | None = None
    ease: Score | None = None
    overall: Score | None = None
    skipped: bool = False


class FeedbackOfficial(_Message):
    """Official in the call: their two answers (how the meeting worked technically; was the matter handled)."""

    type: Literal["feedback.official"] = "feedback.official"
    session_id: Id
    technical: Score
    handled: Score


class FeedbackStatus(_Message):
    """Backend -> the call's officials: the citizen was asked, answered or skipped (never the answers)."""

    type: Literal["feedback.status"] = "feedback.status"
    session_id: Id
    state: Literal["asked", "answered", "skipped", "saved"]  # saved: the official's own answers were stored


# --- call quality: statistics and events, from both ends ----------------------------
#
# Each participant reports, every few seconds during a call, how each of its peer
# connections is doing (``call.stats``: figures only, never content), and what
# happened to it (``call.event``: ICE and connection states, reconnects, device
# faults). The backend checks the sender is in the call, stores them per call and
# participant (``call_stats``, ``call_event``), and relays the booth's figures to
# the officials in the call for their live quality indicator.


class CandidatePairType(StrEnum):
    """What the selected ICE candidate pair goes through: ``host`` (same network), ``srflx``
    (through a NAT, STUN), ``relay`` (through TURN, over UDP or TCP/TLS), ``unknown``."""

    HOST = "host"
    SRFLX = "srflx"
    PRFLX = "prflx"
    RELAY_UDP = "relay_udp"
    RELAY_TCP = "relay_tcp"
    RELAY_TLS = "relay_tls"
    UNKNOWN = "unknown"


class CallStats(_Message):
    """A participant -> backend: one peer connection's figures over the last interval. Each field
    is absent when the sender's WebRTC stack does not tell it (aiortc has no fps of its own)."""

    type: Literal["call.stats"] = "call.stats"
    session_id: Id
    peer: PeerId  # the other end of this connection (when relayed: the sender's own peer id)
    rtt_ms: Annotated[float, Field(ge=0, le=60_000)] | None = None
    loss_pct: Annotated[float, Field(ge=0, le=100)] | None = None  # packets lost of those expected, received side
    jitter_ms: Annotated[float, Field(ge=0, le=60_000)] | None = None
    fps: Annotated[float, Field(ge=0, le=240)] | None = None  # video frames decoded a second
    kbps_in: Annotated[float, Field(ge=0, le=1_000_000)] | None = None
    kbps_out: Annotated[float, Field(ge=0, le=1_000_000)] | None = None
    width: Annotated[int, Field(ge=0, le=20_000)] | None = None  # of the video received
    height: Annotated[int, Field(ge=0, le=20_000)] | None = None
    concealed_pct: Annotated[float, Field(ge=0, le=100)] | None = None  # audio samples concealed (made up)
    pair: CandidatePairType | None = None


class CallEventKind(StrEnum):
    """What a participant tells of its call (who ended and why, and who joined, the backend
    records itself from the call's own changes)."""

    ICE_STATE = "ice_state"  # detail: new, checking, connected, completed, failed, disconnected, closed
    CONNECTION_STATE = "connection_state"  # detail: new, connecting, connected, disconnected, failed, closed
    RECONNECTING = "reconnecting"  # a new offer on a new connection after a failure
    DEVICE_FAULT = "device_fault"  # detail: the device's role, e.g. face_camera, microphone
    DEVICE_OK = "device_ok"  # detail: the device's role, working again
    MEDIA_FAILED = "media_failed"  # detail: why the media could not start or went away


class CallEvent(_Message):
    """A participant -> backend: something that happened to its side of the call."""

    type: Literal["call.event"] = "call.event"
    session_id: Id
    kind: CallEventKind
    peer: PeerId | None = None  # the connection it concerns, if one
    detail: ReasonCode | None = None  # a state or a code, never free text


Message = Annotated[
    (
        Hello
        | Welcome
        | Error
        | Presence
        | SessionRequest
        | SessionLobby
        | SessionAdmit
        | SessionAdmitted
        | SessionLeave
        | SessionLeft
        | SessionEnd
        | SessionEnded
        | ParticipantJoined
        | ParticipantRemove
        | ParticipantLeft
        | RtcOffer
        | RtcAnswer
        | RtcIce
        | RtcRestart
        | DeviceReport
        | AssistRequest
        | AssistAcknowledge
        | AssistClear
        | AssistStatus
        | CameraSelect
        | BoothVolume
        | BoothAudio
        | CheckinRequest
        | CheckinResult
        | BookingArrived
        | SessionOffer
        | QueueStatus
        | BoothCatalogue
        | AdvisorAlert
        | AlertAcknowledge
        | AlertCleared
        | AssistUnanswered
        | IdentRequest
        | IdentChallenge
        | IdentProgress
        | IdentResponse
        | IdentStatus
        | StillRequest
        | StillCapture
        | StillReady
        | StillFailed
        | SummarySend
        | PrintStatus
        | PrintJob
        | FeedbackRequest
        | FeedbackCitizen
        | FeedbackOfficial
        | FeedbackStatus
        | CallStats
        | CallEvent
        | GuestWaiting
        | GuestAdmit
        | GuestRefuse
        | GuestStatus
        | BoothSoftware
        | BoothMaintenance
        | BoothLogs
        | ShareState
        | ScreenshotRequest
        | ScreenshotResult
        | ParticipantMute
        | ParticipantMuted
    ),
    Field(discriminator="type"),
]

#: Which messages each role may send to the backend. Anything else is refused
#: with ``ErrorCode.NOT_ALLOWED`` (recoverable: the connection stays open).
CLIENT_MESSAGES: dict[Role, frozenset[str]] = {
    Role.BOOTH: frozenset(
        {
            "hello",
            "session.request",
            "session.end",
            "rtc.offer",
            "rtc.answer",
            "rtc.ice",
            "device.status",
            "assist.request",
            "checkin.request",
            "booth.audio",
            "ident.progress",
            "ident.response",
            "still.failed",
            "print.status",
            "feedback.citizen",
            "call.stats",
            "call.event",
            "booth.software",
            "booth.logs",
            "screenshot.result",
        }
    ),
    Role.OFFICIAL: frozenset(
        {
            "hello",
            "session.admit",
            "session.leave",
            "session.end",
            "participant.remove",
            "rtc.offer",
            "rtc.answer",
            "rtc.ice",
            "rtc.restart",
            "assist.ack",
            "assist.clear",
            "camera.select",
            "alert.ack",
            "booth.volume",
            "ident.request",
            "still.request",
            "summary.send",
            "feedback.request",
            "feedback.official",
            "call.stats",
            "call.event",
            "guest.admit",
            "guest.refuse",
            "share.state",
            "participant.mute",
        }
    ),
    Role.GUEST: frozenset({"hello", "rtc.offer", "rtc.answer", "rtc.ice", "call.stats", "call.event"}),
}
