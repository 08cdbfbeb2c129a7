"""Advisor alert texts: kind, three languages, Helsinki time, and no citizen data."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from backend.domain.alerts import alert_text, checkin_refused, is_alert, official_no_show
from backend.domain.events import BookingCancelled, BookingFacts, CheckinRefused, CitizenCheckedIn, OfficialNoShow
from protocol.messages import AlertKind

START = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # 10.00 in Helsinki (EET)
FACTS = BookingFacts(
    booking_id="b1",
    code="K7M2QX",
    qr_payload="ETP1:K7M2QX",
    service_names={"fi": "Henkilöverotus", "sv": "Personbeskattning", "en": "Personal taxation"},
    point_name="Suomi-piste Imatra",
    point_address="Virastokatu 2",
    booth_id="imatra-1",
    official_id="official-1",
    start=START,
    end=START.replace(minute=30),
    language="fi",
    phone="+358401234567",
    email="maija@example.fi",
)


def refused(result: str) -> CheckinRefused:
    return CheckinRefused(result, "imatra-1", "imatra", "K7M2QX", START)


def test_only_refused_check_ins_and_no_shows_are_alerts():
    assert is_alert(refused("wrong_point")) and is_alert(OfficialNoShow(FACTS, 12, START))
    assert not is_alert(BookingCancelled(FACTS, "web"))
    assert not is_alert(CitizenCheckedIn(FACTS, "imatra-1", START))


def test_wrong_point_names_the_booth_the_booked_point_and_the_code():
    text = checkin_refused(refused("wrong_point"), "Imatra 1")
    assert text.kind is AlertKind.CHECKIN_REFUSED
    assert text.messages["fi"] == (
        "Asiakas ei päässyt kirjautumaan kioskilla Imatra 1: varaus on toisella palvelupisteellä (koodi K7M2QX)"
    )
    assert text.messages["sv"].startswith("En kund kunde inte anmäla sig vid kiosken Imatra 1:")
    assert text.messages["en"].endswith("the booking is at another service point (code K7M2QX)")
    named = checkin_refused(refused("wrong_point"), "Imatra 1", booked_point_name="Suomi-piste Lappeenranta")
    assert "toisella palvelupisteellä: Suomi-piste Lappeenranta (koodi K7M2QX)" in named.messages["fi"]


@pytest.mark.parametrize(
    ("result", "fi", "en"),
    [
        (
            "wrong_day",
            "väärä päivä, varaus on 24.11.2026 klo 10.00",
            "wrong day, the booking is for 24.11.2026 at 10.00",
        ),
        ("too_early", "liian aikaisin, varaus on klo 10.00", "too early, the booking is at 10.00"),
        ("too_late", "varaus alkoi klo 10.00; asiakas on siirretty jonoon", "the customer is now in the queue"),
        ("cancelled", "varaus on peruttu", "the booking has been cancelled"),
        ("finished", "varaus on jo päättynyt", "the booking has already ended"),
        ("something_new", "kirjautuminen hylättiin (something_new)", "the check-in was refused (something_new)"),
    ],
)
def test_each_refusal_says_why_in_helsinki_time(result, fi, en):
    text = alert_text(refused(result), "Imatra 1", booked_start=START)
    assert fi in text.messages["fi"] and en in text.messages["en"]
    assert all(text.messages[lang] for lang in ("fi", "sv", "en"))


def test_summer_time_is_helsinki_wall_clock():
    summer = datetime(2026, 6, 2, 7, 15, tzinfo=UTC)  # 10.15 EEST
    text = checkin_refused(refused("too_late"), "Imatra 1", booked_start=summer)
    assert "klo 10.15" in text.messages["fi"] and "kl. 10.15" in text.messages["sv"]


def test_official_no_show_names_time_service_booth_and_lateness():
    text = official_no_show(OfficialNoShow(FACTS, 12, START.replace(minute=12)), "Imatra 1")
    assert text.kind is AlertKind.OFFICIAL_NO_SHOW
    assert text.messages == {
        "fi": "Virkailija ei ole liittynyt: 10.00 Henkilöverotus, asiakas odottaa kioskilla Imatra 1 (12 min myöhässä)",
        "sv": "Handläggaren har inte anslutit: 10.00 Personbeskattning, kunden väntar vid kiosken Imatra 1 "
        "(12 min försenad)",
        "en": "The official has not joined: 10.00 Personal taxation, the customer is waiting at booth Imatra 1 "
        "(12 min late)",
    }


def test_a_service_without_a_swedish_name_falls_back_to_finnish():
    facts = BookingFacts(**{**FACTS.__dict__, "service_names": {"fi": "Verokortti"}})
    text = alert_text(OfficialNoShow(facts, 11, START), "Imatra 1")
    assert "10.00 Verokortti" in text.messages["sv"] and "10.00 Verokortti" in text.messages["en"]


def test_alerts_never_carry_contact_data():
    texts = [
        official_no_show(OfficialNoShow(FACTS, 12, START), "Imatra 1"),
        *(alert_text(refused(r), "Imatra 1", START, "Lappeenranta") for r in ("wrong_point", "too_late", "wrong_day")),
    ]
    for text in texts:
        for message in text.messages.values():
            assert "+358" not in message and "@" not in message and "Maija" not in message
