"""Quick feedback on the booth's machine: three questions, 1-5, skippable, with a timeout."""

from __future__ import annotations

from kiosk import session as sm
from kiosk.session import Notice, Phase, Screen
from protocol.messages import FeedbackCitizen, FeedbackRequest
from tests.unit.kiosk.test_session import SID, machine_in, screens, sends

ASK = FeedbackRequest(session_id=SID)


def test_three_answers_are_sent_then_thanks_then_the_meeting_again():
    m = machine_in(Phase.IN_CALL)
    out = m.handle(sm.Received(ASK, 10))
    assert screens(out) == [sm.Show(Screen.FEEDBACK, Notice.FEEDBACK_SERVICE)]
    assert screens(m.handle(sm.FeedbackAnswered(5, 11)))[-1].notice is Notice.FEEDBACK_EASE
    assert screens(m.handle(sm.FeedbackAnswered(4, 12)))[-1].notice is Notice.FEEDBACK_OVERALL
    out = m.handle(sm.FeedbackAnswered(3, 13))
    assert sends(out) == [FeedbackCitizen(session_id=SID, service=5, ease=4, overall=3, skipped=False)]
    assert screens(out)[-1].notice is Notice.FEEDBACK_THANKS
    assert m.handle(sm.FeedbackAnswered(1, 14)) == []  # a late tap changes nothing
    assert screens(m.handle(sm.Tick(13 + sm.FEEDBACK_THANKS_S))) == [sm.Show(Screen.CALL, official_name="Veera")]


def test_skip_sends_what_was_answered_as_skipped():
    m = machine_in(Phase.IN_CALL)
    m.handle(sm.Received(ASK, 10))
    m.handle(sm.FeedbackAnswered(2, 11))
    out = m.handle(sm.FeedbackAnswered(None, 12))
    assert sends(out) == [FeedbackCitizen(session_id=SID, service=2, skipped=True)]


def test_a_question_left_untouched_times_out_as_skipped():
    m = machine_in(Phase.IN_CALL)
    m.handle(sm.Received(ASK, 10))
    assert m.handle(sm.Tick(10 + sm.FEEDBACK_TIMEOUT_S - 1)) == []
    out = m.handle(sm.Tick(10 + sm.FEEDBACK_TIMEOUT_S))
    assert sends(out) == [FeedbackCitizen(session_id=SID, skipped=True)]


def test_an_answer_outside_the_scale_is_ignored():
    m = machine_in(Phase.IN_CALL)
    m.handle(sm.Received(ASK, 10))
    assert sends(m.handle(sm.FeedbackAnswered(9, 11))) == []
    assert m.state.feedback_step == 0
