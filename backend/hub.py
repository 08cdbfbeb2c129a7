"""The websocket hub: authenticates connections and carries out the broker's effects.

A thin shell around ``backend.domain.calls.CallBroker``: it reads frames,
decodes them with ``protocol.codec``, asks the broker, delivers the messages
the broker returns and records session changes in the database. Bad input
is answered with an ``error`` message and the connection stays open, unless
the peer never authenticated or keeps sending garbage.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Literal

from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketDisconnected, WebSocketState

from backend.auth import token_hash
from backend.client_tls import peer_certificate
from backend.domain import access, call_reports, checkin
from backend.domain.alerts import newly_failing
from backend.domain.appointment import Appointments, FeedbackGiven, Identified
from backend.domain.bookings import BookingRuleError
from backend.domain.booth_faults import BoothFaults
from backend.domain.booth_screens import BoothScreens
from backend.domain.call_reports import QualityReported
from backend.domain.calls import (
    Arrival,
    BoothInfo,
    BrokerError,
    CallBroker,
    CallChanged,
    CallPhase,
    CallSession,
    Deliver,
    DeskWalkIn,
    Effect,
    Guest,
    Party,
    QueueChanged,
    WalkIn,
)
from backend.domain.catalogue import OfficialSkills, Service
from backend.domain.events import CheckinRefused, CitizenCheckedIn
from backend.domain.identification import Identifications
from backend.domain.limits import FailureWindow, LimitSettings, TokenBucket
from backend.domain.resume import ResumeBook
from backend.store import accounts, alerts, audit, catalogue, live_queue, live_sessions, reconcile
from backend.store import bookings as booking_store
from backend.store import booth_software as software_store
from backend.store import call_quality as call_quality_store
from backend.store import enrollment as enrollment_store
from backend.store import feedback as feedback_store
from backend.store import guests as guest_store
from backend.store import push as alarm_store
from backend.store.call_records import record_call
from backend.store.identification import record_identification
from protocol.codec import ProtocolError, decode, encode, error_for
from protocol.messages import (
    CLIENT_MESSAGES,
    AlertAcknowledge,
    AlertCleared,
    AlertKind,
    AssistAcknowledge,
    AssistClear,
    AssistRequest,
    AssistState,
    BoothAudio,
    BoothCatalogue,
    BoothLogs,
    BoothMaintenance,
    BoothSoftware,
    BoothVolume,
    CallEvent,
    CallStats,
    CameraSelect,
    CheckinRequest,
    CheckinResult,
    DeviceReport,
    DeviceStatus,
    Error,
    ErrorCode,
    FeedbackCitizen,
    FeedbackOfficial,
    FeedbackRequest,
    GuestAdmit,
    GuestRefuse,
    GuestStatus,
    Hello,
    IdentProgress,
    IdentRequest,
    IdentResponse,
    ParticipantLeft,
    ParticipantLeftReason,
    ParticipantMute,
    ParticipantRemove,
    Presence,
    PrintStatus,
    Role,
    RtcAnswer,
    RtcIce,
    RtcOffer,
    RtcRestart,
    ScreenshotRequest,
    ScreenshotResult,
    ServiceChoice,
    SessionAdmit,
    SessionAdmitted,
    SessionEnd,
    SessionLeave,
    SessionRequest,
    ShareState,
    StillFailed,
    StillRequest,
    SummarySend,
    Welcome,
)

log = logging.getLogger("etapiste.hub")

HELLO_TIMEOUT_S = 10.0
#: Errors tolerated per connection before it is closed as misbehaving.
MAX_ERRORS = 50
#: Websocket close codes (4000-4999 are the application's).
CLOSE_AUTH = 4001
CLOSE_REPLACED = 4002
CLOSE_ABUSE = 4003
#: Standard close code "try again later", for a connection over the limits.
CLOSE_TRY_AGAIN = 1013
#: How often live officials' sockets are checked for an expired sign-in.
EXPIRY_SWEEP_S = 30.0
#: Messages kept for a party whose socket dropped, until it resumes (a call's signalling is a few dozen).
HELD_MAX = 1000


@dataclass(eq=False)
class Connection:
    ws: WebSocket
    party: Party | None = None
    errors: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    address: str = ""
    #: An official's sign-in: the token's hash (logout closes the socket) and its end.
    token_hash: str | None = None
    expires_at: float | None = None
    bucket: TokenBucket | None = None
    #: The hash of the resume token this connection's welcome gave out.
    resume_hash: str | None = None

    async def send(self, message: object) -> None:
        if self.ws.application_state is not WebSocketState.CONNECTED:
            return
        async with self.lock:
            try:
                await self.ws.send_text(encode(message))
            except (RuntimeError, OSError, WebSocketDisconnect):
                pass  # the reader side notices the disconnect and cleans up


@dataclass(frozen=True)
class _Account:
    """An official's (or advisor's) standing and skills, loaded when they connect."""

    info: accounts.OfficialInfo
    skills: OfficialSkills
    standing: access.Standing


def _menu(services: list[Service]) -> BoothCatalogue:
    """The walk-in menu for a booth's hello: every service that makes a valid choice, at most 64.

    A service the wire contract refuses (a name too long, an id of the wrong
    shape: the catalogue is checked at the door, but a row may predate that) is
    left out and logged by its id, so one bad service cannot cut every booth off.
    """
    choices: list[ServiceChoice] = []
    for x in services:
        languages = tuple(lang for lang in ("fi", "sv", "en") if lang in x.languages)
        if not languages:
            continue
        try:
            choices.append(
                ServiceChoice(
                    service_id=x.id,
                    name_fi=x.name("fi"),
                    name_sv=x.name("sv"),
                    name_en=x.name("en"),
                    languages=languages,
                    screen_names=x.screen_names,
                )
            )
        except ValidationError as e:
            fields = sorted({str(err["loc"][0]) for err in e.errors() if err["loc"]})
            log.warning("booth menu: left out service %r, which the protocol refuses (%s)", x.id[:64], fields)
        if len(choices) == 64:
            break
    return BoothCatalogue(services=tuple(choices))


def _checkin_answer(r: checkin.CheckinResult, language: str | None = None) -> CheckinResult:
    return CheckinResult(
        ok=r.ok,
        result=r.result.value,
        message_fi=r.messages["fi"],
        message_sv=r.messages["sv"],
        message_en=r.messages["en"],
        language=language,
    )


class Hub:
    def __init__(
        self,
        db: sessionmaker[Session],
        clock: Callable[[], float] = time.time,
        new_session_id: Callable[[], str] = lambda: "s-" + secrets.token_hex(8),
        limits: LimitSettings = LimitSettings(),
        identifications: Identifications | None = None,
        resume_grace_s: float = 0.0,
    ) -> None:
        self.db = db
        #: Resume tokens; a party whose last socket dropped is *away* (its sessions kept,
        #: messages to it held) until it resumes or the grace period ends (docs/RESILIENCE.md).
        self.resume: ResumeBook[Party] = ResumeBook(resume_grace_s)
        self._away: dict[Party, asyncio.TimerHandle] = {}
        self._held: dict[Party, list[object]] = {}
        self.clock = clock
        self.limits = limits
        self._per_address: dict[str, int] = defaultdict(int)
        self._open = 0
        self._checkin_failures = FailureWindow(limits.checkin_failures_per_booth, limits.checkin_window_s)
        # Presence coalescing: when each official was last sent one, and who has one held back.
        self._presence_sent: dict[str, float] = {}
        self._presence_held: dict[str, asyncio.TimerHandle] = {}
        self.new_session_id = new_session_id
        self.broker = CallBroker()
        #: The official's tools in a call (identification), asked like the broker.
        self.appointments = Appointments(self.broker, identifications or Identifications())
        self.connections: dict[Party, set[Connection]] = defaultdict(set)
        self.accounts: dict[str, _Account] = {}  # connected officials' standing
        self._background: set[asyncio.Task[None]] = set()
        # One writer, in order, not tied to any connection's handler: a record
        # must land even when the socket that caused it is being torn down.
        self._records: asyncio.Queue[
            CallSession | QueueChanged | Identified | FeedbackGiven | live_sessions.TokenChange
        ] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None
        self._sweeper: asyncio.Task[None] | None = None
        #: Each booth's latest logs bundle (``booth.logs``): when it came, and its text; memory only.
        self.booth_logs: dict[str, tuple[float, str]] = {}
        #: Each booth's recent faults for Booth support (``backend.domain.booth_faults``); memory only.
        self.booth_faults = BoothFaults()
        #: The support provider's screenshot requests and the pictures until read (memory only, briefly).
        self.booth_screens = BoothScreens()
        #: Stored alerts become phone alarms (``backend.alarms.Alarms.raise_alarms``); set by the app.
        self.on_alarms: Callable[[list[alerts.StoredAlert]], Awaitable[None]] | None = None

    async def restore(self) -> reconcile.Kept:
        """Carry on what the last run left live (a restart, even kill -9): its sessions and resume
        tokens from the store. Every party of a restored session is away for the grace period,
        as if its socket had just dropped; what nobody resumes then ends as before. Call from
        the running loop, after ``know_booths`` and before any socket is served."""
        if self.resume.grace_s <= 0:
            return reconcile.Kept()
        now = self.clock()
        tokens = await asyncio.to_thread(live_sessions.load_tokens, self.db, now, self.resume.grace_s)
        for hashed, party, until in tokens:
            self.resume.restore(hashed, party, until)
        restored = [s for s in await asyncio.to_thread(live_sessions.load, self.db) if self.broker.restore(s)]
        parties = {Party(Role.BOOTH, s.booth_id) for s in restored}
        parties |= {p.party for s in restored for p in s.present()}
        parties |= {Party(Role.OFFICIAL, s.offered_to) for s in restored if s.offered_to}
        loop = asyncio.get_running_loop()
        for party in parties:
            self._away[party] = loop.call_later(self.resume.grace_s, self._grace_over, party)
        if restored:
            log.warning(
                "restored %d live sessions of the last run; %d parties may resume within %g s",
                len(restored),
                len(parties),
                self.resume.grace_s,
            )
        return reconcile.Kept(
            sessions=frozenset(s.id for s in restored),
            queue_entries=frozenset(s.queue_entry_id for s in restored if s.queue_entry_id),
            bookings=frozenset(s.booking_id for s in restored if s.booking_id),
        )

    def know_booths(self, booths: list[BoothInfo]) -> None:
        """Booths from the database, shown as offline until they connect."""
        for info in booths:
            self.broker.know_booth(info)

    # -- one connection --

    async def serve(self, ws: WebSocket) -> None:
        address = ws.client.host if ws.client else ""
        await ws.accept()
        conn = Connection(ws, address=address)
        if self._open >= self.limits.connections_total or (
            self._per_address[address] >= self.limits.connections_per_address
        ):
            # Counted, never logged per attempt: a flood of these must not flood the log either.
            busy = Error(code=ErrorCode.OVERLOADED, reason="too many connections; try again later", fatal=True)
            await conn.send(busy)
            await ws.close(CLOSE_TRY_AGAIN)
            return
        self._open += 1
        self._per_address[address] += 1
        try:
            party = await self._authenticate(conn)
            if party is None:
                return
            await self._loop(conn)
        except (WebSocketDisconnect, WebSocketDisconnected):
            pass
        finally:
            self._open -= 1
            self._per_address[address] -= 1
            if not self._per_address[address]:
                del self._per_address[address]
            self._gone(conn)

    @staticmethod
    async def _receive(conn: Connection) -> str | bytes:
        """The next frame, text or binary (``decode`` refuses binary with a code);
        ``receive_text`` would raise a KeyError on a binary frame."""
        message = await conn.ws.receive()
        if message["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(message.get("code", 1000), message.get("reason"))
        text = message.get("text")
        return text if text is not None else message.get("bytes") or b""

    async def _authenticate(self, conn: Connection) -> Party | None:
        try:
            frame = await asyncio.wait_for(self._receive(conn), HELLO_TIMEOUT_S)
        except TimeoutError:
            await self._refuse(conn, ErrorCode.NOT_AUTHENTICATED, "no hello within 10 seconds")
            return None
        try:
            msg = decode(frame)
        except ProtocolError as exc:
            await conn.send(error_for(exc, fatal=True))
            await conn.ws.close(CLOSE_AUTH)
            return None
        if not isinstance(msg, Hello):
            await self._refuse(conn, ErrorCode.NOT_AUTHENTICATED, "the first message must be hello", msg.type)
            return None
        now = self.clock()
        account: _Account | None = None
        if msg.role is Role.BOOTH:
            info = await asyncio.to_thread(self._booth_login, msg.booth_id, msg.token, peer_certificate(conn.ws), now)
            if info is not None:
                self.broker.know_services(await asyncio.to_thread(self._services))
            if info is None:
                log.warning("booth authentication failed for booth id %s", msg.booth_id)
                await self._refuse(conn, ErrorCode.AUTH_FAILED, "unknown booth or wrong booth credential", "hello")
                return None
            party, name = Party(Role.BOOTH, info.booth_id), info.name
            resumed = self._resumes(party, msg.resume, now)
            if resumed and not self.broker.has_session(party.id) and not self._held.get(party):
                # Its token outlived its session with nothing to tell it (a kill before the store had
                # recorded the wait; a session that ended meanwhile has its session.ended held):
                # "not resumed" takes the booth from a wait nobody sees back to Start.
                log.warning("booth %s came back with a valid token but no session to resume", party.id)
                resumed = False
            effects = [] if resumed else self._end_away(party, now)
            replaced = list(self.connections.pop(party, ()))
            if resumed:
                log.info("booth %s resumed its session", party.id)
            elif replaced:
                # The booth restarted while its old socket was half-open: whatever that
                # socket's citizen was doing is over, as if it had dropped; the new
                # connection starts clean (not "busy" with a session nobody can reach).
                effects += self.broker.booth_offline(party.id, now)
                log.info("booth %s reconnected; its old connection is replaced", party.id)
            for old in replaced:
                await old.send(Error(code=ErrorCode.BUSY, reason="replaced by a newer connection", fatal=True))
                await old.ws.close(CLOSE_REPLACED)
            effects += self.broker.booth_online(info)
            self.booth_faults.connected(party.id, now)
        elif msg.role is Role.GUEST:
            guest = await asyncio.to_thread(self._guest_login, msg.token, now)
            if guest is None:
                await self._refuse(conn, ErrorCode.AUTH_FAILED, "this link is no longer valid", "hello")
                return None
            party, name = Party(Role.GUEST, guest.guest_id), guest.name
            for old in list(self.connections.pop(party, ())):  # one device, one page: the newest wins
                await old.send(Error(code=ErrorCode.BUSY, reason="replaced by a newer connection", fatal=True))
                await old.ws.close(CLOSE_REPLACED)
            resumed = self._resumes(party, msg.resume, now)
            effects = [] if resumed else self._end_away(party, now)
        else:
            account = await asyncio.to_thread(self._official_login, msg.token, now)
            if account is None:
                await self._refuse(
                    conn, ErrorCode.AUTH_FAILED, "sign-in expired or invalid; please sign in again", "hello"
                )
                return None
            party, name = Party(Role.OFFICIAL, account.info.official_id), account.info.name
            conn.token_hash, conn.expires_at = token_hash(msg.token), account.info.expires_at
            # Whose matter each waiting citizen chose decides who sees and admits them: keep the catalogue fresh.
            self.broker.know_services(await asyncio.to_thread(self._services))
            resumed = self._resumes(party, msg.resume, now)
            effects = [] if resumed else self._end_away(party, now)
        held = self._held.pop(party, []) if resumed else []
        conn.party = party
        conn.bucket = TokenBucket(self.limits.messages_per_s, self.limits.messages_burst)
        self.connections[party].add(conn)
        await conn.send(
            Welcome(role=party.role, name=name, server_time=now, resume_token=self._issue(conn), resumed=resumed)
        )
        if party.role is Role.GUEST:
            if not resumed:
                effects += self.broker.guest_online(guest, now)
        elif account is not None:
            self.accounts[party.id] = account
            if resumed and party.id in self.broker.officials:
                # Still known to the broker (its calls and offers kept): only a fresh picture.
                effects += [Deliver(party, self.broker.presence(party.id))]
            else:
                effects += self.broker.official_online(
                    party.id,
                    name,
                    now,
                    standing=account.standing,
                    skills=account.skills,
                )
            for alert in await asyncio.to_thread(self._pending_alerts, account):
                await conn.send(alert.to_message())  # kept until an advisor acknowledges it
        else:
            await conn.send(_menu(list(self.broker.services.values())))
        for message in held:  # what happened while the socket was down, in order
            await conn.send(message)
        if resumed:
            # Where it is, for a client that restarted (a reloaded page, a restarted kiosk) and
            # knows nothing of it; one that only lost its socket already knows and ignores it.
            # Before the presence snapshot: a page takes a session.admitted until its first presence.
            effects = [*self.broker.whereabouts(party, now), *effects]
        log.info("%s %s connected", party.role.value, party.id)
        await self._apply(effects)
        return party

    # -- resume --

    def _resumes(self, party: Party, token: str | None, now: float) -> bool:
        """Whether this hello's resume token keeps ``party``'s session; if so it is no longer away."""
        if token is None or not self.resume.take(party, hashed := token_hash(token), now):
            return False
        self._records.put_nowait(live_sessions.TokenChange(party, hashed, gone=True))
        handle = self._away.pop(party, None)
        if handle is not None:
            handle.cancel()
        return True

    def _issue(self, conn: Connection) -> str | None:
        """A fresh resume token for this connection's welcome (None: resuming is off)."""
        if self.resume.grace_s <= 0 or conn.party is None:
            return None
        token = secrets.token_urlsafe(32)
        conn.resume_hash = token_hash(token)
        self.resume.issue(conn.party, conn.resume_hash)
        self._records.put_nowait(live_sessions.TokenChange(conn.party, conn.resume_hash))
        return token

    def _end_away(self, party: Party, now: float) -> list[Effect]:
        """``party`` came back without a valid token (or its grace period ended): what it was
        doing is over, as when a socket dropped before resume existed."""
        handle = self._away.pop(party, None)
        if handle is None:
            return []
        handle.cancel()
        self._held.pop(party, None)
        self.resume.forget(party)
        self._records.put_nowait(live_sessions.TokenChange(party, None))
        log.info("%s %s did not resume within %g s", party.role.value, party.id, self.resume.grace_s)
        return self._offline(party, now)

    def _offline(self, party: Party, now: float) -> list[Effect]:
        if party.role is Role.BOOTH:
            return self.broker.booth_offline(party.id, now)
        if party.role is Role.GUEST:
            return self.broker.guest_offline(party.id, now)
        self.accounts.pop(party.id, None)
        return self.broker.official_offline(party.id, now)

    def _grace_over(self, party: Party) -> None:
        """The timer of an away party: no resume came; carry out the drop as it used to be."""
        if party not in self._away or self.connections.get(party):
            self._away.pop(party, None)
            return
        self._spawn(self._apply(self._end_away(party, self.clock())))

    def _spawn(self, coro: Awaitable[None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)  # type: ignore[arg-type]
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _guest_login(self, device_token: str, now: float) -> Guest | None:
        """The invited guest whose browser proved the code (``backend.store.guests``), while the link is valid."""
        with self.db() as db:
            row = guest_store.by_device(db, device_token, now)
            if row is None:
                return None
            return Guest(row.id, row.name or "", row.role, row.language, row.session_id, row.booking_id)

    def _guest_done(self, guest_id: str, admitted: bool, removed: bool) -> None:
        """Record on the invitation that the guest was let in, or removed or refused (the link then stops)."""
        now = self.clock()
        with self.db() as db:
            row = db.get(guest_store.GuestInvitationRow, guest_id)
            if row is None:
                return
            if admitted is not None and row.admitted_at is None:
                row.admitted_at = now
                row.session_id = row.session_id or admitted  # a booking's guest: the meeting, for the reports
            if removed:
                guest_store.removed(db, "official", guest_id, now)
            db.commit()

    def _booth_login(self, booth_id: str | None, secret: str, cert: bytes | None, now: float) -> BoothInfo | None:
        """By the socket's verified client certificate when it has one, else by the booth's secret
        (refused once the booth has enrolled: ``backend.store.enrollment.booth_login``)."""
        with self.db() as db:
            return enrollment_store.booth_login(db, booth_id or "", secret, cert, now)

    def _services(self) -> list[Service]:
        with self.db() as db:
            return catalogue.services(db)

    def _official_login(self, token: str, now: float) -> _Account | None:
        with self.db() as db:
            info = accounts.official_by_token(db, token, now)
            if info is None:
                return None
            return _Account(
                info=info,
                skills=catalogue.skills(db, info.official_id),
                standing=catalogue.standing(db, info.official_id),
            )

    def _pending_alerts(self, account: _Account) -> list[alerts.StoredAlert]:
        points = access.alert_points(account.standing)
        return alerts.pending(self.db, points) if points is None or points else []

    async def _refuse(self, conn: Connection, code: ErrorCode, reason: str, ref: str | None = None) -> None:
        await conn.send(Error(code=code, reason=reason, ref=ref, fatal=True))
        await conn.ws.close(CLOSE_AUTH)

    async def _loop(self, conn: Connection) -> None:
        assert conn.party is not None
        assert conn.bucket is not None
        loop = asyncio.get_running_loop()
        while True:
            frame = await self._receive(conn)
            if conn.expires_at is not None and self.clock() >= conn.expires_at:
                await self._refuse(conn, ErrorCode.NOT_AUTHENTICATED, "the sign-in has expired; please sign in again")
                return
            if not conn.bucket.take(loop.time()):
                # Refused unread; counts as an error, so a client that keeps flooding is closed.
                reason = f"more than {self.limits.messages_per_s:g} messages a second; slow down"
                if not await self._complain(conn, Error(code=ErrorCode.RATE_LIMITED, reason=reason)):
                    return
                continue
            try:
                msg = decode(frame)
                if msg.type not in CLIENT_MESSAGES[conn.party.role]:
                    raise ProtocolError(
                        ErrorCode.NOT_ALLOWED, f"a {conn.party.role.value} may not send {msg.type}", msg.type
                    )
                if isinstance(msg, CheckinRequest):
                    effects = await self._check_in(conn, msg)
                elif isinstance(msg, SessionRequest) and msg.service_id is not None:
                    effects = await self._walk_in(conn.party, msg)
                elif isinstance(msg, AlertAcknowledge):
                    effects = await self._acknowledge(conn.party, msg)
                elif isinstance(msg, BoothSoftware):
                    effects = await self._software(conn.party, msg)
                elif isinstance(msg, BoothLogs):
                    # In memory only, the newest per booth, contact-like strings blanked (never the content).
                    self.booth_logs[conn.party.id] = (self.clock(), audit.redact(msg.text))
                    effects = []
                elif isinstance(msg, ScreenshotResult):
                    effects = await self._screenshot(conn.party, msg)
                elif isinstance(msg, AssistRequest | AssistAcknowledge | AssistClear | DeviceReport):
                    effects = await self._booth_alarm(conn.party, msg)
                else:
                    effects = self._dispatch(conn.party, msg)
            except ProtocolError as exc:
                if not await self._complain(conn, error_for(exc)):
                    return
                continue
            except BrokerError as exc:
                if not await self._complain(conn, Error(code=exc.code, reason=exc.reason, ref=msg.type)):
                    return
                continue
            await self._apply(effects)

    def _dispatch(self, party: Party, msg: object) -> list[Effect]:
        now = self.clock()
        b = self.broker
        match msg:
            case Hello():
                raise ProtocolError(ErrorCode.NOT_ALLOWED, "already authenticated", "hello")
            case SessionRequest():
                # chose no matter: anyone may admit
                return b.request(party.id, self.new_session_id(), now, screen_language=msg.screen_language)
            case SessionAdmit(session_id=sid):
                return b.admit(party.id, sid, now)
            case SessionLeave(session_id=sid):
                return b.leave(party, sid, now)
            case SessionEnd(session_id=sid):
                return b.end(party, sid, now)
            case ParticipantRemove(session_id=sid, peer=peer):
                return b.remove(party.id, sid, peer, now)
            case ParticipantMute(session_id=sid, peer=peer):
                return b.mute(party.id, sid, peer)
            case GuestAdmit(session_id=sid, guest_id=gid):
                return b.admit_guest(party.id, sid, gid, now)
            case GuestRefuse(session_id=sid, guest_id=gid):
                return b.refuse_guest(party.id, sid, gid, now)
            case RtcOffer() | RtcAnswer() | RtcIce() | RtcRestart():
                return b.relay(party, msg.session_id, msg)
            case DeviceReport(devices=devices):
                return b.device_status(party.id, devices)
            case AssistRequest():
                log.info("booth %s: call button pressed", party.id)
                return b.assist_request(party.id, now)
            case AssistAcknowledge(booth_id=booth_id):
                return b.assist_update(party.id, booth_id, AssistState.ACKNOWLEDGED)
            case AssistClear(booth_id=booth_id):
                return b.assist_update(party.id, booth_id, AssistState.NONE)
            case CameraSelect() | BoothVolume() | ShareState():
                return b.relay(party, msg.session_id, msg)
            case BoothAudio():
                return b.booth_audio(party, msg)
            case (
                IdentRequest()
                | IdentProgress()
                | IdentResponse()
                | StillRequest()
                | StillFailed()
                | SummarySend()
                | FeedbackRequest()
                | FeedbackCitizen()
                | FeedbackOfficial()
            ):
                return self.appointments.handle(party, msg, now)  # type: ignore[return-value]
            case PrintStatus():
                return self.appointments.handle(party, msg, now)  # type: ignore[return-value]
            case CallStats() | CallEvent():
                if party.role is Role.BOOTH and isinstance(msg, CallEvent):
                    self.booth_faults.call_event(party.id, msg, now)
                return call_reports.report(b.sessions.get(msg.session_id), party, msg, now)  # type: ignore[return-value]
        raise ProtocolError(ErrorCode.NOT_ALLOWED, "not a client message", getattr(msg, "type", None))

    async def _check_in(self, conn: Connection, msg: CheckinRequest) -> list[Effect]:
        """A booking code typed or scanned at the booth: answer the booth kindly, and on
        success put the citizen in the lobby with their official alerted."""
        assert conn.party is not None
        booth_id = conn.party.id
        self.broker.check_screen_language(msg.screen_language)
        now = self.clock()
        wait = self._checkin_failures.wait(booth_id, now)
        if wait:
            # Not even looked up: booking codes cannot be guessed at a booth's pace.
            await conn.send(_checkin_answer(checkin.too_many_tries(wait)))
            log.info("booth %s: check-in throttled for %d s", booth_id, wait)
            return []
        outcome = await asyncio.to_thread(
            booking_store.check_in, self.db, msg.code, booth_id, datetime.fromtimestamp(now, UTC)
        )
        r = outcome.result
        if not r.ok:
            self._checkin_failures.fail(booth_id, now)
        arrived = next((e for e in outcome.events if isinstance(e, CitizenCheckedIn)), None)
        await conn.send(_checkin_answer(r, arrived.booking.language if arrived else None))
        log.info("booth %s: check-in %s", booth_id, r.result.value)  # never the code: it identifies a person
        return await self._after_check_in(booth_id, outcome, now, msg.screen_language)

    async def _after_check_in(
        self, booth_id: str, outcome: booking_store.CheckinOutcome, now: float, screen_language: str | None = None
    ) -> list[Effect]:
        """Alerts for a refusal; for a success, the citizen in the booth's lobby and their official told."""
        raised = await asyncio.to_thread(alerts.record_alerts, self.db, outcome.events)
        await self.deliver_alerts(raised)
        arrived = next((e for e in outcome.events if isinstance(e, CitizenCheckedIn)), None)
        if arrived is None:
            return []
        b = arrived.booking
        arrival = Arrival(
            booking_code=b.code,
            official_id=b.official_id,
            service_name=b.service_names.get(b.language) or b.service_names.get("fi", "?"),
            starts_at=b.start.timestamp(),
            booking_id=outcome.booking_id,
            service_id=b.service_id,
            language=b.language,
            queue_entry_id=outcome.queue_entry_id,
            screen_language=screen_language,
        )
        return self.broker.checked_in(booth_id, self.new_session_id(), now, arrival)

    def booth_free(self, booth_id: str) -> str | None:
        """Why a citizen cannot be checked in to ``booth_id`` from the desk now; None if they can."""
        booth = self.broker.booths.get(booth_id)
        if booth is None or not booth.online:
            return "the booth is not connected"
        if any(s.booth_id == booth_id for s in self.broker.sessions.values()):
            return "the booth is in use"
        return None

    async def check_in_at_desk(self, code: str, booth_id: str) -> checkin.CheckinResult:
        """The advisor checks in a citizen who came to the desk, at the booth they will use: the same
        rules as at the booth itself, and on success the booth shows its lobby and the official is told."""
        now = self.clock()
        outcome = await asyncio.to_thread(
            booking_store.check_in, self.db, code, booth_id, datetime.fromtimestamp(now, UTC)
        )
        log.info("desk check-in at booth %s: %s", booth_id, outcome.result.result.value)
        # A refusal is told to the advisor on their screen; it is not an alarm for their own phone.
        outcome = replace(outcome, events=[e for e in outcome.events if not isinstance(e, CheckinRefused)])
        try:
            await self._apply(await self._after_check_in(booth_id, outcome, now))
        except BrokerError as exc:  # the booth was taken meanwhile: the booking is checked in and queued
            log.info("desk check-in at booth %s: %s; the citizen waits in the queue", booth_id, exc.reason)
        return outcome.result

    async def _walk_in(self, party: Party, msg: SessionRequest) -> list[Effect]:
        """A citizen chose a matter and a language at the booth: recorded in the point's
        queue (the advisors' live view and the statistics), then routed live."""
        assert msg.service_id is not None
        walk_in = WalkIn(msg.service_id, msg.language.value if msg.language else "fi")
        self.broker.check_walk_in(party.id, walk_in)
        self.broker.check_screen_language(msg.screen_language)  # before the queue row is written
        booth = self.broker.booths[party.id].info
        now = self.clock()
        try:
            entry_id = await asyncio.to_thread(
                booking_store.enqueue_walk_in,
                self.db,
                booth.point_id,
                walk_in.service_id,
                walk_in.language,
                party.id,
                datetime.fromtimestamp(now, UTC),
            )
        except BookingRuleError as exc:
            raise BrokerError(ErrorCode.NOT_ALLOWED, str(exc)) from exc
        walk_in = WalkIn(walk_in.service_id, walk_in.language, entry_id)
        screen = msg.screen_language
        return self.broker.request(party.id, self.new_session_id(), self.clock(), walk_in, screen_language=screen)

    async def _acknowledge(self, party: Party, msg: AlertAcknowledge) -> list[Effect]:
        """An advisor took an alert: it leaves every advisor's list."""
        account = self.accounts.get(party.id)
        alert = await asyncio.to_thread(alerts.get, self.db, msg.alert_id)
        if (
            account is None
            or alert is None
            or not access.may_ack_alert(account.standing, access.AlertRef(alert.point_id))
        ):
            raise BrokerError(ErrorCode.NO_SUCH_SESSION, f"no alert {msg.alert_id!r} that you may acknowledge")
        done = await asyncio.to_thread(alerts.acknowledge, self.db, msg.alert_id, party.id, self.clock())
        await self.alert_cleared(done or alert)
        return []

    async def alert_cleared(self, alert: alerts.StoredAlert) -> None:
        """An advisor took the alert (here, over HTTP or from their phone): off every advisor's
        screen; for the call button, the booth's light blinks and its banner says help is coming."""
        cleared = AlertCleared(alert_id=alert.alert_id)
        for conn in self._advisors_of(alert.point_id):
            await conn.send(cleared)
        if alert.kind is AlertKind.CALL_BUTTON and alert.booth_id is not None:
            await self._apply(self.broker.assist_taken(alert.booth_id))

    async def _booth_alarm(
        self, party: Party, msg: AssistRequest | AssistAcknowledge | AssistClear | DeviceReport
    ) -> list[Effect]:
        """The call button and device reports, with their phone alarms: a press or a newly failing
        device is stored as an alert (then pushed, escalated); an official who answers the button on
        their page answers its alarm too, so the advisors' phones stop escalating. The booth and the
        officials are answered first; the alarm's storage failing is logged, never the booth's problem."""
        now = self.clock()
        known = self.broker.booths.get(party.id)
        before = known.devices if known is not None and isinstance(msg, DeviceReport) else None
        await self._apply(self._dispatch(party, msg))
        if isinstance(msg, DeviceReport):
            self.booth_faults.devices(party.id, before, msg.devices, now)
        try:
            if isinstance(msg, DeviceReport):
                failing = newly_failing(before, msg.devices)
                if failing:
                    await self._raise(AlertKind.DEVICE_FAULT, party.id, now, failing)
            elif isinstance(msg, AssistRequest):
                await self._raise(AlertKind.CALL_BUTTON, party.id, now)
            else:
                await self._answered_at_booth(msg.booth_id, party.id, now)
        except Exception:
            log.exception("booth %s: the %s alarm could not be stored or answered", party.id, msg.type)
        return []

    async def _raise(self, kind: AlertKind, booth_id: str, now: float, devices: list[str] | None = None) -> None:
        raised = await asyncio.to_thread(
            alarm_store.raise_booth_alarm, self.db, kind.value, booth_id, now, devices or []
        )
        await self.deliver_alerts([raised] if raised else [])

    async def _answered_at_booth(self, booth_id: str, official_id: str, now: float) -> None:
        """An official answered the call button on their page: its alarm is answered too."""
        for alert_id in await asyncio.to_thread(
            alarm_store.open_booth_alarms, self.db, booth_id, AlertKind.CALL_BUTTON.value
        ):
            done = await asyncio.to_thread(alerts.acknowledge, self.db, alert_id, official_id, now)
            if done is not None:
                for conn in self._advisors_of(done.point_id):
                    await conn.send(AlertCleared(alert_id=done.alert_id))

    async def assist_unanswered(self, alert: alerts.StoredAlert) -> None:
        """The escalation's last level: the official in a call at the booth hears nobody answered."""
        if alert.kind is AlertKind.CALL_BUTTON and alert.booth_id is not None:
            await self._apply(self.broker.assist_unanswered(alert.booth_id))

    async def deliver_alerts(self, raised: list[alerts.StoredAlert]) -> None:
        """Tell the connected advisors of each alert's point (and master admins).
        Stored first, so an advisor who connects later still gets it."""
        for alert in raised:
            log.info("advisor alert %s at point %s", alert.kind.value, alert.point_id)
            for conn in self._advisors_of(alert.point_id):
                await conn.send(alert.to_message())
        if raised and self.on_alarms is not None:
            await self.on_alarms(raised)  # the phones: stored deliveries, escalation

    def _advisors_of(self, point_id: str) -> list[Connection]:
        return [
            c
            for p, cs in self.connections.items()
            if p.role is Role.OFFICIAL
            and (a := self.accounts.get(p.id)) is not None
            and access.sees_alert(a.standing, access.AlertRef(point_id))
            for c in cs
        ]

    async def queue_at_desk(self, walk_in: DeskWalkIn) -> None:
        """An advisor queued a walk-in over HTTP: it joins the broker's one queue (and may be offered now)."""
        self.broker.know_services(await asyncio.to_thread(self._services))
        await self._apply(self.broker.enqueue_desk(walk_in, self.clock()))

    async def sign_out(self, token: str) -> None:
        """The sign-in ended (logout): every socket opened with it is closed, not left serving."""
        hashed = token_hash(token)
        for conn in [c for cs in self.connections.values() for c in cs if c.token_hash == hashed]:
            await self._refuse(conn, ErrorCode.NOT_AUTHENTICATED, "signed out; please sign in again")

    async def sign_out_account(self, official_id: str) -> None:
        """An admin deactivated the account or reset its password: its open sockets close too."""
        parties = [p for p in self.connections if p.role is Role.OFFICIAL and p.id == official_id]
        for conn in [c for p in parties for c in self.connections.get(p, ())]:
            await self._refuse(conn, ErrorCode.NOT_AUTHENTICATED, "signed out by an administrator; sign in again")

    async def _software(self, party: Party, msg: BoothSoftware) -> list[Effect]:
        """Kept for the admin app's booth list (the last report stays while the booth is offline)."""

        def store() -> float | None:
            with self.db() as s:
                before = software_store.all_reports(s).get(party.id)
                software_store.record(s, party.id, msg, self.clock())
                s.commit()
                return before.started_at if before else None

        previous = await asyncio.to_thread(store)
        self.booth_faults.software(party.id, msg.started_at, previous, self.clock())
        log.info("booth %s: software %s, slot %s, %s", party.id, msg.version or "-", msg.slot or "-", msg.update_state)
        return []

    def booth_diagnostics(self, booth_id: str) -> tuple[bool, bool, tuple[DeviceStatus, ...]]:
        """(online, a citizen is at the booth, its devices' last report) for the support provider."""
        booth = self.broker.booths.get(booth_id)
        if booth is None:
            return False, False, ()
        busy = any(s.booth_id == booth_id for s in self.broker.sessions.values())
        return booth.online, busy, booth.devices

    async def maintain(self, booth_id: str, action: Literal["restart_kiosk", "reboot", "send_logs"]) -> str | None:
        """Send the booth a restart, reboot or request for its logs; the reason it cannot be done now, or None."""
        online, busy, _ = self.booth_diagnostics(booth_id)
        conns = list(self.connections.get(Party(Role.BOOTH, booth_id), ()))
        if not online or not conns:
            return "the booth is not connected"
        if busy and action != "send_logs":
            return "a citizen is at the booth; try again when the booth is free"
        for conn in conns:
            await conn.send(BoothMaintenance(action=action))
        log.info("booth %s: %s requested by support", booth_id, action)
        return None

    async def request_screenshot(self, booth_id: str, official_id: str) -> tuple[str | None, str | None]:
        """Ask the booth for a picture of its screen: (the request's id, None) or (None, why not)."""
        online, _, _ = self.booth_diagnostics(booth_id)
        conns = list(self.connections.get(Party(Role.BOOTH, booth_id), ()))
        if not online or not conns:
            return None, "the booth is not connected"
        request_id = self.booth_screens.ask(booth_id, official_id, self.clock())
        for conn in conns:
            await conn.send(ScreenshotRequest(request_id=request_id))
        log.info("booth %s: screenshot requested by support", booth_id)
        return request_id, None

    async def _screenshot(self, party: Party, msg: ScreenshotResult) -> list[Effect]:
        """The booth's answer: kept for the asker's page (the picture in memory only); the outcome audited."""
        now = self.clock()
        answered = self.booth_screens.answer(party.id, msg, now)
        if answered is None:
            return []

        def record() -> None:
            with self.db() as s:
                detail = answered.outcome.value + (f"; {answered.size} bytes" if answered.size else "")
                audit.record(s, answered.official_id, "booth.screenshot", "booth", party.id, now, detail)
                s.commit()

        await asyncio.to_thread(record)
        log.info("booth %s: screenshot %s", party.id, answered.outcome.value)
        return []

    async def booth_retired(self, booth_id: str) -> None:
        """An admin retired the booth: its open socket closes now, not at its next hello."""
        for conn in list(self.connections.get(Party(Role.BOOTH, booth_id), ())):
            await self._refuse(conn, ErrorCode.AUTH_FAILED, "this booth has been retired by an administrator")

    async def close_expired(self) -> None:
        """Close the sockets whose sign-in has expired (the 12-hour login), even idle ones."""
        now = self.clock()
        for conn in [c for cs in self.connections.values() for c in cs]:
            if conn.expires_at is not None and now >= conn.expires_at:
                await self._refuse(conn, ErrorCode.NOT_AUTHENTICATED, "the sign-in has expired; please sign in again")

    async def _sweep_expired(self) -> None:
        while True:
            await asyncio.sleep(EXPIRY_SWEEP_S)
            try:
                await self.close_expired()
            except Exception:
                log.exception("could not close expired sign-ins")

    def joined_booking_ids(self) -> set[str]:
        """Bookings whose citizen is in a call now: their official did join."""
        return {s.booking_id for s in self.broker.sessions.values() if s.booking_id and s.official_id}

    async def _complain(self, conn: Connection, err: Error) -> bool:
        """Answer a refused message; False when the connection was closed for abuse."""
        conn.errors += 1
        if conn.errors > MAX_ERRORS:
            await conn.send(Error(code=err.code, reason="too many invalid messages; closing", ref=err.ref, fatal=True))
            await conn.ws.close(CLOSE_ABUSE)
            return False
        await conn.send(err)
        return True

    def _gone(self, conn: Connection) -> None:
        """Forget a closed connection. Synchronous, so the broker is updated even
        when the handler is being cancelled; the resulting messages go out from
        a task of their own."""
        party = conn.party
        if party is None:
            return
        now = self.clock()
        if conn.resume_hash is not None and self.resume.grace_s > 0:
            self.resume.released(conn.resume_hash, now)
            expires = now + self.resume.grace_s
            self._records.put_nowait(live_sessions.TokenChange(party, conn.resume_hash, expires_at=expires))
        conns = self.connections.get(party, set())
        if conn not in conns:
            return  # replaced by a newer connection of the same booth
        conns.discard(conn)
        if conns:
            return  # the official still has another tab open
        del self.connections[party]
        if party.role is Role.BOOTH:
            self.booth_faults.disconnected(party.id, now)
        if party.role is Role.OFFICIAL and (unshared := self.broker.official_away(party.id)):
            self._spawn(self._apply(unshared))  # no frozen last frame of a window no longer shared
        if self.resume.grace_s > 0:
            # Away, not gone: its sessions wait for a resume until the grace period ends.
            loop = asyncio.get_running_loop()
            self._away[party] = loop.call_later(self.resume.grace_s, self._grace_over, party)
            log.info("%s %s disconnected; kept for %g s", party.role.value, party.id, self.resume.grace_s)
            return
        log.info("%s %s disconnected", party.role.value, party.id)
        self._spawn(self._apply(self._offline(party, now)))

    # -- effects --

    async def identified_in_person(self, standing: access.Standing, session_id: str) -> None:
        """``POST /api/calls/{id}/identification``: raises ``appointment.NotYours`` when not allowed."""
        await self._apply(self.appointments.in_person(standing, session_id, self.clock()))  # type: ignore[arg-type]

    async def identified_in_person_at(self, standing: access.Standing, booth_id: str) -> str:
        """``POST /api/booths/{id}/identification``: the citizen in that booth; their session's id.
        Raises ``appointment.NotYours`` (no such booth or citizen) or ``appointment.Refused``."""
        session_id, effects = self.appointments.in_person_at(standing, booth_id, self.clock())
        await self._apply(effects)  # type: ignore[arg-type]
        return session_id

    async def still_uploaded(self, still_id: str, token: str, data: bytes, mime: str, width: int, height: int) -> None:
        """``PUT /api/stills/{id}`` from the booth: raises ``stills.StillRefused`` when not taken."""
        await self._apply(self.appointments.uploaded(still_id, token, data, mime, width, height, self.clock()))  # type: ignore[arg-type]

    async def document_sent(self, standing: access.Standing, session_id: str, data: bytes) -> None:
        """``POST /api/print/{session_id}``: to the printer of that call's booth (see ``Appointments``)."""
        await self._apply(self.appointments.document_sent(standing, session_id, data, self.clock()))  # type: ignore[arg-type]

    def print_job(self, job_id: str, token: str) -> bytes | None:
        """``GET /api/print-jobs/{job_id}`` by the booth: the document, once."""
        return self.appointments.print_jobs.take(job_id, token, self.clock())

    async def _apply(self, effects: list[Effect]) -> None:
        effects = [*effects, *self.appointments.joining(effects)]  # type: ignore[arg-type]
        for effect in effects:
            if isinstance(effect, QualityReported):
                self._records.put_nowait(effect)  # figures and codes only: nothing to log
                continue
            if isinstance(effect, FeedbackGiven):
                log.info(
                    "session %s: quick feedback from the %s",
                    effect.session_id,
                    "official" if effect.official else "citizen",
                )
                self._records.put_nowait(effect)
                continue
            if isinstance(effect, Identified):
                log.info("session %s: citizen identified (%s)", effect.session_id, effect.method)
                self._records.put_nowait(effect)
                continue
            if isinstance(effect, CallChanged) and effect.session.phase is CallPhase.ENDED:
                self.appointments.ended(effect.session.id)
            if isinstance(effect, CallChanged) and effect.session.phase is CallPhase.IN_CALL and self.broker.guests:
                effects.extend(self.broker.guests_waiting(effect.session))  # a guest who came early
            if isinstance(effect, CallChanged):
                s = effect.session
                log.info(
                    "session %s of booth %s: %s%s",
                    s.id,
                    s.booth_id,
                    s.phase.value,
                    f" ({s.end_reason.value})" if s.end_reason else "",
                )
                self._records.put_nowait(effect.session)
            elif isinstance(effect, QueueChanged):
                self._records.put_nowait(effect)
            elif isinstance(effect, Deliver):
                if isinstance(effect.message, Presence) and effect.to.role is Role.OFFICIAL:
                    await self._presence_to(effect.to.id, effect.message)
                    continue
                gone = effect.to.role is Role.GUEST and await self._guest_news(effect)  # recorded before told
                targets = self._targets(effect.to)
                if not targets and effect.to in self._away:
                    held = self._held.setdefault(effect.to, [])
                    if len(held) < HELD_MAX:
                        held.append(effect.message)
                    else:
                        log.warning(
                            "%s %s away: a %s not held (%d held)",
                            effect.to.role.value,
                            effect.to.id,
                            getattr(effect.message, "type", "?"),
                            len(held),
                        )
                for conn in targets:
                    await conn.send(effect.message)
                    if gone:
                        await conn.ws.close(CLOSE_AUTH)

    async def _guest_news(self, effect: Deliver) -> bool:
        """A guest admitted, removed or refused: recorded on the invitation before they are told. True
        when the guest is out for good (their link stops working; their page is closed once told)."""
        message = effect.message
        admitted = isinstance(message, SessionAdmitted)
        # Everyone in the call is told who was removed; only the one whose peer it was is out.
        removed = isinstance(message, ParticipantLeft) and message.reason is ParticipantLeftReason.REMOVED
        gone = (removed and self._peer_is(effect.to, message)) or (
            isinstance(message, GuestStatus) and message.state == "refused"
        )
        if not (admitted or gone):
            return False
        try:
            session = message.session_id if isinstance(message, SessionAdmitted) else None
            await asyncio.to_thread(self._guest_done, effect.to.id, session, gone)
        except Exception:
            log.exception("guest %s: recording the change failed", effect.to.id)
        if gone:
            self.broker.guests.pop(effect.to.id, None)
        return gone

    def _peer_is(self, party: Party, left: ParticipantLeft) -> bool:
        """Whether ``left`` is about ``party``'s own peer in that call (departed ones included)."""
        session = self.broker.sessions.get(left.session_id)
        return session is not None and session.peer_of(party) == left.peer

    async def _presence_to(self, official_id: str, snapshot: Presence) -> None:
        """Send ``snapshot`` now, unless this official got one less than an interval ago:
        then one (the latest, computed when it goes) follows at the end of the interval.
        A booth flooding device reports costs each official at most one snapshot per
        interval, and a single change still arrives at once."""
        if official_id in self._presence_held:
            return  # one is already due; it will be computed fresh
        loop = asyncio.get_running_loop()
        due = self._presence_sent.get(official_id, -1e9) + self.limits.presence_interval_s
        if loop.time() < due:
            self._presence_held[official_id] = loop.call_at(due, self._release_presence, official_id)
            return
        self._presence_sent[official_id] = loop.time()
        for conn in self._targets(Party(Role.OFFICIAL, official_id)):
            await conn.send(snapshot)

    def _release_presence(self, official_id: str) -> None:
        self._presence_held.pop(official_id, None)
        if official_id not in self.broker.officials:
            self._presence_sent.pop(official_id, None)
            return
        task = asyncio.get_running_loop().create_task(self._presence_to(official_id, self.broker.presence(official_id)))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def start(self) -> None:
        """Start the record writer; call from the running event loop."""
        loop = asyncio.get_running_loop()
        self._writer = loop.create_task(self._write_records())
        self._sweeper = loop.create_task(self._sweep_expired())

    async def stop(self) -> None:
        """Write what is queued, then stop the writer."""
        await self._records.join()
        for task in (self._writer, self._sweeper):
            if task is not None:
                task.cancel()
        for handle in [*self._presence_held.values(), *self._away.values()]:
            handle.cancel()

    async def _write_records(self) -> None:
        while True:
            session = await self._records.get()
            try:
                await asyncio.to_thread(self._record, session)
            except Exception:
                log.exception("could not record %s", getattr(session, "id", None) or getattr(session, "entry_id", "?"))
            finally:
                self._records.task_done()

    def _record(
        self,
        session: CallSession | QueueChanged | Identified | FeedbackGiven | QualityReported | live_sessions.TokenChange,
    ) -> None:
        if isinstance(session, live_sessions.TokenChange):
            live_sessions.apply_token(self.db, session)
            return
        if isinstance(session, QualityReported):
            with self.db() as db:
                call_quality_store.record(db, session)
            return
        if isinstance(session, FeedbackGiven):
            with self.db() as db:
                if session.citizen is not None:
                    feedback_store.record_citizen(db, session.session_id, session.citizen, session.skipped, session.at)
                    if session.skipped and session.booking_id is not None:
                        if feedback_store.ask_by_sms(db, session.session_id, session.booking_id, session.at):
                            log.info("session %s: the feedback question goes by SMS", session.session_id)
                if session.official is not None and session.official_id is not None:
                    technical, handled = session.official
                    feedback_store.record_official(
                        db, session.session_id, session.official_id, technical, handled, session.at
                    )
            return
        if isinstance(session, Identified):
            with self.db() as db:
                record_identification(db, session.session_id, session.method, session.at, session.recorded_by)
            return
        if isinstance(session, QueueChanged):
            live_queue.follow_entry(self.db, session.entry_id, session.state, session.official_id)
            return
        with self.db() as db:
            record_call(db, session)
            live_sessions.save(db, session, self.clock())
            db.commit()
        live_queue.follow_session(self.db, session)

    def _targets(self, to: Party) -> list[Connection]:
        return list(self.connections.get(to, ()))
