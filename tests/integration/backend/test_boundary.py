"""Validation at the door (issue #15): what the domain or the wire would refuse later is refused with a 422.

Each test replays a finding of the probe: a value the API once accepted and
that then made reads fail for everyone. Now the request is refused, the 422
names the field and the rule, and the reads that used to answer 500 still work.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.support.backend_app import recv, recv_until, send
from tests.support.bookings import *  # noqa: F403
from tests.support.bookings import bearer, next_weekday

DAY = next_weekday(2)
BOOTH_HELLO = {"type": "hello", "role": "booth", "booth_id": "imatra-1", "token": "demo-booth-secret"}


def _reads_work(api: TestClient) -> None:
    """The reads every citizen and official depends on."""
    assert api.get("/api/points").status_code == 200
    r = api.get(
        "/api/slots",
        params={"service": "vero-personal", "point": "imatra", "language": "fi", "from": str(DAY), "to": str(DAY)},
    )
    assert r.status_code == 200, r.text
    assert r.json(), "the demo's Tuesday has free slots"


def _rule(r: Any) -> str:
    """The 422's field locations and messages, as one searchable text."""
    assert r.status_code == 422, r.text
    return " ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in r.json()["detail"])


def test_point_hours_with_seconds_are_refused_and_reads_keep_working(api: TestClient):
    advisor = bearer(api, "neuvoja", "demo-advisor")
    body = {"hours": [{"weekday": 2, "opens": "10:00:30", "closes": "10:00:45"}]}
    why = _rule(api.put("/api/admin/points/imatra/hours", json=body, headers=advisor))
    assert "opens" in why and "whole minute" in why
    _reads_work(api)


def test_point_hours_need_start_before_end_and_one_interval_per_weekday(api: TestClient):
    advisor = bearer(api, "neuvoja", "demo-advisor")
    backwards = {"hours": [{"weekday": 2, "opens": "15:00", "closes": "09:00"}]}
    assert "opens must be before closes" in _rule(
        api.put("/api/admin/points/imatra/hours", json=backwards, headers=advisor)
    )
    twice = {"hours": [{"weekday": 2, "opens": "09:00", "closes": "10:00"}] * 2}
    assert "one opening interval per weekday" in _rule(
        api.put("/api/admin/points/imatra/hours", json=twice, headers=advisor)
    )
    _reads_work(api)


def test_official_hours_with_utc_offsets_are_refused_and_the_official_can_still_connect(api: TestClient):
    admin = bearer(api, "vero-admin", "demo-admin")
    body = {
        "services": ["vero-personal"],
        "languages": ["fi"],
        "hours": [{"weekday": 2, "starts": "10:00+05:00", "ends": "09:00+00:00"}],
    }
    why = _rule(api.put("/api/admin/officials/official-1/skills", json=body, headers=admin))
    assert "starts" in why and "UTC offset" in why
    assert api.get("/api/admin/officials", headers=admin).status_code == 200
    _reads_work(api)
    token = api.post("/api/login", json={"username": "virkailija", "password": "demo-password"}).json()["token"]
    with api.websocket_connect("/ws") as ws:
        send(ws, {"type": "hello", "role": "official", "token": token})
        assert recv(ws)["type"] == "welcome"


def test_official_hours_that_overlap_are_refused(api: TestClient):
    """Two intervals starting at the same minute used to hit the table's primary key (a 500)."""
    admin = bearer(api, "vero-admin", "demo-admin")
    same = {"weekday": 2, "starts": "09:00", "ends": "12:00"}
    body = {"services": [], "languages": ["fi"], "hours": [same, same]}
    assert "overlap" in _rule(api.put("/api/admin/officials/official-1/skills", json=body, headers=admin))


def test_a_service_that_would_break_the_booths_hello_is_refused(api: TestClient):
    admin = bearer(api, "vero-admin", "demo-admin")
    service = {
        "names": {"fi": "x" * 121, "sv": "Skattekort", "en": "Tax card"},
        "duration_min": 15,
        "languages": ["fi"],
    }
    why = _rule(api.put("/api/admin/services/vero-long", json=service, headers=admin))
    assert "names.fi" in why and "at most 120 characters" in why
    service["names"]["fi"] = "Verokortti"
    why = _rule(api.put("/api/admin/services/bad id!", json=service, headers=admin))
    assert "path.service_id" in why and "pattern" in why
    why = _rule(api.put("/api/admin/services/" + "a" * 65, json=service, headers=admin))
    assert "path.service_id" in why and "at most 64 characters" in why
    # An official's sign-in refreshes the booths' menu; then a booth still gets its catalogue.
    token = api.post("/api/login", json={"username": "virkailija", "password": "demo-password"}).json()["token"]
    with api.websocket_connect("/ws") as official:
        send(official, {"type": "hello", "role": "official", "token": token})
        assert recv(official)["type"] == "welcome"
        with api.websocket_connect("/ws") as booth:
            send(booth, BOOTH_HELLO)
            assert recv(booth)["type"] == "welcome"
            assert recv_until(booth, "booth.catalogue")["services"]


def test_languages_are_the_protocols(api: TestClient):
    admin = bearer(api, "vero-admin", "demo-admin")
    service = {"names": {"fi": "a", "sv": "b", "en": "c", "de": "d"}, "duration_min": 15, "languages": ["fi"]}
    assert "names.de" in _rule(api.put("/api/admin/services/vero-x", json=service, headers=admin))
    r = api.get(
        "/api/slots",
        params={"service": "vero-personal", "point": "imatra", "language": "de", "from": str(DAY), "to": str(DAY)},
    )
    assert "query.language" in _rule(r)


def _smuggle_bad_rows(api: TestClient) -> None:
    """Rows as an older version let them in (the store's rules, migration 0006, are lifted to write them)."""
    from sqlalchemy import text

    from backend.store.booking_models import OfficialHours, PointHours, ServiceRow

    with api.app.state.hub.db() as s:  # type: ignore[attr-defined]
        rules = s.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'ck_%'")).all()
        for name, _ in rules:
            s.execute(text(f"DROP TRIGGER {name}"))
        s.add(PointHours(point_id="imatra", weekday=6, opens_min=600, closes_min=600))  # 10:00:30–10:00:45
        s.add(OfficialHours(official_id="official-1", weekday=2, starts_min=600, ends_min=540))  # offsets dropped
        names = {"name_fi": "x" * 121, "name_sv": "s", "name_en": "e"}
        common = {"organisation_id": "vero", "duration_min": 15, "languages": "fi"}
        s.add(ServiceRow(id="vero-long", identification="none", **names, **common))
        s.add(ServiceRow(id="bad id!", identification="none", name_fi="a", name_sv="b", name_en="c", **common))
        s.add(ServiceRow(id="vero-odd", identification="retina", name_fi="a", name_sv="b", name_en="c", **common))
        s.flush()
        for _, sql in rules:
            s.execute(text(sql))
        s.commit()


def test_a_bad_row_that_got_in_never_makes_reads_fail(api: TestClient, caplog):
    _smuggle_bad_rows(api)
    _reads_work(api)
    imatra = next(p for p in api.get("/api/points").json() if p["id"] == "imatra")
    assert 6 not in [h["weekday"] for h in imatra["hours"]]  # the empty interval is left out
    assert "vero-odd" not in [x["id"] for x in api.get("/api/services").json()]
    admin = bearer(api, "vero-admin", "demo-admin")
    assert api.get("/api/admin/officials", headers=admin).status_code == 200
    token = api.post("/api/login", json={"username": "virkailija", "password": "demo-password"}).json()["token"]
    with api.websocket_connect("/ws") as official:
        send(official, {"type": "hello", "role": "official", "token": token})
        assert recv(official)["type"] == "welcome"  # the official connects despite the bad interval
        with api.websocket_connect("/ws") as booth:
            send(booth, BOOTH_HELLO)
            assert recv(booth)["type"] == "welcome"
            menu = [x["service_id"] for x in recv_until(booth, "booth.catalogue")["services"]]
            assert "vero-personal" in menu and "vero-long" not in menu and "bad id!" not in menu
    # and a PUT repairs the point's hours
    advisor = bearer(api, "neuvoja", "demo-advisor")
    body = {"hours": [{"weekday": 6, "opens": "09:00", "closes": "15:00"}]}
    assert api.put("/api/admin/points/imatra/hours", json=body, headers=advisor).status_code == 200
    assert "left out" in caplog.text


def test_days_outside_the_booking_calendar_are_refused_not_overflowed(api: TestClient):
    """A search, a day list or a booking at the ends of Python's calendar used to answer 500 (an OverflowError)."""
    advisor = bearer(api, "neuvoja", "demo-advisor")
    search = {"service": "vero-personal", "point": "imatra", "language": "fi", "from": "9999-12-31", "to": "9999-12-31"}
    assert "query.from" in _rule(api.get("/api/slots", params=search))
    assert "query.day" in _rule(
        api.get("/api/bookings", params={"point": "imatra", "day": "9999-12-31"}, headers=advisor)
    )
    for start in ("9999-12-31T23:59:59+00:00", "9999-12-31T23:59:59-23:59"):
        body = {
            "service_id": "vero-personal",
            "point_id": "imatra",
            "language": "fi",
            "start": start,
            "channel": "advisor",
        }
        assert "body.start" in _rule(api.post("/api/bookings", json=body, headers=advisor))
    body = {"hours": [], "closures": ["9999-12-31"]}
    assert "body.closures.0" in _rule(api.put("/api/admin/points/imatra/hours", json=body, headers=advisor))
    _reads_work(api)


def test_a_422_does_not_echo_what_was_sent(api: TestClient):
    """The phone number a citizen gave is personal data: the refusal names the field and the rule, not the value."""
    advisor = bearer(api, "neuvoja", "demo-advisor")
    body = {
        "service_id": "vero-personal",
        "point_id": "imatra",
        "language": "fi",
        "start": f"{DAY}T10:00:00+02:00",
        "channel": "advisor",
        "phone": "+358 40 123 4567 call me",
    }
    r = api.post("/api/bookings", json=body, headers=advisor)
    assert "body.phone" in _rule(r)
    assert "4567" not in r.text
