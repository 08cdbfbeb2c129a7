"""The official's tools in a call, as rules: who may ask for what, and who is told.

Pure, like the broker it asks (``CallBroker.in_call``, ``CallBroker.citizen``):
the hub feeds messages in with ``now`` and carries the effects out. Only the
participants of a call in progress use its tools: an official in it asks for
identification, the call's booth answers. In-person identification comes over
HTTP and is the access policy's to allow (``access.may_identify``: the
officials in the call and the point's advisors).

Who is told what: the officials in the call get every state, and the name on
the certificate when it identifies; the booth gets the state without the name
(it has the card in its reader anyway, but nothing on the wire to the booth
needs a name).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from backend.domain import access
from backend.domain.calls import BrokerError, CallBroker, CallSession, Deliver, Party
from backend.domain.identification import IdentificationRefused, Identifications, Outcome, encode
from backend.domain.printing import PrintJobs
from backend.domain.stills import Still, StillBox
from protocol.messages import (
    CameraSource,
    ErrorCode,
    FeedbackCitizen,
    FeedbackOfficial,
    FeedbackRequest,
    FeedbackStatus,
    IdentChallenge,
    IdentProgress,
    IdentRequest,
    IdentResponse,
    IdentStatus,
    ParticipantRole,
    PrintJob,
    PrintStatus,
    Role,
    SessionAdmitted,
    StillCapture,
    StillFailed,
    StillReady,
    StillRequest,
    SummarySend,
)


@dataclass(frozen=True)
class FeedbackGiven:
    """Quick feedback to store with the call: the citizen's (``citizen``) or an official's (``official``)."""

    session_id: str
    at: float
    citizen: tuple[int | None, int | None, int | None] | None = None
    skipped: bool = False
    official_id: str | None = None
    official: tuple[int, int] | None = None
    #: The call's booking, if any: a citizen who skipped may be asked once by SMS (its phone).
    booking_id: str | None = None


@dataclass(frozen=True)
class Identified:
    """A call's citizen was identified: the call record keeps the method (never the identity)."""

    session_id: str
    method: str
    at: float
    recorded_by: str | None = None


class NotYours(Exception):
    """The caller may not act on that session (or it does not exist): the API answers 404."""


class Refused(Exception):
    """The caller sees the citizen's booth but the access policy refuses the action: the API answers 403."""


class Appointments:
    def __init__(self, broker: CallBroker, identifications: Identifications, stills: StillBox | None = None) -> None:
        self.broker, self.identifications = broker, identifications
        self.stills = stills or StillBox()
        self.print_jobs = PrintJobs()

    def handle(self, party: Party, msg: object, now: float) -> list[Deliver | Identified | FeedbackGiven]:
        """A tool message from a participant; ``BrokerError`` for one out of place."""
        session_id: str = getattr(msg, "session_id", "")
        s, me = self.broker.in_call(party, session_id)
        at = datetime.fromtimestamp(now, UTC)
        try:
            if isinstance(msg, IdentRequest):
                if me.role is not ParticipantRole.OFFICIAL:
                    raise BrokerError(ErrorCode.NOT_ALLOWED, "only an official of the call asks for identification")
                challenge = self.identifications.request(s.id, at)
                ask = IdentChallenge(session_id=s.id, challenge=encode(challenge))
                return [Deliver(Party(Role.BOOTH, s.booth_id), ask), *self._tell(s, self._current(s.id), booth=False)]
            if isinstance(msg, StillRequest):
                if me.role is not ParticipantRole.OFFICIAL:
                    raise BrokerError(ErrorCode.NOT_ALLOWED, "only an official of the call asks for a picture")
                if not self.broker.has_camera(s.booth_id, CameraSource.DOCUMENT):
                    raise BrokerError(ErrorCode.NOT_ALLOWED, "this booth has no working document camera")
                still = self.stills.order(s.id, now)
                capture = StillCapture(session_id=s.id, still_id=still.still_id, upload_token=still.token)
                return [Deliver(Party(Role.BOOTH, s.booth_id), capture)]
            if isinstance(msg, FeedbackRequest | FeedbackOfficial):
                if me.role is not ParticipantRole.OFFICIAL:
                    raise BrokerError(ErrorCode.NOT_ALLOWED, "only an official of the call")
                if isinstance(msg, FeedbackRequest):
                    asked = FeedbackStatus(session_id=s.id, state="asked")
                    return [Deliver(Party(Role.BOOTH, s.booth_id), msg), *self._to_officials(s, asked)]
                given = FeedbackGiven(s.id, now, official_id=party.id, official=(msg.technical, msg.handled))
                return [given, Deliver(party, FeedbackStatus(session_id=s.id, state="saved"))]
            if isinstance(msg, SummarySend):
                if me.role is not ParticipantRole.OFFICIAL:
                    raise BrokerError(ErrorCode.NOT_ALLOWED, "only an official of the call writes what next")
                return [Deliver(Party(Role.BOOTH, s.booth_id), msg)]
            if party.role is not Role.BOOTH:
                raise BrokerError(ErrorCode.NOT_ALLOWED, "only the call's booth answers an identification")
            if isinstance(msg, PrintStatus):
                return self._to_officials(s, msg)
            if isinstance(msg, FeedbackCitizen):
                answers = (msg.service, msg.ease, msg.overall)
                state = "skipped" if msg.skipped else "answered"
                told = self._to_officials(s, FeedbackStatus(session_id=s.id, state=state))
                given = FeedbackGiven(s.id, now, citizen=answers, skipped=msg.skipped, booking_id=s.booking_id)
                return [given, *told]
            if isinstance(msg, StillFailed):
                self.stills.fail(msg.still_id, s.id)
                return self._to_officials(s, msg)
            if isinstance(msg, IdentProgress):
                return self._tell(s, self.identifications.progress(s.id, msg), booth=False)
            if isinstance(msg, IdentResponse):
                return self._settled(s, self.identifications.respond(s.id, msg, at), now)
        except IdentificationRefused as exc:
            raise BrokerError(ErrorCode.WRONG_STATE, str(exc)) from None
        raise BrokerError(ErrorCode.NOT_ALLOWED, "not a tool of the call")

    def in_person(self, standing: access.Standing, session_id: str, now: float) -> list[Deliver | Identified]:
        """The official in the call, or the point's advisor, saw the citizen's ID in person."""
        citizen = self.broker.citizen(session_id)
        if citizen is None or not access.may_identify(standing, citizen):
            raise NotYours(f"no session {session_id!r} whose citizen you may identify")
        s = self.broker.sessions[session_id]
        outcome = self.identifications.in_person(s.id)
        return self._settled(s, outcome, now, recorded_by=standing.person_id)

    def in_person_at(
        self, standing: access.Standing, booth_id: str, now: float
    ) -> tuple[str, list[Deliver | Identified]]:
        """The same, for "the citizen in booth X": the desk knows booths, not sessions.

        ``NotYours`` (404) for a booth the caller may not see or with no citizen in it,
        ``Refused`` (403) for a citizen the caller may not identify; whom it was for is
        the session's own path (``in_person``), so the rule and the record are one."""
        booth = self.broker.booth_ref(booth_id)
        if booth is None or not access.sees_booth(standing, booth):
            raise NotYours(f"no booth {booth_id!r} that you may see")
        session_id = self.broker.citizen_at(booth_id)
        citizen = None if session_id is None else self.broker.citizen(session_id)
        if session_id is None or citizen is None:
            raise NotYours(f"no citizen is in booth {booth_id!r} now")
        if not access.may_identify(standing, citizen):
            raise Refused("only the officials in the call and the point's advisors record an in-person identification")
        return session_id, self.in_person(standing, session_id, now)

    def joining(self, effects: list[object]) -> list[Deliver]:
        """An official admitted to (or joining) a call whose citizen was already identified —
        say in person by the advisor while they waited — is told so with the admission."""
        out: list[Deliver] = []
        for e in effects:
            if not (isinstance(e, Deliver) and isinstance(e.message, SessionAdmitted) and e.to.role is Role.OFFICIAL):
                continue
            outcome = self.identifications.current(e.message.session_id)
            if outcome is None or outcome.method is None:
                continue
            status = IdentStatus(session_id=e.message.session_id, state=outcome.state, name=outcome.name)
            out.append(Deliver(e.to, status))
        return out

    def uploaded(
        self, still_id: str, token: str, data: bytes, mime: str, width: int, height: int, now: float
    ) -> list[Deliver | Identified]:
        """The booth's upload of an ordered still (``stills.StillRefused`` if it is not one):
        the call's officials are told it is there."""
        still = self.stills.accept(still_id, token, data, mime, width, height, now)
        s = self.broker.sessions.get(still.session_id)
        if s is None:
            self.stills.forget_call(still.session_id)
            return []
        ready = StillReady(
            session_id=s.id, still_id=still.still_id, width=width, height=height, size=len(data), mime=still.mime
        )
        return list(self._to_officials(s, ready))

    def document_sent(self, standing: access.Standing, session_id: str, data: bytes, now: float) -> list[Deliver]:
        """An official in the call sends a PDF to this call's booth (``NotYours`` for anyone else,
        ``printing.DocumentRefused`` for what is not a PDF)."""
        citizen = self.broker.citizen(session_id)
        s = self.broker.sessions.get(session_id)
        if citizen is None or s is None or s.phase.value != "in_call" or not access.may_print(standing, citizen):
            raise NotYours(f"no call {session_id!r} whose booth you may print at")
        job = self.print_jobs.submit(s.id, data, now)
        return [Deliver(Party(Role.BOOTH, s.booth_id), PrintJob(session_id=s.id, job_id=job.job_id, token=job.token))]

    def still_for(self, standing: access.Standing, still_id: str) -> Still:
        """An uploaded still, for those who may see the call's content (``NotYours`` otherwise)."""
        still = self.stills.get(still_id)
        citizen = self.broker.citizen(still.session_id) if still is not None else None
        if still is None or citizen is None or not access.sees_call_content(standing, citizen):
            raise NotYours(f"no still {still_id!r} that you may see")
        return still

    def ended(self, session_id: str) -> None:
        """The call is over: nothing of the citizen's identity or papers stays."""
        self.identifications.forget(session_id)
        self.stills.forget_call(session_id)
        self.print_jobs.forget_call(session_id)

    def _settled(
        self, s: CallSession, outcome: Outcome, now: float, recorded_by: str | None = None
    ) -> list[Deliver | Identified]:
        out: list[Deliver | Identified] = list(self._tell(s, outcome, booth=True))
        if outcome.method is not None:
            out.append(Identified(s.id, outcome.method.value, now, recorded_by))
        return out

    def _current(self, session_id: str) -> Outcome:
        current = self.identifications.current(session_id)
        assert current is not None
        return current

    @staticmethod
    def _to_officials(s: CallSession, message: object) -> list[Deliver]:
        return [Deliver(p.party, message) for p in s.present() if p.role is ParticipantRole.OFFICIAL]

    @staticmethod
    def _tell(s: CallSession, outcome: Outcome, *, booth: bool) -> list[Deliver]:
        status = IdentStatus(session_id=s.id, state=outcome.state, code=outcome.code, tries_left=outcome.tries_left)
        named = status.model_copy(update={"name": outcome.name})
        out = [Deliver(p.party, named) for p in s.present() if p.role is ParticipantRole.OFFICIAL]
        if booth:
            out.append(Deliver(Party(Role.BOOTH, s.booth_id), status))
        return out
