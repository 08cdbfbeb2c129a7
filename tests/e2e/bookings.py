"""Bookings for e2e tests, as the advisor makes them over the HTTP API: a Tuesday in office hours.

The backend's clock starts at a Tuesday 9.52 in Helsinki (``CLOCK_START``, pass
it as ``--clock-start``), so a 10.00 booking can be checked in whenever CI runs.
Used by the booking path's test and by the whole Tax appointment's.
"""

from __future__ import annotations

import json
import urllib.request
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from backend.store.seed import DemoAccounts
from tests.e2e.processes import Backend, urlopen
from tests.support.waiting import wait_for

HELSINKI = ZoneInfo("Europe/Helsinki")
ACCOUNTS = DemoAccounts()


def a_tuesday() -> date:
    """A Tuesday at least a week ahead: the demo point is open, and it is always in the future."""
    day = date.today() + timedelta(days=7)
    return day + timedelta(days=(1 - day.weekday()) % 7)


TUESDAY = a_tuesday()
CLOCK_START = datetime.combine(TUESDAY, time(9, 52), HELSINKI)


def api(backend: Backend, method: str, path: str, body: dict | None = None, token: str | None = None) -> dict:
    request = urllib.request.Request(
        backend.url + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})},
    )
    with urlopen(request, timeout=10) as r:
        return json.loads(r.read() or b"null")


def login(backend: Backend, username: str, password: str) -> str:
    return api(backend, "POST", "/api/login", {"username": username, "password": password})["token"]


def advisor_books(backend: Backend, token: str, day: date, hour: int) -> dict:
    """The advisor finds the slot in the calendar and books it for the citizen, with their phone number."""
    slots = api(
        backend, "GET", f"/api/slots?service=vero-personal&point=imatra&language=fi&from={day}&to={day}", token=token
    )
    start = datetime.combine(day, time(hour), HELSINKI)
    assert any(datetime.fromisoformat(s["start"]) == start for s in slots), f"no {hour}.00 slot on {day}: {slots}"
    return api(
        backend,
        "POST",
        "/api/bookings",
        {
            "service_id": "vero-personal",
            "point_id": "imatra",
            "language": "fi",
            "start": start.isoformat(),
            "channel": "advisor",
            "phone": "+358401234567",
        },
        token,
    )


def wait_status(backend: Backend, token: str, code: str, status: str) -> None:
    """The booking's status, as the advisor reads it, becomes ``status``."""
    wait_for(
        f"the booking to become {status}",
        lambda: api(backend, "GET", f"/api/bookings/{code}", token=token)["status"] == status,
        timeout=10,
    )
