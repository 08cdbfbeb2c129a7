"""Slot search: opening hours, working hours, closures, bookings, languages, DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from backend.domain.catalogue import HELSINKI, Interval, OfficialSkills, Point, Service
from backend.domain.slots import Busy, free_slots

MON = date(2026, 11, 23)  # a Monday in winter time (UTC+2)
FRI = date(2026, 11, 27)
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)

HOURS = {wd: Interval(time(9), time(15)) for wd in (1, 2, 3, 4)} | {5: Interval(time(9), time(14))}
TAX = Service("tax", "vero", {"fi": "Vero"}, 30, languages=frozenset({"fi", "sv"}))
POINT = Point("imatra", "Imatra", "Virastokatu 2", HOURS)


def official(oid: str = "o1", langs: tuple[str, ...] = ("fi",), hours: dict | None = None) -> OfficialSkills:
    hours = hours if hours is not None else {wd: (iv,) for wd, iv in HOURS.items()}
    return OfficialSkills(oid, "vero", frozenset({"tax"}), frozenset(langs), hours)


def local(day: date, h: int, m: int = 0) -> datetime:
    return datetime.combine(day, time(h, m), tzinfo=HELSINKI).astimezone(UTC)


def test_a_monday_offers_every_quarter_from_opening_to_the_last_full_slot():
    slots = free_slots(TAX, POINT, ["b1"], [official()], [], "fi", MON, MON, LONG_AGO)
    starts = [s.start.astimezone(HELSINKI).strftime("%H:%M") for s in slots]
    assert starts[0] == "09:00" and starts[-1] == "14:30" and len(starts) == 23
    assert slots[0].start == datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # stored in UTC
    assert all(s.end - s.start == timedelta(minutes=30) for s in slots)


def test_friday_closes_earlier_and_the_weekend_is_closed():
    fri = free_slots(TAX, POINT, ["b1"], [official()], [], "fi", FRI, FRI + timedelta(days=2), LONG_AGO)
    assert fri[-1].start == local(FRI, 13, 30)
    assert {s.start.astimezone(HELSINKI).date() for s in fri} == {FRI}


def test_closure_day_has_no_slots():
    closed = Point("imatra", "Imatra", "", HOURS, closures=frozenset({MON}))
    assert free_slots(TAX, closed, ["b1"], [official()], [], "fi", MON, MON, LONG_AGO) == []


def test_language_must_be_offered_by_service_and_official():
    assert free_slots(TAX, POINT, ["b1"], [official()], [], "en", MON, MON, LONG_AGO) == []  # service: fi, sv
    assert free_slots(TAX, POINT, ["b1"], [official(langs=("fi",))], [], "sv", MON, MON, LONG_AGO) == []
    assert free_slots(TAX, POINT, ["b1"], [official(langs=("sv",))], [], "sv", MON, MON, LONG_AGO) != []


def test_official_working_hours_limit_slots():
    half_day = {1: (Interval(time(12), time(14)),)}
    slots = free_slots(TAX, POINT, ["b1"], [official(hours=half_day)], [], "fi", MON, MON, LONG_AGO)
    assert [s.start for s in slots] == [local(MON, 12) + timedelta(minutes=m) for m in range(0, 91, 15)]


def test_busy_official_and_busy_booth_are_both_respected():
    taken = [Busy("official", "o1", local(MON, 10), local(MON, 10, 30))]
    slots = free_slots(TAX, POINT, ["b1"], [official("o1"), official("o2")], taken, "fi", MON, MON, LONG_AGO)
    at10 = next(s for s in slots if s.start == local(MON, 10))
    assert at10.official_ids == ("o2",)
    booth_taken = [Busy("booth", "b1", local(MON, 10), local(MON, 10, 30))]
    slots = free_slots(TAX, POINT, ["b1"], [official()], booth_taken, "fi", MON, MON, LONG_AGO)
    starts = {s.start for s in slots}
    assert local(MON, 9, 45) not in starts and local(MON, 10, 15) not in starts and local(MON, 10, 30) in starts


def test_slots_in_the_past_are_not_offered():
    slots = free_slots(TAX, POINT, ["b1"], [official()], [], "fi", MON, MON, local(MON, 12, 5))
    assert slots[0].start == local(MON, 12, 15)


def test_dst_change_keeps_local_opening_time_and_slot_length():
    # Summer time starts on Sunday 29 March 2026: Friday is UTC+2, Monday UTC+3.
    fri, mon = date(2026, 3, 27), date(2026, 3, 30)
    slots = free_slots(TAX, POINT, ["b1"], [official()], [], "fi", fri, mon, LONG_AGO)
    firsts = {}
    for s in slots:
        firsts.setdefault(s.start.astimezone(HELSINKI).date(), s.start)
    assert firsts[fri] == datetime(2026, 3, 27, 7, 0, tzinfo=UTC)
    assert firsts[mon] == datetime(2026, 3, 30, 6, 0, tzinfo=UTC)
    assert all(s.end - s.start == timedelta(minutes=30) for s in slots)


# --- properties -------------------------------------------------------------

minutes = st.integers(min_value=6 * 4, max_value=20 * 4).map(lambda q: q * 15)


@st.composite
def intervals(draw: st.DrawFn) -> Interval:
    a, b = sorted(draw(st.lists(minutes, min_size=2, max_size=2, unique=True)))
    return Interval(time(a // 60, a % 60), time(b // 60, b % 60))


@st.composite
def scenarios(draw: st.DrawFn) -> dict:
    first = draw(st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 20)))
    days = [first + timedelta(days=i) for i in range(draw(st.integers(1, 5)))]
    point = Point(
        "p",
        "P",
        "",
        draw(st.dictionaries(st.integers(1, 7), intervals(), max_size=7)),
        frozenset(draw(st.lists(st.sampled_from(days), max_size=2))),
    )
    officials = [
        OfficialSkills(
            f"o{i}",
            "org",
            frozenset(draw(st.lists(st.sampled_from(["tax", "kela"]), max_size=2))),
            frozenset(draw(st.lists(st.sampled_from(["fi", "sv"]), max_size=2))),
            draw(st.dictionaries(st.integers(1, 7), st.lists(intervals(), max_size=2).map(tuple), max_size=7)),
        )
        for i in range(draw(st.integers(1, 3)))
    ]
    booths = [f"b{i}" for i in range(draw(st.integers(1, 2)))]
    busy = []
    for _ in range(draw(st.integers(0, 8))):
        day = draw(st.sampled_from(days))
        start = local(day, 8) + timedelta(minutes=draw(st.integers(0, 10 * 60)))  # mostly inside hours
        end = start + timedelta(minutes=draw(st.integers(1, 120)))
        kind = draw(st.sampled_from(["booth", "official"]))
        rid = draw(st.sampled_from(booths if kind == "booth" else [o.official_id for o in officials]))
        busy.append(Busy(kind, rid, start, end))
    service = Service(
        "tax", "org", {"fi": "Vero"}, draw(st.sampled_from([10, 15, 20, 30, 45, 60])), languages=frozenset({"fi", "sv"})
    )
    grid = draw(st.sampled_from([5, 10, 15, 30]))
    return dict(
        point=point,
        officials=officials,
        booths=booths,
        busy=busy,
        service=service,
        grid=grid,
        first=days[0],
        last=days[-1],
        language=draw(st.sampled_from(["fi", "sv"])),
    )


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_no_slot_overlaps_a_booking_a_closure_or_closed_hours_and_each_has_a_qualified_official(sc: dict):
    slots = free_slots(
        sc["service"],
        sc["point"],
        sc["booths"],
        sc["officials"],
        sc["busy"],
        sc["language"],
        sc["first"],
        sc["last"],
        LONG_AGO,
        sc["grid"],
    )
    by_id = {o.official_id: o for o in sc["officials"]}
    for s in slots:
        day = s.start.astimezone(HELSINKI).date()
        assert day not in sc["point"].closures
        hours = sc["point"].hours[day.isoweekday()]
        assert local(day, hours.start.hour, hours.start.minute) <= s.start
        assert s.end <= local(day, hours.end.hour, hours.end.minute)
        assert s.end - s.start == timedelta(minutes=sc["service"].duration_min)
        assert s.booth_ids and s.official_ids
        for b in sc["busy"]:
            if (b.kind == "booth" and b.resource_id in s.booth_ids) or (
                b.kind == "official" and b.resource_id in s.official_ids
            ):
                assert not (s.start < b.end and b.start < s.end), (s, b)
        for oid in s.official_ids:
            o = by_id[oid]
            assert o.can_serve("tax", sc["language"])
            assert any(
                local(day, iv.start.hour, iv.start.minute) <= s.start
                and s.end <= local(day, iv.end.hour, iv.end.minute)
                for iv in o.hours.get(day.isoweekday(), ())
            )


@settings(max_examples=100, deadline=None)
@given(scenarios())
def test_with_nothing_booked_and_everybody_qualified_every_open_day_has_slots(sc: dict):
    """Guards the property above from passing vacuously: the search does find slots when it should."""
    everyone = [
        OfficialSkills(
            o.official_id,
            "org",
            frozenset({"tax"}),
            frozenset({"fi", "sv"}),
            {wd: (iv,) for wd, iv in sc["point"].hours.items()},
        )
        for o in sc["officials"]
    ]
    slots = free_slots(
        sc["service"],
        sc["point"],
        sc["booths"],
        everyone,
        [],
        sc["language"],
        sc["first"],
        sc["last"],
        LONG_AGO,
        sc["grid"],
    )
    days = {s.start.astimezone(HELSINKI).date() for s in slots}
    d = sc["first"]
    while d <= sc["last"]:
        iv = sc["point"].open_on(d)
        fits = iv is not None and (
            local(d, iv.end.hour, iv.end.minute) - local(d, iv.start.hour, iv.start.minute)
            >= timedelta(minutes=sc["service"].duration_min)
        )
        assert (d in days) == fits, d
        d += timedelta(days=1)
