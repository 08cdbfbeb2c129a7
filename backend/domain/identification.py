"""Identification in a call: the challenge given to the booth, where it stands, the verdict.

Pure (``now`` is passed in, no database, no sockets): the hub asks it and
delivers what it answers. The cryptography is ``backend.identity``'s
(``ChallengeRegistry``, ``verify_identification``); this module adds what a
call needs around it:

* a challenge belongs to one session: the booth of another call cannot answer
  it, and a new request makes the old one useless;
* the identity (the name on the certificate) is kept only while the call
  lasts: ``forget`` at its end drops it, and only the *method* (``id_card`` or
  ``in_person``) goes to the call record, for the statistics;
* what the booth reports (waiting for the card, the PIN, a wrong PIN) is
  passed on to the officials as states with stable codes, never free text.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from cryptography import x509

from backend.identity import ChallengeRegistry, IdentityError, verify_identification
from protocol.messages import IdentProgress, IdentResponse, IdentState


class Method(StrEnum):
    """How the citizen was identified, as the call record keeps it (never who they are)."""

    ID_CARD = "id_card"
    IN_PERSON = "in_person"


#: The states a booth may report; the verdicts are the backend's.
BOOTH_STATES = frozenset(
    {IdentState.WAITING_CARD, IdentState.TYPING_PIN, IdentState.SIGNING, IdentState.FAILED, IdentState.CANCELLED}
)


class IdentificationRefused(Exception):
    """A message that does not fit (no request under way, a state the booth may not claim)."""


@dataclass(frozen=True)
class Outcome:
    """Where identification stands in a call; ``name`` is personal data (hidden from ``repr``)."""

    state: IdentState
    name: str | None = field(default=None, repr=False)
    code: str | None = None
    tries_left: int | None = None
    #: Set when this outcome identified the citizen: what the call record keeps.
    method: Method | None = None


@dataclass
class _Call:
    challenge: bytes | None = None
    outcome: Outcome = field(default_factory=lambda: Outcome(IdentState.REQUESTED))


class Identifications:
    """Every live call's identification. ``trusted_cas`` empty: card identification is not configured."""

    def __init__(self, trusted_cas: Sequence[x509.Certificate] = (), registry: ChallengeRegistry | None = None) -> None:
        self.trusted_cas = list(trusted_cas)
        self.registry = registry or ChallengeRegistry()
        self._calls: dict[str, _Call] = {}

    def request(self, session_id: str, now: datetime) -> bytes:
        """A fresh challenge for this call's booth; any earlier one of the call is void."""
        call = self._calls.setdefault(session_id, _Call())
        call.challenge = self.registry.issue(now)
        call.outcome = Outcome(IdentState.REQUESTED)
        return call.challenge

    def progress(self, session_id: str, msg: IdentProgress) -> Outcome:
        call = self._under_way(session_id)
        if msg.state not in BOOTH_STATES:
            raise IdentificationRefused(f"state: a booth may not report {msg.state.value!r}")
        code = msg.code if msg.state is IdentState.FAILED else None
        call.outcome = Outcome(msg.state, code=code, tries_left=msg.tries_left if code else None)
        if msg.state is IdentState.CANCELLED or code == "pin_locked":
            call.challenge = None  # the official asks again (or identifies in person)
        return call.outcome

    def respond(self, session_id: str, msg: IdentResponse, now: datetime) -> Outcome:
        """Verify what the card signed: this call's challenge, fresh, a trusted chain, a good signature."""
        call = self._under_way(session_id)
        try:
            challenge = _bytes(msg.challenge)
            certificate, signature = _bytes(msg.certificate), _bytes(msg.signature)
        except (binascii.Error, ValueError):
            call.outcome = Outcome(IdentState.FAILED, code="bad_response")
            return call.outcome
        if challenge != call.challenge:
            call.outcome = Outcome(IdentState.FAILED, code="challenge_unknown")
            return call.outcome
        call.challenge = None  # answered: whatever the verdict, it is never answered again
        if not self.trusted_cas:
            call.outcome = Outcome(IdentState.FAILED, code="not_configured")
            return call.outcome
        try:
            self.registry.consume(challenge, now)
            identity = verify_identification(challenge, signature, msg.mechanism, certificate, self.trusted_cas, now)
        except IdentityError as exc:
            call.outcome = Outcome(IdentState.FAILED, code=exc.code)
            return call.outcome
        name = identity.common_name or identity.serial_number or "?"
        call.outcome = Outcome(IdentState.IDENTIFIED, name=name[:120], method=Method.ID_CARD)
        return call.outcome

    def in_person(self, session_id: str) -> Outcome:
        """The official or the point's advisor saw an ID in person."""
        call = self._calls.setdefault(session_id, _Call())
        call.challenge = None
        call.outcome = Outcome(IdentState.IN_PERSON, method=Method.IN_PERSON)
        return call.outcome

    def current(self, session_id: str) -> Outcome | None:
        call = self._calls.get(session_id)
        return None if call is None else call.outcome

    def forget(self, session_id: str) -> None:
        """The call ended: the identity goes with it."""
        self._calls.pop(session_id, None)

    def _under_way(self, session_id: str) -> _Call:
        call = self._calls.get(session_id)
        if call is None or call.challenge is None:
            raise IdentificationRefused("no identification was asked for in this call (or it is over)")
        return call


def _bytes(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def encode(data: bytes) -> str:
    """Bytes as the wire's Base64."""
    return base64.b64encode(data).decode("ascii")
