"""Reports on SQLite and PostgreSQL: a known dataset, every figure checked against an answer computed here.

The dataset is made with a seeded random generator, and the expected figures
are computed from the generator's own lists in plain Python — never by the
queries under test.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest

from backend.domain.catalogue import HELSINKI
from backend.domain.reports import Period
from backend.store import reports
from backend.store.appointment_models import CallFeedbackRow, CallIdentificationRow
from backend.store.booking_models import BookingHistory, BookingRow, QueueRow, ServiceRow
from backend.store.call_service_models import CallServiceRow
from backend.store.guest_models import GuestInvitationRow
from backend.store.models import CallParticipantRow, CallRecord, Official, Organisation
from tests.support.bookings import *  # noqa: F403

FIRST, LAST = date(2026, 11, 2), date(2026, 11, 29)  # four whole weeks, Mon-Sun
STATUSES = ["completed", "cancelled", "citizen_no_show", "official_no_show", "booked"]
CHANNELS = ["advisor", "phone", "official", "web"]


def _ts(d: date, h: int, m: int = 0) -> float:
    return datetime.combine(d, time(h, m), tzinfo=HELSINKI).timestamp()


def _dataset(s) -> dict:
    """Kela and Vero bookings, calls and served queue entries; returns what was made, as plain lists."""
    rng = random.Random(14)
    s.add(Organisation(id="kela", name="Kela"))
    s.flush()
    s.add(ServiceRow(id="kela-benefit", organisation_id="kela", name_fi="Etuudet", name_sv="Förmåner",
                     name_en="Benefits", duration_min=30, identification="none", languages="fi,sv"))  # fmt: skip
    s.add(Official(id="kela-1", username="kela", display_name="K", organisation_id="kela", password_hash="x"))
    s.flush()
    made: dict = {"bookings": [], "calls": [], "served": []}
    feedback_rng = random.Random(12)  # its own generator: the older parts of the dataset stay as they were
    service_rng = random.Random(11)  # likewise for the calls' matters
    guest_rng = random.Random(13)  # and the third parties theirs
    days = [FIRST + timedelta(days=i) for i in range(-3, 31)]  # a few days either side of the period
    for i in range(60):
        org, svc, off = rng.choice([("vero", "vero-personal", "official-1"), ("kela", "kela-benefit", "kela-1")])
        d = rng.choice(days)
        start = _ts(d, rng.randrange(9, 14))
        b = {
            "id": f"b{i}", "org": org, "svc": svc, "official": off, "start": start,
            "point": rng.choice(["imatra", "lappeenranta"]), "status": rng.choice(STATUSES),
            "channel": rng.choice(CHANNELS), "lang": rng.choice(["fi", "sv", "en"]),
            "created": start - rng.choice([3600, 2 * 86400, 10 * 86400, 40 * 86400]),
            "reschedules": rng.choice([0, 0, 1, 2]),
        }  # fmt: skip
        made["bookings"].append(b)
        s.add(BookingRow(id=b["id"], code=f"C{i:05d}", service_id=svc, organisation_id=org, point_id=b["point"],
                         booth_id="imatra-1" if b["point"] == "imatra" else "lpr-1", official_id=off,
                         language=b["lang"], start=start, end=start + 1800, status=b["status"], channel=b["channel"],
                         created_at=b["created"]))  # fmt: skip
        s.flush()
        for _ in range(b["reschedules"]):
            s.add(BookingHistory(booking_id=b["id"], at=b["created"], action="rescheduled", status="booked",
                                 start=start, booth_id="imatra-1", official_id=off, channel=b["channel"]))  # fmt: skip
    for i in range(40):
        d = rng.choice(days)
        booth = rng.choice(["imatra-1", "lpr-1"])
        req = _ts(d, rng.randrange(9, 14), rng.randrange(0, 50))
        admitted = None if rng.random() < 0.2 else req + rng.randrange(60, 900)
        ended = (admitted or req) + rng.randrange(300, 2400)
        off = rng.choice(["official-1", "kela-1"])
        c = {"booth": booth, "req": req, "admitted": admitted, "ended": ended, "official": off,
             "org": "vero" if off == "official-1" else "kela"}  # fmt: skip
        made["calls"].append(c)
        s.add(CallRecord(id=f"c{i}", booth_id=booth, phase="ended", requested_at=req, admitted_at=admitted,
                         ended_at=ended, end_reason="official_ended"))  # fmt: skip
        s.flush()
        s.add(CallParticipantRow(call_id=f"c{i}", peer="booth", role="booth", booth_id=booth, joined_at=req))
        # The matter the citizen came for: mostly the service of the official's organisation, some none, some
        # the other organisation's (a citizen served outside their chosen matter is counted under the matter).
        own = "vero-personal" if c["org"] == "vero" else "kela-benefit"
        c["svc"] = service_rng.choice(["vero-personal", "kela-benefit", own, own, None])
        if c["svc"]:
            s.add(CallServiceRow(call_id=f"c{i}", service_id=c["svc"]))
        if admitted:
            s.add(CallParticipantRow(call_id=f"c{i}", peer="o1", role="official", official_id=off, joined_at=admitted))
            _identify_and_feedback(s, f"c{i}", c, admitted, feedback_rng)
            _third_parties(s, f"c{i}", c, admitted, guest_rng)
    for i in range(30):
        svc = rng.choice(["vero-personal", "kela-benefit"])
        q = {"svc": svc, "org": "vero" if svc == "vero-personal" else "kela", "lang": rng.choice(["fi", "sv"]),
             "at": _ts(rng.choice(days), 10), "state": rng.choice(["served", "served", "left"])}  # fmt: skip
        made["served"].append(q)
        s.add(QueueRow(id=f"q{i}", point_id="imatra", service_id=svc, language=q["lang"], enqueued_at=q["at"],
                       state=q["state"], origin="booth"))  # fmt: skip
    s.commit()
    return made


QUESTIONS = ("citizen_service", "citizen_ease", "citizen_overall", "sms_overall", "official_technical",
             "official_handled")  # fmt: skip


def _identify_and_feedback(s, call_id: str, c: dict, admitted: float, rng: random.Random) -> None:
    """Some meetings identified (by card, in person, or both), some with feedback; noted in ``c``."""
    c["methods"] = rng.choice([[], [], ["id_card"], ["in_person"], ["id_card", "in_person"]])
    for m in c["methods"]:
        s.add(CallIdentificationRow(call_id=call_id, method=m, at=admitted + 60, recorded_by=None))
    c["feedback"] = None
    if rng.random() < 0.8:
        skipped = rng.random() < 0.25
        fb = {q: (None if rng.random() < 0.2 else rng.randint(1, 5)) for q in QUESTIONS}
        if skipped:
            fb.update(citizen_service=None, citizen_ease=None, citizen_overall=None)
        asked = rng.random() < 0.5
        if not asked:
            fb["sms_overall"] = None
        c["feedback"] = {**fb, "skipped": skipped, "asked": asked}
        s.add(CallFeedbackRow(call_id=call_id, citizen_skipped=skipped, sms_asked_at=admitted if asked else None,
                              sms_text="kiitos" if fb["sms_overall"] else None, **fb))  # fmt: skip


ROLES = ("spoken_interpreter", "sign_interpreter", "support_person")


def _third_parties(s, call_id: str, c: dict, admitted: float, rng: random.Random) -> None:
    """Some meetings with interpreters or support persons let in (noted in ``c``), and some
    invitations never used, which do not count."""
    c["guests"] = rng.choice([[], [], ["spoken_interpreter"], ["sign_interpreter", "support_person"]])
    for n, role in enumerate([*c["guests"], *(["support_person"] if rng.random() < 0.3 else [])]):
        let_in = admitted + 30 if n < len(c["guests"]) else None
        s.add(GuestInvitationRow(id=f"{call_id}-g{n}", token_hash=f"{call_id}-{n}", role=role, session_id=call_id,
                                 organisation_id=c["org"], point_id="imatra", invited_by=c["official"],
                                 created_at=admitted, valid_from=admitted, valid_until=admitted + 7200,
                                 codes_sent=0, tries=0, locked=False, admitted_at=let_in))  # fmt: skip


def _expected(
    made: dict, org: str | None, point: str | None = None, svc: str | None = None
) -> dict[tuple[str, str], float]:
    lo, hi = _ts(FIRST, 0), _ts(LAST + timedelta(days=1), 0)
    bs = [
        b
        for b in made["bookings"]
        if lo <= b["start"] < hi and org in (None, b["org"]) and point in (None, b["point"]) and svc in (None, b["svc"])
    ]
    exp: dict[tuple[str, str], float] = {("bookings", "count"): len(bs)}
    exp[("bookings", "reschedules")] = sum(b["reschedules"] for b in bs)
    for section, field in (("status", "status"), ("channel", "channel"), ("language", "lang"), ("service", "svc"),
                           ("point", "point")):  # fmt: skip
        for k, n in Counter(b[field] for b in bs).items():
            exp[(f"bookings_by_{section}", k)] = n
    leads = [(b["start"] - b["created"]) / 86400 for b in bs]
    exp[("booking_lead_time", "avg_days")] = round(sum(leads) / len(leads), 2)
    exp[("booking_lead_time", "under_1_day")] = len([x for x in leads if x < 1])
    exp[("booking_lead_time", "1_to_7_days")] = len([x for x in leads if 1 <= x < 7])
    exp[("booking_lead_time", "7_to_30_days")] = len([x for x in leads if 7 <= x < 30])
    exp[("booking_lead_time", "over_30_days")] = len([x for x in leads if x >= 30])
    points = {"imatra-1": "imatra", "lpr-1": "lappeenranta"}
    cs = [c for c in made["calls"] if lo <= c["req"] < hi and point in (None, points[c["booth"]])]
    cs = [c for c in cs if org is None or (c["admitted"] and c["org"] == org)]
    cs = [c for c in cs if svc in (None, c["svc"])]
    met = [c for c in cs if c["admitted"]]
    mins = [(c["ended"] - c["admitted"]) / 60 for c in met]
    exp[("meetings", "requests")] = len(cs)
    exp[("meetings", "count")] = len(met)
    exp[("meetings", "left_before_admitted")] = len(cs) - len(met)
    exp[("meetings", "avg_duration_min")] = round(sum(mins) / len(mins), 2)
    exp[("meetings", "service_hours")] = round(sum(mins) / 60, 2)
    exp[("meetings", "avg_wait_min")] = round(sum((c["admitted"] - c["req"]) / 60 for c in met) / len(met), 2)
    by_method = Counter(m for c in met for m in c["methods"])
    exp[("meetings_by_identification", "id_card")] = by_method["id_card"]
    exp[("meetings_by_identification", "in_person")] = by_method["in_person"]
    exp[("meetings_by_identification", "none")] = len([c for c in met if not c["methods"]])
    fbs = [c["feedback"] for c in met if c["feedback"]]
    for q in QUESTIONS:
        answers = [f[q] for f in fbs if f[q] is not None]
        exp[(f"feedback_{q}", "answers")] = len(answers)
        exp[(f"feedback_{q}", "avg")] = round(sum(answers) / len(answers), 2) if answers else 0.0
        for score in range(1, 6):
            exp[(f"feedback_{q}", str(score))] = answers.count(score)
    guests = Counter(r for c in met for r in c["guests"])
    for r in ROLES:
        exp[("third_parties_by_role", r)] = guests[r]
    exp[("third_parties", "meetings_with")] = len([c for c in met if c["guests"]])
    assert org is not None or svc is not None or sum(guests.values()) > 0, "the dataset has meetings with third parties"
    exp[("feedback", "citizen_skipped")] = len([f for f in fbs if f["skipped"]])
    exp[("feedback", "sms_asked")] = len([f for f in fbs if f["asked"]])
    served = [
        q
        for q in made["served"]
        if q["state"] == "served" and lo <= q["at"] < hi and org in (None, q["org"]) and svc in (None, q["svc"])
    ]
    if point in (None, "imatra"):
        for k, n in Counter(q["lang"] for q in served).items():
            exp[("served_by_language", k)] = n
    # Imatra and Lappeenranta: Mon-Thu 9-15, Fri 9-14 (the seed), four weeks, one booth each (+ imatra-2? no)
    booths = 1 if point else 2
    open_h = booths * 4 * (4 * 6 + 5)
    used = sum(c["ended"] - c["admitted"] for c in met if c["ended"] <= hi)
    exp[("booth_utilisation", "booths")] = booths
    exp[("booth_utilisation", "open_hours")] = open_h
    exp[("booth_utilisation", "in_use_hours")] = round(used / 3600, 2)
    exp[("booth_utilisation", "percent")] = round(100 * used / (open_h * 3600), 1)
    return exp


def _got(figs) -> dict[tuple[str, str], float]:
    return {(f.section, f.key): f.value for f in figs}


def test_every_figure_matches_the_seeded_truth(store):
    with store() as s:
        made = _dataset(s)
        period = Period(FIRST, LAST)
        for org in (None, "vero", "kela"):
            got = _got(reports.figures(s, reports.Scope(period, org)))
            exp = _expected(made, org)
            assert {k: v for k, v in got.items() if v or k in exp} == pytest.approx(exp), org
        got = _got(reports.figures(s, reports.Scope(period, "vero", point_id="lappeenranta")))
        assert {
            k: v for k, v in got.items() if v or k in (e := _expected(made, "vero", "lappeenranta"))
        } == pytest.approx(e)


def test_the_service_filter_narrows_meetings_by_the_calls_matter(store):
    with store() as s:
        made = _dataset(s)
        period = Period(FIRST, LAST)
        for org, svc in ((None, "kela-benefit"), (None, "vero-personal"), ("vero", "vero-personal"),
                         ("kela", "kela-benefit")):  # fmt: skip
            got = _got(reports.figures(s, reports.Scope(period, org, service_id=svc)))
            exp = _expected(made, org, svc=svc)
            assert {k: v for k, v in got.items() if v or k in exp} == pytest.approx(exp), (org, svc)
        # Every meeting is under its one matter or under none: the parts add up to the whole.
        whole = _got(reports.figures(s, reports.Scope(period)))[("meetings", "count")]
        parts = [_got(reports.figures(s, reports.Scope(period, service_id=x)))[("meetings", "count")]
                 for x in ("vero-personal", "kela-benefit")]  # fmt: skip
        lo, hi = _ts(FIRST, 0), _ts(LAST + timedelta(days=1), 0)
        no_matter = len([c for c in made["calls"] if c["admitted"] and lo <= c["req"] < hi and not c["svc"]])
        assert sum(parts) + no_matter == whole and all(parts) and no_matter


def test_an_officials_counts_are_their_own(store):
    with store() as s:
        made = _dataset(s)
        got = _got(reports.figures(s, reports.Scope(Period(FIRST, LAST), official_id="kela-1")))
    exp = _expected(made, "kela")  # kela-1 is Kela's only official in the dataset
    assert got[("bookings", "count")] == exp[("bookings", "count")]
    assert got[("meetings", "count")] == exp[("meetings", "count")]
