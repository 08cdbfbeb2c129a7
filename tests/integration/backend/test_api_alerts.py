"""The advisor alert API on the real app: who sees which point's alerts, acknowledging, 403 and 404."""

from __future__ import annotations

from datetime import datetime, time

from backend.domain.catalogue import HELSINKI
from backend.domain.events import CheckinRefused
from backend.store import alerts
from tests.support.bookings import *  # noqa: F403
from tests.support.bookings import add_lappeenranta_advisor, bearer, next_weekday

DAY = next_weekday(2)  # the app reads the real clock: book a Tuesday at least a week ahead


def advisor(api) -> dict[str, str]:
    return bearer(api, "neuvoja", "demo-advisor")


def refused_at_lappeenranta(api) -> str:
    """Book at Imatra, try to check in at the Lappeenranta booth, store the alert; return the booking code."""
    start = datetime.combine(DAY, time(10), tzinfo=HELSINKI).isoformat()
    body = {"service_id": "vero-personal", "point_id": "imatra", "language": "fi", "start": start, "channel": "advisor"}
    r = api.post("/api/bookings", json=body, headers=advisor(api))
    assert r.status_code == 201, r.text
    code = r.json()["code"]
    r = api.post("/api/checkin", json={"booth_id": "lpr-1", "booth_secret": "lpr", "code": code})
    assert r.status_code == 200 and r.json()["result"] == "wrong_point", r.text
    events = [e for e in api.app.state.test_events if isinstance(e, CheckinRefused)]
    assert len(alerts.record_alerts(api.app.state.hub.db, events)) == 1
    return code


def lappeenranta_advisor(api) -> dict[str, str]:
    add_lappeenranta_advisor(api.app.state.hub.db)
    return bearer(api, "lpr", "x")


def test_the_points_advisor_lists_and_acknowledges_its_alert(api):
    code = refused_at_lappeenranta(api)
    lpr = lappeenranta_advisor(api)

    r = api.get("/api/alerts?point_id=lappeenranta", headers=lpr)
    assert r.status_code == 200, r.text
    [alert] = r.json()
    assert alert["kind"] == "checkin_refused" and alert["booking_code"] == code
    assert alert["point_name"] == "Suomi-piste Lappeenranta" and alert["booth_name"] == "Lappeenranta 1"
    assert alert["messages"]["fi"].startswith("Asiakas ei päässyt kirjautumaan kioskilla Lappeenranta 1")
    assert alert["acknowledged_at"] is None
    assert api.get("/api/alerts", headers=lpr).json() == [alert]  # all the points one advises

    acked = api.post(f"/api/alerts/{alert['alert_id']}/ack", headers=lpr)
    assert acked.status_code == 200, acked.text
    assert acked.json()["acknowledged_by"] == "advisor-lpr" and acked.json()["acknowledged_at"] is not None
    again = api.post(f"/api/alerts/{alert['alert_id']}/ack", headers=lpr)
    assert again.status_code == 200 and again.json() == acked.json()
    assert api.get("/api/alerts", headers=lpr).json() == []


def test_another_points_advisor_neither_sees_nor_acknowledges_it(api):
    refused_at_lappeenranta(api)
    imatra = advisor(api)
    assert api.get("/api/alerts", headers=imatra).json() == []
    r = api.get("/api/alerts?point_id=lappeenranta", headers=imatra)
    assert r.status_code == 403 and "advisor" in r.json()["detail"]
    [alert] = api.get("/api/alerts", headers=bearer(api, "paakayttaja", "demo-master")).json()  # master: all
    r = api.post(f"/api/alerts/{alert['alert_id']}/ack", headers=imatra)
    assert r.status_code == 403
    missing = api.post("/api/alerts/no-such-alert/ack", headers=imatra)
    assert missing.status_code == 404 and "GET /api/alerts" in missing.json()["detail"]


def test_the_master_admin_acknowledges_and_the_hub_is_told(api):
    refused_at_lappeenranta(api)
    told: list[alerts.StoredAlert] = []
    api.app.state.alert_acknowledged = told.append
    master = bearer(api, "paakayttaja", "demo-master")
    [alert] = api.get("/api/alerts?point_id=lappeenranta", headers=master).json()
    assert api.post(f"/api/alerts/{alert['alert_id']}/ack", headers=master).status_code == 200
    assert [a.alert_id for a in told] == [alert["alert_id"]] and told[0].acknowledged_by == "master-1"


def test_officials_who_advise_nowhere_get_403_and_strangers_401(api):
    assert api.get("/api/alerts", headers=bearer(api, "virkailija", "demo-password")).status_code == 403
    assert api.get("/api/alerts").status_code == 401
