"""The official's day view over HTTP: my bookings of a day, every point, with status; nobody else's."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from backend.domain.catalogue import HELSINKI
from tests.support.bookings import *  # noqa: F403
from tests.support.bookings import bearer, next_weekday

DAY = next_weekday(2)


def test_my_day_lists_my_bookings_of_that_day_with_their_status(api):
    advisor = bearer(api, "neuvoja", "demo-advisor")
    body = {"service_id": "vero-personal", "point_id": "imatra", "language": "sv", "channel": "advisor"}
    codes = []
    for hour in (11, 9):
        start = datetime.combine(DAY, time(hour), tzinfo=HELSINKI).isoformat()
        booked = api.post("/api/bookings", json={**body, "start": start}, headers=advisor)
        assert booked.status_code == 201, booked.text
        codes.append(booked.json()["code"])
    official = bearer(api, "virkailija", "demo-password")
    day = api.get(f"/api/my-day?day={DAY}", headers=official)
    assert day.status_code == 200, day.text
    rows = day.json()
    assert [r["code"] for r in rows] == codes[::-1]  # in time order
    assert rows[0]["status"] == "booked" and rows[0]["service_names"]["sv"] == "Personbeskattning"
    assert "phone" not in rows[0] and "citizen_name" not in rows[0]  # the day view carries no contact data
    other_day = DAY + timedelta(days=1)
    assert api.get(f"/api/my-day?day={other_day}", headers=official).json() == []
    assert api.get(f"/api/my-day?day={DAY}", headers=advisor).status_code == 403
    assert api.get("/api/my-day?day=2026-02-30", headers=official).status_code == 422
