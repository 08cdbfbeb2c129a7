"""The walk-in's choice of matter, the check-in with a booking code, and the queue line."""

from __future__ import annotations

import pytest

from kiosk import session as sm
from kiosk.session import Notice, Phase, Screen
from protocol.messages import (
    BoothCatalogue,
    CheckinRequest,
    CheckinResult,
    Error,
    ErrorCode,
    QueueStatus,
    ServiceChoice,
    SessionLobby,
    SessionRequest,
)
from tests.unit.kiosk.test_session import CODE, SERVICES, SID, machine_in, screens, sends

NEW_PHASES = (Phase.CHOOSING, Phase.CHECKIN, Phase.CHECKING)
OTHER_CODE = "B8C4DE"


def scans(commands: list[sm.Command]) -> list[bool]:
    return [c.active for c in commands if isinstance(c, sm.ScanQr)]


def only_logs(commands: list[sm.Command]) -> bool:
    return all(isinstance(c, sm.Log) for c in commands)


MESSAGES = ("Varausta ei löytynyt", "Bokningen hittades inte", "Booking not found")


def result(ok: bool, language: str | None = None, code: str = "unknown_code") -> CheckinResult:
    fi, sv, en = MESSAGES
    return CheckinResult(
        ok=ok, result="ok" if ok else code, message_fi=fi, message_sv=sv, message_en=en, language=language
    )


def refused_qr_machine(now: float = 2.0) -> sm.BoothSession:
    """At the keypad again after the backend refused the booking QR ``ETP1:CODE``."""
    m = machine_in(Phase.CHECKIN)
    m.handle(sm.QrSeen("ETP1:" + CODE, now))
    m.handle(sm.Received(result(False), now + 0.5))
    assert m.state.phase is Phase.CHECKIN
    return m


# --- the catalogue ------------------------------------------------------------------


@pytest.mark.parametrize("phase", [Phase.IDLE, Phase.LOBBY, Phase.IN_CALL, Phase.ENDED, *NEW_PHASES])
def test_catalogue_is_kept_in_any_phase_and_handed_to_the_screens(phase: Phase):
    m = machine_in(phase)
    out = m.handle(sm.Received(BoothCatalogue(services=SERVICES[:1]), 9))
    assert m.state.services == SERVICES[:1]
    assert m.state.phase is phase
    assert sm.SetCatalogue(SERVICES[:1]) in out
    assert sends(out) == []


def test_catalogue_survives_sessions_and_reconnects():
    m = machine_in(Phase.CHOOSING)
    m.handle(sm.ServiceChosen("tax", "fi", 2))
    m.handle(sm.Received(SessionLobby(session_id=SID), 3))
    m.handle(sm.Disconnected(4))
    m.handle(sm.Connected(5))
    assert m.state.phase is Phase.IDLE
    assert m.state.services == SERVICES
    m.handle(sm.StartPressed(6))
    assert m.state.phase is Phase.CHOOSING


def test_an_empty_catalogue_means_start_asks_for_any_official():
    m = machine_in(Phase.IDLE)
    m.handle(sm.Received(BoothCatalogue(services=()), 1))
    out = m.handle(sm.StartPressed(2))
    assert m.state.phase is Phase.REQUESTING
    assert sends(out) == [SessionRequest()]


# --- walk-in: choosing -----------------------------------------------------------------


def test_start_with_a_catalogue_shows_the_choice_and_sends_nothing_yet():
    m = machine_in(Phase.IDLE)
    m.handle(sm.Received(BoothCatalogue(services=SERVICES), 1))
    out = m.handle(sm.StartPressed(2))
    assert m.state.phase is Phase.CHOOSING
    assert out == [sm.Show(Screen.CHOOSE)]


def test_choosing_a_service_requests_it_in_that_language():
    m = machine_in(Phase.CHOOSING)
    out = m.handle(sm.ServiceChosen("tax", "sv", 5))
    assert m.state.phase is Phase.REQUESTING
    assert sends(out) == [SessionRequest(service_id="tax", language="sv")]
    assert screens(out) == [sm.Show(Screen.LOBBY, language="sv")]
    assert m.state.deadline == 5 + sm.REQUEST_TIMEOUT_S


def test_a_chosen_request_that_is_not_answered_returns_to_attract():
    m = machine_in(Phase.CHOOSING)
    m.handle(sm.ServiceChosen("kela", "en", 5))
    out = m.handle(sm.Tick(5 + sm.REQUEST_TIMEOUT_S))
    assert m.state.phase is Phase.IDLE
    assert screens(out) == [sm.Show(Screen.ATTRACT, Notice.START_FAILED)]


@pytest.mark.parametrize(
    ("service_id", "language"),
    [("nope", "fi"), ("tax", "en"), ("tax", "de"), ("", "fi")],
    ids=["unknown service", "language not offered", "language not on the wire", "empty id"],
)
def test_a_choice_outside_the_catalogue_is_refused(service_id: str, language: str):
    m = machine_in(Phase.CHOOSING)
    out = m.handle(sm.ServiceChosen(service_id, language, 5))
    assert m.state.phase is Phase.CHOOSING
    assert only_logs(out) and out


def test_a_choice_is_checked_against_the_latest_catalogue():
    m = machine_in(Phase.CHOOSING)
    m.handle(sm.Received(BoothCatalogue(services=SERVICES[1:]), 3))
    assert only_logs(m.handle(sm.ServiceChosen("tax", "fi", 4)))
    assert m.state.phase is Phase.CHOOSING


@pytest.mark.parametrize("phase", [Phase.IDLE, Phase.REQUESTING, Phase.LOBBY, Phase.CHECKIN, Phase.CHECKING])
def test_a_service_choice_outside_the_choice_screen_does_nothing(phase: Phase):
    m = machine_in(phase)
    m.handle(sm.Received(BoothCatalogue(services=SERVICES), 1.6))
    before = m.state
    assert m.handle(sm.ServiceChosen("tax", "fi", 2)) == []
    assert m.state == before


def test_back_from_the_choice_returns_to_attract():
    m = machine_in(Phase.CHOOSING)
    out = m.handle(sm.BackPressed(3))
    assert m.state.phase is Phase.IDLE
    assert out == [sm.Show(Screen.ATTRACT)]


# --- check-in ---------------------------------------------------------------------------


def test_booking_opens_the_keypad_and_starts_reading_qr_codes():
    m = machine_in(Phase.IDLE)
    out = m.handle(sm.BookingPressed(1))
    assert m.state.phase is Phase.CHECKIN
    assert out == [sm.Show(Screen.CHECKIN), sm.ScanQr(True)]


@pytest.mark.parametrize("phase", [Phase.OFFLINE, Phase.REQUESTING, Phase.LOBBY, Phase.IN_CALL, *NEW_PHASES])
def test_booking_does_nothing_outside_idle(phase: Phase):
    m = machine_in(phase)
    before = m.state
    assert m.handle(sm.BookingPressed(2)) == []
    assert m.state == before


def test_a_typed_code_is_sent_and_the_screen_waits():
    m = machine_in(Phase.CHECKIN)
    out = m.handle(sm.CodeSubmitted("k7m 2qx", 2))
    assert m.state.phase is Phase.CHECKING
    assert sends(out) == [CheckinRequest(code=CODE)]
    assert scans(out) == [False]
    assert screens(out) == [sm.Show(Screen.CHECKIN, Notice.CHECKING, busy=True)]
    assert m.state.deadline == 2 + sm.CHECKIN_TIMEOUT_S


@pytest.mark.parametrize("typed", ["", "K7M2Q", "K7M2QXA", "K7M2Q0", "ETP1:K7M2QX"])
def test_a_typed_code_of_the_wrong_shape_is_not_sent(typed: str):
    m = machine_in(Phase.CHECKIN)
    out = m.handle(sm.CodeSubmitted(typed, 2))
    assert m.state.phase is Phase.CHECKIN
    assert only_logs(out) and sends(out) == []


def test_a_booking_qr_code_is_sent_without_its_prefix():
    m = machine_in(Phase.CHECKIN)
    out = m.handle(sm.QrSeen("ETP1:" + CODE, 2))
    assert m.state.phase is Phase.CHECKING
    assert sends(out) == [CheckinRequest(code=CODE)]
    assert scans(out) == [False]


@pytest.mark.parametrize("payload", ["https://example.org/", CODE, "ETP1:", "ETP1:K7M", "ETP2:" + CODE])
def test_other_qr_codes_are_ignored(payload: str):
    m = machine_in(Phase.CHECKIN)
    out = m.handle(sm.QrSeen(payload, 2))
    assert m.state.phase is Phase.CHECKIN
    assert only_logs(out) and out


def test_the_same_qr_seen_again_while_checking_is_not_sent_twice():
    m = machine_in(Phase.CHECKIN)
    first = m.handle(sm.QrSeen("ETP1:" + CODE, 2))
    again = [c for t in (2.3, 2.6, 2.9) for c in m.handle(sm.QrSeen("ETP1:" + CODE, t))]
    assert len(sends(first)) == 1
    assert again == []
    assert m.state.phase is Phase.CHECKING


def test_ok_pressed_again_while_checking_is_not_sent_twice():
    m = machine_in(Phase.CHECKING)
    assert m.handle(sm.CodeSubmitted(CODE, 1.7)) == []
    assert m.handle(sm.CodeSubmitted(OTHER_CODE, 1.8)) == []


def test_a_refusal_returns_to_the_keypad_with_the_backends_words():
    m = machine_in(Phase.CHECKING)
    out = m.handle(sm.Received(result(False), 3))
    assert m.state.phase is Phase.CHECKIN
    assert screens(out) == [sm.Show(Screen.CHECKIN, text=sm.BackendText(*MESSAGES, None))]
    assert scans(out) == [True]
    assert sends(out) == []


def test_the_backends_words_are_shown_in_the_bookings_language_if_known():
    assert sm.BackendText("fi", "sv", "en", "sv").lines() == ("sv",)
    assert sm.BackendText("fi", "sv", "en", None).lines() == ("fi", "sv", "en")
    assert sm.BackendText("fi", "sv", "en", "de").lines() == ("fi", "sv", "en")
    assert sm.BackendText("fi", "", "en", "sv").lines() == ("fi", "en")


def test_the_backends_words_are_never_in_a_log_or_a_repr():
    m = machine_in(Phase.CHECKING)
    out = m.handle(sm.Received(result(False, "fi"), 3))
    for command in out:
        assert "Varausta" not in repr(command) and "Booking not found" not in repr(command)


def test_a_refused_qr_code_still_in_view_is_not_sent_again():
    m = refused_qr_machine()
    out = m.handle(sm.QrSeen("ETP1:" + CODE, 3))
    assert m.state.phase is Phase.CHECKIN
    assert only_logs(out) and sends(out) == []


def test_after_a_refused_qr_code_another_qr_or_typing_the_same_code_is_sent():
    m = refused_qr_machine()
    assert sends(m.handle(sm.QrSeen("ETP1:" + OTHER_CODE, 3))) == [CheckinRequest(code=OTHER_CODE)]
    m.handle(sm.Received(result(False), 3.5))
    assert sends(m.handle(sm.CodeSubmitted(CODE, 4))) == [CheckinRequest(code=CODE)]


def test_the_answer_code_is_known_while_it_is_on_the_screen_and_forgotten_after():
    m = machine_in(Phase.CHECKING)
    m.handle(sm.Received(result(False, code="wrong_day"), 3))
    assert m.state.checkin_result == "wrong_day"  # the technician's status file shows it
    m.handle(sm.BackPressed(4))
    assert m.state.checkin_result is None  # nothing of one citizen stays for the next


def test_leaving_the_check_in_forgets_the_refused_qr_code():
    m = refused_qr_machine()
    m.handle(sm.BackPressed(3))
    m.handle(sm.BookingPressed(4))
    assert sends(m.handle(sm.QrSeen("ETP1:" + CODE, 5))) == [CheckinRequest(code=CODE)]


def test_ok_waits_for_the_lobby_with_the_keypad_locked():
    m = machine_in(Phase.CHECKING)
    out = m.handle(sm.Received(result(True, "fi"), 3))
    assert m.state.phase is Phase.CHECKING
    assert screens(out) == [sm.Show(Screen.CHECKIN, text=sm.BackendText(*MESSAGES, "fi"), busy=True, language="fi")]
    assert scans(out) == [] and sends(out) == []
    out = m.handle(sm.Received(SessionLobby(session_id=SID), 4))
    assert m.state.phase is Phase.LOBBY and m.state.session_id == SID
    assert out == [sm.Show(Screen.LOBBY, language="fi")]  # the booking's language from here on


def test_no_answer_to_the_check_in_returns_to_the_keypad_to_try_again():
    m = machine_in(Phase.CHECKING)
    assert m.handle(sm.Tick(1.5 + sm.CHECKIN_TIMEOUT_S - 0.1)) == []
    out = m.handle(sm.Tick(1.5 + sm.CHECKIN_TIMEOUT_S))
    assert m.state.phase is Phase.CHECKIN
    assert screens(out) == [sm.Show(Screen.CHECKIN, Notice.CHECKIN_FAILED)]
    assert scans(out) == [True]


def test_a_qr_code_that_got_no_answer_may_be_sent_again():
    m = machine_in(Phase.CHECKIN)
    m.handle(sm.QrSeen("ETP1:" + CODE, 2))
    m.handle(sm.Tick(2 + sm.CHECKIN_TIMEOUT_S))
    assert sends(m.handle(sm.QrSeen("ETP1:" + CODE, 13))) == [CheckinRequest(code=CODE)]


def test_ok_without_a_lobby_in_time_returns_to_the_keypad():
    m = machine_in(Phase.CHECKING)
    m.handle(sm.Received(result(True), 5))
    assert m.handle(sm.Tick(5 + sm.CHECKIN_TIMEOUT_S - 0.1)) == []
    out = m.handle(sm.Tick(5 + sm.CHECKIN_TIMEOUT_S))
    assert m.state.phase is Phase.CHECKIN
    assert screens(out) == [sm.Show(Screen.CHECKIN, Notice.CHECKIN_FAILED)]


def test_a_backend_error_about_the_check_in_returns_to_the_keypad_and_blocks_that_qr():
    m = machine_in(Phase.CHECKIN)
    m.handle(sm.QrSeen("ETP1:" + CODE, 2))
    err = Error(code=ErrorCode.NOT_ALLOWED, reason=f"no check-in for {CODE}", ref="checkin.request")
    out = m.handle(sm.Received(err, 2.2))
    assert m.state.phase is Phase.CHECKIN
    assert screens(out) == [sm.Show(Screen.CHECKIN, Notice.CHECKIN_FAILED)]
    assert all(CODE not in c.text for c in out if isinstance(c, sm.Log))
    assert sends(m.handle(sm.QrSeen("ETP1:" + CODE, 2.5))) == []


@pytest.mark.parametrize("phase", [Phase.IDLE, Phase.CHECKIN, Phase.LOBBY])
def test_a_check_in_result_out_of_turn_is_ignored(phase: Phase):
    m = machine_in(phase)
    before = m.state
    out = m.handle(sm.Received(result(False), 3))
    assert m.state == before
    assert only_logs(out)


@pytest.mark.parametrize("phase", NEW_PHASES)
def test_a_lobby_from_the_backend_is_joined_from_the_new_phases(phase: Phase):
    """A late check-in answer may arrive after the booth gave up waiting: the backend decides."""
    m = machine_in(phase)
    out = m.handle(sm.Received(SessionLobby(session_id="s-booked"), 5))
    assert m.state.phase is Phase.LOBBY and m.state.session_id == "s-booked"
    assert screens(out) == [sm.Show(Screen.LOBBY)]
    assert scans(out) == ([False] if phase is Phase.CHECKIN else [])


def test_back_from_the_keypad_stops_reading_qr_codes():
    m = machine_in(Phase.CHECKIN)
    out = m.handle(sm.BackPressed(3))
    assert m.state.phase is Phase.IDLE
    assert out == [sm.ScanQr(False), sm.Show(Screen.ATTRACT)]


@pytest.mark.parametrize("phase", [Phase.IDLE, Phase.CHECKING, Phase.REQUESTING, Phase.LOBBY, Phase.IN_CALL])
def test_back_elsewhere_does_nothing(phase: Phase):
    m = machine_in(phase)
    before = m.state
    assert m.handle(sm.BackPressed(3)) == []
    assert m.state == before


# --- a citizen who walked away ------------------------------------------------------------


@pytest.mark.parametrize("phase", [Phase.CHOOSING, Phase.CHECKIN])
def test_untouched_screens_return_to_attract(phase: Phase):
    m = machine_in(phase)  # last touched at 1
    assert m.handle(sm.Tick(1 + sm.INACTIVITY_S - 0.1)) == []
    out = m.handle(sm.Tick(1 + sm.INACTIVITY_S))
    assert m.state.phase is Phase.IDLE
    assert screens(out) == [sm.Show(Screen.ATTRACT)]
    assert scans(out) == ([False] if phase is Phase.CHECKIN else [])


def test_a_keypad_left_after_a_failed_check_returns_to_attract():
    m = machine_in(Phase.CHECKING)  # code submitted at 1.5, nobody touches the screen again
    m.handle(sm.Tick(1.5 + sm.CHECKIN_TIMEOUT_S))
    assert m.state.phase is Phase.CHECKIN
    out = m.handle(sm.Tick(1.5 + sm.INACTIVITY_S))
    assert m.state.phase is Phase.IDLE
    assert out[0] == sm.ScanQr(False) and screens(out) == [sm.Show(Screen.ATTRACT)]


def test_a_tick_late_past_both_deadlines_while_checking_goes_to_attract():
    """E.g. the booth's loop stalled: the citizen is long gone, so not back to the keypad."""
    m = machine_in(Phase.CHECKING)
    out = m.handle(sm.Tick(1.5 + sm.INACTIVITY_S))
    assert m.state.phase is Phase.IDLE
    assert screens(out) == [sm.Show(Screen.ATTRACT)]
    assert scans(out) == []  # scanning was already off while checking


@pytest.mark.parametrize("phase", [Phase.CHOOSING, Phase.CHECKIN])
def test_every_touch_keeps_the_screen(phase: Phase):
    m = machine_in(phase)
    for t in (60, 120, 180):
        assert m.handle(sm.Touched(t)) == []
        assert m.handle(sm.Tick(t + 80)) == []
    assert m.state.phase is phase
    m.handle(sm.Tick(180 + sm.INACTIVITY_S))
    assert m.state.phase is Phase.IDLE


def test_a_refused_choice_counts_as_a_touch():
    m = machine_in(Phase.CHOOSING)
    m.handle(sm.ServiceChosen("nope", "fi", 80))
    m.handle(sm.Tick(100))
    assert m.state.phase is Phase.CHOOSING


@pytest.mark.parametrize("phase", [Phase.IDLE, Phase.LOBBY, Phase.IN_CALL, Phase.OFFLINE])
def test_touches_elsewhere_change_nothing(phase: Phase):
    m = machine_in(phase)
    before = m.state
    assert m.handle(sm.Touched(5)) == []
    assert m.state == before


# --- connection loss ------------------------------------------------------------------------


@pytest.mark.parametrize("phase", NEW_PHASES)
def test_connection_loss_from_the_new_phases_goes_offline(phase: Phase):
    m = machine_in(phase)
    out = m.handle(sm.Disconnected(5))
    assert m.state.phase is Phase.OFFLINE
    assert screens(out) == [sm.Show(Screen.OFFLINE)]
    assert scans(out) == ([False] if phase is Phase.CHECKIN else [])
    assert m.state.qr_checking is None and m.state.qr_refused is None and m.state.idle_deadline is None
    m.handle(sm.Connected(6))
    assert m.state.phase is Phase.IDLE


def test_a_result_after_reconnecting_is_ignored():
    m = machine_in(Phase.CHECKING)
    m.handle(sm.Disconnected(2))
    m.handle(sm.Connected(3))
    assert only_logs(m.handle(sm.Received(result(True), 4)))
    assert m.state.phase is Phase.IDLE


# --- privacy ----------------------------------------------------------------------------------


def test_codes_never_appear_in_logs_or_reprs():
    m = machine_in(Phase.CHECKIN)
    out = m.handle(sm.QrSeen("ETP1:" + CODE, 2))
    out += m.handle(sm.Received(result(False), 3))
    out += m.handle(sm.QrSeen("ETP1:" + CODE, 4))
    out += m.handle(sm.CodeSubmitted(OTHER_CODE, 5))
    out += m.handle(sm.Tick(20))
    logs = [c.text for c in out if isinstance(c, sm.Log)]
    assert logs and not [t for t in logs if CODE in t or OTHER_CODE in t]
    assert CODE not in repr(m.state) and CODE not in repr(sm.QrSeen("ETP1:" + CODE, 1))
    assert CODE not in repr(sm.CodeSubmitted(CODE, 1))


# --- the queue line -----------------------------------------------------------------------------


@pytest.mark.parametrize("wait_min", [15, 0, None])
def test_queue_status_updates_the_lobby(wait_min: int | None):
    m = machine_in(Phase.LOBBY)
    out = m.handle(sm.Received(QueueStatus(session_id=SID, position=2, wait_min=wait_min), 5))
    assert out == [sm.ShowQueue(2, wait_min)]
    assert m.state.phase is Phase.LOBBY


def test_queue_status_for_another_session_is_ignored():
    m = machine_in(Phase.LOBBY)
    assert only_logs(m.handle(sm.Received(QueueStatus(session_id="s-other", position=1), 5)))


@pytest.mark.parametrize("phase", [Phase.REQUESTING, Phase.CONNECTING, Phase.IN_CALL, Phase.ENDED, Phase.IDLE])
def test_queue_status_outside_the_lobby_is_ignored(phase: Phase):
    m = machine_in(phase)
    before = m.state
    assert only_logs(m.handle(sm.Received(QueueStatus(session_id=SID, position=1, wait_min=3), 5)))
    assert m.state == before


def test_service_choice_fixture_is_valid_wire_data():
    # The machine trusts the catalogue's languages to be fi/sv/en: the wire model guarantees it.
    with pytest.raises(ValueError):
        ServiceChoice(service_id="x", name_fi="a", name_sv="b", name_en="c", languages=("de",))
    assert SERVICES[0].languages == ("fi", "sv")
