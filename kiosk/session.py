"""The booth's session logic as a pure state machine.

No Kivy, aiortc, socket or clock in here: the shell (``kiosk.app``) feeds
events in, with the current time, and carries the returned commands out
(send a message, show a screen, start or stop media). That makes every
transition testable in microseconds, and keeps the booth's behaviour in one
place a newcomer can read top to bottom.

Phases::

    OFFLINE --connected--> IDLE --start--> REQUESTING --lobby--> LOBBY
       ^                    ^                   |                  | admitted
       | disconnected       | timeout/refused   v                  v
     (any)                  +---------------- IDLE           CONNECTING --media up--> IN_CALL
                            |                                      |   official left -> LOBBY
                          ENDED <--------- session ended / media failed
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from protocol.messages import (
    AssistRequest,
    AssistState,
    AssistStatus,
    CameraSelect,
    CameraSource,
    DeviceReport,
    DeviceStatus,
    Error,
    ErrorCode,
    RtcAnswer,
    RtcIce,
    RtcOffer,
    SessionAdmitted,
    SessionEnd,
    SessionEnded,
    SessionEndReason,
    SessionLeft,
    SessionLobby,
    SessionRequest,
)

#: How long the booth waits for the backend to acknowledge Start.
REQUEST_TIMEOUT_S = 10.0
#: How long media may take to connect after the official admits.
MEDIA_TIMEOUT_S = 30.0
#: How long the thank-you screen stays before the attract screen returns.
ENDED_SCREEN_S = 8.0


class Phase(StrEnum):
    OFFLINE = "offline"
    IDLE = "idle"
    REQUESTING = "requesting"
    LOBBY = "lobby"
    CONNECTING = "connecting"
    IN_CALL = "in_call"
    ENDED = "ended"


class Screen(StrEnum):
    """What the citizen sees; one Kivy screen each."""

    OFFLINE = "offline"
    ATTRACT = "attract"
    LOBBY = "lobby"
    CALL = "call"
    ENDED = "ended"


class Notice(StrEnum):
    """Short messages shown on a screen; translated by the UI, never free text."""

    NONE = ""
    START_FAILED = "start_failed"  # backend did not accept Start
    OFFICIAL_STEPPED_AWAY = "official_stepped_away"
    CONNECTING = "connecting"
    CALL_ENDED = "call_ended"
    CONNECTION_FAILED = "connection_failed"
    CANCELLED = "cancelled"


# --- events ---------------------------------------------------------------------


@dataclass(frozen=True)
class Connected:
    """The backend accepted our hello."""

    now: float


@dataclass(frozen=True)
class Disconnected:
    now: float


@dataclass(frozen=True)
class StartPressed:
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
    """Media created the local offer for this session."""

    session_id: str
    sdp: str
    now: float


@dataclass(frozen=True)
class MediaConnected:
    session_id: str
    now: float


@dataclass(frozen=True)
class MediaFailed:
    session_id: str
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


Event = (
    Connected
    | Disconnected
    | StartPressed
    | CancelPressed
    | Received
    | OfferReady
    | MediaConnected
    | MediaFailed
    | DevicesChanged
    | AssistPressed
    | Tick
)


# --- commands -------------------------------------------------------------------


@dataclass(frozen=True)
class Send:
    message: Any


@dataclass(frozen=True)
class Show:
    screen: Screen
    notice: Notice = Notice.NONE
    official_name: str = ""


@dataclass(frozen=True)
class StartMedia:
    """Create the peer connection with camera and microphone, then an offer."""

    session_id: str


@dataclass(frozen=True)
class ApplyAnswer:
    session_id: str
    sdp: str


@dataclass(frozen=True)
class AddIceCandidate:
    session_id: str
    candidate: str
    sdp_mid: str | None
    sdp_mline_index: int | None


@dataclass(frozen=True)
class StopMedia:
    """Close the peer connection and release what the call held."""


@dataclass(frozen=True)
class ShowAssist:
    """The call button's light and the on-screen note: off, on, or blinking."""

    state: AssistState


@dataclass(frozen=True)
class SelectCamera:
    """Send this camera's picture in the call (the official's choice)."""

    source: CameraSource


@dataclass(frozen=True)
class Log:
    """Something worth a line in the booth's log (never personal data)."""

    text: str


Command = Send | Show | StartMedia | ApplyAnswer | AddIceCandidate | StopMedia | ShowAssist | SelectCamera | Log


@dataclass(frozen=True)
class State:
    phase: Phase = Phase.OFFLINE
    session_id: str | None = None
    official_name: str = ""
    deadline: float | None = None  # when the current phase times out
    devices: tuple[DeviceStatus, ...] = field(default=())
    #: A call-button press not yet delivered to the backend (it was offline).
    assist_pending: AssistRequest | None = None


_MEDIA_PHASES = (Phase.CONNECTING, Phase.IN_CALL)
_SESSION_PHASES = (Phase.LOBBY, *_MEDIA_PHASES)


class BoothSession:
    """Feed events with ``handle``; read ``state``. Never raises on bad input."""

    def __init__(self) -> None:
        self.state = State()

    def handle(self, event: Event) -> list[Command]:
        handler = getattr(self, f"_on_{type(event).__name__}", None)
        if handler is None:
            return [Log(f"ignored unknown event {type(event).__name__}")]
        return handler(event)

    # -- connection --

    def _on_Connected(self, ev: Connected) -> list[Command]:
        out: list[Command] = []
        if self.state.devices:
            out.append(Send(DeviceReport(devices=self.state.devices)))
        if self.state.assist_pending is not None:
            out.append(Send(self.state.assist_pending))  # kept until the backend confirms
        if self.state.phase is Phase.OFFLINE:
            self._to(Phase.IDLE)
            out.append(Show(Screen.ATTRACT))
        return out

    def _on_Disconnected(self, ev: Disconnected) -> list[Command]:
        out: list[Command] = []
        if self.state.phase in _MEDIA_PHASES:
            out.append(StopMedia())
        if self.state.phase is not Phase.OFFLINE:
            out.append(Log(f"backend connection lost in phase {self.state.phase.value}"))
        self._to(Phase.OFFLINE)
        out.append(Show(Screen.OFFLINE))
        return out

    # -- citizen --

    def _on_StartPressed(self, ev: StartPressed) -> list[Command]:
        if self.state.phase is not Phase.IDLE:
            return []  # a second tap while things happen is not an error
        self._to(Phase.REQUESTING, deadline=ev.now + REQUEST_TIMEOUT_S)
        return [Send(SessionRequest()), Show(Screen.LOBBY)]

    def _on_CancelPressed(self, ev: CancelPressed) -> list[Command]:
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

    def _on_OfferReady(self, ev: OfferReady) -> list[Command]:
        if self.state.phase is not Phase.CONNECTING or ev.session_id != self.state.session_id:
            return [Log("dropped an offer for a session that is no longer connecting")]
        return [Send(RtcOffer(session_id=ev.session_id, sdp=ev.sdp))]

    def _on_MediaConnected(self, ev: MediaConnected) -> list[Command]:
        if self.state.phase is not Phase.CONNECTING or ev.session_id != self.state.session_id:
            return []
        self._to(Phase.IN_CALL, session_id=ev.session_id, official_name=self.state.official_name)
        return [Show(Screen.CALL, official_name=self.state.official_name)]

    def _on_MediaFailed(self, ev: MediaFailed) -> list[Command]:
        if self.state.phase not in _MEDIA_PHASES or ev.session_id != self.state.session_id:
            return []
        return self._fail_media(ev.now, f"media failed: {ev.reason}")

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

    def _on_DevicesChanged(self, ev: DevicesChanged) -> list[Command]:
        self.state = replace(self.state, devices=ev.devices)
        if self.state.phase is Phase.OFFLINE:
            return []  # sent on the next Connected
        return [Send(DeviceReport(devices=ev.devices))]

    def _on_AssistPressed(self, ev: AssistPressed) -> list[Command]:
        """Never dropped: the press stays pending until the backend confirms it
        with ``assist.status``, and is sent again on every reconnect until then.
        The light comes on at once so the citizen sees they were heard."""
        request = AssistRequest(long_press=ev.long_press)
        self.state = replace(self.state, assist_pending=request)
        if self.state.phase is Phase.OFFLINE:
            return [ShowAssist(AssistState.REQUESTED), Log("call button pressed while offline; will send")]
        return [ShowAssist(AssistState.REQUESTED), Send(request)]

    # -- time --

    def _on_Tick(self, ev: Tick) -> list[Command]:
        deadline = self.state.deadline
        if deadline is None or ev.now < deadline:
            return []
        phase = self.state.phase
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

    def _on_Received(self, ev: Received) -> list[Command]:
        msg = ev.message
        phase, sid = self.state.phase, self.state.session_id
        if isinstance(msg, SessionLobby) and phase in (Phase.REQUESTING, Phase.IDLE):
            # From IDLE: the backend put us in the lobby after a check-in with a booking code.
            self._to(Phase.LOBBY, session_id=msg.session_id)
            return [Show(Screen.LOBBY)]
        if isinstance(msg, Error):
            return self._on_error(msg)
        if isinstance(msg, AssistStatus):
            self.state = replace(self.state, assist_pending=None)  # the backend has it
            return [ShowAssist(msg.state)]
        if getattr(msg, "session_id", None) != sid or phase not in _SESSION_PHASES:
            return [Log(f"ignored {getattr(msg, 'type', '?')} in phase {phase.value}")]
        if isinstance(msg, SessionAdmitted) and phase is Phase.LOBBY:
            self._to(
                Phase.CONNECTING,
                session_id=sid,
                official_name=msg.official_name,
                deadline=ev.now + MEDIA_TIMEOUT_S,
            )
            return [StartMedia(sid), Show(Screen.CALL, Notice.CONNECTING, msg.official_name)]
        if isinstance(msg, RtcAnswer) and phase in _MEDIA_PHASES:
            return [ApplyAnswer(sid, msg.sdp)]
        if isinstance(msg, CameraSelect) and phase in _MEDIA_PHASES:
            return [SelectCamera(msg.source)]
        if isinstance(msg, RtcIce) and phase in _MEDIA_PHASES:
            return [AddIceCandidate(sid, msg.candidate, msg.sdp_mid, msg.sdp_mline_index)]
        if isinstance(msg, SessionLeft) and phase in _MEDIA_PHASES:
            self._to(Phase.LOBBY, session_id=sid)
            return [StopMedia(), Show(Screen.LOBBY, Notice.OFFICIAL_STEPPED_AWAY)]
        if isinstance(msg, SessionEnded):
            out: list[Command] = [StopMedia()] if phase in _MEDIA_PHASES else []
            self._to(Phase.ENDED, deadline=ev.now + ENDED_SCREEN_S)
            notice = Notice.CONNECTION_FAILED if msg.reason is SessionEndReason.MEDIA_FAILED else Notice.CALL_ENDED
            return [*out, Show(Screen.ENDED, notice)]
        return [Log(f"ignored {msg.type} in phase {phase.value}")]

    def _on_error(self, err: Error) -> list[Command]:
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
    ) -> None:
        self.state = State(
            phase=phase,
            session_id=session_id,
            official_name=official_name,
            deadline=deadline,
            devices=self.state.devices,
            assist_pending=self.state.assist_pending,
        )
