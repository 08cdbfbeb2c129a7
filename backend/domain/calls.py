"""The call broker: lobby, admit, relay and end, as pure code.

The websocket hub (``backend.hub``) owns sockets and the database; it tells
the broker who connected and what they asked for, and delivers what the
broker returns. The broker owns the rules:

- a booth has at most one live session, and only ever reaches its own;
- only an official admits, and only a session waiting in the lobby;
- a call has participants: the booth, the official in charge (who admitted),
  and whoever else joins (more officials, invited guests). Each has a *peer
  id* the broker gives out ("booth", "o1", "g2"): opaque, never reused within
  the session, and no account id. WebRTC messages are relayed by peer id, only
  between participants of a call in progress, and arrive naming their sender;
- the official in charge may remove another participant, never the booth
  (ending the call is ``session.end``);
- when a booth drops, its session ends; when the official in charge drops or
  steps out, the citizen goes back to the lobby instead of being thrown out
  (and the others leave the call with them); anyone else dropping just leaves;
- a citizen who chose a matter (a walk-in) or checked in for a booking is
  *offered* to the next free official who can serve them, in the walk-in
  queue's order (``backend.domain.queue``: appointments on time first, then
  by arrival); the booth is told its place and an honest wait;
- who sees which booth, citizen and call-button alert, and who may admit
  whom, is ``backend.domain.access``'s decision; officials' standings come in
  as data when they connect;
- a walk-in the point's advisor queued at the desk (``DeskWalkIn``) waits in
  the same queue, in the same order, and is offered the same way; the
  official it is offered to calls the citizen in, and it is served when that
  official next admits a citizen at that point.

No clock reads and no randomness: ``now`` and new session ids are passed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from backend.domain import access, queue
from backend.domain.catalogue import OfficialSkills, Service, screen_language
from backend.domain.turn import TurnSettings, ice_servers_for
from protocol.messages import (
    AssistState,
    AssistStatus,
    AssistUnanswered,
    BookingArrived,
    BoothAudio,
    BoothPresence,
    BoothUse,
    BoothVolume,
    CameraSelect,
    CameraSource,
    DeviceState,
    DeviceStatus,
    ErrorCode,
    GuestStatus,
    GuestWaiting,
    Language,
    LobbyEntry,
    Participant,
    ParticipantJoined,
    ParticipantLeft,
    ParticipantLeftReason,
    ParticipantMuted,
    ParticipantRole,
    Presence,
    QueueStatus,
    Role,
    SessionAdmitted,
    SessionEnded,
    SessionEndReason,
    SessionLeft,
    SessionLeftReason,
    SessionLobby,
    SessionOffer,
    ShareState,
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


@dataclass(frozen=True)
class Deliver:
    to: Party
    message: Any


class CallPhase(StrEnum):
    LOBBY = "lobby"
    IN_CALL = "in_call"
    ENDED = "ended"


#: Peer ids are a prefix by role and a number counted per session: "o1", "g2", "o3".
_PEER_PREFIX = {ParticipantRole.OFFICIAL: "o", ParticipantRole.GUEST: "g"}
BOOTH_PEER = "booth"


@dataclass(frozen=True)
class CallParticipant:
    """One party of a session, from joining to leaving; kept after leaving, for the call record."""

    peer: str
    role: ParticipantRole
    party: Party
    name: str
    joined_at: float
    left_at: float | None = None
    #: A guest's duty (spoken_interpreter, sign_interpreter, support_person): the booth shows it.
    duty: str | None = None

    def wire(self) -> Participant:
        """What the other participants are told: the peer id, never the account."""
        return Participant(peer=self.peer, role=self.role, name=self.name, duty=self.duty)  # type: ignore[arg-type]


@dataclass(frozen=True)
class CallSession:
    id: str
    booth_id: str
    requested_at: float
    phase: CallPhase = CallPhase.LOBBY
    #: The official in charge: who admitted the citizen, may remove others and ends the call.
    official_id: str | None = None
    admitted_at: float | None = None
    ended_at: float | None = None
    end_reason: SessionEndReason | None = None
    booking_code: str | None = None  # the citizen checked in for this booking
    booking_id: str | None = None
    booked_for: str | None = None  # the official the booking is with
    appointment_start: float | None = None
    service_id: str | None = None  # the matter, for walk-ins and bookings alike
    language: str | None = None
    queue_entry_id: str | None = None  # the queue row that records this wait
    offered_to: str | None = None  # the official the broker routed this citizen to
    #: The booth's screen-only language the citizen reads (e.g. "ru"; None: the meeting's language).
    screen_language: str | None = None
    #: Everyone who has been in this session, in joining order; those still in it have no ``left_at``.
    participants: tuple[CallParticipant, ...] = ()
    #: How many non-booth peer ids were given out: the next one is numbered after it.
    peers_issued: int = 0

    def present(self) -> tuple[CallParticipant, ...]:
        """The participants in the session now."""
        return tuple(p for p in self.participants if p.left_at is None)

    def participant(self, party: Party) -> CallParticipant | None:
        return next((p for p in self.present() if p.party == party), None)

    def peer_of(self, party: Party) -> str | None:
        """``party``'s latest peer id in this session, also after they left (None: never in it)."""
        return next((p.peer for p in reversed(self.participants) if p.party == party), None)

    def join(
        self, party: Party, role: ParticipantRole, name: str, now: float, duty: str | None = None
    ) -> tuple[CallSession, CallParticipant]:
        """This session with ``party`` in it under a fresh peer id (``duty``: a guest's role)."""
        if role is ParticipantRole.BOOTH:
            who = CallParticipant(BOOTH_PEER, role, party, name, now)
            return replace(self, participants=(*self.participants, who)), who
        n = self.peers_issued + 1
        who = CallParticipant(f"{_PEER_PREFIX[role]}{n}", role, party, name, now, duty=duty)
        return replace(self, participants=(*self.participants, who), peers_issued=n), who

    def depart(self, peers: Iterable[str], now: float) -> CallSession:
        """This session with the participants of ``peers`` gone at ``now``."""
        gone = set(peers)
        return replace(
            self,
            participants=tuple(
                replace(p, left_at=now) if p.peer in gone and p.left_at is None else p for p in self.participants
            ),
        )


@dataclass(frozen=True)
class CallChanged:
    """The session changed; the hub records it (times and parties, no content)."""

    session: CallSession


@dataclass(frozen=True)
class QueueChanged:
    """A desk walk-in's place changed (waiting, offered to someone, served); the hub records it."""

    entry_id: str
    state: str  # waiting, offered, served
    official_id: str | None = None


Effect = Deliver | CallChanged | QueueChanged


@dataclass(frozen=True)
class Arrival:
    """A checked-in booking, as the broker needs it."""

    booking_code: str
    official_id: str
    service_name: str
    starts_at: float
    booking_id: str | None = None
    service_id: str | None = None
    language: str | None = None
    queue_entry_id: str | None = None
    screen_language: str | None = None  # the booth's screen-only language the citizen reads (e.g. "ru")


@dataclass(frozen=True)
class WalkIn:
    """What a citizen chose at the booth: a matter and a language."""

    service_id: str
    language: str
    queue_entry_id: str | None = None


@dataclass(frozen=True)
class DeskWalkIn:
    """A citizen the point's advisor queued at the desk (``POST /api/queue``): not at a booth yet."""

    entry_id: str
    point_id: str
    point: str  # the point's name
    service_id: str
    language: str
    enqueued_at: float
    booth_name: str | None = None  # the booth the advisor will show them to, if they said
    offered_to: str | None = None


@dataclass(frozen=True)
class BoothInfo:
    booth_id: str
    name: str
    point: str
    point_id: str = ""


@dataclass(frozen=True)
class Guest:
    """An invited third party who proved the link and the code and connected (``backend.store.guests``):
    waiting at the door of their call, or in it. ``guest_id`` is the invitation's id."""

    guest_id: str
    name: str
    role: str  # spoken_interpreter, sign_interpreter, support_person
    language: str | None = None
    session_id: str | None = None  # invited into this call in progress
    booking_id: str | None = None  # invited to this booking's call


@dataclass
class _Official:
    name: str
    skills: OfficialSkills | None  # None: takes nobody from the queue
    standing: access.Standing  # what they may see and do (``backend.domain.access``)
    free_since: float


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
    officials: dict[str, _Official] = field(default_factory=dict)  # online only
    sessions: dict[str, CallSession] = field(default_factory=dict)  # live only
    services: dict[str, Service] = field(default_factory=dict)
    desk: dict[str, DeskWalkIn] = field(default_factory=dict)  # advisor-queued walk-ins, waiting or offered
    guests: dict[str, Guest] = field(default_factory=dict)  # connected guests, waiting or in a call
    #: The last queue.status each waiting session was told, so unchanged news is not resent.
    _told: dict[str, QueueStatus] = field(default_factory=dict)
    #: The TURN server whose credentials every participant is given in ``session.admitted``.
    turn: TurnSettings = field(default_factory=TurnSettings)
    #: Calls whose official in charge shows a window on the booth now (``share.state``).
    _sharing: set[str] = field(default_factory=set)

    def know_services(self, services: Iterable[Service]) -> None:
        """The catalogue's services: what walk-ins choose from, whose they are, how long they take."""
        self.services = {x.id: x for x in services}

    # -- presence --

    def know_booth(self, info: BoothInfo) -> None:
        """A booth from the database: listed for officials, offline until it connects."""
        self.booths.setdefault(info.booth_id, _Booth(info)).info = info

    def booth_online(self, info: BoothInfo) -> list[Effect]:
        booth = self.booths.setdefault(info.booth_id, _Booth(info))
        booth.info, booth.online = info, True
        out: list[Effect] = self._presence()
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
        return [*out, *self._route(now), *self._presence()]

    def official_online(
        self,
        official_id: str,
        name: str,
        now: float = 0.0,
        *,
        standing: access.Standing,
        skills: OfficialSkills | None = None,
    ) -> list[Effect]:
        """An official (or advisor, or admin) connected. ``standing`` decides what they
        see and whom they may admit; ``skills`` which waiting citizens they are offered."""
        self.officials[official_id] = _Official(name, skills, standing, now)
        out: list[Effect] = [Deliver(Party(Role.OFFICIAL, official_id), self.presence(official_id))]
        routed = self._route(now)
        return [*out, *routed, *self._presence()] if routed else out

    def official_offline(self, official_id: str, now: float) -> list[Effect]:
        """The official's last connection closed: their citizens wait again, and
        what was offered to them goes to someone else."""
        self.officials.pop(official_id, None)
        out: list[Effect] = []
        me = Party(Role.OFFICIAL, official_id)
        for s in list(self.sessions.values()):
            if s.official_id == official_id and s.phase is CallPhase.IN_CALL:
                out += self._back_to_lobby(s, SessionLeftReason.DISCONNECTED, now)
            elif s.phase is CallPhase.IN_CALL and (who := s.participant(me)) is not None:
                out += self._depart(s, who, ParticipantLeftReason.LEFT, now)
            elif s.offered_to == official_id:
                self.sessions[s.id] = replace(s, offered_to=None)
        out += self._release_desk(official_id)
        return [*out, *self._route(now), *self._presence()]

    # -- call button --

    def assist_request(self, booth_id: str, now: float) -> list[Effect]:
        """The citizen pressed the call button. A repeated press keeps the first time
        (how long they have waited) and re-lights the booth's light."""
        booth = self._booth(booth_id)
        if booth.assist is AssistState.NONE:
            booth.assist_since = now
        booth.assist = AssistState.REQUESTED if booth.assist is AssistState.NONE else booth.assist
        return [Deliver(Party(Role.BOOTH, booth_id), AssistStatus(state=booth.assist)), *self._presence()]

    def assist_update(self, official_id: str, booth_id: str, state: AssistState) -> list[Effect]:
        """Someone who may answer it acknowledged (light blinks) or cleared (light off) the alert."""
        booth = self.booths.get(booth_id)
        me = self.officials.get(official_id)
        if booth is None or me is None or not access.may_answer_help_request(me.standing, self._help(booth)):
            raise BrokerError(ErrorCode.NO_SUCH_SESSION, f"no booth {booth_id!r} whose call button you answer")
        if state is AssistState.ACKNOWLEDGED and booth.assist is AssistState.NONE:
            raise BrokerError(ErrorCode.WRONG_STATE, "this booth has not asked for help")
        booth.assist = state
        if state is AssistState.NONE:
            booth.assist_since = None
        out: list[Effect] = self._presence()
        if booth.online:
            out.insert(0, Deliver(Party(Role.BOOTH, booth_id), AssistStatus(state=state)))
        return out

    def assist_taken(self, booth_id: str) -> list[Effect]:
        """An advisor answered the call button's alarm from their phone ("I'm on it"): the light
        blinks and the banner says help is on the way. Whether they may was the alarm's
        acknowledgement's question (``access.may_ack_alert``); a booth whose alert was already
        answered or cleared is left as it is."""
        booth = self.booths.get(booth_id)
        if booth is None or booth.assist is not AssistState.REQUESTED:
            return []
        booth.assist = AssistState.ACKNOWLEDGED
        out: list[Effect] = self._presence()
        if booth.online:
            out.insert(0, Deliver(Party(Role.BOOTH, booth_id), AssistStatus(state=AssistState.ACKNOWLEDGED)))
        return out

    def assist_unanswered(self, booth_id: str) -> list[Effect]:
        """Nobody answered the call button's alarm: the officials in a call at the booth are told,
        if they may see the help request, and only while it is still unanswered."""
        booth = self.booths.get(booth_id)
        if booth is None or booth.assist is not AssistState.REQUESTED:
            return []
        help_request = self._help(booth)
        message = AssistUnanswered(booth_id=booth_id, booth_name=booth.info.name, since=booth.assist_since or 0.0)
        return [
            Deliver(Party(Role.OFFICIAL, official_id), message)
            for official_id in sorted(help_request.in_call_with)
            if (me := self.officials.get(official_id)) is not None
            and access.sees_help_request(me.standing, help_request)
        ]

    def device_status(self, booth_id: str, devices: tuple[DeviceStatus, ...]) -> list[Effect]:
        self._booth(booth_id).devices = devices
        return self._presence()

    # -- lifecycle --

    def check_walk_in(self, booth_id: str, walk_in: WalkIn) -> None:
        """Refuse, before anything is stored, a choice the booth could not have offered."""
        self._booth(booth_id)
        if any(True for _ in self._sessions_of_booth(booth_id)):
            raise BrokerError(ErrorCode.BUSY, "this booth already has a session in progress")
        service = self.services.get(walk_in.service_id)
        if service is None:
            raise BrokerError(ErrorCode.NOT_ALLOWED, f"no service {walk_in.service_id!r}; the booth's menu is stale")
        if walk_in.language not in service.languages:
            raise BrokerError(
                ErrorCode.NOT_ALLOWED,
                f"{service.name('en')} is offered in {', '.join(sorted(service.languages))}, not {walk_in.language!r}",
            )

    @staticmethod
    def check_screen_language(code: str | None) -> None:
        """A booth may only name one of its screen-only languages (``catalogue.SCREEN_LANGUAGES``)."""
        if code is not None:
            try:
                screen_language(code)
            except ValueError as e:
                raise BrokerError(ErrorCode.NOT_ALLOWED, str(e)) from None

    def request(
        self,
        booth_id: str,
        new_id: str,
        now: float,
        walk_in: WalkIn | None = None,
        screen_language: str | None = None,
    ) -> list[Effect]:
        """The citizen pressed Start: without ``walk_in`` any official may admit them;
        with it they queue for that matter and are offered to a qualified official.
        ``screen_language``: the booth's screen-only language the citizen reads, shown to the officials."""
        booth = self._booth(booth_id)
        if walk_in is not None:
            self.check_walk_in(booth_id, walk_in)
        self.check_screen_language(screen_language)
        if any(True for _ in self._sessions_of_booth(booth_id)):
            raise BrokerError(ErrorCode.BUSY, "this booth already has a session in progress")
        s, _ = CallSession(id=new_id, booth_id=booth.info.booth_id, requested_at=now).join(
            Party(Role.BOOTH, booth_id), ParticipantRole.BOOTH, booth.info.name, now
        )
        if walk_in is not None:
            s = replace(
                s, service_id=walk_in.service_id, language=walk_in.language, queue_entry_id=walk_in.queue_entry_id
            )
        s = replace(s, screen_language=screen_language)
        self.sessions[s.id] = s
        return [
            Deliver(Party(Role.BOOTH, booth_id), self._lobby(s, now)),
            CallChanged(s),
            *self._route(now),
            *self._presence(),
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
            booking_id=arrival.booking_id,
            booked_for=arrival.official_id,
            appointment_start=arrival.starts_at,
            service_id=arrival.service_id,
            language=arrival.language,
            queue_entry_id=arrival.queue_entry_id,
            screen_language=arrival.screen_language,
        )
        s, _ = s.join(Party(Role.BOOTH, booth_id), ParticipantRole.BOOTH, booth.info.name, now)
        self.sessions[s.id] = s
        alert = BookingArrived(
            session_id=s.id,
            booking_code=arrival.booking_code,
            service_name=arrival.service_name,
            service_names=self._service_names_of(arrival.service_id),
            starts_at=arrival.starts_at,
            booth_name=booth.info.name,
            point=booth.info.point,
        )
        return [
            Deliver(Party(Role.BOOTH, booth_id), self._lobby(s, now)),
            Deliver(Party(Role.OFFICIAL, arrival.official_id), alert),
            CallChanged(s),
            *self._route(now),
            *self._presence(),
        ]

    def admit(self, official_id: str, session_id: str, now: float) -> list[Effect]:
        s = self._session_for(Party(Role.OFFICIAL, official_id), session_id)
        me = self.officials.get(official_id)
        if me is None or not access.may_admit(me.standing, self._citizen(s)):
            raise BrokerError(ErrorCode.NOT_ALLOWED, "only an official who serves this citizen's matter can admit them")
        if s.phase is not CallPhase.LOBBY:
            raise BrokerError(
                ErrorCode.WRONG_STATE, "this citizen is no longer waiting; another official may have admitted them"
            )
        if official_id in self._in_calls():
            raise BrokerError(ErrorCode.BUSY, "you are already in a call; end it before admitting the next citizen")
        me = self.officials.get(official_id)
        s, _ = s.join(Party(Role.OFFICIAL, official_id), ParticipantRole.OFFICIAL, me.name if me else "Official", now)
        s = replace(s, phase=CallPhase.IN_CALL, official_id=official_id, admitted_at=now, offered_to=None)
        self.sessions[s.id] = s
        self._told.pop(s.id, None)
        # Whatever else was offered to this official now waits for someone free.
        for other in list(self.sessions.values()):
            if other.offered_to == official_id:
                self.sessions[other.id] = replace(other, offered_to=None)
        called_in = self._release_desk(official_id, served_at=self.booths[s.booth_id].info.point_id)
        return [
            *self._admitted(s, s.present(), now),
            CallChanged(s),
            *called_in,
            *self._route(now),
            *self._presence(),
        ]

    def enqueue_desk(self, walk_in: DeskWalkIn, now: float) -> list[Effect]:
        """The point's advisor queued a walk-in at the desk: it waits in the one queue."""
        self.desk[walk_in.entry_id] = replace(walk_in, offered_to=None)
        return self._route(now)

    def invite(self, by: str, session_id: str, invitee: str, role: ParticipantRole, now: float) -> list[Effect]:
        """The official in charge brings another connected official, or a guest, into the call.

        The newcomer gets ``session.admitted`` with their peer id; everyone
        already in the call gets ``participant.joined`` (the booth then offers
        to them). Not on the wire yet: the interpreter's invitation will call it.
        """
        s = self._session_for(Party(Role.OFFICIAL, by), session_id)
        if s.phase is not CallPhase.IN_CALL or s.official_id != by:
            raise BrokerError(ErrorCode.NOT_ALLOWED, "only the official in charge of a call invites others into it")
        if role is ParticipantRole.BOOTH:
            raise BrokerError(ErrorCode.NOT_ALLOWED, "a call has one booth")
        guest = self.officials.get(invitee)
        if guest is None:
            raise BrokerError(ErrorCode.NOT_ALLOWED, "only someone connected can be invited")
        if invitee in self._in_calls():
            raise BrokerError(ErrorCode.BUSY, "they are already in a call")
        if len(s.present()) >= 8:
            raise BrokerError(ErrorCode.BUSY, "a call holds at most 8 participants")
        before = s.present()
        s, who = s.join(Party(Role.OFFICIAL, invitee), role, guest.name, now)
        self.sessions[s.id] = s
        joined = ParticipantJoined(session_id=s.id, participant=who.wire())
        return [
            *(Deliver(p.party, joined) for p in before),
            *self._admitted(s, [who], now),
            CallChanged(s),
            *self._route(now),
            *self._presence(),
        ]

    # -- invited third parties (interpreters, support persons) --

    def guest_online(self, guest: Guest, now: float) -> list[Effect]:
        """A guest connected: they wait, and the official in charge of their call (if it runs) is told."""
        self.guests[guest.guest_id] = guest
        me = Party(Role.GUEST, guest.guest_id)
        return [Deliver(me, GuestStatus(state="waiting")), *self.guests_waiting(self._call_of(guest))]

    def guests_waiting(self, s: CallSession | None) -> list[Effect]:
        """``guest.waiting`` to the official in charge of ``s`` for each guest at its door; the hub
        asks again whenever a call starts, so a guest who came early is announced on admit."""
        if s is None or s.phase is not CallPhase.IN_CALL or s.official_id is None:
            return []
        inside = {p.party.id for p in s.present()}
        return [
            Deliver(
                Party(Role.OFFICIAL, s.official_id),
                GuestWaiting(session_id=s.id, guest_id=g.guest_id, name=g.name, guest_role=g.role, language=g.language),  # type: ignore[arg-type]
            )
            for g in self.guests.values()
            if g.guest_id not in inside and self._call_of(g) is s
        ]

    def admit_guest(self, official_id: str, session_id: str, guest_id: str, now: float) -> list[Effect]:
        """The official in charge lets a waiting guest in: they join as a participant (the booth
        offers to them; between browsers the guest, the later joiner, offers)."""
        s, guest = self._guest_at_door(official_id, session_id, guest_id)
        if len(s.present()) >= 8:
            raise BrokerError(ErrorCode.BUSY, "a call holds at most 8 participants")
        before = s.present()
        s, who = s.join(Party(Role.GUEST, guest.guest_id), ParticipantRole.GUEST, guest.name, now, duty=guest.role)
        self.sessions[s.id] = s
        joined = ParticipantJoined(session_id=s.id, participant=who.wire())
        return [*(Deliver(p.party, joined) for p in before), *self._admitted(s, [who], now), CallChanged(s)]

    def refuse_guest(self, official_id: str, session_id: str, guest_id: str, now: float) -> list[Effect]:
        """The official in charge turns a waiting guest away (the hub then ends their link)."""
        _s, guest = self._guest_at_door(official_id, session_id, guest_id)
        self.guests.pop(guest.guest_id, None)
        return [Deliver(Party(Role.GUEST, guest.guest_id), GuestStatus(state="refused"))]

    def guest_offline(self, guest_id: str, now: float) -> list[Effect]:
        """The guest's connection closed: out of the call they were in; the call goes on."""
        self.guests.pop(guest_id, None)
        me = Party(Role.GUEST, guest_id)
        out: list[Effect] = []
        for s in list(self.sessions.values()):
            if s.phase is CallPhase.IN_CALL and (who := s.participant(me)) is not None:
                out += self._depart(s, who, ParticipantLeftReason.LEFT, now)
        return out

    def _call_of(self, guest: Guest) -> CallSession | None:
        """The call in progress the guest was invited to (by its session, or by its booking)."""
        return next(
            (
                s
                for s in self.sessions.values()
                if s.phase is CallPhase.IN_CALL
                and (s.id == guest.session_id or (guest.booking_id is not None and s.booking_id == guest.booking_id))
            ),
            None,
        )

    def _guest_at_door(self, official_id: str, session_id: str, guest_id: str) -> tuple[CallSession, Guest]:
        s = self._session_for(Party(Role.OFFICIAL, official_id), session_id)
        if s.phase is not CallPhase.IN_CALL or s.official_id != official_id:
            raise BrokerError(ErrorCode.NOT_ALLOWED, "only the official in charge of a call lets guests in")
        guest = self.guests.get(guest_id)
        if guest is None or self._call_of(guest) is not s or s.participant(Party(Role.GUEST, guest_id)) is not None:
            raise BrokerError(ErrorCode.WRONG_STATE, "guest_id: no such guest waiting for this call")
        return s, guest

    def remove(self, official_id: str, session_id: str, peer: str, now: float) -> list[Effect]:
        """The official in charge takes a participant out of the call: everyone, the removed
        one included, is told ``participant.left``; the call goes on without them."""
        s = self._session_for(Party(Role.OFFICIAL, official_id), session_id)
        if s.phase is not CallPhase.IN_CALL or s.official_id != official_id:
            raise BrokerError(ErrorCode.NOT_ALLOWED, "only the official in charge of a call removes participants")
        target = next((p for p in s.present() if p.peer == peer), None)
        if target is None:
            raise BrokerError(ErrorCode.WRONG_STATE, f"peer: {peer!r} is not in this call")
        if target.role is ParticipantRole.BOOTH:
            raise BrokerError(ErrorCode.NOT_ALLOWED, "peer: the booth cannot be removed; end the call with session.end")
        if target.party.id == official_id:
            raise BrokerError(ErrorCode.NOT_ALLOWED, "peer: that is you; step out with session.leave")
        return [*self._depart(s, target, ParticipantLeftReason.REMOVED, now), *self._route(now), *self._presence()]

    def mute(self, official_id: str, session_id: str, peer: str) -> list[Effect]:
        """The official in charge mutes the booth's or a guest's microphone: that party is told
        (``participant.muted``) and turns it off at once; they may turn it on again themselves."""
        s = self._session_for(Party(Role.OFFICIAL, official_id), session_id)
        me = s.participant(Party(Role.OFFICIAL, official_id))
        if s.phase is not CallPhase.IN_CALL or me is None:
            raise BrokerError(ErrorCode.WRONG_STATE, "only during a call, by its participants")
        target = next((p for p in s.present() if p.peer == peer), None)
        if target is None:
            raise BrokerError(ErrorCode.WRONG_STATE, f"peer: {peer!r} is not in this call")
        if not access.may_mute(me.role.value, s.official_id == official_id, target.role.value):
            raise BrokerError(ErrorCode.NOT_ALLOWED, "peer: only the official in charge mutes the booth or a guest")
        return [Deliver(target.party, ParticipantMuted(session_id=s.id))]

    def official_away(self, official_id: str) -> list[Effect]:
        """The official's last socket closed (a reload, a closed page, a lost line): a window they
        were sharing can no longer come, so the booth takes it down rather than freeze its last
        frame. A page that only lost its socket shares again by ``share.state`` when it is back."""
        out: list[Effect] = []
        for sid in sorted(self._sharing):
            s = self.sessions.get(sid)
            if s is not None and s.official_id == official_id:
                self._sharing.discard(sid)
                out.append(Deliver(Party(Role.BOOTH, s.booth_id), ShareState(session_id=sid, sharing=False)))
        return out

    def leave(self, party: Party, session_id: str, now: float) -> list[Effect]:
        """The official in charge steps out: the citizen waits again. Anyone else just leaves."""
        s = self._session_for(party, session_id)
        me = s.participant(party)
        if party.role is not Role.OFFICIAL or s.phase is not CallPhase.IN_CALL or me is None:
            raise BrokerError(ErrorCode.WRONG_STATE, "only the official in the call can step out of it")
        if s.official_id != party.id:
            return [*self._depart(s, me, ParticipantLeftReason.LEFT, now), *self._route(now), *self._presence()]
        return [*self._back_to_lobby(s, SessionLeftReason.STEPPED_OUT, now), *self._route(now), *self._presence()]

    def end(self, party: Party, session_id: str, now: float) -> list[Effect]:
        """Official hangs up; a booth cancels (lobby) or reports failed media (call)."""
        s = self._session_for(party, session_id)
        if party.role is Role.OFFICIAL and s.phase is CallPhase.IN_CALL and s.official_id != party.id:
            raise BrokerError(
                ErrorCode.NOT_ALLOWED, "only the official in charge ends the call; step out with session.leave"
            )
        if party.role is Role.OFFICIAL:
            reason = SessionEndReason.HUNG_UP
        elif s.phase is CallPhase.LOBBY:
            reason = SessionEndReason.CANCELLED
        else:
            reason = SessionEndReason.MEDIA_FAILED
        return [*self._end(s, reason, now), *self._route(now), *self._presence()]

    def relay(self, party: Party, session_id: str, message: Any) -> list[Effect]:
        """Pass a WebRTC message to the participant its ``peer`` names, rewritten to name the
        sender; or an official's camera choice to the booth."""
        if isinstance(message, CameraSelect) and party.role is not Role.OFFICIAL:
            raise BrokerError(ErrorCode.NOT_ALLOWED, "only the official chooses the booth's camera")
        s = self._session_for(party, session_id)
        me = s.participant(party)
        if s.phase is not CallPhase.IN_CALL or me is None:
            raise BrokerError(ErrorCode.WRONG_STATE, "WebRTC messages are only relayed during a call")
        if isinstance(message, CameraSelect):
            if me.role is not ParticipantRole.OFFICIAL:
                raise BrokerError(ErrorCode.NOT_ALLOWED, "only the official chooses the booth's camera")
            if not self.has_camera(s.booth_id, message.source):
                raise BrokerError(
                    ErrorCode.NOT_ALLOWED,
                    f"source: this booth has no working {message.source.value} camera; it keeps sending what it sends",
                )
            return [Deliver(Party(Role.BOOTH, s.booth_id), message)]
        if isinstance(message, ShareState):
            if not access.may_share_screen(me.role.value, party.id == s.official_id):
                raise BrokerError(ErrorCode.NOT_ALLOWED, "only the official in charge shares a window with the booth")
            if message.sharing:
                self._sharing.add(s.id)
            else:
                self._sharing.discard(s.id)
            return [Deliver(Party(Role.BOOTH, s.booth_id), message)]
        if isinstance(message, BoothVolume):
            if not access.may_set_booth_volume(me.role.value):
                raise BrokerError(ErrorCode.NOT_ALLOWED, "only an official in the call sets the booth's volume")
            return [Deliver(Party(Role.BOOTH, s.booth_id), message)]
        to = next((p for p in s.present() if p.peer == message.peer), None)
        if to is None or to is me:
            # Not NO_SUCH_SESSION: a peer that just left is a race, not a lost session.
            raise BrokerError(ErrorCode.WRONG_STATE, f"peer: {message.peer!r} is not another participant of this call")
        return [Deliver(to.party, message.model_copy(update={"peer": me.peer}))]

    def restore(self, s: CallSession) -> bool:
        """A live session the last run left in the store (``backend.store.live_sessions``): held
        again, its parties away until they resume. False (and not held) for an unknown booth."""
        if s.booth_id not in self.booths or s.phase is CallPhase.ENDED:
            return False
        self.sessions[s.id] = s
        return True

    def whereabouts(self, party: Party, now: float) -> list[Effect]:
        """What a resumed party is told of where it is: a booth its wait in the lobby (and its
        place), anyone in a call ``session.admitted`` again, naming their own peer. A client that
        only lost its socket knows all this and ignores it; one that restarted rejoins by it."""
        out: list[Effect] = []
        for s in list(self.sessions.values()):
            if s.phase is CallPhase.IN_CALL and (me := s.participant(party)) is not None:
                out += self._admitted(s, [me], now)
            elif s.phase is CallPhase.LOBBY and party == Party(Role.BOOTH, s.booth_id):
                out.append(Deliver(party, self._lobby(s, now)))
                if (told := self._told.get(s.id)) is not None:
                    out.append(Deliver(party, told))
        return out

    def booth_audio(self, party: Party, message: BoothAudio) -> list[Effect]:
        """The booth's microphone level, to the participants of its call allowed to see it.

        Outside a call (a late report after the end) it goes nowhere, quietly: the booth
        sends it once a second and must not be told off for a race it cannot see.
        """
        if party.role is not Role.BOOTH:
            raise BrokerError(ErrorCode.NOT_ALLOWED, "only the booth reports its microphone")
        s = self.sessions.get(message.session_id)
        if s is None or s.booth_id != party.id or s.phase is not CallPhase.IN_CALL:
            return []
        return [Deliver(p.party, message) for p in s.present() if access.hears_booth_audio_level(p.role.value)]

    def has_camera(self, booth_id: str, source: CameraSource) -> bool:
        """Whether the booth's last device report lists a working camera for ``source`` (the face
        camera is always assumed: the booth cannot call without one). A booth without a document
        camera would otherwise take the official's choice silently and change nothing."""
        if source is CameraSource.FACE:
            return True
        booth = self.booths.get(booth_id)
        role = f"{source.value}_camera"
        return booth is not None and any(d.role == role and d.state is not DeviceState.MISSING for d in booth.devices)

    def in_call(self, party: Party, session_id: str) -> tuple[CallSession, CallParticipant]:
        """The call in progress this party is a participant of, and its participant (the
        official's tools and the booth's answers to them); refused like any other session."""
        s = self._session_for(party, session_id)
        me = s.participant(party)
        if s.phase is not CallPhase.IN_CALL or me is None:
            raise BrokerError(ErrorCode.WRONG_STATE, "only during a call, by its participants")
        return s, me

    def citizen(self, session_id: str) -> access.Citizen | None:
        """A live session as the access policy sees it (the HTTP API asks about it); None if gone."""
        s = self.sessions.get(session_id)
        return None if s is None else self._citizen(s)

    def citizen_at(self, booth_id: str) -> str | None:
        """The live session of the citizen in this booth now (waiting or in a call), or None.

        The desk knows booths, not sessions: the advisor who saw the citizen's ID at booth X
        records it "for booth X", and this names the session it is for."""
        return next((s.id for s in self._sessions_of_booth(booth_id) if s.phase is not CallPhase.ENDED), None)

    def booth_ref(self, booth_id: str) -> access.BoothRef | None:
        """A known booth as the access policy sees it; None for an unknown one."""
        booth = self.booths.get(booth_id)
        return None if booth is None else access.BoothRef(booth_id, booth.info.point_id)

    # -- views --

    def presence(self, viewer: str | None = None) -> Presence:
        """What ``viewer`` (an official's id) may see; None: everything (tests, diagnostics)."""
        me = None if viewer is None else self.officials.get(viewer)
        if viewer is not None and me is None:
            return Presence(booths=(), lobby=())
        booths = tuple(
            self._booth_view(b, me is None or access.sees_help_request(me.standing, self._help(b)), self._use(b))
            for b in sorted(self.booths.values(), key=lambda b: (b.info.point, b.info.name))
            if me is None or access.sees_booth(me.standing, access.BoothRef(b.info.booth_id, b.info.point_id))
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
                service_name=self._service_name(s),
                service_names=self._service_names_of(s.service_id),
                language=s.language,
                offered_to=s.offered_to,
                screen_language=s.screen_language,
            )
            for s in sorted(self.sessions.values(), key=lambda s: s.requested_at)
            if s.phase is CallPhase.LOBBY and (viewer is None or self._visible(viewer, s))
        )
        return Presence(booths=booths, lobby=lobby)

    def _use(self, b: _Booth) -> BoothUse:
        phases = {s.phase for s in self.sessions.values() if s.booth_id == b.info.booth_id}
        if CallPhase.IN_CALL in phases:
            return BoothUse.IN_CALL
        return BoothUse.CITIZEN_INSIDE if CallPhase.LOBBY in phases else BoothUse.FREE

    @staticmethod
    def _booth_view(b: _Booth, help_shown: bool, use: BoothUse = BoothUse.FREE) -> BoothPresence:
        """A booth's presence; its call-button alert only for those it is shown to."""
        return BoothPresence(
            booth_id=b.info.booth_id,
            name=b.info.name,
            point=b.info.point,
            online=b.online,
            devices=b.devices,
            assist=b.assist if help_shown else AssistState.NONE,
            assist_since=b.assist_since if help_shown else None,
            use=use,
        )

    def visible(self, official_id: str, session_id: str) -> bool:
        s = self.sessions.get(session_id)
        return s is not None and self._visible(official_id, s)

    # -- routing --

    def _route(self, now: float) -> list[Effect]:
        """Offer waiting citizens to free officials, then tell each booth its place.

        Free: online, not in a call, holding no offer; the one free longest is
        served first. A citizen who chose no matter is not routed: every
        official sees them and anyone may admit them.
        """
        when = datetime.fromtimestamp(now, UTC)
        out: list[Effect] = []
        busy: set[str | None] = set(self._in_calls())
        busy |= {s.offered_to for s in self.sessions.values() if s.offered_to}
        busy |= {d.offered_to for d in self.desk.values() if d.offered_to}
        free = sorted(
            (i for i, o in self.officials.items() if i not in busy and o.skills is not None),
            key=lambda i: (self.officials[i].free_since, i),
        )
        for official_id in free:
            me = self.officials[official_id]
            entries = [
                self._entry(s)
                for s in self._waiting()
                if s.offered_to is None and access.may_admit(me.standing, self._citizen(s))
            ]
            entries += [
                self._desk_entry(d)
                for d in self.desk.values()
                if d.offered_to is None and access.may_admit(me.standing, self._desk_citizen(d))
            ]
            chosen = queue.next_for(me.skills, entries, when)  # type: ignore[arg-type]
            if chosen is None:
                continue
            if chosen.entry_id in self.desk:
                out += self._offer_desk(self.desk[chosen.entry_id], official_id)
                continue
            s = replace(self.sessions[chosen.entry_id], offered_to=official_id)
            self.sessions[s.id] = s
            booth = self.booths[s.booth_id].info
            offer = SessionOffer(
                session_id=s.id,
                booth_name=booth.name,
                point=booth.point,
                service_name=self._service_name(s),
                service_names=self._service_names_of(s.service_id),
                language=s.language,
                waiting_since=s.requested_at,
            )
            out += [Deliver(Party(Role.OFFICIAL, official_id), offer), CallChanged(s)]
        return out + self._queue_news(when)

    def _queue_news(self, when: datetime) -> list[Effect]:
        """queue.status to each waiting booth whose place or estimate changed."""
        waiting = self._waiting()
        entries = [self._entry(s) for s in waiting] + [self._desk_entry(d) for d in self.desk.values()]
        present = [o.skills for o in self.officials.values() if o.skills is not None]
        durations = {e.service_id: self._duration(e.service_id) for e in entries}
        out: list[Effect] = []
        for s in waiting:
            est = queue.estimate(s.id, entries, present, durations, when)
            news = QueueStatus(session_id=s.id, position=est.position, wait_min=est.wait_min)
            if self._told.get(s.id) != news:
                self._told[s.id] = news
                out.append(Deliver(Party(Role.BOOTH, s.booth_id), news))
        return out

    def _offer_desk(self, d: DeskWalkIn, official_id: str) -> list[Effect]:
        """Offer a desk walk-in: the official calls them in (the advisor shows them to a booth)."""
        d = self.desk[d.entry_id] = replace(d, offered_to=official_id)
        offer = SessionOffer(
            session_id=d.entry_id,
            booth_name=d.booth_name or d.point,
            point=d.point,
            service_name=self._service_name_of(d.service_id),
            service_names=self._service_names_of(d.service_id),
            language=d.language,
            waiting_since=d.enqueued_at,
        )
        return [Deliver(Party(Role.OFFICIAL, official_id), offer), QueueChanged(d.entry_id, "offered", official_id)]

    def _release_desk(self, official_id: str, served_at: str | None = None) -> list[Effect]:
        """The official admitted a citizen (at ``served_at``) or left: the desk walk-in offered to
        them was served if the admit was at its point, and otherwise waits again."""
        out: list[Effect] = []
        for d in list(self.desk.values()):
            if d.offered_to != official_id:
                continue
            if d.point_id == served_at:
                del self.desk[d.entry_id]
                out.append(QueueChanged(d.entry_id, "served", official_id))
            else:
                self.desk[d.entry_id] = replace(d, offered_to=None)
                out.append(QueueChanged(d.entry_id, "waiting"))
        return out

    def _desk_entry(self, d: DeskWalkIn) -> queue.QueueEntry:
        return queue.QueueEntry(d.entry_id, d.service_id, d.language, datetime.fromtimestamp(d.enqueued_at, UTC))

    def _desk_citizen(self, d: DeskWalkIn) -> access.Citizen:
        service = self.services.get(d.service_id)
        return access.Citizen(d.entry_id, "", d.point_id, service.organisation_id if service else "?")

    def _waiting(self) -> list[CallSession]:
        """Citizens in the lobby who queue for something (a matter or a booking)."""
        return [
            s
            for s in self.sessions.values()
            if s.phase is CallPhase.LOBBY and s.service_id is not None and s.language is not None
        ]

    def _entry(self, s: CallSession) -> queue.QueueEntry:
        return queue.QueueEntry(
            entry_id=s.id,
            service_id=s.service_id or "",
            language=s.language or "",
            enqueued_at=datetime.fromtimestamp(s.requested_at, UTC),
            appointment_start=None if s.appointment_start is None else datetime.fromtimestamp(s.appointment_start, UTC),
            official_id=s.booked_for,
        )

    def _duration(self, service_id: str) -> int:
        service = self.services.get(service_id)
        return service.duration_min if service else 15

    def _free(self, official_id: str, now: float) -> None:
        o = self.officials.get(official_id)
        if o is not None:
            o.free_since = now

    # -- internals --

    def _service_name(self, s: CallSession) -> str | None:
        return self._service_name_of(s.service_id)

    def _service_name_of(self, service_id: str | None) -> str | None:
        service = self.services.get(service_id or "")
        return service.name("fi") if service else None

    def _service_names_of(self, service_id: str | None) -> dict[Language, str] | None:
        """The matter's name in every language: the official's page picks the one it speaks."""
        service = self.services.get(service_id or "")
        return {lang: service.name(lang) for lang in Language} if service else None

    def _citizen(self, s: CallSession) -> access.Citizen:
        """The session as the access policy sees it."""
        booth = self.booths.get(s.booth_id)
        service = self.services.get(s.service_id or "")
        organisation = service.organisation_id if service else (None if s.service_id is None else "?")
        return access.Citizen(
            session_id=s.id,
            booth_id=s.booth_id,
            point_id=booth.info.point_id if booth else "",
            organisation_id=organisation,
            booked_for=s.booked_for,
            in_call_with=frozenset(p.party.id for p in s.present() if p.role is not ParticipantRole.BOOTH),
        )

    def _help(self, b: _Booth) -> access.HelpRequest:
        """A booth's call-button alert as the access policy sees it."""
        in_call = frozenset(
            p.party.id
            for s in self.sessions.values()
            if s.booth_id == b.info.booth_id and s.phase is CallPhase.IN_CALL
            for p in s.present()
            if p.role is not ParticipantRole.BOOTH
        )
        return access.HelpRequest(b.info.booth_id, b.info.point_id, in_call)

    def _visible(self, official_id: str, s: CallSession) -> bool:
        o = self.officials.get(official_id)
        return o is not None and access.sees_citizen(o.standing, self._citizen(s))

    def _presence(self) -> list[Effect]:
        """A presence snapshot to every online official, each seeing what they may."""
        return [Deliver(Party(Role.OFFICIAL, i), self.presence(i)) for i in sorted(self.officials)]

    def _booth(self, booth_id: str) -> _Booth:
        booth = self.booths.get(booth_id)
        if booth is None or not booth.online:
            raise BrokerError(ErrorCode.NOT_ALLOWED, "this booth is not connected")
        return booth

    def has_session(self, booth_id: str) -> bool:
        """Whether the booth has a live session here (in the lobby or a call): what its resume keeps."""
        return any(s.phase is not CallPhase.ENDED for s in self._sessions_of_booth(booth_id))

    def _sessions_of_booth(self, booth_id: str):  # noqa: ANN202 - generator
        return (s for s in list(self.sessions.values()) if s.booth_id == booth_id)

    def _session_for(self, party: Party, session_id: str) -> CallSession:
        """The session if this party may touch it (``access.may_touch_session``): a booth its
        own, an official the calls they are in and the waiting citizens they may see.
        Anything else is reported as not existing, so ids of others' sessions leak
        nothing."""
        s = self.sessions.get(session_id)
        standing = self._standing(party)
        if s is None or standing is None or not access.may_touch_session(standing, self._citizen(s), self._waits(s)):
            raise BrokerError(ErrorCode.NO_SUCH_SESSION, f"no session {session_id!r} that you may use")
        return s

    def _standing(self, party: Party) -> access.Standing | None:
        if party.role is Role.BOOTH:
            booth = self.booths.get(party.id)
            return access.Standing.of_booth(party.id, booth.info.point_id) if booth else None
        if party.role is Role.GUEST:  # a guest of the call they are in, and nothing else
            inside = next((s for s in self.sessions.values() if s.participant(party) is not None), None)
            return access.Standing.of_guest(party.id, inside.id) if inside else None
        official = self.officials.get(party.id)
        return official.standing if official else None

    @staticmethod
    def _waits(s: CallSession) -> bool:
        return s.phase is CallPhase.LOBBY

    def _in_calls(self) -> set[str]:
        """Officials (and guests) who are a participant of a call in progress."""
        return {
            p.party.id
            for s in self.sessions.values()
            if s.phase is CallPhase.IN_CALL
            for p in s.present()
            if p.role is not ParticipantRole.BOOTH
        }

    def _lobby(self, s: CallSession, now: float) -> SessionLobby:
        """``session.lobby`` for the booth, with its own TURN credentials for this session: it
        prepares its first peer connection while the citizen waits (``kiosk.media.PreparedConnection``)."""
        return SessionLobby(session_id=s.id, ice_servers=ice_servers_for(self.turn, f"{s.id}.booth", now))

    def _admitted(self, s: CallSession, to: Iterable[CallParticipant], now: float) -> list[Effect]:
        """``session.admitted`` to each of ``to``, naming their own peer and everyone present, with
        their own TURN credentials (valid from ``now``)."""
        present = tuple(p.wire() for p in s.present())
        lead = next((p for p in s.present() if p.party == Party(Role.OFFICIAL, s.official_id or "")), None)
        return [
            Deliver(
                p.party,
                SessionAdmitted(
                    session_id=s.id,
                    official_name=lead.name if lead else "Official",
                    booth_name=self.booths[s.booth_id].info.name,
                    peer=p.peer,
                    participants=present,
                    ice_servers=ice_servers_for(self.turn, f"{s.id}.{p.peer}".replace(":", "."), now),
                ),
            )
            for p in to
        ]

    def _depart(self, s: CallSession, who: CallParticipant, reason: ParticipantLeftReason, now: float) -> list[Effect]:
        """One participant (not the booth, not the one in charge) leaves a call that goes on."""
        told = s.present()
        s = s.depart([who.peer], now)
        self.sessions[s.id] = s
        self._free(who.party.id, now)
        left = ParticipantLeft(session_id=s.id, peer=who.peer, reason=reason)
        return [*(Deliver(p.party, left) for p in told), CallChanged(s)]

    def _back_to_lobby(self, s: CallSession, reason: SessionLeftReason, now: float) -> list[Effect]:
        """The official in charge is gone (``reason``: stepped out on purpose, or disconnected): the
        citizen waits again, and whoever else was in the call leaves it. The booth words it by reason."""
        others = [p for p in s.present() if p.role is not ParticipantRole.BOOTH and p.party.id != s.official_id]
        if s.official_id is not None:
            self._free(s.official_id, now)
        s = s.depart((p.peer for p in s.present() if p.role is not ParticipantRole.BOOTH), now)
        s = replace(s, phase=CallPhase.LOBBY, official_id=None, admitted_at=None, offered_to=None)
        self.sessions[s.id] = s
        left = SessionLeft(session_id=s.id, role=Role.OFFICIAL, reason=reason)
        for p in others:
            self._free(p.party.id, now)
        return [
            Deliver(Party(Role.BOOTH, s.booth_id), left),
            *(Deliver(p.party, left) for p in others),
            CallChanged(s),
        ]

    def _end(self, s: CallSession, reason: SessionEndReason, now: float) -> list[Effect]:
        present = s.present()
        ended = s.depart((p.peer for p in present), now)
        ended = replace(ended, phase=CallPhase.ENDED, ended_at=now, end_reason=reason)
        del self.sessions[s.id]
        self._told.pop(s.id, None)
        for p in present:
            if p.role is not ParticipantRole.BOOTH:
                self._free(p.party.id, now)
        msg = SessionEnded(session_id=s.id, reason=reason)
        out: list[Effect] = [CallChanged(ended)]
        if self.booths.get(s.booth_id) and self.booths[s.booth_id].online:
            out.append(Deliver(Party(Role.BOOTH, s.booth_id), msg))
        out += [Deliver(p.party, msg) for p in present if p.role is not ParticipantRole.BOOTH]
        return out
