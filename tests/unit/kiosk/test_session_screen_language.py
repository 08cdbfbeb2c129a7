"""A screen-only language (Russian): every screen in it, the meeting in Finnish, Swedish or English."""

from __future__ import annotations

from kiosk import session as sm
from kiosk.session import Notice, Phase, Screen
from protocol.messages import (
    BoothCatalogue,
    CheckinRequest,
    CheckinResult,
    ServiceChoice,
    SessionEnded,
    SessionEndReason,
    SessionLobby,
    SessionRequest,
)
from tests.unit.kiosk.test_session import SID, admitted, screens, sends

TAX = ServiceChoice(
    service_id="tax",
    name_fi="Verot",
    name_sv="Skatter",
    name_en="Taxes",
    languages=("fi", "sv"),
    screen_names={"ru": "Налоги"},
)
KELA = ServiceChoice(service_id="kela", name_fi="Kela", name_sv="FPA", name_en="Kela", languages=("fi", "sv", "en"))


def russian(services: tuple[ServiceChoice, ...] = (TAX, KELA)) -> sm.BoothSession:
    m = sm.BoothSession()
    m.handle(sm.Connected(0))
    if services:
        m.handle(sm.Received(BoothCatalogue(services=services), 0.5))
    assert screens(m.handle(sm.LanguageChosen("ru", 1))) == [sm.Show(Screen.ATTRACT, language="ru")]
    return m


def test_russian_screens_to_the_end_of_a_call_with_the_meeting_in_finnish():
    m = russian()
    shown = screens(m.handle(sm.StartPressed(2)))
    out = m.handle(sm.ServiceChosen("tax", "fi", 3))
    # The official is told the meeting's language and that the citizen reads Russian.
    assert sends(out) == [SessionRequest(service_id="tax", language="fi", screen_language="ru")]
    shown += screens(out)
    shown += screens(m.handle(sm.Received(SessionLobby(session_id=SID), 4)))
    shown += screens(m.handle(sm.Received(admitted(), 5)))
    shown += screens(m.handle(sm.MediaConnected(SID, "o1", 6)))
    shown += screens(m.handle(sm.Received(SessionEnded(session_id=SID, reason=SessionEndReason.HUNG_UP), 7)))
    assert [s.screen for s in shown] == [Screen.CHOOSE, *[Screen.LOBBY] * 2, *[Screen.CALL] * 2, Screen.ENDED]
    assert {s.language for s in shown} == {"ru"}
    out = m.handle(sm.Tick(7 + sm.ENDED_SCREEN_S))
    assert m.state.language is None and screens(out) == [sm.Show(Screen.ATTRACT, language=None)]


def test_a_matter_with_no_russian_name_cannot_be_chosen_with_russian_screens():
    m = russian()
    m.handle(sm.StartPressed(2))
    out = m.handle(sm.ServiceChosen("kela", "fi", 3))
    assert sends(out) == [] and m.state.phase is Phase.CHOOSING and m.state.language == "ru"
    assert any(isinstance(c, sm.Log) for c in out)


def test_a_meeting_language_the_matter_is_not_served_in_is_refused_as_before():
    m = russian()
    m.handle(sm.StartPressed(2))
    assert sends(m.handle(sm.ServiceChosen("tax", "en", 3))) == [] and m.state.phase is Phase.CHOOSING


def test_start_without_a_catalogue_still_tells_the_screen_language():
    m = russian(services=())
    assert sends(m.handle(sm.StartPressed(2))) == [SessionRequest(screen_language="ru")]


def test_a_meeting_language_chosen_at_the_start_is_not_sent_as_a_screen_language():
    m = sm.BoothSession()
    m.handle(sm.Connected(0))
    m.handle(sm.Received(BoothCatalogue(services=(TAX,)), 0.5))
    m.handle(sm.LanguageChosen("sv", 1))
    m.handle(sm.StartPressed(2))
    assert sends(m.handle(sm.ServiceChosen("tax", "sv", 3))) == [SessionRequest(service_id="tax", language="sv")]


def test_a_refused_check_in_speaks_russian_not_the_backend_s_three_languages():
    m = russian()
    m.handle(sm.BookingPressed(2))
    # The backend is told the citizen reads Russian, for the official of the booking too.
    assert sends(m.handle(sm.CodeSubmitted("K7M2QX", 3))) == [CheckinRequest(code="K7M2QX", screen_language="ru")]
    refusal = CheckinResult(ok=False, result="unknown_code", message_fi="Ei", message_sv="Nej", message_en="No")
    shown = screens(m.handle(sm.Received(refusal, 4)))
    assert [(s.screen, s.notice, s.language) for s in shown] == [(Screen.CHECKIN, Notice.CHECKIN_FAILED, "ru")]
    assert shown[0].text is not None and shown[0].text.lines() == ()
