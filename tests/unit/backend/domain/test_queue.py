"""Walk-in queue: who is offered to whom, in which order, and the waiting estimate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.domain.catalogue import OfficialSkills
from backend.domain.checkin import Window
from backend.domain.queue import QueueEntry, can_take, estimate, next_for, ordered

T0 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
DUR = {"tax": 30, "card": 15, "kela": 20}


def off(oid: str, services: tuple[str, ...] = ("tax", "card"), langs: tuple[str, ...] = ("fi",)) -> OfficialSkills:
    return OfficialSkills(oid, "vero", frozenset(services), frozenset(langs), {})


def walk(eid: str, minute: int, service: str = "tax", lang: str = "fi") -> QueueEntry:
    return QueueEntry(eid, service, lang, T0 + timedelta(minutes=minute))


def appt(eid: str, arrived: int, start: int, official: str = "o1", service: str = "tax") -> QueueEntry:
    return QueueEntry(eid, service, "fi", T0 + timedelta(minutes=arrived), T0 + timedelta(minutes=start), official)


def test_walk_ins_are_served_in_arrival_order():
    q = [walk("b", 2), walk("a", 1), walk("c", 3)]
    assert [e.entry_id for e in ordered(q, T0)] == ["a", "b", "c"]


def test_an_appointment_on_time_goes_before_walk_ins_who_came_earlier():
    q = [walk("w1", 0), walk("w2", 1), appt("a", arrived=5, start=10)]
    now = T0 + timedelta(minutes=6)
    assert [e.entry_id for e in ordered(q, now)] == ["a", "w1", "w2"]


def test_a_late_appointment_falls_back_to_arrival_order():
    q = [walk("w1", 0), appt("a", arrived=5, start=10)]
    now = T0 + timedelta(minutes=21)  # 11 min after its start, window is +10
    assert [e.entry_id for e in ordered(q, now, Window(15, 10))] == ["w1", "a"]


def test_next_free_official_gets_the_first_citizen_they_can_serve():
    q = [walk("sv", 0, lang="sv"), walk("kela", 1, service="kela"), walk("fi", 2)]
    assert next_for(off("o1"), q, T0).entry_id == "fi"
    assert next_for(off("o2", langs=("fi", "sv")), q, T0).entry_id == "sv"
    assert next_for(off("o3", services=("kela",), langs=("en",)), q, T0) is None


def test_an_appointment_waits_for_its_own_official():
    q = [appt("a", arrived=0, start=5, official="o1")]
    assert next_for(off("o2"), q, T0) is None
    assert next_for(off("o1"), q, T0).entry_id == "a"


def test_estimate_shares_the_work_ahead_among_the_qualified_officials_present():
    q = [walk("a", 0), walk("b", 1, service="card"), walk("c", 2), walk("k", 3, service="kela"), walk("me", 4)]
    est = estimate("me", q, [off("o1"), off("o2")], DUR, T0)
    # ahead and servable by my officials: a (30) + b (15) + c (30) = 75 min shared by 2 -> 38
    assert (est.position, est.wait_min, est.qualified_present) == (4, 38, 2)


def test_no_qualified_official_present_means_no_made_up_number():
    q = [walk("a", 0), walk("me", 1)]
    est = estimate("me", q, [off("o9", services=("kela",))], DUR, T0)
    assert est.wait_min is None and est.qualified_present == 0 and est.position == 2


def test_estimate_of_an_unknown_entry_is_an_error():
    with pytest.raises(KeyError):
        estimate("nobody", [walk("a", 0)], [off("o1")], DUR, T0)


entries = st.lists(
    st.builds(
        lambda i, arrived, service, lang, start, official: QueueEntry(
            f"e{i}",
            service,
            lang,
            T0 + timedelta(minutes=arrived),
            None if start is None else T0 + timedelta(minutes=start),
            None if start is None else official,
        ),
        st.integers(0, 10**6),
        st.integers(0, 60),
        st.sampled_from(sorted(DUR)),
        st.sampled_from(["fi", "sv"]),
        st.none() | st.integers(-30, 90),
        st.sampled_from(["o1", "o2"]),
    ),
    max_size=12,
    unique_by=lambda e: e.entry_id,
)
officials = st.lists(
    st.builds(
        off,
        st.sampled_from(["o1", "o2", "o3"]),
        st.lists(st.sampled_from(sorted(DUR)), max_size=3).map(tuple),
        st.lists(st.sampled_from(["fi", "sv"]), min_size=1, max_size=2).map(tuple),
    ),
    max_size=3,
    unique_by=lambda o: o.official_id,
)


@settings(deadline=None, max_examples=300)  # shared, noisy machine: no per-example time limit
@given(entries, officials, st.integers(0, 60))
def test_routing_and_estimates_are_consistent(q: list[QueueEntry], present: list[OfficialSkills], minute: int):
    now = T0 + timedelta(minutes=minute)
    order = ordered(q, now)
    assert sorted(e.entry_id for e in order) == sorted(e.entry_id for e in q)
    for o in present:
        chosen = next_for(o, q, now)
        takeable = [e for e in order if can_take(o, e)]
        assert chosen == (takeable[0] if takeable else None)
    positions = []
    for e in q:
        est = estimate(e.entry_id, q, present, DUR, now)
        assert 1 <= est.position <= len(q)
        positions.append(est.position)
        if est.qualified_present:
            assert est.wait_min is not None and est.wait_min >= 0
            assert (est.wait_min == 0) == (est.position == 1)
        else:
            assert est.wait_min is None
    if order:
        assert estimate(order[0].entry_id, q, present, DUR, now).position == 1
