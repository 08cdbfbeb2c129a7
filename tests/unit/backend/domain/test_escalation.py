"""The alarm ladder: on-duty advisors at once, every advisor after the wait, then the official in the call."""

from __future__ import annotations

from backend.domain.alerts import newly_failing
from backend.domain.escalation import (
    AlarmSettings,
    Audience,
    OpenAlarm,
    Push,
    SetLevel,
    TellOfficialInCall,
    backoff_s,
    raised,
    step,
)
from protocol.messages import DeviceState, DeviceStatus

S = AlarmSettings()  # 30 s


def alarm(level: int, acknowledged: bool = False, at_booth: bool = True) -> OpenAlarm:
    return OpenAlarm("a1", level, raised_at=1000.0, acknowledged=acknowledged, at_booth=at_booth)


def test_a_new_alarm_rings_the_on_duty_phones_at_once():
    assert raised("a1") == [Push("a1", Audience.ON_DUTY, 0)]


def test_unanswered_it_climbs_one_level_per_wait():
    assert step(alarm(0), 1029.9, S) == []
    assert step(alarm(0), 1030.0, S) == [Push("a1", Audience.EVERY_ADVISOR, 1), SetLevel("a1", 1, closed=False)]
    assert step(alarm(1), 1059.0, S) == []
    assert step(alarm(1), 1060.0, S) == [TellOfficialInCall("a1"), SetLevel("a1", 2, closed=True)]
    assert step(alarm(2), 5000.0, S) == []  # the top: it stays in every list until someone takes it


def test_an_alarm_not_at_a_booth_has_no_official_to_tell():
    assert step(alarm(1, at_booth=False), 1060.0, S) == [SetLevel("a1", 2, closed=True)]


def test_an_answered_alarm_stops_climbing():
    assert step(alarm(1, acknowledged=True), 9999.0, S) == [SetLevel("a1", 1, closed=True)]


def test_the_wait_is_configured():
    assert step(alarm(0), 1005.0, AlarmSettings(escalate_after_s=5)) != []


def test_retries_back_off_and_never_give_up():
    assert [backoff_s(n) for n in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, 8.0]
    assert backoff_s(50) == 300.0


def test_a_device_fault_is_an_alarm_once_not_once_per_report():
    ok = DeviceStatus(role="printer", state=DeviceState.OK)
    broken = DeviceStatus(role="printer", state=DeviceState.DEGRADED, reason="paper out")
    gone = DeviceStatus(role="printer", state=DeviceState.MISSING)
    never = DeviceStatus(role="document_camera", state=DeviceState.MISSING)
    assert newly_failing(None, (broken, never)) == ["printer"]  # a booth without a document camera is no fault
    assert newly_failing((ok,), (gone,)) == ["printer"]
    assert newly_failing((broken,), (broken,)) == []
    assert newly_failing((broken,), (ok,)) == []
