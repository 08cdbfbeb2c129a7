"""The booking API over HTTP on the real app: roles, validation errors, domain refusals, events."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time
from typing import Any

from backend.domain.catalogue import HELSINKI
from backend.domain.events import BookingCancelled, BookingCreated, BookingRescheduled
from tests.support.bookings import *  # noqa: F403
from tests.support.bookings import bearer, next_weekday
from tests.support.waiting import wait_for

DAY = next_weekday(2)  # a Tuesday at least a week ahead: the app reads the real clock


def local_iso(hour: int, minute: int = 0) -> str:
    return datetime.combine(DAY, time(hour, minute), tzinfo=HELSINKI).isoformat()


def advisor(api) -> dict[str, str]:
    return bearer(api, "neuvoja", "demo-advisor")


def book(api, headers, hour: int = 10, **kw):
    body = {
        "service_id": "vero-personal",
        "point_id": "imatra",
        "language": "fi",
        "start": local_iso(hour),
        "channel": "advisor",
        "citizen_name": "Maija Meikäläinen",
        "phone": "+358401234567",
    } | kw
    return api.post("/api/bookings", json=body, headers=headers)


def test_catalogue_is_readable_in_three_languages(api):
    services = {s["id"]: s for s in api.get("/api/services").json()}
    assert services["vero-personal"]["names"] == {
        "fi": "Henkilöverotus",
        "sv": "Personbeskattning",
        "en": "Personal taxation",
    }
    assert services["vero-taxcard"]["languages"] == ["fi", "sv"]
    points = {p["id"]: p for p in api.get("/api/points").json()}
    friday = next(h for h in points["imatra"]["hours"] if h["weekday"] == 5)
    assert (friday["opens"], friday["closes"]) == ("09:00:00", "14:00:00")


def test_slot_search_and_its_validation(api):
    r = api.get(f"/api/slots?service=vero-personal&point=imatra&language=fi&from={DAY}&to={DAY}")
    assert r.status_code == 200
    first = datetime.fromisoformat(r.json()[0]["start"]).astimezone(HELSINKI)
    assert first.time() == time(9, 0) and r.json()[0]["booths"] == ["imatra-1"]
    bad = api.get(f"/api/slots?service=vero-personal&point=imatra&language=de&from={DAY}&to={DAY}")
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "language"]
    nope = api.get(f"/api/slots?service=vero-taxcard&point=imatra&language=en&from={DAY}&to={DAY}")
    assert nope.status_code == 400 and "not in 'en'" in nope.json()["detail"]
    missing = api.get(f"/api/slots?service=kela-x&point=imatra&language=fi&from={DAY}&to={DAY}")
    assert missing.status_code == 404 and "GET /api/services" in missing.json()["detail"]


def test_advisor_books_and_the_confirmation_event_carries_the_sms_details(api):
    r = book(api, advisor(api))
    assert r.status_code == 201, r.text
    b = r.json()
    assert b["qr_payload"] == "ETP1:" + b["code"] and b["status"] == "booked" and b["channel"] == "advisor"
    assert datetime.fromisoformat(b["start"]) == datetime.fromisoformat(local_iso(10))
    [event] = api.app.state.test_events
    assert isinstance(event, BookingCreated)
    assert event.booking.code == b["code"] and event.booking.phone == "+358401234567"
    assert event.booking.point_address == "Virastokatu 2, 55100 Imatra"


def test_a_taken_slot_is_409_with_a_way_forward(api):
    h = advisor(api)
    assert book(api, h).status_code == 201
    again = book(api, h)
    assert again.status_code == 409
    assert "pick one of the free slots" in again.json()["detail"]


def test_validation_errors_name_the_field(api):
    h = advisor(api)
    r = book(api, h, phone="call me")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "phone"]
    naive = book(api, h, start=f"{DAY}T10:00:00")
    assert naive.status_code == 422 and naive.json()["detail"][0]["loc"] == ["body", "start"]
    assert "timezone" in naive.json()["detail"][0]["msg"]


def test_roles_decide_who_books_and_who_sees_a_booking(api):
    assert book(api, {}).status_code == 401
    assert "Bearer" in book(api, {}).json()["detail"]
    web = book(api, advisor(api), channel="web")
    assert web.status_code == 403 and "allowed for you: advisor, phone" in web.json()["detail"]
    kela = bearer(api, "kela", "pw")
    assert book(api, kela, channel="official").status_code == 403  # not their organisation's service
    code = book(api, advisor(api)).json()["code"]
    for who in (advisor(api), bearer(api, "virkailija", "demo-password"), bearer(api, "vero-admin", "demo-admin")):
        assert api.get(f"/api/bookings/{code}", headers=who).status_code == 200
    hidden = api.get(f"/api/bookings/{code}", headers=bearer(api, "kela-admin", "pw"))
    assert hidden.status_code == 404  # another organisation's booking does not even exist for Kela
    official = bearer(api, "virkailija", "demo-password")
    assert book(api, official, hour=12, channel="official").status_code == 201  # officials book their own services


def test_reschedule_and_cancel_keep_history(api):
    h = advisor(api)
    code = book(api, h).json()["code"]
    moved = api.post(f"/api/bookings/{code}/reschedule", json={"start": local_iso(13), "channel": "phone"}, headers=h)
    assert moved.status_code == 200 and datetime.fromisoformat(moved.json()["start"]) == datetime.fromisoformat(
        local_iso(13)
    )
    gone = api.post(f"/api/bookings/{code}/cancel", json={"channel": "phone"}, headers=h)
    assert gone.status_code == 200 and gone.json()["status"] == "cancelled"
    again = api.post(f"/api/bookings/{code}/cancel", json={"channel": "phone"}, headers=h)
    assert again.status_code == 409 and "cancelled cannot become cancelled" in again.json()["detail"]
    history = api.get(f"/api/bookings/{code}/history", headers=h).json()
    assert [x["action"] for x in history] == ["created", "rescheduled", "cancelled"]
    assert [type(e) for e in api.app.state.test_events] == [BookingCreated, BookingRescheduled, BookingCancelled]
    assert book(api, h, hour=13).status_code == 201  # the cancelled time is free again


def test_check_in_at_the_booth_answers_kindly(api):
    code = book(api, advisor(api)).json()["code"]
    creds = {"booth_id": "imatra-1", "booth_secret": "demo-booth-secret"}
    early = api.post("/api/checkin", json=creds | {"code": f"ETP1:{code}"}).json()
    assert early["result"] == "wrong_day" and not early["ok"]
    assert early["messages"]["fi"].endswith("klo 10.00 — tervetuloa silloin!")
    wrong = api.post("/api/checkin", json={"booth_id": "lpr-1", "booth_secret": "lpr", "code": code}).json()
    assert wrong["result"] == "wrong_point" and wrong["tell_advisor"]
    assert api.post("/api/checkin", json=creds | {"code": "O0O0O0"}).json()["result"] == "unknown_code"
    bad = api.post("/api/checkin", json={"booth_id": "imatra-1", "booth_secret": "guess", "code": code})
    assert bad.status_code == 401


def test_walk_in_queue_positions_estimates_and_routing(api):
    h = advisor(api)
    first = api.post(
        "/api/queue", json={"point_id": "imatra", "service_id": "vero-personal", "language": "fi"}, headers=h
    )
    assert first.status_code == 201
    assert (first.json()["position"], first.json()["wait_min"]) == (1, None)  # no Tax official present: no guess
    official = bearer(api, "virkailija", "demo-password")
    second_body = {"point_id": "imatra", "service_id": "vero-taxcard", "language": "sv"}
    # Signed in is not present: the estimate counts officials connected to the hub.
    assert api.post("/api/queue", json=second_body, headers=h).json()["wait_min"] is None
    with connected(api, official) as ws:
        # One router: the hub offers the first walk-in to the Tax official the moment they connect.
        offer = next(m for m in iter(ws.receive_json, None) if m["type"] == "session.offer")
        assert (offer["session_id"], offer["service_name"], offer["point"]) == (
            first.json()["entry_id"],
            "Henkilöverotus",
            "Suomi-piste Imatra",
        )
        second = api.post("/api/queue", json=second_body, headers=h)
        # two citizens ahead (30 + 15 min), one official present
        assert (second.json()["position"], second.json()["wait_min"]) == (3, 45)
        snap = api.get("/api/queue/imatra", headers=h).json()
        assert [e["entry_id"] for e in snap["entries"]][::2] == [first.json()["entry_id"], second.json()["entry_id"]]
        assert "divided by the qualified officials" in snap["how_estimated"]
        assert api.get("/api/queue/imatra", headers=bearer(api, "kela-admin", "pw")).json()["entries"] == []
        assert api.get("/api/queue/imatra", headers=bearer(api, "kela", "pw")).status_code == 403
        shown = wait_for(
            "the offer in the advisor's view",
            lambda: next(
                (e["entry_id"], e["state"], e["offered_to"])
                for e in api.get("/api/queue/imatra", headers=h).json()["entries"]
                if e["state"] == "offered"
            ),
        )
        assert shown == (first.json()["entry_id"], "offered", "official-1"), "the advisor sees who it was offered to"
    assert api.post("/api/queue/next", headers=official).status_code in (404, 405)  # no second router over HTTP
    unknown = api.post("/api/queue", json={"point_id": "imatra", "service_id": "nope", "language": "fi"}, headers=h)
    assert unknown.status_code == 404


def test_authority_admins_keep_to_their_own_organisation(api):
    vero = bearer(api, "vero-admin", "demo-admin")
    kela = bearer(api, "kela-admin", "pw")
    body = {
        "names": {"fi": "Perintöverotus", "sv": "Arvsbeskattning", "en": "Inheritance tax"},
        "duration_min": 45,
        "identification": "strong_eid",
        "languages": ["fi", "sv"],
    }
    r = api.put("/api/admin/services/vero-inheritance", json=body, headers=vero)
    assert r.status_code == 200 and r.json()["organisation_id"] == "vero"
    taken = api.put("/api/admin/services/vero-personal", json=body, headers=kela)
    assert taken.status_code == 400 and "belongs to another organisation" in taken.json()["detail"]
    nameless = api.put("/api/admin/services/x", json=body | {"names": {"fi": "X"}}, headers=vero)
    assert nameless.status_code == 422 and "missing: sv, en" in nameless.text
    official = bearer(api, "virkailija", "demo-password")
    assert api.put("/api/admin/services/x", json=body, headers=official).status_code == 403
    skills = {
        "services": ["vero-inheritance"],
        "languages": ["fi"],
        "hours": [{"weekday": 1, "starts": "09:00", "ends": "12:00"}],
    }
    assert api.put("/api/admin/officials/kela-1/skills", json=skills, headers=vero).status_code == 403
    assert api.put("/api/admin/officials/official-1/skills", json=skills, headers=vero).status_code == 204
    vero_people = [o["official_id"] for o in api.get("/api/admin/officials", headers=vero).json()]
    kela_people = [o["official_id"] for o in api.get("/api/admin/officials", headers=kela).json()]
    assert "official-1" in vero_people and "kela-1" not in vero_people
    assert "official-1" not in kela_people and "kela-1" in kela_people


def test_the_advisor_sets_opening_hours_and_closures_of_their_point(api):
    h = advisor(api)
    body = {"hours": [{"weekday": 2, "opens": "10:00", "closes": "12:00"}], "closures": [str(DAY)]}
    r = api.put("/api/admin/points/imatra/hours", json=body, headers=h)
    assert r.status_code == 200 and r.json()["closures"] == [str(DAY)]
    assert api.get(f"/api/slots?service=vero-personal&point=imatra&language=fi&from={DAY}&to={DAY}").json() == []
    other = api.put("/api/admin/points/lappeenranta/hours", json=body, headers=h)
    assert other.status_code == 403
    backwards = {"hours": [{"weekday": 2, "opens": "12:00", "closes": "10:00"}]}
    bad = api.put("/api/admin/points/imatra/hours", json=backwards, headers=h)
    assert bad.status_code == 422 and "opens must be before closes" in bad.text


def test_openapi_documents_the_booking_api(api):
    paths = api.get("/openapi.json").json()["paths"]
    for p in ("/api/slots", "/api/bookings", "/api/bookings/{code}", "/api/checkin", "/api/queue/{point_id}"):
        assert p in paths


def test_day_lists_show_each_role_only_what_is_theirs(api):
    h = advisor(api)
    code = book(api, h).json()["code"]
    url = f"/api/bookings?point=imatra&day={DAY}"
    assert [b["code"] for b in api.get(url, headers=h).json()] == [code]
    assert [b["code"] for b in api.get(url, headers=bearer(api, "vero-admin", "demo-admin")).json()] == [code]
    assert [b["code"] for b in api.get(url, headers=bearer(api, "virkailija", "demo-password")).json()] == [code]
    assert api.get(url, headers=bearer(api, "kela-admin", "pw")).json() == []  # Kela sees no Tax bookings
    assert api.get(url, headers=bearer(api, "kela", "pw")).json() == []
    other_point = api.get(f"/api/bookings?point=lappeenranta&day={DAY}", headers=h)
    assert other_point.status_code == 403  # Imatra's advisor is not Lappeenranta's


def test_the_booked_official_moves_the_booking_along_its_lifecycle(api):
    code = book(api, advisor(api)).json()["code"]
    official = bearer(api, "virkailija", "demo-password")
    skipping = api.post(f"/api/bookings/{code}/status", json={"status": "completed"}, headers=official)
    assert skipping.status_code == 409 and "booked cannot become completed" in skipping.json()["detail"]
    kela = bearer(api, "kela", "pw")
    assert api.post(f"/api/bookings/{code}/status", json={"status": "in_call"}, headers=kela).status_code == 404
    bad = api.post(f"/api/bookings/{code}/status", json={"status": "checked_in"}, headers=official)
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "status"]
    no_show = api.post(f"/api/bookings/{code}/status", json={"status": "citizen_no_show"}, headers=official)
    assert no_show.status_code == 200 and no_show.json()["status"] == "citizen_no_show"


@contextmanager
def connected(api, headers: dict[str, str]) -> Iterator[Any]:
    """The official has the officials' page open: connected to the hub, so present."""
    with api.websocket_connect("/ws") as ws:
        ws.send_json({"type": "hello", "v": 1, "role": "official", "token": headers["Authorization"][7:]})
        assert ws.receive_json()["type"] == "welcome"
        yield ws


def test_the_booth_queues_a_walk_in_and_shows_the_wait(api):
    creds = {"booth_id": "imatra-1", "booth_secret": "demo-booth-secret"}
    with connected(api, bearer(api, "virkailija", "demo-password")):  # the Tax official is present
        r = api.post("/api/queue/booth", json=creds | {"service_id": "vero-personal", "language": "fi"})
        assert r.status_code == 201 and (r.json()["position"], r.json()["wait_min"]) == (1, 0)
        r2 = api.post("/api/queue/booth", json=creds | {"service_id": "vero-taxcard", "language": "fi"})
        assert (r2.json()["position"], r2.json()["wait_min"]) == (2, 30)
    wrong = api.post(
        "/api/queue/booth", json=creds | {"booth_secret": "x", "service_id": "vero-personal", "language": "fi"}
    )
    assert wrong.status_code == 401
    english = api.post("/api/queue/booth", json=creds | {"service_id": "vero-taxcard", "language": "en"})
    assert english.status_code == 400 and "not in 'en'" in english.json()["detail"]
