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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketDisconnected, WebSocketState

from backend.domain import access
from backend.domain.bookings import BookingRuleError
from backend.domain.calls import (
    Arrival,
    BoothInfo,
    BrokerError,
    CallBroker,
    CallChanged,
    CallSession,
    Deliver,
    DeskWalkIn,
    Effect,
    Party,
    QueueChanged,
    WalkIn,
)
from backend.domain.catalogue import OfficialSkills, Service
from backend.domain.events import CitizenCheckedIn
from backend.store import accounts, alerts, catalogue, live_queue
from backend.store import bookings as booking_store
from backend.store.call_records import record_call
from protocol.codec import ProtocolError, decode, encode, error_for
from protocol.messages import (
    CLIENT_MESSAGES,
    AlertAcknowledge,
    AlertCleared,
    AssistAcknowledge,
    AssistClear,
    AssistRequest,
    AssistState,
    BoothCatalogue,
    CameraSelect,
    CheckinRequest,
    CheckinResult,
    DeviceReport,
    Error,
    ErrorCode,
    Hello,
    ParticipantRemove,
    Role,
    RtcAnswer,
    RtcIce,
    RtcOffer,
    ServiceChoice,
    SessionAdmit,
    SessionEnd,
    SessionLeave,
    SessionRequest,
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


@dataclass(eq=False)
class Connection:
    ws: WebSocket
    party: Party | None = None
    errors: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

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
                )
            )
        except ValidationError as e:
            fields = sorted({str(err["loc"][0]) for err in e.errors() if err["loc"]})
            log.warning("booth menu: left out service %r, which the protocol refuses (%s)", x.id[:64], fields)
        if len(choices) == 64:
            break
    return BoothCatalogue(services=tuple(choices))


class Hub:
    def __init__(
        self,
        db: sessionmaker[Session],
        clock: Callable[[], float] = time.time,
        new_session_id: Callable[[], str] = lambda: "s-" + secrets.token_hex(8),
    ) -> None:
        self.db = db
        self.clock = clock
        self.new_session_id = new_session_id
        self.broker = CallBroker()
        self.connections: dict[Party, set[Connection]] = defaultdict(set)
        self.accounts: dict[str, _Account] = {}  # connected officials' standing
        self._background: set[asyncio.Task[None]] = set()
        # One writer, in order, not tied to any connection's handler: a record
        # must land even when the socket that caused it is being torn down.
        self._records: asyncio.Queue[CallSession | QueueChanged] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None

    def know_booths(self, booths: list[BoothInfo]) -> None:
        """Booths from the database, shown as offline until they connect."""
        for info in booths:
            self.broker.know_booth(info)

    # -- one connection --

    async def serve(self, ws: WebSocket) -> None:
        await ws.accept()
        conn = Connection(ws)
        try:
            party = await self._authenticate(conn)
            if party is None:
                return
            await self._loop(conn)
        except (WebSocketDisconnect, WebSocketDisconnected):
            pass
        finally:
            self._gone(conn)

    async def _authenticate(self, conn: Connection) -> Party | None:
        try:
            frame = await asyncio.wait_for(conn.ws.receive_text(), HELLO_TIMEOUT_S)
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
            info = await asyncio.to_thread(self._booth_login, msg.booth_id, msg.token)
            if info is not None:
                self.broker.know_services(await asyncio.to_thread(self._services))
            if info is None:
                log.warning("booth authentication failed for booth id %s", msg.booth_id)
                await self._refuse(conn, ErrorCode.AUTH_FAILED, "unknown booth or wrong booth credential", "hello")
                return None
            party, name = Party(Role.BOOTH, info.booth_id), info.name
            for old in list(self.connections.get(party, ())):
                # The booth restarted while its old socket was half-open.
                self.connections[party].discard(old)
                await old.ws.close(CLOSE_REPLACED)
            effects = self.broker.booth_online(info)
        else:
            account = await asyncio.to_thread(self._official_login, msg.token, now)
            if account is None:
                await self._refuse(
                    conn, ErrorCode.AUTH_FAILED, "sign-in expired or invalid; please sign in again", "hello"
                )
                return None
            party, name = Party(Role.OFFICIAL, account.info.official_id), account.info.name
            # Whose matter each waiting citizen chose decides who sees and admits them: keep the catalogue fresh.
            self.broker.know_services(await asyncio.to_thread(self._services))
            effects = []
        conn.party = party
        self.connections[party].add(conn)
        await conn.send(Welcome(role=party.role, name=name, server_time=now))
        if account is not None:
            self.accounts[party.id] = account
            effects = self.broker.official_online(
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
        log.info("%s %s connected", party.role.value, party.id)
        await self._apply(effects)
        return party

    def _booth_login(self, booth_id: str | None, secret: str) -> BoothInfo | None:
        if not booth_id:
            return None
        with self.db() as db:
            return accounts.booth_by_credential(db, booth_id, secret)

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
        while True:
            frame = await conn.ws.receive_text()
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
                return b.request(party.id, self.new_session_id(), now)  # chose no matter: anyone may admit
            case SessionAdmit(session_id=sid):
                return b.admit(party.id, sid, now)
            case SessionLeave(session_id=sid):
                return b.leave(party, sid, now)
            case SessionEnd(session_id=sid):
                return b.end(party, sid, now)
            case ParticipantRemove(session_id=sid, peer=peer):
                return b.remove(party.id, sid, peer, now)
            case RtcOffer() | RtcAnswer() | RtcIce():
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
            case CameraSelect():
                return b.relay(party, msg.session_id, msg)
        raise ProtocolError(ErrorCode.NOT_ALLOWED, "not a client message", getattr(msg, "type", None))

    async def _check_in(self, conn: Connection, msg: CheckinRequest) -> list[Effect]:
        """A booking code typed or scanned at the booth: answer the booth kindly, and on
        success put the citizen in the lobby with their official alerted."""
        assert conn.party is not None
        booth_id = conn.party.id
        now = self.clock()
        outcome = await asyncio.to_thread(
            booking_store.check_in, self.db, msg.code, booth_id, datetime.fromtimestamp(now, UTC)
        )
        r = outcome.result
        arrived = next((e for e in outcome.events if isinstance(e, CitizenCheckedIn)), None)
        await conn.send(
            CheckinResult(
                ok=r.ok,
                result=r.result.value,
                message_fi=r.messages["fi"],
                message_sv=r.messages["sv"],
                message_en=r.messages["en"],
                language=arrived.booking.language if arrived else None,
            )
        )
        log.info("booth %s: check-in %s", booth_id, r.result.value)  # never the code: it identifies a person
        raised = await asyncio.to_thread(alerts.record_alerts, self.db, outcome.events)
        await self.deliver_alerts(raised)
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
        )
        return self.broker.checked_in(booth_id, self.new_session_id(), now, arrival)

    async def _walk_in(self, party: Party, msg: SessionRequest) -> list[Effect]:
        """A citizen chose a matter and a language at the booth: recorded in the point's
        queue (the advisors' live view and the statistics), then routed live."""
        assert msg.service_id is not None
        walk_in = WalkIn(msg.service_id, msg.language.value if msg.language else "fi")
        self.broker.check_walk_in(party.id, walk_in)
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
        return self.broker.request(party.id, self.new_session_id(), self.clock(), walk_in)

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
        """An advisor took the alert (here or over HTTP): off every advisor's screen."""
        cleared = AlertCleared(alert_id=alert.alert_id)
        for conn in self._advisors_of(alert.point_id):
            await conn.send(cleared)

    async def deliver_alerts(self, raised: list[alerts.StoredAlert]) -> None:
        """Tell the connected advisors of each alert's point (and master admins).
        Stored first, so an advisor who connects later still gets it."""
        for alert in raised:
            log.info("advisor alert %s at point %s", alert.kind.value, alert.point_id)
            for conn in self._advisors_of(alert.point_id):
                await conn.send(alert.to_message())

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
        conns = self.connections.get(party, set())
        if conn not in conns:
            return  # replaced by a newer connection of the same booth
        conns.discard(conn)
        if conns:
            return  # the official still has another tab open
        del self.connections[party]
        if party.role is Role.OFFICIAL:
            self.accounts.pop(party.id, None)
        now = self.clock()
        if party.role is Role.BOOTH:
            effects = self.broker.booth_offline(party.id, now)
        else:
            effects = self.broker.official_offline(party.id, now)
        log.info("%s %s disconnected", party.role.value, party.id)
        task = asyncio.get_running_loop().create_task(self._apply(effects))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    # -- effects --

    async def _apply(self, effects: list[Effect]) -> None:
        for effect in effects:
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
                for conn in self._targets(effect.to):
                    await conn.send(effect.message)

    def start(self) -> None:
        """Start the record writer; call from the running event loop."""
        self._writer = asyncio.get_running_loop().create_task(self._write_records())

    async def stop(self) -> None:
        """Write what is queued, then stop the writer."""
        await self._records.join()
        if self._writer is not None:
            self._writer.cancel()

    async def _write_records(self) -> None:
        while True:
            session = await self._records.get()
            try:
                await asyncio.to_thread(self._record, session)
            except Exception:
                log.exception("could not record %s", getattr(session, "id", None) or getattr(session, "entry_id", "?"))
            finally:
                self._records.task_done()

    def _record(self, session: CallSession | QueueChanged) -> None:
        if isinstance(session, QueueChanged):
            live_queue.follow_entry(self.db, session.entry_id, session.state, session.official_id)
            return
        with self.db() as db:
            record_call(db, session)
        live_queue.follow_session(self.db, session)

    def _targets(self, to: Party) -> list[Connection]:
        return list(self.connections.get(to, ()))
