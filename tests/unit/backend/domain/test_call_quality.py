"""The call's verdict says whose trouble it was: a case for each cause, and the grading of one report."""

from __future__ import annotations

import pytest

from backend.domain.call_quality import (
    CallFacts,
    Cause,
    Event,
    Level,
    Sample,
    Stay,
    grade,
    summaries,
    timeline,
    verdict,
)

STAYS = (Stay("booth", "booth", 100.0, 400.0), Stay("o1", "official", 110.0, 400.0))


def _good(at: float, peer: str = "o1", about: str = "booth") -> Sample:
    role = "booth" if peer == "booth" else "official"
    return Sample(at, peer, role, about, rtt_ms=20, loss_pct=0, jitter_ms=3, fps=30, concealed_pct=0, pair="host")


def _call(end_reason: str | None = "hung_up", samples=(), events=(), admitted: float | None = 110.0, **kw) -> CallFacts:
    return CallFacts(
        call_id="s1",
        requested_at=100.0,
        admitted_at=admitted,
        ended_at=kw.pop("ended_at", 400.0),
        end_reason=end_reason,
        stays=kw.pop("stays", STAYS),
        samples=tuple(samples),
        events=tuple(events),
    )


@pytest.mark.parametrize(
    ("sample", "level", "reasons"),
    [
        (_good(1), Level.GOOD, ()),
        (Sample(1, "o1", "official", "booth", loss_pct=4), Level.FAIR, ("loss_pct",)),
        (Sample(1, "o1", "official", "booth", loss_pct=12, rtt_ms=350), Level.POOR, ("loss_pct", "rtt_ms")),
        (Sample(1, "o1", "official", "booth", fps=5), Level.POOR, ("fps",)),
        (Sample(1, "o1", "official", "booth", fps=12), Level.FAIR, ("fps",)),
        (Sample(1, "o1", "official", "booth", concealed_pct=20), Level.POOR, ("concealed_pct",)),
        (Sample(1, "o1", "official", "booth"), Level.GOOD, ()),  # nothing measured: nothing to blame
    ],
)
def test_grade_of_one_report(sample: Sample, level: Level, reasons: tuple[str, ...]) -> None:
    g = grade(sample)
    assert g.level is level
    assert g.reasons == reasons


def test_a_call_that_went_well_and_was_hung_up_has_no_trouble() -> None:
    v = verdict(_call(samples=[_good(t) for t in range(120, 400, 5)]))
    assert (v.cause, v.code, v.peer) == (Cause.NONE, "hung_up", "o1")


def test_a_camera_that_failed_is_the_device_even_when_the_picture_then_stalls() -> None:
    stalled = [Sample(t, "o1", "official", "booth", fps=0, rtt_ms=20, loss_pct=0) for t in range(200, 300, 5)]
    fault = Event(190.0, "booth", "booth", "device_fault", "face_camera")
    v = verdict(_call(samples=[*(_good(t) for t in range(120, 190, 5)), *stalled], events=[fault]))
    assert (v.cause, v.code, v.peer, v.detail) == (Cause.DEVICE, "device_fault", "booth", "face_camera")


def test_a_failed_connection_is_the_network() -> None:
    ev = Event(200.0, "booth", "booth", "connection_state", "failed", about_peer="o1")
    v = verdict(_call(end_reason="media_failed", events=[ev]))
    assert (v.cause, v.code, v.peer, v.at) == (Cause.NETWORK, "connection_failed", "booth", 200.0)


def test_lasting_loss_is_the_network_but_one_bad_report_is_not() -> None:
    lossy = [Sample(t, "o1", "official", "booth", loss_pct=15, rtt_ms=40) for t in range(200, 260, 5)]
    v = verdict(_call(samples=[*(_good(t) for t in range(120, 200, 5)), *lossy]))
    assert (v.cause, v.code, v.peer) == (Cause.NETWORK, "poor_loss_pct", "o1")
    one = [Sample(200, "o1", "official", "booth", loss_pct=15)]
    assert verdict(_call(samples=[*(_good(t) for t in range(120, 400, 5)), *one])).cause is Cause.NONE


def test_pictures_or_sound_that_suffer_with_no_packet_lost_are_the_system_not_the_network() -> None:
    slow = [Sample(t, "o1", "official", "booth", fps=4, loss_pct=0, rtt_ms=20) for t in range(120, 400, 5)]
    v = verdict(_call(samples=slow))
    assert (v.cause, v.code, v.peer, v.detail) == (Cause.SYSTEM, "media_poor", "o1", "fps")
    gaps = [Sample(t, "booth", "booth", "o1", concealed_pct=30, loss_pct=0) for t in range(120, 400, 5)]
    assert verdict(_call(samples=gaps)).detail == "concealed_pct"
    lossy_too = [Sample(t, "o1", "official", "booth", concealed_pct=30, loss_pct=12) for t in range(120, 400, 5)]
    assert verdict(_call(samples=lossy_too)).cause is Cause.NETWORK  # lost packets explain the gaps


def test_a_booth_that_went_offline_on_a_good_network_is_the_system() -> None:
    v = verdict(_call(end_reason="booth_offline", samples=[_good(t) for t in range(120, 300, 5)]))
    assert (v.cause, v.code, v.peer) == (Cause.SYSTEM, "booth_offline", "booth")


def test_media_that_never_came_up_without_network_signs_is_the_system() -> None:
    assert verdict(_call(end_reason="media_failed")).code == "media_failed"
    assert verdict(_call(end_reason="media_failed")).cause is Cause.SYSTEM


def test_a_citizen_who_gave_up_waiting_or_left_is_a_person() -> None:
    lobby = verdict(_call(end_reason="cancelled", admitted=None, stays=(Stay("booth", "booth", 100.0, 160.0),)))
    assert (lobby.cause, lobby.code) == (Cause.PERSON, "cancelled_in_lobby")
    left = verdict(_call(end_reason="cancelled"))
    assert (left.cause, left.code) == (Cause.PERSON, "citizen_left")


def test_an_official_who_stepped_out_of_a_call_still_open_is_a_person() -> None:
    stays = (Stay("booth", "booth", 100.0), Stay("o1", "official", 110.0, 200.0))
    v = verdict(_call(end_reason=None, ended_at=None, stays=stays))
    assert (v.cause, v.code, v.peer, v.at) == (Cause.PERSON, "official_left", "o1", 200.0)


def test_timeline_merges_the_record_with_the_reported_events_in_time_order() -> None:
    ev = Event(150.0, "booth", "booth", "connection_state", "connected", about_peer="o1")
    kinds = [(e.kind, e.peer) for e in timeline(_call(events=[ev]))]
    assert kinds == [("requested", "booth"), ("joined", "o1"), ("connection_state", "booth"), ("ended", "o1")]


def test_summary_per_link_counts_the_levels() -> None:
    samples = [_good(120), _good(125), Sample(130, "o1", "official", "booth", loss_pct=12, rtt_ms=30)]
    (s,) = summaries(_call(samples=samples))
    assert (s.peer, s.about_peer, s.reports, s.pair) == ("o1", "booth", 3, "host")
    assert s.levels == {"good": 2, "fair": 0, "poor": 1}
    assert s.worst_loss_pct == 12
