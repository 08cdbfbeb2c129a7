"""One language at a time: chosen on the attract screen, spoken by every screen after, reset for the next."""

from __future__ import annotations

import pytest

from kiosk import session as sm
from kiosk.session import INACTIVITY_S, Phase, Screen
from protocol.messages import BoothCatalogue, SessionEnded, SessionEndReason, SessionLobby
from tests.unit.kiosk.test_session import SERVICES, SID, admitted, screens


def chosen(language: str = "sv") -> sm.BoothSession:
    m = sm.BoothSession()
    m.handle(sm.Connected(0))
    m.handle(sm.Received(BoothCatalogue(services=SERVICES), 0.5))
    out = m.handle(sm.LanguageChosen(language, 1))
    assert screens(out) == [sm.Show(Screen.ATTRACT, language=language)]
    return m


def test_before_a_choice_screens_speak_every_language():
    m = sm.BoothSession()
    out = m.handle(sm.Connected(0))
    assert screens(out) == [sm.Show(Screen.ATTRACT, language=None)]


def test_the_chosen_language_is_on_every_screen_to_the_end_of_the_call():
    m = chosen("sv")
    shown = screens(m.handle(sm.StartPressed(2)))
    shown += screens(m.handle(sm.ServiceChosen(SERVICES[0].service_id, "sv", 3)))
    shown += screens(m.handle(sm.Received(SessionLobby(session_id=SID), 4)))
    shown += screens(m.handle(sm.Received(admitted(), 5)))
    shown += screens(m.handle(sm.MediaConnected(SID, "o1", 6)))
    shown += screens(m.handle(sm.Received(SessionEnded(session_id=SID, reason=SessionEndReason.HUNG_UP), 7)))
    assert [s.screen for s in shown] == [Screen.CHOOSE, *[Screen.LOBBY] * 2, *[Screen.CALL] * 2, Screen.ENDED]
    assert {s.language for s in shown} == {"sv"}


def test_the_next_citizen_starts_with_no_language():
    m = chosen("en")
    m.handle(sm.StartPressed(2))
    m.handle(sm.ServiceChosen(SERVICES[0].service_id, "en", 3))
    m.handle(sm.Received(SessionLobby(session_id=SID), 4))
    m.handle(sm.Received(SessionEnded(session_id=SID, reason=SessionEndReason.HUNG_UP), 5))
    out = m.handle(sm.Tick(5 + sm.ENDED_SCREEN_S))
    assert m.state.phase is Phase.IDLE and m.state.language is None
    assert screens(out) == [sm.Show(Screen.ATTRACT, language=None)]


@pytest.mark.parametrize("leave", ["back", "idle"])
def test_leaving_the_choice_resets_the_language(leave: str):
    m = chosen("sv")
    m.handle(sm.StartPressed(2))
    out = m.handle(sm.BackPressed(3)) if leave == "back" else m.handle(sm.Tick(2 + INACTIVITY_S))
    assert screens(out) == [sm.Show(Screen.ATTRACT, language=None)]


def test_a_language_chosen_and_left_is_reset_after_the_idle_time():
    m = chosen("sv")
    assert m.handle(sm.Tick(1 + INACTIVITY_S - 1)) == []
    out = m.handle(sm.Tick(1 + INACTIVITY_S))
    assert m.state.language is None and screens(out) == [sm.Show(Screen.ATTRACT, language=None)]


def test_a_language_the_booth_does_not_speak_is_ignored():
    m = sm.BoothSession()
    m.handle(sm.Connected(0))
    out = m.handle(sm.LanguageChosen("xx", 1))
    assert screens(out) == [] and m.state.language is None
    assert any(isinstance(c, sm.Log) for c in out)


def test_a_language_is_chosen_only_at_the_start():
    m = chosen("sv")
    m.handle(sm.StartPressed(2))
    assert m.handle(sm.LanguageChosen("fi", 3)) == [] and m.state.language == "sv"


def test_the_booking_path_keeps_the_chosen_language():
    m = chosen("en")
    out = m.handle(sm.BookingPressed(2))
    assert screens(out) == [sm.Show(Screen.CHECKIN, language="en")]


def test_a_walk_in_who_did_not_choose_speaks_the_matter_s_language_from_then_on():
    m = sm.BoothSession()
    m.handle(sm.Connected(0))
    m.handle(sm.Received(BoothCatalogue(services=SERVICES), 0.5))
    m.handle(sm.StartPressed(1))
    out = m.handle(sm.ServiceChosen(SERVICES[0].service_id, "sv", 2))
    assert [s.language for s in screens(out)] == ["sv"]


def test_change_language_shows_every_language_again():
    m = chosen("sv")
    out = m.handle(sm.LanguageChosen(None, 2))
    assert m.state.phase is Phase.IDLE and m.state.language is None
    assert screens(out) == [sm.Show(Screen.ATTRACT, language=None)]


def test_large_text_and_contrast_toggle_and_ride_on_every_show():
    m = chosen("fi")
    assert m.handle(sm.LookToggled("large_text", 2)) == [sm.SetLook(sm.Look(large_text=True))]
    out = m.handle(sm.LookToggled("high_contrast", 3))
    assert out == [sm.SetLook(sm.Look(large_text=True, high_contrast=True))]
    assert m.handle(sm.LookToggled("large_text", 4)) == [sm.SetLook(sm.Look(high_contrast=True))]
    shown = screens(m.handle(sm.StartPressed(5)))
    assert [s.look for s in shown] == [sm.Look(high_contrast=True)]


def test_the_look_is_reset_for_the_next_citizen():
    m = chosen("fi")
    m.handle(sm.LookToggled("large_text", 2))
    m.handle(sm.StartPressed(3))
    out = m.handle(sm.BackPressed(4))
    assert screens(out) == [sm.Show(Screen.ATTRACT)]  # default look, no language
    assert m.state.look == sm.Look()


def test_a_look_set_before_start_and_left_is_reset_after_the_idle_time():
    m = sm.BoothSession()
    m.handle(sm.Connected(0))
    m.handle(sm.LookToggled("high_contrast", 1))
    out = m.handle(sm.Tick(1 + INACTIVITY_S))
    assert m.state.look == sm.Look() and screens(out) == [sm.Show(Screen.ATTRACT)]


def test_the_look_can_change_in_a_call_and_is_kept_to_its_end():
    m = chosen("sv")
    m.handle(sm.StartPressed(2))
    m.handle(sm.ServiceChosen(SERVICES[0].service_id, "sv", 3))
    m.handle(sm.Received(SessionLobby(session_id=SID), 4))
    m.handle(sm.Received(admitted(), 5))
    m.handle(sm.LookToggled("large_text", 6))
    out = m.handle(sm.MediaConnected(SID, "o1", 7))
    assert [s.look for s in screens(out)] == [sm.Look(large_text=True)]


def test_an_unknown_look_is_logged_not_applied():
    m = chosen("sv")
    out = m.handle(sm.LookToggled("sparkles", 2))
    assert all(isinstance(c, sm.Log) for c in out) and m.state.look == sm.Look()
