"""Advisor alerts in a real database, on SQLite and PostgreSQL: stored, listed per point, acknowledged once."""

from __future__ import annotations

from backend.domain.bookings import BookedVia
from backend.domain.events import CheckinRefused
from backend.store import alerts, bookings
from protocol.messages import AdvisorAlert, AlertKind
from tests.support.bookings import *  # noqa: F403
from tests.support.bookings import NOW, TUESDAY, add_lappeenranta_advisor, at


def book(store, hour: int = 10):
    req = bookings.BookingRequest(
        "vero-personal",
        "imatra",
        "fi",
        at(TUESDAY, hour),
        BookedVia.PHONE,
        "advisor-1",
        citizen_name="Maija Meikäläinen",
        phone="+358401234567",
        email="maija@example.fi",
    )
    return bookings.book(store, req, NOW)[0]


def test_a_refused_check_in_is_kept_for_the_booths_point_until_acknowledged(store):
    add_lappeenranta_advisor(store)
    row = book(store)
    out = bookings.check_in(store, row.code, "lpr-1", at(TUESDAY, 10))
    assert [type(e) for e in out.events] == [CheckinRefused]

    [alert] = alerts.record_alerts(store, out.events)
    assert (alert.kind, alert.point_id, alert.booth_id, alert.booking_code) == (
        AlertKind.CHECKIN_REFUSED,
        "lappeenranta",
        "lpr-1",
        row.code,
    )
    assert alert.point_name == "Suomi-piste Lappeenranta" and alert.booth_name == "Lappeenranta booth 1"
    assert alert.message_fi == (
        "Asiakas ei päässyt kirjautumaan kioskilla Lappeenranta booth 1: "
        f"varaus on toisella palvelupisteellä: Suomi-piste Imatra (koodi {row.code})"
    )
    assert "+358" not in alert.message_en and "Maija" not in alert.message_en
    message = alert.to_message()
    assert isinstance(message, AdvisorAlert) and message.point == "Suomi-piste Lappeenranta"
    assert AdvisorAlert.model_validate_json(message.model_dump_json()) == message

    assert alerts.pending(store, ["lappeenranta"]) == [alert]
    assert alerts.pending(store, None) == [alert]  # master admins see every point
    assert alerts.pending(store, ["imatra"]) == []  # another point's advisor does not
    assert alerts.pending(store, []) == []
    assert alerts.advisors_of(store, "lappeenranta") == {"advisor-lpr", "master-1"}
    assert alerts.advisors_of(store, "imatra") == {"advisor-1", "master-1"}

    done = alerts.acknowledge(store, alert.alert_id, "advisor-lpr", 2000.0)
    assert done is not None and (done.acknowledged_by, done.acknowledged_at) == ("advisor-lpr", 2000.0)
    assert alerts.pending(store, ["lappeenranta"]) == []
    again = alerts.acknowledge(store, alert.alert_id, "master-1", 3000.0)
    assert again == done  # idempotent: the first acknowledgement stays
    assert alerts.get(store, alert.alert_id) == done
    assert alerts.acknowledge(store, "no-such-alert", "advisor-lpr", 3000.0) is None
    assert alerts.get(store, "no-such-alert") is None


def test_events_that_are_not_alerts_are_ignored_and_several_are_stored_oldest_first(store):
    row = book(store)
    cancelled = bookings.cancel(store, row.code, BookedVia.WEB, None, NOW)[1]
    assert alerts.record_alerts(store, [cancelled]) == []
    assert alerts.record_alerts(store, []) == []
    late = bookings.check_in(store, row.code, "imatra-1", at(TUESDAY, 10, 5)).events
    other = book(store, 11)
    early = CheckinRefused("wrong_day", "imatra-1", "imatra", other.code, at(TUESDAY, 9))
    stored = alerts.record_alerts(store, [cancelled, *late, early])
    assert [a.booking_code for a in stored] == [row.code, other.code]
    assert "varaus on peruttu" in stored[0].message_fi
    assert [a.booking_code for a in alerts.pending(store, ["imatra"])] == [other.code, row.code]


def test_an_official_no_show_alerts_the_point_where_the_citizen_waits(store):
    row = book(store)
    bookings.check_in(store, row.code, "imatra-1", at(TUESDAY, 9, 58))
    events = bookings.mark_official_no_shows(store, at(TUESDAY, 10, 12), set())
    [alert] = alerts.record_alerts(store, events)
    assert (alert.kind, alert.point_id, alert.booth_name, alert.booking_code) == (
        AlertKind.OFFICIAL_NO_SHOW,
        "imatra",
        "Imatra booth 1",
        row.code,
    )
    assert alert.message_fi == (
        "Virkailija ei ole liittynyt: 10.00 Henkilöverotus, asiakas odottaa kioskilla Imatra booth 1 (12 min myöhässä)"
    )
    assert alert.at == at(TUESDAY, 10, 12).timestamp()
    assert alerts.pending(store, {"imatra"}) == [alert]
