"""The booth's session logic as a pure state machine.

No Kivy, aiortc, socket or clock in here: the shell (``kiosk.app``) feeds
events in, with the current time, and carries the returned commands out
(send a message, show a screen, start or stop media). That makes every
transition testable in microseconds, and keeps the booth's behaviour in one
place a newcomer can read top to bottom.

Phases::

    OFFLINE --connected--> IDLE --start (no catalogue)----------> REQUESTING --lobby--> LOBBY
       ^                   | |                                      ^                    | admitted
       | disconnected      | +--start--> CHOOSING --chosen----------+                    v
     (any)                 |                                                        CONNECTING --media up--> IN_CALL
                           |                                                             |  official left -> LOBBY
                           +--booking--> CHECKIN --code or QR--> CHECKING --ok, lobby--> LOBBY
                                            ^                        |
                                            +--refused / no answer---+
    back, or 90 s untouched (CHOOSING, CHECKIN, CHECKING): -> IDLE
    REQUESTING timed out or refused: -> IDLE
    session ended / media failed: -> ENDED --8 s--> IDLE
    disconnected in LOBBY, CONNECTING, IN_CALL: the phase and its media stay (``link_lost_at``);
      connected again, resumed: goes on; not resumed: LOBBY -> IDLE, a call -> ENDED;
      no backend for ``RESUME_GIVE_UP_S``: -> OFFLINE

Walk-in: Start shows the catalogue of matters the backend sent
(``booth.catalogue``); the citizen picks a language and a matter and the
request carries both. With no catalogue Start asks for any official, as
before. Booking: the citizen types the code on the keypad or shows the QR code
to a camera (``ScanQr`` turns the reading on and off); the backend answers
``checkin.result`` and, when it is ok, puts the booth in the lobby.

In a call the booth holds one peer connection per other participant (a
mesh from the booth): ``session.admitted`` names its own peer id and everyone
in the call, and the booth offers to each. Someone joining later
(``participant.joined``) is one more connection; someone leaving
(``participant.left``) one fewer. Every ``rtc.*`` message names the peer it
belongs to. The call stands or falls with the official in charge's connection
(the official named in ``session.admitted``); a guest's failing connection is
closed and the call goes on.

Events are dispatched through one explicit table (``_HANDLERS``): an event
without an entry is reported, never silently dropped.

The typed code lives only in the check-in screen's widget, which wipes it
when the screen is left; the machine holds a code only while it is being
checked (and a refused QR code's, so the same QR still in front of the camera
is not sent again), and never logs one.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from protocol.booking_code import code_from_qr, is_code, normalise
from protocol.messages import (
    AssistRequest,
    AssistState,
    AssistStatus,
    BoothCatalogue,
    BoothVolume,
    CameraSelect,
    CameraSource,
    CheckinRequest,
    CheckinResult,
    DeviceReport,
    DeviceStatus,
    Error,
    ErrorCode,
    FeedbackCitizen,
    FeedbackRequest,
    IceServer,
    IdentChallenge,
    IdentProgress,
    IdentResponse,
    IdentState,
    IdentStatus,
    Language,
    Participant,
    ParticipantJoined,
    ParticipantLeft,
    ParticipantMuted,
    ParticipantRole,
    PrintJob,
    PrintStatus,
    QueueStatus,
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
    StillCapture,
    StillFailed,
    SummarySend,
)
from texts.catalogues import SCREEN_ONLY_LANGUAGES

#: The languages a meeting is held in (``protocol.messages.Language``, Finnish first).
MEETING_LANGUAGES = tuple(lang.value for lang in Language)
#: The languages a citizen can choose for the booth's screens: the meeting languages, then the
#: screen-only ones (``texts.SCREEN_ONLY_LANGUAGES``; the meeting is then in a meeting language).
BOOTH_LANGUAGES = MEETING_LANGUAGES + SCREEN_ONLY_LANGUAGES
#: How long the booth waits for the backend to acknowledge Start.
REQUEST_TIMEOUT_S = 10.0
#: How long media may take to connect after the official admits.
MEDIA_TIMEOUT_S = 30.0
#: How long the thank-you screen stays before the attract screen returns.
ENDED_SCREEN_S = 8.0
#: How long the booth waits for the backend to answer a check-in (and then for the lobby).
CHECKIN_TIMEOUT_S = 10.0
#: A citizen who has not touched the choice or check-in screens for this long has walked away.
INACTIVITY_S = 90.0
#: How long the outcome of an identification stays on the booth before the meeting's picture returns.
IDENT_RESULT_S = 6.0
#: A feedback question left untouched this long counts as skipped (the citizen may have walked away).
FEEDBACK_TIMEOUT_S = 60.0
#: How long "thank you" stays after the last answer.
FEEDBACK_THANKS_S = 4.0
#: With the backend unreachable this long in a session, the booth stops waiting to resume it
#: (the backend's grace period, ``ETAPISTE_RESUME_GRACE_S``, is shorter: it has ended it by then).
RESUME_GIVE_UP_S = 300.0
#: In a call, how long the booth keeps offering a new connection to the official in charge
#: after theirs failed, before the call ends as failed.
MEDIA_RETRY_S = 45.0


class Phase(StrEnum):
    OFFLINE = "offline"
    IDLE = "idle"
    CHOOSING = "choosing"  # a walk-in picks a language and a matter
    CHECKIN = "checkin"  # a citizen with a booking types or shows their code
    CHECKING = "checking"  # the backend checks the code (and, if ok, opens the lobby)
    REQUESTING = "requesting"
    LOBBY = "lobby"
    CONNECTING = "connecting"
    IN_CALL = "in_call"
    ENDED = "ended"


class Screen(StrEnum):
    """What the citizen sees; one Kivy screen each."""

    OFFLINE = "offline"
    ATTRACT = "attract"
    CHOOSE = "choose"
    CHECKIN = "checkin"
    LOBBY = "lobby"
    CALL = "call"
    ENDED = "ended"
    IDCARD = "idcard"  # identification in the call: insert the card, checking, the outcome
    PIN = "pin"  # the ID card's PIN on the booth's keypad
    SUMMARY = "summary"  # the official's "what next", with Print
    FEEDBACK = "feedback"  # three quick questions, 1-5, skippable


class Notice(StrEnum):
    """Short messages shown on a screen; translated by the UI, never free text."""

    NONE = ""
    START_FAILED = "start_failed"  # backend did not accept Start
    OFFICIAL_DISCONNECTED = "official_disconnected"  # the official's connection was lost
    BACK_IN_QUEUE = "back_in_queue"  # the official returned the citizen to the lobby on purpose
    CONNECTING = "connecting"
    RECONNECTING = "reconnecting"  # the booth's link to the backend dropped; it comes back by itself
    CALL_ENDED = "call_ended"
    CONNECTION_FAILED = "connection_failed"
    CANCELLED = "cancelled"
    CHECKING = "checking"  # the booking code is being checked
    CHECKIN_FAILED = "checkin_failed"  # no answer to the check-in: try again
    INSERT_CARD = "insert_card"  # the official asked for identification: put the ID card in the reader
    CARD_REMOVED = "card_removed"  # the card came out before it signed: put it back
    WRONG_PIN = "wrong_pin"  # the card refused the PIN: try again
    WRONG_PIN_LAST = "wrong_pin_last"  # ... and one more wrong try locks it
    PIN_LOCKED = "pin_locked"  # too many wrong tries: the official helps another way
    CHECKING_ID = "checking_id"  # the card signs and the backend checks
    IDENTIFIED = "identified"  # done: the official sees it
    ID_FAILED = "id_failed"  # could not identify with this card: the official helps another way
    PRINTING = "printing"  # the summary is being printed
    PRINTED = "printed"  # take it from the printer
    PRINT_FAILED = "print_failed"  # the printer could not print it: the official or the advisor helps
    FEEDBACK_SERVICE = "feedback_service"  # the three questions of seed 003 l.666-668, one at a time
    FEEDBACK_EASE = "feedback_ease"
    FEEDBACK_OVERALL = "feedback_overall"
    FEEDBACK_THANKS = "feedback_thanks"


# --- events ---------------------------------------------------------------------


@dataclass(frozen=True)
class Connected:
    """The backend accepted our hello; ``resumed``: with our resume token, our session kept."""

    now: float
    resumed: bool = False


@dataclass(frozen=True)
class Disconnected:
    now: float


@dataclass(frozen=True)
class StartPressed:
    now: float


@dataclass(frozen=True)
class BookingPressed:
    """The citizen pressed "I have a booking" on the attract screen."""

    now: float


@dataclass(frozen=True)
class ServiceChosen:
    """A walk-in picked a matter, in the language selected on the choice screen."""

    service_id: str
    language: str
    now: float


@dataclass(frozen=True)
class LanguageChosen:
    """The citizen tapped a language on the attract screen: from here on the booth speaks only it.

    ``None`` is "change language": every language again. A language the booth
    does not speak is ignored (logged), never guessed.
    """

    language: str | None
    now: float


@dataclass(frozen=True)
class Look:
    """How the screens are drawn for this citizen: larger text, high contrast (both off for the next)."""

    large_text: bool = False
    high_contrast: bool = False


@dataclass(frozen=True)
class LookToggled:
    """The citizen tapped "large text" (``what`` = "large_text") or "high contrast" on the bar under every screen."""

    what: str
    now: float


@dataclass(frozen=True)
class CodeSubmitted:
    """The citizen typed a booking code and pressed OK. The code is not shown in ``repr``."""

    code: str = field(repr=False)
    now: float = 0.0


@dataclass(frozen=True)
class QrSeen:
    """A camera saw a QR code (any QR code: the machine decides whether it is a booking's)."""

    payload: str = field(repr=False)
    now: float = 0.0


@dataclass(frozen=True)
class BackPressed:
    """Back on the choice or check-in screen."""

    now: float


@dataclass(frozen=True)
class Touched:
    """The citizen touched a screen control that is not an event of its own (a key, a language).

    Keeps a citizen who is still typing from being sent back to the start.
    """

    now: float


@dataclass(frozen=True)
class CancelPressed:
    """The citizen withdrew from the lobby before an official admitted them."""

    now: float


@dataclass(frozen=True)
class Received:
    message: Any
    now: float


@dataclass(frozen=True)
class OfferReady:
    """Media created the local offer for the connection to ``peer`` in this session."""

    session_id: str
    peer: str
    sdp: str
    now: float


@dataclass(frozen=True)
class MediaConnected:
    """The connection to ``peer`` is up."""

    session_id: str
    peer: str
    now: float


@dataclass(frozen=True)
class MediaFailed:
    """The connection to ``peer`` failed (or could not be set up)."""

    session_id: str
    peer: str
    reason: str
    now: float


@dataclass(frozen=True)
class DevicesChanged:
    devices: tuple[DeviceStatus, ...]
    now: float


@dataclass(frozen=True)
class AssistPressed:
    """The citizen pressed the call button (at any time, in any phase)."""

    long_press: bool
    now: float


@dataclass(frozen=True)
class Tick:
    now: float


@dataclass(frozen=True)
class CardChanged:
    """The ID card reader saw the card go in or come out."""

    present: bool
    now: float


@dataclass(frozen=True)
class PinEntered:
    """The citizen pressed OK on the PIN keypad. The PIN stays with the shell (``SignChallenge``)."""

    now: float


@dataclass(frozen=True)
class IdentBack:
    """The citizen pressed "Back to the meeting" (or Cancel on the PIN keypad)."""

    now: float


@dataclass(frozen=True)
class CardSigned:
    """The card signed the challenge: public data only (certificate, signature)."""

    certificate: bytes = field(repr=False)
    signature: bytes = field(repr=False)
    mechanism: str = ""
    now: float = 0.0


@dataclass(frozen=True)
class CardFailed:
    """The card could not sign; ``code`` from ``drivers.idcard.IdCardError`` (wrong_pin, pin_locked, ...)."""

    code: str
    tries_left: int | None
    now: float


@dataclass(frozen=True)
class SummaryPrintPressed:
    """The citizen pressed Print on the summary screen."""

    now: float


@dataclass(frozen=True)
class SummaryClosed:
    """The citizen pressed "Back to the meeting" on the summary screen."""

    now: float


@dataclass(frozen=True)
class Printed:
    """A print job at this booth finished (``ok``) or not (``code``), with the printer's state in words."""

    job: str  # summary, document
    job_id: str | None
    ok: bool
    code: str | None
    before: str
    after: str
    now: float


@dataclass(frozen=True)
class FeedbackAnswered:
    """The citizen touched 1-5 on a feedback question (``score``), or Skip (None)."""

    score: int | None
    now: float


@dataclass(frozen=True)
class StillNotTaken:
    """The document camera could not take (or the booth could not upload) still ``still_id``."""

    still_id: str
    code: str
    now: float


@dataclass(frozen=True)
class UnmutePressed:
    """The citizen pressed "Unmute" after the official muted the booth's microphone."""

    now: float


Event = (
    Connected
    | Disconnected
    | StartPressed
    | BookingPressed
    | ServiceChosen
    | CodeSubmitted
    | QrSeen
    | BackPressed
    | Touched
    | CancelPressed
    | Received
    | OfferReady
    | MediaConnected
    | MediaFailed
    | DevicesChanged
    | AssistPressed
    | Tick
    | CardChanged
    | PinEntered
    | IdentBack
    | CardSigned
    | CardFailed
    | StillNotTaken
    | SummaryPrintPressed
    | SummaryClosed
    | Printed
    | FeedbackAnswered
    | LanguageChosen
    | LookToggled
    | UnmutePressed
)


# --- commands -------------------------------------------------------------------


@dataclass(frozen=True)
class Send:
    message: Any


@dataclass(frozen=True)
class BackendText:
    """A message the backend wrote for the citizen (why a check-in failed, who they will meet).

    Fixed booth texts are ``Notice`` values the UI translates; these come
    ready-made in each language. Shown in the booking's language when the
    backend knows it, otherwise in all three. It may describe the citizen's
    appointment, so ``repr`` hides it and nothing logs it.
    """

    fi: str = field(repr=False)
    sv: str = field(repr=False)
    en: str = field(repr=False)
    language: str | None = None

    def lines(self) -> tuple[str, ...]:
        """The texts to show, Finnish first when showing all; none for a screen-only language.

        The backend writes in the meeting languages only: a citizen reading Russian
        would get a second language on the screen, so the booth's own notice speaks instead.
        """
        if self.language in SCREEN_ONLY_LANGUAGES:
            return ()
        chosen = {"fi": self.fi, "sv": self.sv, "en": self.en}.get(self.language or "", "")
        if chosen:
            return (chosen,)
        return tuple(t for t in (self.fi, self.sv, self.en) if t)


@dataclass(frozen=True)
class Show:
    screen: Screen
    notice: Notice = Notice.NONE
    official_name: str = ""
    #: The backend's own words, shown with (below) the notice.
    text: BackendText | None = None
    #: The screen's controls are locked: the booth waits for the backend.
    busy: bool = False
    #: The one language the citizen chose (None: not chosen yet, the screen shows all). Filled by
    #: ``BoothSession.handle`` from the state, so no handler can forget it.
    language: str | None = None
    #: Large text and high contrast, stamped like ``language``.
    look: Look = Look()


@dataclass(frozen=True)
class SetLook:
    """Redraw the screen shown now with ``look`` (the citizen toggled large text or contrast)."""

    look: Look


@dataclass(frozen=True)
class ScanQr:
    """Read QR codes from the cameras (and report them as ``QrSeen``) while ``active``."""

    active: bool


@dataclass(frozen=True)
class SetCatalogue:
    """The matters the choice screen offers (sent whenever the backend sends its catalogue)."""

    services: tuple[ServiceChoice, ...]


@dataclass(frozen=True)
class ShowQueue:
    """The lobby's queue line: place in the queue and the estimate (None: no official present)."""

    position: int
    wait_min: int | None


@dataclass(frozen=True)
class StartMedia:
    """Open camera and microphone for this call; peers are connected with ``ConnectPeer``."""

    session_id: str
    #: This call's ICE servers from the backend (TURN with the booth's own credentials).
    ice_servers: tuple[IceServer, ...] = ()


@dataclass(frozen=True)
class ShowPeople:
    """Who the citizen sees in the call: every remote party, the official in charge first."""

    people: tuple[Participant, ...]


@dataclass(frozen=True)
class ShowShare:
    """The official in charge's shared window large on the call screen (the official small), or not."""

    sharing: bool


@dataclass(frozen=True)
class ConnectPeer:
    """Create a peer connection to ``peer`` sending our camera and microphone, then its offer."""

    session_id: str
    peer: str


@dataclass(frozen=True)
class ApplyAnswer:
    session_id: str
    peer: str
    sdp: str


@dataclass(frozen=True)
class AddIceCandidate:
    session_id: str
    peer: str
    candidate: str
    sdp_mid: str | None
    sdp_mline_index: int | None


@dataclass(frozen=True)
class DisconnectPeer:
    """Close the connection to ``peer`` (they left the call); the others go on."""

    peer: str


@dataclass(frozen=True)
class StopMedia:
    """Close every peer connection and release what the call held."""


@dataclass(frozen=True)
class ShowAssist:
    """The call button's light and the on-screen note: off, on, or blinking.

    ``confirmed`` False: pressed, but the backend has not yet said the advisor
    was alerted — the screen says "calling…", never "has been called" before it is true.
    """

    state: AssistState
    confirmed: bool = True


@dataclass(frozen=True)
class SelectCamera:
    """Send this camera's picture in the call (the official's choice)."""

    source: CameraSource


@dataclass(frozen=True)
class Log:
    """Something worth a line in the booth's log (never personal data)."""

    text: str


# -- audio (issue 9): kept apart; the shell holds the volume within the booth's limits --


@dataclass(frozen=True)
class SetVolume:
    """The official set the booth speaker's volume (the shell clamps it to the booth's limits)."""

    volume: int


@dataclass(frozen=True)
class SignChallenge:
    """Have the ID card sign ``challenge`` with the PIN the citizen just typed (the shell holds it)."""

    challenge: bytes = field(repr=False)


@dataclass(frozen=True)
class PrintSummary:
    """Print the official's "what next" on the booth's slip printer (``Printed`` follows)."""

    text: str = field(repr=False)
    language: str = "fi"


@dataclass(frozen=True)
class PrintDocument:
    """Fetch the official's document ``job_id`` with ``token`` and print it on the A4 printer (``Printed`` follows)."""

    job_id: str
    token: str = field(repr=False)


@dataclass(frozen=True)
class TakeStill:
    """Take a still with the document camera and upload it under ``still_id`` with ``token``."""

    still_id: str
    token: str = field(repr=False)


@dataclass(frozen=True)
class SetMuted:
    """The booth's microphone off (silence goes out, the call stays) or on again. ``by_official``:
    the official in charge muted it, and the call screen says so with an "Unmute" button."""

    muted: bool
    by_official: bool = False


Command = (
    Send
    | Show
    | ScanQr
    | SetCatalogue
    | ShowQueue
    | StartMedia
    | ConnectPeer
    | ApplyAnswer
    | AddIceCandidate
    | DisconnectPeer
    | StopMedia
    | ShowAssist
    | SelectCamera
    | Log
    | SetVolume
    | SignChallenge
    | TakeStill
    | PrintSummary
    | PrintDocument
    | SetLook
    | ShowPeople
    | ShowShare
    | SetMuted
)


@dataclass(frozen=True)
class State:
    phase: Phase = Phase.OFFLINE
    session_id: str | None = None
    official_name: str = ""
    deadline: float | None = None  # when the current phase times out
    devices: tuple[DeviceStatus, ...] = field(default=())
    #: A call-button press not yet delivered to the backend (it was offline).
    assist_pending: AssistRequest | None = None
    #: What a walk-in can choose from; kept across phases and reconnects until the backend sends another.
    services: tuple[ServiceChoice, ...] = ()
    #: When an untouched choice or check-in gives up (last touch + ``INACTIVITY_S``).
    idle_deadline: float | None = None
    #: The code of the booking QR being checked right now (None when it was typed).
    qr_checking: str | None = field(default=None, repr=False)
    #: The last booking QR code the backend refused during this check-in: not sent again.
    qr_refused: str | None = field(default=None, repr=False)
    #: The backend's answer code on the check-in screen now (e.g. "wrong_day"; never the booking code).
    checkin_result: str | None = None
    #: In a call: the booth's own peer id, the official in charge's, and every peer it is connected to.
    peer: str | None = None
    lead_peer: str | None = None
    remotes: tuple[str, ...] = ()
    #: The remote parties as the backend named them (name, role, a guest's duty), in ``remotes``' order.
    people: tuple[Participant, ...] = ()
    #: The ID card is in the reader (the booth's, kept across phases).
    card_in: bool = False
    #: In a call, identification under way: its step (card, pin, signing, checking, result) and challenge.
    ident_step: str | None = None
    ident_challenge: bytes | None = field(default=None, repr=False)
    #: When the outcome on the screen gives way to the meeting again.
    ident_until: float | None = None
    #: The official's "what next" in this call (shown, printable); forgotten when the call ends.
    summary: str | None = field(default=None, repr=False)
    summary_language: str = "fi"
    #: Quick feedback under way: the question on screen (0-2; 3 = thanks), the answers so far, when it gives up.
    feedback_step: int | None = None
    feedback_answers: tuple[int | None, ...] = ()
    feedback_until: float | None = None
    #: The language this citizen chose (or booked in); None before a choice and again for the next citizen.
    language: str | None = None
    #: Large text / high contrast as this citizen set them; reset with the language.
    look: Look = Look()
    #: When the backend connection dropped during a session (lobby or call), which is kept
    #: for a resume; None while connected. Belongs to the connection, not to a phase.
    link_lost_at: float | None = None
    #: In a call: when the connection to the official in charge failed, while a new one is tried.
    media_lost_at: float | None = None
    #: In the lobby: this session's TURN servers from ``session.lobby``, for the peer connection
    #: the booth prepares while the citizen waits (the call's own come with ``session.admitted``).
    lobby_ice: tuple[IceServer, ...] = ()


#: The quick feedback questions, in order (service, ease of use, overall).
_FEEDBACK_QUESTIONS = (Notice.FEEDBACK_SERVICE, Notice.FEEDBACK_EASE, Notice.FEEDBACK_OVERALL)

_MEDIA_PHASES = (Phase.CONNECTING, Phase.IN_CALL)
_SESSION_PHASES = (Phase.LOBBY, *_MEDIA_PHASES)
#: Phases where the citizen is at the screen making choices; they time out when nobody touches it.
_INPUT_PHASES = (Phase.CHOOSING, Phase.CHECKIN, Phase.CHECKING)
#: Phases in which the backend may put the booth in a lobby (a late check-in answer included).
_BEFORE_LOBBY = (Phase.IDLE, Phase.REQUESTING, *_INPUT_PHASES)


class BoothSession:
    """Feed events with ``handle``; read ``state``. Never raises on bad input."""

    def __init__(self) -> None:
        self.state = State()

    def handle(self, event: Event) -> list[Command]:
        handler = _HANDLERS.get(type(event))
        if handler is None:
            # A shell feeding something this machine does not know: a bug to see in the log, not a crash.
            return [Log(f"unknown event {type(event).__name__}: no handler; ignored")]
        out = handler(self, event)
        # Every screen speaks the citizen's one language: stamped here, in one place.
        language, look = self.state.language, self.state.look
        return [replace(c, language=language, look=look) if isinstance(c, Show) else c for c in out]

    # -- connection --

    def _on_connected(self, ev: Connected) -> list[Command]:
        out: list[Command] = []
        if self.state.link_lost_at is not None:
            out += self._link_back(ev)
        if self.state.devices:
            out.append(Send(DeviceReport(devices=self.state.devices)))
        if self.state.assist_pending is not None:
            out.append(Send(self.state.assist_pending))  # kept until the backend confirms
        if self.state.phase is Phase.OFFLINE:
            self._to(Phase.IDLE)
            out.append(Show(Screen.ATTRACT))
        return out

    def _on_disconnected(self, ev: Disconnected) -> list[Command]:
        if self.state.phase in _SESSION_PHASES:
            return self._link_lost(ev.now)
        out: list[Command] = []
        if self.state.phase in _MEDIA_PHASES:
            out.append(StopMedia())
        out.extend(self._stop_scanning())
        if self.state.phase is not Phase.OFFLINE:
            out.append(Log(f"backend connection lost in phase {self.state.phase.value}"))
        self._to(Phase.OFFLINE)
        out.append(Show(Screen.OFFLINE))
        return out

    def _link_lost(self, now: float) -> list[Command]:
        """The socket dropped in the lobby or a call: the backend keeps the session for a resume,
        and the media is peer-to-peer, so nothing stops. A call goes on unchanged (its picture
        says enough); the lobby says calmly that it reconnects."""
        if self.state.link_lost_at is not None:
            return []
        phase = self.state.phase
        self.state = replace(self.state, link_lost_at=now)
        out: list[Command] = [Log(f"backend connection lost in phase {phase.value}; resuming")]
        if phase is Phase.LOBBY:
            out.append(Show(Screen.LOBBY, Notice.RECONNECTING))
        return out

    def _link_back(self, ev: Connected) -> list[Command]:
        """Connected again after a drop in a session: resumed, it goes on; not resumed (the grace
        period passed, or the backend lost it), the session is over and the Start screen follows."""
        phase = self.state.phase
        self.state = replace(self.state, link_lost_at=None)
        if ev.resumed:
            out: list[Command] = [Log(f"backend connection resumed in phase {phase.value}")]
            if phase is Phase.LOBBY:
                out.append(Show(Screen.LOBBY))
            return out
        return [Log("the backend did not keep our session"), *self._session_gone(ev.now)]

    def _session_gone(self, now: float) -> list[Command]:
        """The session cannot be resumed: a wait in the lobby gives way to Start; a call stops
        its media and says "the meeting has ended", then Start."""
        if self.state.phase is Phase.LOBBY:
            self._to(Phase.IDLE)
            return [Show(Screen.ATTRACT)]
        if self.state.phase not in _MEDIA_PHASES:
            return []
        out: list[Command] = [StopMedia()]
        self._to(Phase.ENDED, deadline=now + ENDED_SCREEN_S)
        return [*out, Show(Screen.ENDED, Notice.CALL_ENDED)]

    # -- citizen --

    def _on_start_pressed(self, ev: StartPressed) -> list[Command]:
        if self.state.phase is not Phase.IDLE:
            return []  # a second tap while things happen is not an error
        if self.state.services:
            self._to(Phase.CHOOSING, idle_deadline=ev.now + INACTIVITY_S)
            return [Show(Screen.CHOOSE)]
        self._to(Phase.REQUESTING, deadline=ev.now + REQUEST_TIMEOUT_S)
        return [Send(SessionRequest(screen_language=self._screen_only())), Show(Screen.LOBBY)]

    def _on_service_chosen(self, ev: ServiceChosen) -> list[Command]:
        if self.state.phase is not Phase.CHOOSING:
            return []
        service = next((s for s in self.state.services if s.service_id == ev.service_id), None)
        if service is None or ev.language not in service.languages:
            self._touch(ev.now)
            what = "a service not in the catalogue" if service is None else "a language the service does not offer"
            return [Log(f"refused a choice of {what}")]
        screen = self.state.language
        if screen in SCREEN_ONLY_LANGUAGES and screen not in service.screen_names:
            self._touch(ev.now)
            return [Log(f"refused a choice of a service with no {screen} name")]
        if screen not in SCREEN_ONLY_LANGUAGES:
            screen = ev.language  # the meeting's language is the screens' from here on
        self._to(Phase.REQUESTING, deadline=ev.now + REQUEST_TIMEOUT_S)
        self.state = replace(self.state, language=screen)
        screen_only = self._screen_only()
        request = SessionRequest(service_id=service.service_id, language=ev.language, screen_language=screen_only)
        return [Send(request), Show(Screen.LOBBY)]

    def _screen_only(self) -> str | None:
        """The citizen's screen language when no meeting is held in it (e.g. "ru"): the official is told."""
        return self.state.language if self.state.language in SCREEN_ONLY_LANGUAGES else None

    def _on_language_chosen(self, ev: LanguageChosen) -> list[Command]:
        if self.state.phase is not Phase.IDLE:
            return []  # chosen once, at the start; a late tap while a screen changes is not an error
        if ev.language is None:
            self._to(Phase.IDLE)
            return [Show(Screen.ATTRACT)]
        if ev.language not in BOOTH_LANGUAGES:
            return [Log(f"language {ev.language!r} is not one the booth speaks; ignored")]
        # Only the attract screen re-labelled: Start and "I have a booking" now in this language.
        self.state = replace(self.state, language=ev.language, idle_deadline=ev.now + INACTIVITY_S)
        return [Show(Screen.ATTRACT)]

    def _on_unmute_pressed(self, ev: UnmutePressed) -> list[Command]:
        """The citizen turns the microphone on again (muting is a request, as in meeting tools)."""
        if self.state.phase not in _MEDIA_PHASES:
            return [Log(f"unmute pressed in phase {self.state.phase.value}; ignored")]
        return [Log("the citizen unmuted the booth's microphone"), SetMuted(False)]

    def _on_look_toggled(self, ev: LookToggled) -> list[Command]:
        look = self.state.look
        if ev.what not in ("large_text", "high_contrast"):
            return [Log(f"unknown look {ev.what!r}; ignored")]
        look = replace(look, **{ev.what: not getattr(look, ev.what)})
        self.state = replace(self.state, look=look)
        if self.state.phase in _INPUT_PHASES:
            self._touch(ev.now)
        elif self.state.phase is Phase.IDLE:
            # Set before Start, and left: reset after the idle time, as a chosen language is.
            self.state = replace(self.state, idle_deadline=ev.now + INACTIVITY_S)
        return [SetLook(look)]

    def _on_booking_pressed(self, ev: BookingPressed) -> list[Command]:
        if self.state.phase is not Phase.IDLE:
            return []
        self._to(Phase.CHECKIN, idle_deadline=ev.now + INACTIVITY_S)
        return [Show(Screen.CHECKIN), ScanQr(True)]

    def _on_code_submitted(self, ev: CodeSubmitted) -> list[Command]:
        if self.state.phase is not Phase.CHECKIN:
            return []  # e.g. OK tapped again while the first one is being checked
        code = normalise(ev.code)
        if not is_code(code):
            self._touch(ev.now)
            return [Log("refused a typed booking code of the wrong shape")]
        return self._check(code, ev.now, from_qr=False)

    def _on_qr_seen(self, ev: QrSeen) -> list[Command]:
        if self.state.phase is not Phase.CHECKIN:
            return []  # the same QR seen again while it is being checked, or a scan that was under way
        code = code_from_qr(ev.payload)
        if code is None:
            return [Log("ignored a QR code that is not a booking code")]
        if code == self.state.qr_refused:
            return [Log("ignored the booking QR code that was just refused")]
        return self._check(code, ev.now, from_qr=True)

    def _check(self, code: str, now: float, *, from_qr: bool) -> list[Command]:
        self._to(
            Phase.CHECKING,
            deadline=now + CHECKIN_TIMEOUT_S,
            idle_deadline=now + INACTIVITY_S,
            qr_checking=code if from_qr else None,
            qr_refused=self.state.qr_refused,
        )
        return [
            ScanQr(False),
            Send(CheckinRequest(code=code, screen_language=self._screen_only())),
            Log(f"booking code {'read from a QR code' if from_qr else 'typed'}; checking"),
            Show(Screen.CHECKIN, Notice.CHECKING, busy=True),
        ]

    def _on_back_pressed(self, ev: BackPressed) -> list[Command]:
        if self.state.phase not in (Phase.CHOOSING, Phase.CHECKIN):
            return []  # while checking the answer is seconds away; the screen's Back is locked
        out = self._stop_scanning()
        self._to(Phase.IDLE)
        return [*out, Show(Screen.ATTRACT)]

    def _on_touched(self, ev: Touched) -> list[Command]:
        if self.state.phase in _INPUT_PHASES:
            self._touch(ev.now)
        return []

    def _touch(self, now: float) -> None:
        self.state = replace(self.state, idle_deadline=now + INACTIVITY_S)

    def _stop_scanning(self) -> list[Command]:
        """``ScanQr(False)`` when leaving the phase that scans."""
        return [ScanQr(False)] if self.state.phase is Phase.CHECKIN else []

    def _on_cancel_pressed(self, ev: CancelPressed) -> list[Command]:
        if self.state.phase is Phase.REQUESTING:
            self._to(Phase.IDLE)
            return [Show(Screen.ATTRACT)]
        if self.state.phase is not Phase.LOBBY:
            return []  # the citizen cannot end a call; the official does
        sid = self.state.session_id
        assert sid is not None
        self._to(Phase.IDLE)
        return [Send(SessionEnd(session_id=sid)), Show(Screen.ATTRACT, Notice.CANCELLED)]

    # -- media --

    def _on_offer_ready(self, ev: OfferReady) -> list[Command]:
        if not self._linked(ev.session_id, ev.peer):
            return [Log(f"dropped an offer for peer {ev.peer}, no longer in this call")]
        return [Send(RtcOffer(session_id=ev.session_id, peer=ev.peer, sdp=ev.sdp))]

    def _on_media_connected(self, ev: MediaConnected) -> list[Command]:
        if self.state.phase is Phase.IN_CALL and ev.session_id == self.state.session_id:
            if ev.peer != self.state.lead_peer or self.state.media_lost_at is None:
                return [Log(f"peer {ev.peer} connected")]
            self.state = replace(self.state, media_lost_at=None)
            return [Log(f"peer {ev.peer} connected again"), Show(Screen.CALL, official_name=self.state.official_name)]
        if self.state.phase is not Phase.CONNECTING or ev.session_id != self.state.session_id:
            return []
        if ev.peer != self.state.lead_peer:
            return [Log(f"peer {ev.peer} connected")]
        self._to(Phase.IN_CALL, session_id=ev.session_id, official_name=self.state.official_name, **self._call())
        return [Show(Screen.CALL, official_name=self.state.official_name)]

    def _on_media_failed(self, ev: MediaFailed) -> list[Command]:
        if not self._linked(ev.session_id, ev.peer):
            return []
        if ev.peer != self.state.lead_peer:
            # A guest's connection: close it; the citizen and the official go on.
            self.state = replace(self.state, remotes=tuple(p for p in self.state.remotes if p != ev.peer))
            return [Log(f"media to peer {ev.peer} failed: {ev.reason}"), DisconnectPeer(ev.peer), self._people()]
        if self.state.phase is Phase.IN_CALL:
            return self._reconnect_media(ev.peer, ev.now, f"media failed: {ev.reason}")
        return self._fail_media(ev.now, f"media failed: {ev.reason}")

    def _reconnect_media(self, peer: str, now: float, why: str) -> list[Command]:
        """A call's connection to ``peer`` is gone (it failed, or the peer asked): a new
        connection and a new offer, as aiortc cannot restart ICE. For the official in charge
        the call screen says kindly that it reconnects, until the picture is back."""
        sid = self.state.session_id
        assert sid is not None
        out: list[Command] = [Log(f"{why}; offering peer {peer} a new connection"), ConnectPeer(sid, peer)]
        if peer == self.state.lead_peer and self.state.phase is Phase.IN_CALL and self.state.media_lost_at is None:
            self.state = replace(self.state, media_lost_at=now)
            out.append(Show(Screen.CALL, Notice.RECONNECTING, self.state.official_name))
        return out

    def _linked(self, session_id: str, peer: str) -> bool:
        """Whether the booth is in this call and connected (or connecting) to ``peer``."""
        return self.state.phase in _MEDIA_PHASES and session_id == self.state.session_id and peer in self.state.remotes

    def _call(self) -> dict[str, Any]:
        """The call's peers, to carry into the next phase of the same call."""
        return {
            "peer": self.state.peer,
            "lead_peer": self.state.lead_peer,
            "remotes": self.state.remotes,
            "people": self.state.people,
        }

    def _people(self) -> ShowPeople:
        """The remote parties still connected, the official in charge first (the large picture)."""
        here = [p for p in self.state.people if p.peer in self.state.remotes]
        here.sort(key=lambda p: p.peer != self.state.lead_peer)
        return ShowPeople(tuple(here))

    def _on_participant(self, msg: ParticipantJoined | ParticipantLeft) -> list[Command]:
        """Someone joined (one more connection) or left (one fewer) the call in progress."""
        remotes = self.state.remotes
        if isinstance(msg, ParticipantJoined):
            peer = msg.participant.peer
            if peer == self.state.peer or peer in remotes:
                return [Log(f"peer {peer} is already connected")]
            people = (*(p for p in self.state.people if p.peer != peer), msg.participant)
            self.state = replace(self.state, remotes=(*remotes, peer), people=people)
            return [
                Log(f"{msg.participant.role.value} {peer} joined"),
                ConnectPeer(msg.session_id, peer),
                self._people(),
            ]
        if msg.peer not in remotes:
            return [Log(f"peer {msg.peer} left; the booth had no connection to it")]
        self.state = replace(self.state, remotes=tuple(p for p in remotes if p != msg.peer))
        return [Log(f"peer {msg.peer} {msg.reason.value}"), DisconnectPeer(msg.peer), self._people()]

    def _fail_media(self, now: float, why: str) -> list[Command]:
        sid = self.state.session_id
        assert sid is not None
        self._to(Phase.ENDED, deadline=now + ENDED_SCREEN_S)
        return [
            Log(why),
            StopMedia(),
            Send(SessionEnd(session_id=sid)),
            Show(Screen.ENDED, Notice.CONNECTION_FAILED),
        ]

    def _on_devices_changed(self, ev: DevicesChanged) -> list[Command]:
        self.state = replace(self.state, devices=ev.devices)
        if self.state.phase is Phase.OFFLINE:
            return []  # sent on the next Connected
        return [Send(DeviceReport(devices=ev.devices))]

    def _on_assist_pressed(self, ev: AssistPressed) -> list[Command]:
        """Never dropped: the press stays pending until the backend confirms it
        with ``assist.status``, and is sent again on every reconnect until then.
        The light comes on at once so the citizen sees they were heard."""
        request = AssistRequest(long_press=ev.long_press)
        self.state = replace(self.state, assist_pending=request)
        if self.state.phase is Phase.OFFLINE:
            return [
                ShowAssist(AssistState.REQUESTED, confirmed=False),
                Log("call button pressed while offline; will send"),
            ]
        return [ShowAssist(AssistState.REQUESTED, confirmed=False), Send(request)]

    # -- identification in the call --
    #
    # The official asks; the booth asks for the card, then the PIN on its keypad; the card
    # signs (the shell, in a worker thread, with the PIN the keypad handed it); the backend
    # judges. The phase stays IN_CALL throughout (media and call messages go on); only the
    # screen changes. Leaving the call forgets it all (``_to``).

    def _ident_asked(self, msg: IdentChallenge, now: float) -> list[Command]:
        try:
            challenge = base64.b64decode(msg.challenge, validate=True)
        except ValueError:
            return [Log("ignored an identification challenge that is not Base64")]
        self.state = replace(self.state, ident_challenge=challenge, ident_until=None)
        return self._ident_step("pin" if self.state.card_in else "card")

    def _ident_step(
        self, step: str, notice: Notice | None = None, code: str | None = None, tries: int | None = None
    ) -> list[Command]:
        """Ask the citizen for the card or the PIN (``notice``: why again), and tell the official."""
        self.state = replace(self.state, ident_step=step)
        sid = self.state.session_id or ""
        out: list[Command] = []
        if code is not None:
            out.append(Send(IdentProgress(session_id=sid, state=IdentState.FAILED, code=code, tries_left=tries)))
        if step == "card":
            out.append(Send(IdentProgress(session_id=sid, state=IdentState.WAITING_CARD)))
            out.append(Show(Screen.IDCARD, notice or Notice.INSERT_CARD))
        else:
            out.append(Send(IdentProgress(session_id=sid, state=IdentState.TYPING_PIN)))
            out.append(Show(Screen.PIN, notice or Notice.NONE))
        return out

    def _ident_result(self, notice: Notice, now: float) -> list[Command]:
        """The outcome on the screen for a moment, then the meeting again (or at once with Back)."""
        self.state = replace(self.state, ident_step="result", ident_challenge=None, ident_until=now + IDENT_RESULT_S)
        return [Show(Screen.IDCARD, notice)]

    def _ident_over(self) -> list[Command]:
        self.state = replace(self.state, ident_step=None, ident_challenge=None, ident_until=None)
        if self.state.phase is not Phase.IN_CALL:
            return []
        return [Show(Screen.CALL, official_name=self.state.official_name)]

    def _on_card_changed(self, ev: CardChanged) -> list[Command]:
        self.state = replace(self.state, card_in=ev.present)
        step = self.state.ident_step
        if self.state.phase is not Phase.IN_CALL:
            return []
        if ev.present and step == "card":
            return self._ident_step("pin")
        if not ev.present and step in ("pin", "signing"):
            return self._ident_step("card", Notice.CARD_REMOVED, code="card_removed")
        return []

    def _on_pin_entered(self, ev: PinEntered) -> list[Command]:
        if self.state.phase is not Phase.IN_CALL or self.state.ident_step != "pin" or not self.state.ident_challenge:
            return [Log("a PIN was entered with no identification under way; dropped")]
        self.state = replace(self.state, ident_step="signing")
        progress = IdentProgress(session_id=self.state.session_id or "", state=IdentState.SIGNING)
        return [Send(progress), Show(Screen.IDCARD, Notice.CHECKING_ID), SignChallenge(self.state.ident_challenge)]

    def _on_card_signed(self, ev: CardSigned) -> list[Command]:
        challenge = self.state.ident_challenge
        if self.state.phase is not Phase.IN_CALL or self.state.ident_step != "signing" or challenge is None:
            return [Log("the card signed after identification was over; dropped")]
        self.state = replace(self.state, ident_step="checking")
        b64 = base64.b64encode
        response = IdentResponse(
            session_id=self.state.session_id or "",
            challenge=b64(challenge).decode(),
            certificate=b64(ev.certificate).decode(),
            signature=b64(ev.signature).decode(),
            mechanism=ev.mechanism,
        )
        return [Send(response)]

    def _on_card_failed(self, ev: CardFailed) -> list[Command]:
        if self.state.phase is not Phase.IN_CALL or self.state.ident_step != "signing":
            return [Log(f"ID card error {ev.code} after identification was over")]
        if ev.code == "wrong_pin":
            notice = Notice.WRONG_PIN_LAST if ev.tries_left == 1 else Notice.WRONG_PIN
            return [Log("wrong PIN"), *self._ident_step("pin", notice, code=ev.code, tries=ev.tries_left)]
        if ev.code in ("card_removed", "no_card"):
            return self._ident_step("card", Notice.CARD_REMOVED, code="card_removed")
        sid = self.state.session_id or ""
        told = Send(IdentProgress(session_id=sid, state=IdentState.FAILED, code=ev.code))
        notice = Notice.PIN_LOCKED if ev.code == "pin_locked" else Notice.ID_FAILED
        return [Log(f"identification failed: {ev.code}"), told, *self._ident_result(notice, ev.now)]

    def _on_ident_back(self, ev: IdentBack) -> list[Command]:
        step = self.state.ident_step
        if step is None or self.state.phase is not Phase.IN_CALL:
            return []
        out: list[Command] = []
        if step != "result":
            out.append(Send(IdentProgress(session_id=self.state.session_id or "", state=IdentState.CANCELLED)))
        return [*out, *self._ident_over()]

    def _ident_verdict(self, msg: IdentStatus, now: float) -> list[Command]:
        """The backend's word: identified (with the card or in person), or the card's answer refused."""
        step = self.state.ident_step
        if msg.state is IdentState.IDENTIFIED and step == "checking":
            return [Log("identified with the ID card"), *self._ident_result(Notice.IDENTIFIED, now)]
        if msg.state is IdentState.FAILED and step == "checking":
            return [Log(f"identification refused: {msg.code}"), *self._ident_result(Notice.ID_FAILED, now)]
        if msg.state is IdentState.IN_PERSON and step not in (None, "result"):
            return [Log("identified in person; the card is not needed"), *self._ident_over()]
        return []

    # -- the end of the appointment: what next, printed at this booth --

    def _summary_text(self) -> BackendText:
        text = self.state.summary or ""
        return BackendText(text, text, text, self.state.summary_language)

    def _summary_received(self, msg: SummarySend) -> list[Command]:
        self.state = replace(self.state, summary=msg.text, summary_language=msg.language.value)
        out: list[Command] = [Log("the official sent what next"), Show(Screen.SUMMARY, text=self._summary_text())]
        return [*out, *self._print_summary()] if msg.print else out

    def _print_summary(self) -> list[Command]:
        sid = self.state.session_id or ""
        return [
            Send(PrintStatus(session_id=sid, job="summary", state="printing")),
            Show(Screen.SUMMARY, Notice.PRINTING, text=self._summary_text(), busy=True),
            PrintSummary(self.state.summary or "", self.state.summary_language),
        ]

    def _on_summary_print_pressed(self, ev: SummaryPrintPressed) -> list[Command]:
        if self.state.phase is not Phase.IN_CALL or not self.state.summary:
            return []
        return self._print_summary()

    def _on_summary_closed(self, ev: SummaryClosed) -> list[Command]:
        if self.state.phase is not Phase.IN_CALL:
            return []
        return [Show(Screen.CALL, official_name=self.state.official_name)]

    def _on_printed(self, ev: Printed) -> list[Command]:
        if self.state.phase is not Phase.IN_CALL or self.state.session_id is None:
            return [Log(f"print job {ev.job} finished after the call: {'ok' if ev.ok else ev.code}")]
        status = PrintStatus(
            session_id=self.state.session_id,
            job="document" if ev.job == "document" else "summary",
            job_id=ev.job_id,
            state="printed" if ev.ok else "failed",
            code=None if ev.ok else ev.code,
            printer_before=ev.before[:500],
            printer_after=ev.after[:500],
        )
        out: list[Command] = [Log(f"print job {ev.job}: {'printed' if ev.ok else ev.code}"), Send(status)]
        if ev.job == "summary":
            notice = Notice.PRINTED if ev.ok else Notice.PRINT_FAILED
            out.append(Show(Screen.SUMMARY, notice, text=self._summary_text()))
        return out

    # -- quick feedback --

    def _feedback_step(self, step: int, now: float) -> list[Command]:
        self.state = replace(self.state, feedback_step=step, feedback_until=now + FEEDBACK_TIMEOUT_S)
        return [Show(Screen.FEEDBACK, _FEEDBACK_QUESTIONS[step])]

    def _feedback_done(self, now: float, *, skipped: bool) -> list[Command]:
        answers = (*self.state.feedback_answers, None, None, None)[:3]
        sent = FeedbackCitizen(
            session_id=self.state.session_id or "",
            service=answers[0],
            ease=answers[1],
            overall=answers[2],
            skipped=skipped,
        )
        self.state = replace(
            self.state,
            feedback_step=len(_FEEDBACK_QUESTIONS),
            feedback_answers=(),
            feedback_until=now + FEEDBACK_THANKS_S,
        )
        return [Send(sent), Show(Screen.FEEDBACK, Notice.FEEDBACK_THANKS)]

    def _on_feedback_answered(self, ev: FeedbackAnswered) -> list[Command]:
        step = self.state.feedback_step
        if self.state.phase is not Phase.IN_CALL or step is None or step >= len(_FEEDBACK_QUESTIONS):
            return []
        if ev.score is None:
            return self._feedback_done(ev.now, skipped=True)
        if not 1 <= ev.score <= 5:
            return [Log("ignored a feedback answer outside 1-5")]
        self.state = replace(self.state, feedback_answers=(*self.state.feedback_answers, ev.score))
        if step + 1 < len(_FEEDBACK_QUESTIONS):
            return self._feedback_step(step + 1, ev.now)
        return self._feedback_done(ev.now, skipped=False)

    def _on_still_not_taken(self, ev: StillNotTaken) -> list[Command]:
        if self.state.phase is not Phase.IN_CALL or self.state.session_id is None:
            return [Log(f"still {ev.still_id} failed ({ev.code}) after the call")]
        failed = StillFailed(session_id=self.state.session_id, still_id=ev.still_id, code=ev.code)
        return [Log(f"still {ev.still_id} failed: {ev.code}"), Send(failed)]

    # -- time --

    def _on_tick(self, ev: Tick) -> list[Command]:
        phase = self.state.phase
        media_lost = self.state.media_lost_at
        if phase is Phase.IN_CALL and media_lost is not None and ev.now >= media_lost + MEDIA_RETRY_S:
            return self._fail_media(ev.now, f"media did not come back within {MEDIA_RETRY_S:.0f} s")
        lost = self.state.link_lost_at
        if lost is not None and ev.now >= lost + RESUME_GIVE_UP_S:
            out: list[Command] = [StopMedia()] if phase in _MEDIA_PHASES else []
            self._to(Phase.OFFLINE)
            why = f"no backend for {RESUME_GIVE_UP_S:.0f} s; the session is given up"
            return [*out, Log(why), Show(Screen.OFFLINE)]
        if self.state.ident_until is not None and ev.now >= self.state.ident_until:
            return self._ident_over()
        if self.state.feedback_until is not None and ev.now >= self.state.feedback_until:
            if self.state.feedback_step == len(_FEEDBACK_QUESTIONS):  # the thanks were shown
                self.state = replace(self.state, feedback_step=None, feedback_until=None)
                return [Show(Screen.CALL, official_name=self.state.official_name)]
            return [Log("feedback left unanswered; skipped"), *self._feedback_done(ev.now, skipped=True)]
        idle_deadline = self.state.idle_deadline
        if phase in _INPUT_PHASES and idle_deadline is not None and ev.now >= idle_deadline:
            out = self._stop_scanning()
            self._to(Phase.IDLE)
            why = f"nobody touched the screen for {INACTIVITY_S:.0f} s; back to the start"
            return [*out, Log(why), Show(Screen.ATTRACT)]
        chosen = self.state.language or self.state.look != Look()
        if phase is Phase.IDLE and chosen and idle_deadline is not None and ev.now >= idle_deadline:
            self._to(Phase.IDLE)  # chose a language and walked away: the next citizen sees all of them
            why = f"nobody touched the screen for {INACTIVITY_S:.0f} s; language and look reset"
            return [Log(why), Show(Screen.ATTRACT)]
        deadline = self.state.deadline
        if deadline is None or ev.now < deadline:
            return []
        if phase is Phase.CHECKING:
            return self._checkin_failed("the check-in did not complete in time", refused=False)
        if phase is Phase.REQUESTING:
            self._to(Phase.IDLE)
            return [Log("backend did not answer Start in time"), Show(Screen.ATTRACT, Notice.START_FAILED)]
        if phase is Phase.CONNECTING:
            return self._fail_media(ev.now, "media did not connect in time")
        if phase is Phase.ENDED:
            self._to(Phase.IDLE)
            return [Show(Screen.ATTRACT)]
        return []

    # -- backend messages --

    def _on_received(self, ev: Received) -> list[Command]:
        msg = ev.message
        phase, sid = self.state.phase, self.state.session_id
        if isinstance(msg, SessionLobby) and phase in _BEFORE_LOBBY:
            # Not only from REQUESTING and CHECKING: the backend is the authority on the lobby,
            # e.g. a check-in whose answer came after the booth had given up waiting.
            out = self._stop_scanning()
            self._to(Phase.LOBBY, session_id=msg.session_id)
            self.state = replace(self.state, lobby_ice=msg.ice_servers)
            return [*out, Show(Screen.LOBBY)]
        if isinstance(msg, BoothCatalogue):
            self.state = replace(self.state, services=msg.services)
            return [SetCatalogue(msg.services), Log(f"catalogue of {len(msg.services)} services")]
        if isinstance(msg, CheckinResult):
            return self._on_checkin_result(msg, ev.now)
        if isinstance(msg, Error):
            return self._on_error(msg)
        if isinstance(msg, AssistStatus):
            self.state = replace(self.state, assist_pending=None)  # the backend has it
            return [ShowAssist(msg.state)]
        if isinstance(msg, SessionAdmitted) and phase is Phase.IDLE:
            # The booth restarted in a call and resumed its session: it rejoins the call.
            return [Log("rejoining the call this booth was in"), *self._admitted(msg, ev.now)]
        if getattr(msg, "session_id", None) != sid or phase not in _SESSION_PHASES:
            return [Log(f"ignored {getattr(msg, 'type', '?')} in phase {phase.value}")]
        if isinstance(msg, RtcRestart) and phase in _MEDIA_PHASES:
            if msg.peer not in self.state.remotes:
                return [Log(f"ignored rtc.restart from peer {msg.peer}, not connected")]
            out = self._reconnect_media(msg.peer, ev.now, f"peer {msg.peer} asked for a new connection")
            # The official in charge's page came back (a reload): a window it shared is not shared
            # on the new connection; take it down rather than freeze its last frame.
            return [*out, ShowShare(False)] if msg.peer == self.state.lead_peer else out
        if isinstance(msg, SessionAdmitted) and phase is Phase.LOBBY:
            return self._admitted(msg, ev.now)
        if isinstance(msg, QueueStatus) and phase is Phase.LOBBY:
            return [ShowQueue(msg.position, msg.wait_min)]
        if isinstance(msg, RtcAnswer | RtcIce) and phase in _MEDIA_PHASES and msg.peer not in self.state.remotes:
            return [Log(f"ignored {msg.type} from peer {msg.peer}, not connected")]
        if isinstance(msg, RtcAnswer) and phase in _MEDIA_PHASES:
            return [ApplyAnswer(sid, msg.peer, msg.sdp)]
        if isinstance(msg, CameraSelect) and phase in _MEDIA_PHASES:
            return [SelectCamera(msg.source)]
        if isinstance(msg, ShareState) and phase in _MEDIA_PHASES and msg.session_id == sid:
            return [ShowShare(msg.sharing)]
        if isinstance(msg, ParticipantMuted) and phase in _MEDIA_PHASES:
            return [Log("the official muted the booth's microphone"), SetMuted(True, by_official=True)]
        if isinstance(msg, BoothVolume) and phase in _MEDIA_PHASES and msg.session_id == sid:
            return [SetVolume(msg.volume)]
        if isinstance(msg, RtcIce) and phase in _MEDIA_PHASES:
            return [AddIceCandidate(sid, msg.peer, msg.candidate, msg.sdp_mid, msg.sdp_mline_index)]
        if isinstance(msg, ParticipantJoined | ParticipantLeft) and phase in _MEDIA_PHASES:
            return self._on_participant(msg)
        if isinstance(msg, IdentChallenge) and phase is Phase.IN_CALL:
            return self._ident_asked(msg, ev.now)
        if isinstance(msg, IdentStatus) and phase is Phase.IN_CALL:
            return self._ident_verdict(msg, ev.now)
        if isinstance(msg, FeedbackRequest) and phase is Phase.IN_CALL:
            self.state = replace(self.state, feedback_answers=())
            return [Log("the official asked for feedback"), *self._feedback_step(0, ev.now)]
        if isinstance(msg, PrintJob) and phase is Phase.IN_CALL:
            printing = PrintStatus(session_id=msg.session_id, job="document", job_id=msg.job_id, state="printing")
            return [Log(f"printing document {msg.job_id}"), Send(printing), PrintDocument(msg.job_id, msg.token)]
        if isinstance(msg, SummarySend) and phase is Phase.IN_CALL:
            return self._summary_received(msg)
        if isinstance(msg, StillCapture) and phase is Phase.IN_CALL:
            return [Log(f"taking still {msg.still_id}"), TakeStill(msg.still_id, msg.upload_token)]
        if isinstance(msg, SessionLeft) and phase in _MEDIA_PHASES:
            self._to(Phase.LOBBY, session_id=sid)
            stepped_out = msg.reason is SessionLeftReason.STEPPED_OUT
            return [
                StopMedia(),
                Show(Screen.LOBBY, Notice.BACK_IN_QUEUE if stepped_out else Notice.OFFICIAL_DISCONNECTED),
            ]
        if isinstance(msg, SessionEnded):
            out: list[Command] = [StopMedia()] if phase in _MEDIA_PHASES else []
            self._to(Phase.ENDED, deadline=ev.now + ENDED_SCREEN_S)
            notice = Notice.CONNECTION_FAILED if msg.reason is SessionEndReason.MEDIA_FAILED else Notice.CALL_ENDED
            return [*out, Show(Screen.ENDED, notice)]
        return [Log(f"ignored {msg.type} in phase {phase.value}")]

    def _admitted(self, msg: SessionAdmitted, now: float) -> list[Command]:
        """An official let the citizen in: a connection to every other participant."""
        remotes = tuple(p.peer for p in msg.participants if p.peer != msg.peer)
        lead = next((p.peer for p in msg.participants if p.role is ParticipantRole.OFFICIAL), None)
        if lead is None or not remotes:
            return [Log("ignored session.admitted without an official in it")]
        self._to(
            Phase.CONNECTING,
            session_id=msg.session_id,
            official_name=msg.official_name,
            deadline=now + MEDIA_TIMEOUT_S,
            peer=msg.peer,
            lead_peer=lead,
            remotes=remotes,
            people=tuple(p for p in msg.participants if p.peer != msg.peer),
        )
        return [
            StartMedia(msg.session_id, msg.ice_servers),
            *(ConnectPeer(msg.session_id, p) for p in remotes),
            self._people(),
            Show(Screen.CALL, Notice.CONNECTING, msg.official_name),
        ]

    def _on_checkin_result(self, msg: CheckinResult, now: float) -> list[Command]:
        if self.state.phase is not Phase.CHECKING:
            return [Log(f"ignored a check-in result in phase {self.state.phase.value}")]
        chosen = self.state.language or (msg.language.value if msg.language else None)
        text = BackendText(msg.message_fi, msg.message_sv, msg.message_en, chosen)
        if msg.ok:
            self._to(
                Phase.CHECKING,
                deadline=now + CHECKIN_TIMEOUT_S,
                idle_deadline=self.state.idle_deadline,
                qr_refused=self.state.qr_refused,
            )
            # A citizen who did not choose a language is served in the one they booked in.
            self.state = replace(self.state, checkin_result=msg.result, language=chosen)
            return [Log("checked in; waiting for the lobby"), Show(Screen.CHECKIN, text=text, busy=True)]
        refused = self.state.qr_checking or self.state.qr_refused
        self._to(Phase.CHECKIN, idle_deadline=self.state.idle_deadline, qr_refused=refused)
        self.state = replace(self.state, checkin_result=msg.result)
        # The backend's reasons are in the meeting languages; a screen-only language gets the booth's own words.
        notice = Notice.CHECKIN_FAILED if chosen in SCREEN_ONLY_LANGUAGES else Notice.NONE
        return [Log(f"check-in refused: {msg.result}"), Show(Screen.CHECKIN, notice, text=text), ScanQr(True)]

    def _checkin_failed(self, why: str, *, refused: bool) -> list[Command]:
        """Back to the keypad with "could not check, try again" (no answer, or the backend erred).

        After an error the QR code is treated as refused (sending it again would
        only get the same error, three times a second); after silence it may be
        read again, so holding it up again is the retry.
        """
        qr_refused = (self.state.qr_checking or self.state.qr_refused) if refused else self.state.qr_refused
        self._to(Phase.CHECKIN, idle_deadline=self.state.idle_deadline, qr_refused=qr_refused)
        return [Log(why), Show(Screen.CHECKIN, Notice.CHECKIN_FAILED), ScanQr(True)]

    def _on_error(self, err: Error) -> list[Command]:
        if err.ref == "checkin.request":
            # The reason may quote what was sent (the code): log only the error code.
            if self.state.phase is Phase.CHECKING:
                return self._checkin_failed(f"check-in refused: {err.code.value}", refused=True)
            return [Log(f"backend error {err.code.value} about checkin.request")]
        if self.state.phase is Phase.REQUESTING and err.ref == "session.request":
            self._to(Phase.IDLE)
            return [Log(f"Start refused: {err.code.value}"), Show(Screen.ATTRACT, Notice.START_FAILED)]
        if err.code is ErrorCode.NO_SUCH_SESSION and self.state.phase in _SESSION_PHASES:
            # The backend no longer knows our session (e.g. it restarted).
            out: list[Command] = [StopMedia()] if self.state.phase in _MEDIA_PHASES else []
            self._to(Phase.IDLE)
            return [*out, Log("backend forgot our session"), Show(Screen.ATTRACT, Notice.START_FAILED)]
        return [Log(f"backend error {err.code.value} about {err.ref}: {err.reason}")]

    def _to(
        self,
        phase: Phase,
        *,
        session_id: str | None = None,
        official_name: str = "",
        deadline: float | None = None,
        idle_deadline: float | None = None,
        qr_checking: str | None = None,
        qr_refused: str | None = None,
        peer: str | None = None,
        lead_peer: str | None = None,
        remotes: tuple[str, ...] = (),
        people: tuple[Participant, ...] = (),
    ) -> None:
        """Enter ``phase``. What belongs to the booth (devices, call button, catalogue) carries over;
        what belongs to a phase is passed again or forgotten."""
        self.state = State(
            phase=phase,
            session_id=session_id,
            official_name=official_name,
            deadline=deadline,
            devices=self.state.devices,
            assist_pending=self.state.assist_pending,
            services=self.state.services,
            idle_deadline=idle_deadline,
            qr_checking=qr_checking,
            qr_refused=qr_refused,
            peer=peer,
            lead_peer=lead_peer,
            remotes=remotes,
            people=people,
            card_in=self.state.card_in,
            # The next citizen starts with no language chosen: a walk-up back to the start resets it.
            language=None if phase is Phase.IDLE else self.state.language,
            look=Look() if phase is Phase.IDLE else self.state.look,
            link_lost_at=self.state.link_lost_at if phase in _SESSION_PHASES else None,
        )


#: Every event the machine understands, and its handler. Explicit so that an event
#: added, renamed or removed cannot be dropped without a trace: ``handle`` reports
#: anything not listed, and a test checks the table covers ``Event``.
_HANDLERS: dict[type, Callable[[BoothSession, Any], list[Command]]] = {
    Connected: BoothSession._on_connected,
    Disconnected: BoothSession._on_disconnected,
    StartPressed: BoothSession._on_start_pressed,
    BookingPressed: BoothSession._on_booking_pressed,
    ServiceChosen: BoothSession._on_service_chosen,
    CodeSubmitted: BoothSession._on_code_submitted,
    QrSeen: BoothSession._on_qr_seen,
    BackPressed: BoothSession._on_back_pressed,
    Touched: BoothSession._on_touched,
    CancelPressed: BoothSession._on_cancel_pressed,
    Received: BoothSession._on_received,
    OfferReady: BoothSession._on_offer_ready,
    MediaConnected: BoothSession._on_media_connected,
    MediaFailed: BoothSession._on_media_failed,
    DevicesChanged: BoothSession._on_devices_changed,
    AssistPressed: BoothSession._on_assist_pressed,
    Tick: BoothSession._on_tick,
    CardChanged: BoothSession._on_card_changed,
    PinEntered: BoothSession._on_pin_entered,
    IdentBack: BoothSession._on_ident_back,
    CardSigned: BoothSession._on_card_signed,
    CardFailed: BoothSession._on_card_failed,
    StillNotTaken: BoothSession._on_still_not_taken,
    SummaryPrintPressed: BoothSession._on_summary_print_pressed,
    SummaryClosed: BoothSession._on_summary_closed,
    Printed: BoothSession._on_printed,
    FeedbackAnswered: BoothSession._on_feedback_answered,
    LanguageChosen: BoothSession._on_language_chosen,
    LookToggled: BoothSession._on_look_toggled,
    UnmutePressed: BoothSession._on_unmute_pressed,
}
