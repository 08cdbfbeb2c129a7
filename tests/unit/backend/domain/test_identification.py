"""Identification in a call, in the backend's pure rules: the call's own challenge, once; only the method stays."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from backend.domain.identification import IdentificationRefused, Identifications, Method, encode
from protocol.messages import IdentProgress, IdentResponse, IdentState
from tests.support.id_cards import COMMON_NAME, SoftCard, b64

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def answer(card: SoftCard, sid: str, challenge: bytes, signed: bytes | None = None) -> IdentResponse:
    return IdentResponse(
        session_id=sid,
        challenge=encode(challenge),
        certificate=b64(card.certificate_der),
        signature=b64(card.sign(signed if signed is not None else challenge)),
        mechanism="ecdsa-sha256",
    )


@pytest.fixture(scope="module")
def card() -> SoftCard:
    return SoftCard.issued(now=NOW)


def test_a_card_signing_this_calls_challenge_identifies_with_the_certificates_name(card: SoftCard):
    ids = Identifications([card.ca.cert])
    challenge = ids.request("s1", NOW)
    outcome = ids.respond("s1", answer(card, "s1", challenge), NOW + timedelta(seconds=30))
    assert outcome.state is IdentState.IDENTIFIED and outcome.name == COMMON_NAME
    assert outcome.method is Method.ID_CARD
    assert COMMON_NAME not in repr(outcome)  # personal data stays out of logs
    ids.forget("s1")
    assert ids.current("s1") is None


def test_another_calls_challenge_a_replay_or_a_late_answer_fail(card: SoftCard):
    ids = Identifications([card.ca.cert])
    mine, theirs = ids.request("s1", NOW), ids.request("s2", NOW)
    assert ids.respond("s1", answer(card, "s1", theirs), NOW).code == "challenge_unknown"
    assert ids.respond("s1", answer(card, "s1", mine), NOW).state is IdentState.IDENTIFIED  # its own still works
    assert ids.respond("s2", answer(card, "s2", mine), NOW).code == "challenge_unknown"  # s1's is not s2's
    again = ids.request("s1", NOW)
    assert ids.respond("s1", answer(card, "s1", again), NOW).state is IdentState.IDENTIFIED
    with pytest.raises(IdentificationRefused):  # answered once: never again
        ids.respond("s1", answer(card, "s1", again), NOW)
    late = ids.request("s3", NOW)
    assert ids.respond("s3", answer(card, "s3", late), NOW + timedelta(minutes=3)).code == "challenge_expired"


def test_a_signature_over_something_else_or_an_untrusted_ca_is_refused(card: SoftCard):
    ids = Identifications([card.ca.cert])
    challenge = ids.request("s1", NOW)
    assert ids.respond("s1", answer(card, "s1", challenge, signed=b"other"), NOW).code == "bad_signature"
    stranger = SoftCard.issued(now=NOW)  # its own CA, which nobody trusts here
    challenge = ids.request("s1", NOW)
    assert ids.respond("s1", answer(stranger, "s1", challenge), NOW).code == "untrusted"
    unconfigured = Identifications()
    challenge = unconfigured.request("s1", NOW)
    assert unconfigured.respond("s1", answer(card, "s1", challenge), NOW).code == "not_configured"


def test_the_booth_reports_progress_but_cannot_claim_a_verdict(card: SoftCard):
    ids = Identifications([card.ca.cert])
    with pytest.raises(IdentificationRefused):
        ids.progress("s1", IdentProgress(session_id="s1", state=IdentState.TYPING_PIN))  # nothing asked
    ids.request("s1", NOW)
    wrong = ids.progress("s1", IdentProgress(session_id="s1", state=IdentState.FAILED, code="wrong_pin", tries_left=2))
    assert (wrong.state, wrong.code, wrong.tries_left) == (IdentState.FAILED, "wrong_pin", 2)
    with pytest.raises(IdentificationRefused):
        ids.progress("s1", IdentProgress(session_id="s1", state=IdentState.IDENTIFIED))
    ids.progress("s1", IdentProgress(session_id="s1", state=IdentState.FAILED, code="pin_locked"))
    with pytest.raises(IdentificationRefused):  # a locked card ends the attempt: the official asks again
        ids.progress("s1", IdentProgress(session_id="s1", state=IdentState.TYPING_PIN))


def test_in_person_identification_needs_no_request_and_voids_a_pending_challenge(card: SoftCard):
    ids = Identifications([card.ca.cert])
    challenge = ids.request("s1", NOW)
    outcome = ids.in_person("s1")
    assert outcome.state is IdentState.IN_PERSON and outcome.method is Method.IN_PERSON and outcome.name is None
    with pytest.raises(IdentificationRefused):
        ids.respond("s1", answer(card, "s1", challenge), NOW)
