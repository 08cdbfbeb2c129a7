"""The end of the appointment on the booth's machine: the official's "what next", shown and printed."""

from __future__ import annotations

from kiosk import session as sm
from kiosk.session import Notice, Phase, Screen
from protocol.messages import PrintStatus, SessionEnded, SessionEndReason, SummarySend
from tests.unit.kiosk.test_session import SID, machine_in, screens, sends

TEXT = "Verokortti tulee postissa viikon kuluessa.\nTarkista tulorajasi OmaVerossa."


def test_what_next_is_shown_and_printed_when_the_official_asks_and_the_official_hears_how_it_went():
    m = machine_in(Phase.IN_CALL)
    out = m.handle(sm.Received(SummarySend(session_id=SID, text=TEXT, language="sv", print=True), 10))
    shown = screens(out)
    assert shown[0].screen is Screen.SUMMARY and shown[0].text is not None and shown[0].text.lines() == (TEXT,)
    assert shown[-1].notice is Notice.PRINTING and shown[-1].busy
    assert [c for c in out if isinstance(c, sm.PrintSummary)] == [sm.PrintSummary(TEXT, "sv")]
    assert [(p.job, p.state) for p in sends(out) if isinstance(p, PrintStatus)] == [("summary", "printing")]
    out = m.handle(sm.Printed("summary", None, True, None, "ok", "paper near end", 12))
    [status] = sends(out)
    assert (status.state, status.printer_before, status.printer_after) == ("printed", "ok", "paper near end")
    assert screens(out)[-1].notice is Notice.PRINTED
    assert screens(m.handle(sm.SummaryClosed(13))) == [sm.Show(Screen.CALL, official_name="Veera")]


def test_the_citizen_can_print_it_later_and_a_failure_is_told_kindly():
    m = machine_in(Phase.IN_CALL)
    out = m.handle(sm.Received(SummarySend(session_id=SID, text=TEXT), 10))
    assert not any(isinstance(c, sm.PrintSummary) for c in out)
    out = m.handle(sm.SummaryPrintPressed(11))
    assert any(isinstance(c, sm.PrintSummary) for c in out)
    out = m.handle(sm.Printed("summary", None, False, "out_of_paper", "paper out", "paper out", 12))
    [status] = sends(out)
    assert (status.state, status.code) == ("failed", "out_of_paper")
    assert screens(out)[-1].notice is Notice.PRINT_FAILED


def test_the_summary_is_forgotten_when_the_call_ends():
    m = machine_in(Phase.IN_CALL)
    m.handle(sm.Received(SummarySend(session_id=SID, text=TEXT), 10))
    m.handle(sm.Received(SessionEnded(session_id=SID, reason=SessionEndReason.HUNG_UP), 11))
    assert m.state.summary is None and TEXT not in repr(m.state)
    assert m.handle(sm.SummaryPrintPressed(12)) == []
    assert sends(m.handle(sm.Printed("summary", None, True, None, "ok", "ok", 13))) == []
