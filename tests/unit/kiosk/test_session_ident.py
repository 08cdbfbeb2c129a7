"""Identification in a call, on the booth's session machine: card, PIN, signing, the backend's verdict."""

from __future__ import annotations

import base64

from kiosk import session as sm
from kiosk.session import Notice, Phase, Screen
from protocol.messages import (
    IdentChallenge,
    IdentProgress,
    IdentResponse,
    IdentState,
    IdentStatus,
    SessionEnded,
    SessionEndReason,
)
from tests.unit.kiosk.test_session import SID, machine_in, screens, sends

CHALLENGE = bytes(range(32))
ASK = IdentChallenge(session_id=SID, challenge=base64.b64encode(CHALLENGE).decode())


def progress(commands: list[sm.Command]) -> list[tuple[IdentState, str | None]]:
    return [(m.state, m.code) for m in sends(commands) if isinstance(m, IdentProgress)]


def asked(card_in: bool = False) -> sm.BoothSession:
    m = machine_in(Phase.IN_CALL)
    if card_in:
        m.handle(sm.CardChanged(True, 9))
    m.handle(sm.Received(ASK, 10))
    return m


def test_asked_without_the_card_the_booth_asks_for_it_then_for_the_pin():
    m = machine_in(Phase.IN_CALL)
    out = m.handle(sm.Received(ASK, 10))
    assert screens(out)[-1].screen is Screen.IDCARD and screens(out)[-1].notice is Notice.INSERT_CARD
    assert progress(out) == [(IdentState.WAITING_CARD, None)]
    out = m.handle(sm.CardChanged(True, 11))
    assert screens(out)[-1].screen is Screen.PIN
    assert progress(out) == [(IdentState.TYPING_PIN, None)]
    assert m.state.phase is Phase.IN_CALL  # the call goes on underneath


def test_the_pin_makes_the_card_sign_and_the_signature_goes_to_the_backend():
    m = asked(card_in=True)
    out = m.handle(sm.PinEntered(12))
    assert [c for c in out if isinstance(c, sm.SignChallenge)] == [sm.SignChallenge(CHALLENGE)]
    assert progress(out) == [(IdentState.SIGNING, None)]
    assert screens(out)[-1].notice is Notice.CHECKING_ID
    out = m.handle(sm.CardSigned(b"cert", b"sig", "ecdsa-sha256", 13))
    [response] = sends(out)
    assert isinstance(response, IdentResponse)
    assert base64.b64decode(response.challenge) == CHALLENGE and base64.b64decode(response.certificate) == b"cert"
    out = m.handle(sm.Received(IdentStatus(session_id=SID, state=IdentState.IDENTIFIED), 14))
    assert screens(out)[-1].notice is Notice.IDENTIFIED
    assert m.handle(sm.Tick(14 + sm.IDENT_RESULT_S - 0.1)) == []
    back = screens(m.handle(sm.Tick(14 + sm.IDENT_RESULT_S)))
    assert back == [sm.Show(Screen.CALL, official_name="Veera")]
    assert m.state.ident_step is None and m.state.ident_challenge is None


def test_a_wrong_pin_asks_again_kindly_and_tells_the_official_how_many_tries_are_left():
    m = asked(card_in=True)
    m.handle(sm.PinEntered(12))
    out = m.handle(sm.CardFailed("wrong_pin", 1, 13))
    assert progress(out) == [(IdentState.FAILED, "wrong_pin"), (IdentState.TYPING_PIN, None)]
    assert next(p.tries_left for p in sends(out) if isinstance(p, IdentProgress)) == 1
    assert screens(out)[-1] == sm.Show(Screen.PIN, Notice.WRONG_PIN_LAST)
    out = m.handle(sm.PinEntered(14))
    assert any(isinstance(c, sm.SignChallenge) for c in out)  # the same challenge, tried again


def test_a_locked_pin_ends_the_attempt_and_the_citizen_returns_to_the_meeting():
    m = asked(card_in=True)
    m.handle(sm.PinEntered(12))
    out = m.handle(sm.CardFailed("pin_locked", None, 13))
    assert progress(out) == [(IdentState.FAILED, "pin_locked")]
    assert screens(out)[-1].notice is Notice.PIN_LOCKED
    assert m.handle(sm.PinEntered(14))[0] == sm.Log("a PIN was entered with no identification under way; dropped")
    assert screens(m.handle(sm.IdentBack(15))) == [sm.Show(Screen.CALL, official_name="Veera")]


def test_the_card_pulled_out_asks_for_it_back_and_a_late_signature_is_dropped():
    m = asked(card_in=True)
    m.handle(sm.PinEntered(12))
    out = m.handle(sm.CardChanged(False, 13))
    assert progress(out) == [(IdentState.FAILED, "card_removed"), (IdentState.WAITING_CARD, None)]
    assert screens(out)[-1].notice is Notice.CARD_REMOVED
    assert sends(m.handle(sm.CardFailed("card_removed", None, 14))) == []  # the worker's news is old
    assert sends(m.handle(sm.CardSigned(b"c", b"s", "ecdsa-sha256", 14))) == []
    assert screens(m.handle(sm.CardChanged(True, 15)))[-1].screen is Screen.PIN


def test_back_to_the_meeting_cancels_and_tells_the_official():
    m = asked()
    out = m.handle(sm.IdentBack(11))
    assert progress(out) == [(IdentState.CANCELLED, None)]
    assert screens(out) == [sm.Show(Screen.CALL, official_name="Veera")]


def test_the_backend_refusing_the_card_says_so_and_in_person_identification_ends_the_card_flow():
    m = asked(card_in=True)
    m.handle(sm.PinEntered(12))
    m.handle(sm.CardSigned(b"c", b"s", "ecdsa-sha256", 13))
    out = m.handle(sm.Received(IdentStatus(session_id=SID, state=IdentState.FAILED, code="untrusted"), 14))
    assert screens(out)[-1].notice is Notice.ID_FAILED
    m = asked()
    out = m.handle(sm.Received(IdentStatus(session_id=SID, state=IdentState.IN_PERSON), 12))
    assert screens(out) == [sm.Show(Screen.CALL, official_name="Veera")] and m.state.ident_step is None


def test_the_call_ending_forgets_the_identification_and_the_card_stays_known():
    m = asked(card_in=True)
    m.handle(sm.PinEntered(12))
    m.handle(sm.Received(SessionEnded(session_id=SID, reason=SessionEndReason.HUNG_UP), 13))
    assert m.state.phase is Phase.ENDED and m.state.ident_step is None and m.state.ident_challenge is None
    assert m.state.card_in
    assert sends(m.handle(sm.CardSigned(b"c", b"s", "ecdsa-sha256", 14))) == []


def test_a_challenge_outside_a_call_is_ignored():
    m = machine_in(Phase.LOBBY)
    out = m.handle(sm.Received(ASK.model_copy(update={"session_id": m.state.session_id}), 10))
    assert screens(out) == [] and m.state.ident_step is None
