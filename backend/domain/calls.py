"""The call broker: lobby, admit, relay and end, as pure code.

The websocket hub (``backend.signal``) owns sockets and the database; it tells
the broker who connected and what they asked for, and delivers what the
broker returns. The broker owns the rules:

- a booth has at most one live session, and only ever reaches its own;
- only an official admits, and only a session waiting in the lobby;
- WebRTC messages are relayed only between the two parties of a call;
- when a booth drops, its session ends; when an official drops, the citizen
  goes back to the lobby instead of being thrown out.

No clock reads and no randomness: ``now`` and new session ids are passed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from protocol.messages import (
    AssistState,
    AssistStatus,
    BookingArrived,
    BoothPresence,
    CameraSelect,
    DeviceStatus,
    ErrorCode,
    LobbyEntry,
    Presence,
    Role,
    SessionAdmitted,
    SessionEnded,
    SessionEndReason,
    SessionLeft,
    SessionLobby,
)


class BrokerError(Exception):
    """A request refused by the rules; the hub answers it with an ``error``."""

    def __init__(self, code: ErrorCode, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class Party:
    role: Role
    id: str


#: Deliver to every connected official.
ALL_OFFICIALS = Party(Role.OFFICIAL, "*")


@dataclass(frozen=True)
class Deliver:
    to: Party
    message: Any


class CallPhase(StrEnum):
    LOBBY = "lobby"
    IN_CALL = "in_call"
    ENDED = "ended"


@dataclass(frozen=True)
class CallSession:
    id: str
    booth_id: str
    requested_at: float
    phase: CallPhase = CallPhase.LOBBY
    official_id: str | None = None
    admitted_at: float | None = None
    ended_at: float | None = None
    end_reason: SessionEndReason | None = None
    booking_code: str | None = None  # the citizen checked in for this booking
    booked_for: str | None = None  # the official the booking is with


@dataclass(frozen=True)
class CallChanged:
    """The session changed; the hub records it (times and parties, no content)."""

    session: CallSession


Effect = Deliver | CallChanged


@dataclass(frozen=True)
class Arrival:
    """A checked-in booking, as the broker needs it."""

    booking_code: str
    official_id: str
    service_name: str
    starts_at: float


@dataclass(frozen=True)
class BoothInfo:
    booth_id: str
    name: str
    point: str


@dataclass
class _Booth:
    info: BoothInfo
    online: bool = False
    devices: tuple[DeviceStatus, ...] = ()
    assist: AssistState = AssistState.NONE
    assist_since: float | None = None


@dataclass
class CallBroker:
    booths: dict[str, _Booth] = field(default_factory=dict)
    officials: dict[str, str] = field(default_factory=dict)  # id -> display name
    sessions: dict[str, CallSession] = field(default_factory=dict)  # live only

    # -- presence --

    def know_booth(self, info: BoothInfo) -> None:
        """A booth from the database: listed for officials, offline until it connects."""
        self.booths.setdefault(info.booth_id, _Booth(info)).info = info

    def booth_online(self, info: BoothInfo) -> list[Effect]:
        booth = self.booths.setdefault(info.booth_id, _Booth(info))
        booth.info, booth.online = info, True
        out: list[Effect] = [self._presence()]
        if booth.assist is not AssistState.NONE:  # a reconnecting booth gets its light back
            out.insert(0, Deliver(Party(Role.BOOTH, info.booth_id), AssistStatus(state=booth.assist)))
        return out

    def booth_offline(self, booth_id: str, now: float) -> list[Effect]:
        booth = self.booths.get(booth_id)
        if booth is None:
            return []
        booth.online = False
        out: list[Effect] = []
        for s in self._sessions_of_booth(booth_id):
            out += self._end(s, SessionEndReason.BOOTH_OFFLINE, now)
        return [*out, self._presence()]

    def official_online(self, official_id: str, name: str) -> list[Effect]:
        self.officials[official_id] = name
        return [Deliver(Party(Role.OFFICIAL, official_id), self.presence())]

    def official_offline(self, official_id: str, now: float) -> list[Effect]:
        """The official's last connection closed: their citizens wait again."""
        self.officials.pop(official_id, None)
        out: list[Effect] = []
        for s in list(self.sessions.values()):
            if s.official_id == official_id and s.phase is CallPhase.IN_CALL:
                out += self._back_to_lobby(s)
        return [*out, self._presence()] if out else out

    # -- call button --

    def assist_request(self, booth_id: str, now: float) -> list[Effect]:
        """The citizen pressed the call button. A repeated press keeps the first time
        (how long they have waited) and re-lights the booth's light."""
        booth = self._booth(booth_id)
        if booth.assist is AssistState.NONE:
            booth.assist_since = now
        booth.assist = AssistState.REQUESTED if booth.assist is AssistState.NONE else booth.assist
        return [Deliver(Party(Role.BOOTH, booth_id), AssistStatus(state=booth.assist)), self._presence()]

    def assist_update(self, booth_id: str, state: AssistState) -> list[Effect]:
        """Someone acknowledged (light blinks) or cleared (light off) the alert."""
        booth = self.booths.get(booth_id)
        if booth is None:
            raise BrokerError(ErrorCode.NO_SUCH_SESSION, f"no booth {booth_id!r}")
        if state is AssistState.ACKNOWLEDGED and booth.assist is AssistState.NONE:
            raise BrokerError(ErrorCode.WRONG_STATE, "this booth has not asked for help")
        booth.assist = state
        if state is AssistState.NONE:
            booth.assist_since = None
        out: list[Effect] = [self._presence()]
        if booth.online:
            out.insert(0, Deliver(Party(Role.BOOTH, booth_id), AssistStatus(state=state)))
        return out

    def device_status(self, booth_id: str, devices: tuple[DeviceStatus, ...]) -> list[Effect]:
        self._booth(booth_id).devices = devices
        return [self._presence()]

    # -- lifecycle --

    def request(self, booth_id: str, new_id: str, now: float) -> list[Effect]:
        booth = self._booth(booth_id)
        if any(True for _ in self._sessions_of_booth(booth_id)):
            raise BrokerError(ErrorCode.BUSY, "this booth already has a session in progress")
        s = CallSession(id=new_id, booth_id=booth.info.booth_id, requested_at=now)
        self.sessions[s.id] = s
        return [
            Deliver(Party(Role.BOOTH, booth_id), SessionLobby(session_id=s.id)),
            CallChanged(s),
            self._presence(),
        ]

    def checked_in(self, booth_id: str, new_id: str, now: float, arrival: Arrival) -> list[Effect]:
        """A citizen checked in for a booking at this booth: into the lobby, and the
        booked official is told at once (no refreshing a calendar by hand)."""
        booth = self._booth(booth_id)
        if any(True for _ in self._sessions_of_booth(booth_id)):
            raise BrokerError(ErrorCode.BUSY, "this booth already has a session in progress")
        s = CallSession(
            id=new_id,
            booth_id=booth_id,
            requested_at=now,
            booking_code=arrival.booking_code,
            booked_for=arrival.official_id,
        )
        self.sessions[s.id] = s
        alert = BookingArrived(
            session_id=s.id,
            booking_code=arrival.booking_code,
            service_name=arrival.service_name,
            starts_at=arrival.starts_at,
            booth_name=booth.info.name,
            point=booth.info.point,
        )
        return [
            Deliver(Party(Role.BOOTH, booth_id), SessionLobby(session_id=s.id)),
            Deliver(Party(Role.OFFICIAL, arrival.official_id), alert),
            CallChanged(s),
            self._presence(),
        ]

    def admit(self, official_id: str, session_id: str, now: float) -> list[Effect]:
        s = self._session_for(Party(Role.OFFICIAL, official_id), session_id)
        if s.phase is not CallPhase.LOBBY:
            raise BrokerError(
                ErrorCode.WRONG_STATE, "this citizen is no longer waiting; another official may have admitted them"
            )
        s = replace(s, phase=CallPhase.IN_CALL, official_id=official_id, admitted_at=now)
        self.sessions[s.id] = s
        msg = SessionAdmitted(
            session_id=s.id,
            official_name=self.officials.get(official_id, "Official"),
            booth_name=self.booths[s.booth_id].info.name,
        )
        return [
            Deliver(Party(Role.BOOTH, s.booth_id), msg),
            Deliver(Party(Role.OFFICIAL, official_id), msg),
            CallChanged(s),
            self._presence(),
        ]

    def leave(self, party: Party, session_id: str, now: float) -> list[Effect]:
        s = self._session_for(party, session_id)
        if party.role is not Role.OFFICIAL or s.phase is not CallPhase.IN_CALL:
            raise BrokerError(ErrorCode.WRONG_STATE, "only the official in the call can step out of it")
        return [*self._back_to_lobby(s), self._presence()]

    def end(self, party: Party, session_id: str, now: float) -> list[Effect]:
        """Official hangs up; a booth cancels (lobby) or reports failed media (call)."""
        s = self._session_for(party, session_id)
        if party.role is Role.OFFICIAL:
            reason = SessionEndReason.HUNG_UP
        elif s.phase is CallPhase.LOBBY:
            reason = SessionEndReason.CANCELLED
        else:
            reason = SessionEndReason.MEDIA_FAILED
        return [*self._end(s, reason, now), self._presence()]

    def relay(self, party: Party, session_id: str, message: Any) -> list[Effect]:
        """Pass a WebRTC message (or the official's camera choice) to the other party of the call."""
        if isinstance(message, CameraSelect) and party.role is not Role.OFFICIAL:
            raise BrokerError(ErrorCode.NOT_ALLOWED, "only the official chooses the booth's camera")
        s = self._session_for(party, session_id)
        if s.phase is not CallPhase.IN_CALL or s.official_id is None:
            raise BrokerError(ErrorCode.WRONG_STATE, "WebRTC messages are only relayed during a call")
        other = Party(Role.OFFICIAL, s.official_id) if party.role is Role.BOOTH else Party(Role.BOOTH, s.booth_id)
        return [Deliver(other, message)]

    # -- views --

    def presence(self) -> Presence:
        booths = tuple(
            BoothPresence(
                booth_id=b.info.booth_id,
                name=b.info.name,
                point=b.info.point,
                online=b.online,
                devices=b.devices,
                assist=b.assist,
                assist_since=b.assist_since,
            )
            for b in sorted(self.booths.values(), key=lambda b: (b.info.point, b.info.name))
        )
        lobby = tuple(
            LobbyEntry(
                session_id=s.id,
                booth_id=s.booth_id,
                booth_name=self.booths[s.booth_id].info.name,
                point=self.booths[s.booth_id].info.point,
                waiting_since=s.requested_at,
                booking_code=s.booking_code,
                booked_for=s.booked_for,
            )
            for s in sorted(self.sessions.values(), key=lambda s: s.requested_at)
            if s.phase is CallPhase.LOBBY
        )
        return Presence(booths=booths, lobby=lobby)

    # -- internals --

    def _presence(self) -> Deliver:
        return Deliver(ALL_OFFICIALS, self.presence())

    def _booth(self, booth_id: str) -> _Booth:
        booth = self.booths.get(booth_id)
        if booth is None or not booth.online:
            raise BrokerError(ErrorCode.NOT_ALLOWED, "this booth is not connected")
        return booth

    def _sessions_of_booth(self, booth_id: str):  # noqa: ANN202 - generator
        return (s for s in list(self.sessions.values()) if s.booth_id == booth_id)

    def _session_for(self, party: Party, session_id: str) -> CallSession:
        """The session if this party may touch it. A booth sees only its own;
        an official sees lobby sessions and the calls they are in. Anything
        else is reported as not existing, so ids of others' sessions leak
        nothing."""
        s = self.sessions.get(session_id)
        visible = s is not None and (
            (party.role is Role.BOOTH and s.booth_id == party.id)
            or (party.role is Role.OFFICIAL and (s.phase is CallPhase.LOBBY or s.official_id == party.id))
        )
        if not visible:
            raise BrokerError(ErrorCode.NO_SUCH_SESSION, f"no session {session_id!r} that you may use")
        assert s is not None
        return s

    def _back_to_lobby(self, s: CallSession) -> list[Effect]:
        s = replace(s, phase=CallPhase.LOBBY, official_id=None, admitted_at=None)
        self.sessions[s.id] = s
        return [
            Deliver(Party(Role.BOOTH, s.booth_id), SessionLeft(session_id=s.id, role=Role.OFFICIAL)),
            CallChanged(s),
        ]

    def _end(self, s: CallSession, reason: SessionEndReason, now: float) -> list[Effect]:
        ended = replace(s, phase=CallPhase.ENDED, ended_at=now, end_reason=reason)
        del self.sessions[s.id]
        msg = SessionEnded(session_id=s.id, reason=reason)
        out: list[Effect] = [CallChanged(ended)]
        if self.booths.get(s.booth_id) and self.booths[s.booth_id].online:
            out.append(Deliver(Party(Role.BOOTH, s.booth_id), msg))
        if s.official_id is not None:
            out.append(Deliver(Party(Role.OFFICIAL, s.official_id), msg))
        return out
