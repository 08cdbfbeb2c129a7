"""The admin API through the real app: set-up by the master admin, accounts by the authority admin,
the one-time set-password link, refusals at the boundary, the audit log, and reports with their CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, time

from sqlalchemy import select

from backend.domain.catalogue import HELSINKI
from backend.notify.outbox import OutboxMessage
from backend.store import audit
from tests.support.bookings import *  # noqa: F403
from tests.support.bookings import add_account, bearer, next_weekday

MASTER = ("paakayttaja", "demo-master")
VERO_ADMIN = ("vero-admin", "demo-admin")
WEEK = {"hours": [{"weekday": d, "opens": "08:00", "closes": "16:00"} for d in (1, 2, 3, 4, 5)]}


def _link_token(api, username: str) -> str:
    """The set-password token, read from the invitation e-mail in the outbox (as the person would click it)."""
    with api.app.state.hub.db() as s:
        bodies = s.scalars(
            select(OutboxMessage.body).where(OutboxMessage.kind.in_(["account_invite", "account_reset"]))
        )
        found = [m.group(1) for b in bodies if username in b for m in [re.search(r"#set-password=(\S+)", b)] if m]
    assert found, "no invitation e-mail in the outbox"
    return found[-1]


def test_a_municipality_is_set_up_through_the_api_alone(api):
    m = bearer(api, *MASTER)
    assert (
        api.put("/api/admin/organisations/dvv", json={"name": "Digi- ja väestötietovirasto"}, headers=m).status_code
        == 200
    )
    r = api.put("/api/admin/points/joensuu", json={"name": "Suomi-piste Joensuu", "address": "Rantakatu 20", **WEEK,
                                                   "closures": ["2026-12-24"]}, headers=m)  # fmt: skip
    assert r.status_code == 200 and r.json()["closures"] == ["2026-12-24"], r.text
    booth = api.put("/api/admin/booths/joensuu-1", json={"name": "Joensuu 1", "point_id": "joensuu"}, headers=m)
    assert booth.status_code == 201 and len(booth.json()["secret"]) >= 20
    # The booth connects with the secret shown once.
    with api.websocket_connect("/ws") as ws:
        ws.send_json({"type": "hello", "role": "booth", "booth_id": "joensuu-1", "token": booth.json()["secret"]})
        assert any(ws.receive_json()["type"] == "booth.catalogue" for _ in range(5))
    invite = {"username": "dvv-admin", "display_name": "Dora DVV", "email": "dora@dvv.example",
              "role": "authority_admin", "organisation_id": "dvv"}  # fmt: skip
    inv = api.post("/api/admin/accounts", json=invite, headers=m)
    assert inv.status_code == 201, inv.text
    # Not signed in until the link sets a password.
    assert api.post("/api/login", json={"username": "dvv-admin", "password": "x" * 12}).status_code == 401
    token = _link_token(api, "dvv-admin")
    assert api.post("/api/password", json={"token": token, "password": "short"}).status_code == 422
    assert api.post("/api/password", json={"token": token, "password": "a good long one"}).json() == {
        "username": "dvv-admin"
    }
    assert api.post("/api/password", json={"token": token, "password": "another long one"}).status_code == 400  # once
    dvv = bearer(api, "dvv-admin", "a good long one")
    # The authority admin invites an official of their own organisation, and only of it.
    body = {"username": "dvv-virkailija", "display_name": "Ville", "email": "ville@dvv.example"}
    assert api.post("/api/admin/accounts", json=body, headers=dvv).status_code == 201
    other = {**body, "username": "sneaky", "organisation_id": "vero"}
    assert api.post("/api/admin/accounts", json=other, headers=dvv).status_code == 403
    assert (
        api.post(
            "/api/admin/accounts", json={**body, "username": "xx2", "role": "authority_admin"}, headers=dvv
        ).status_code
        == 403
    )
    api.post("/api/password", json={"token": _link_token(api, "dvv-virkailija"), "password": "ville's password"})
    assert (
        api.post("/api/login", json={"username": "dvv-virkailija", "password": "ville's password"}).status_code == 200
    )
    listed = api.get("/api/admin/accounts", headers=dvv).json()
    assert sorted(a["username"] for a in listed) == ["dvv-admin", "dvv-virkailija"]
    assert all("email" not in a for a in listed)
    # The audit log has every step, and verifies.
    log = api.get("/api/admin/audit", headers=m).json()
    actions = [e["action"] for e in reversed(log["entries"])]
    for a in ("organisation.create", "point.create", "booth.register", "account.invite", "account.set_password"):
        assert a in actions
    assert log["ok"] and not any("@" in e["detail"] for e in log["entries"])
    assert api.get("/api/admin/audit", headers=dvv).status_code == 403


def test_deactivate_ends_sign_ins_and_reset_sends_a_new_link(api):
    admin = bearer(api, *VERO_ADMIN)
    invite = {"username": "vero-new", "display_name": "Uusi", "email": "u@vero.example"}
    r = api.post("/api/admin/accounts", json=invite, headers=admin)
    oid = r.json()["official_id"]
    api.post("/api/password", json={"token": _link_token(api, "vero-new"), "password": "first password"})
    user = bearer(api, "vero-new", "first password")
    assert api.get("/api/me", headers=user).status_code == 200
    assert api.post(f"/api/admin/accounts/{oid}/deactivate", headers=admin).status_code == 204
    assert api.get("/api/me", headers=user).status_code == 401
    assert api.post("/api/login", json={"username": "vero-new", "password": "first password"}).status_code == 401
    kela = bearer(api, "kela-admin", "pw")
    assert api.post(f"/api/admin/accounts/{oid}/reset", json={}, headers=kela).status_code == 403  # not theirs
    assert api.post(f"/api/admin/accounts/{oid}/reset", json={"language": "sv"}, headers=admin).status_code == 204
    api.post("/api/password", json={"token": _link_token(api, "vero-new"), "password": "second password"})
    assert api.post("/api/login", json={"username": "vero-new", "password": "second password"}).status_code == 200


def test_bad_values_are_refused_with_the_field_named_and_nothing_is_stored(api):
    m = bearer(api, *MASTER)
    before = api.get("/api/admin/audit", headers=m).json()["head_seq"]
    bad = [
        (
            "/api/admin/points/p1",
            {"name": "P", "hours": [{"weekday": 1, "opens": "15:00", "closes": "09:00"}]},
            "hours",
        ),
        ("/api/admin/points/p1", {"name": "P" * 121, "hours": []}, "name"),
        ("/api/admin/points/bad%20id", {"name": "P", "hours": []}, "point_id"),
        ("/api/admin/organisations/o1", {"name": ""}, "name"),
        ("/api/admin/booths/b1", {"name": "B", "point_id": "no such/point"}, "point_id"),
    ]
    for url, body, field in bad:
        r = api.put(url, json=body, headers=m)
        assert r.status_code == 422, (url, r.text)
        assert any(field in map(str, e["loc"]) for e in r.json()["detail"]), r.text
    r = api.post(
        "/api/admin/accounts", json={"username": "A B", "display_name": "x", "email": "not-an-address"}, headers=m
    )
    assert r.status_code == 422 and {e["loc"][-1] for e in r.json()["detail"]} == {"username", "email"}
    assert "not-an-address" not in r.text  # values are never echoed
    assert api.put("/api/admin/booths/b1", json={"name": "B", "point_id": "nowhere"}, headers=m).status_code == 404
    assert api.get("/api/admin/audit", headers=m).json()["head_seq"] == before


def test_a_retired_booth_cannot_connect(api):
    m = bearer(api, *MASTER)
    assert api.post("/api/admin/booths/lpr-1/retire", headers=m).status_code == 204
    with api.websocket_connect("/ws") as ws:
        ws.send_json({"type": "hello", "role": "booth", "booth_id": "lpr-1", "token": "lpr"})
        assert ws.receive_json()["type"] == "error"
    booths = {b["booth_id"]: b["retired"] for b in api.get("/api/admin/booths", headers=m).json()}
    assert booths["lpr-1"] is True and booths["imatra-1"] is False


def _book(api, headers, hour: int) -> str:
    start = datetime.combine(next_weekday(2), time(hour), tzinfo=HELSINKI).isoformat()
    body = {"service_id": "vero-personal", "point_id": "imatra", "language": "sv", "start": start, "channel": "advisor"}
    r = api.post("/api/bookings", json=body, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()["code"]


def test_reports_are_scoped_and_the_csv_parses_to_the_same_figures(api):
    advisor = bearer(api, "neuvoja", "demo-advisor")
    codes = [_book(api, advisor, h) for h in (9, 10, 11)]
    assert api.post(f"/api/bookings/{codes[0]}/cancel", json={"channel": "advisor"}, headers=advisor).status_code == 200
    day = next_weekday(2).isoformat()
    q = f"start={day}&end={day}"
    add_account(api.app.state.hub.db, "vero-rep", "vero-reporter", "vero", "reporter", "vero", "pw")
    rep = bearer(api, "vero-reporter", "pw")
    r = api.get(f"/api/reports?{q}", headers=rep)
    assert r.status_code == 200, r.text
    own = {(f["section"], f["key"]): f["value"] for f in r.json()["own"]}
    assert own[("bookings", "count")] == 3 and own[("bookings_by_status", "cancelled")] == 1
    assert own[("bookings_by_language", "sv")] == 3 and own[("bookings_by_channel", "advisor")] == 3
    assert r.json()["not_stored"] == []  # third parties are counted since issue 13
    # Kela sees its own (none) beside the all-organisation comparison (three), never Vero's own figures.
    k = api.get(f"/api/reports?{q}", headers=bearer(api, "kela-admin", "pw")).json()
    assert {(f["section"], f["key"]): f["value"] for f in k["own"]}[("bookings", "count")] == 0
    assert {(f["section"], f["key"]): f["value"] for f in k["all"]}[("bookings", "count")] == 3
    assert api.get(f"/api/reports?{q}&organisation=vero", headers=bearer(api, "kela-admin", "pw")).status_code == 403
    assert api.get(f"/api/reports?{q}", headers=advisor).status_code == 403
    mine = api.get(f"/api/reports/mine?{q}", headers=bearer(api, "virkailija", "demo-password")).json()
    assert {(f["section"], f["key"]): f["value"] for f in mine["own"]}[("bookings", "count")] == 3 and mine["all"] == []
    assert api.get(f"/api/reports/mine?{q}", headers=bearer(api, "kela-admin", "pw")).status_code == 403
    # CSV for Finnish Excel: BOM, semicolons, decimal comma; parses to the same figures.
    c = api.get(f"/api/reports.csv?{q}&lang=fi", headers=rep)
    assert c.status_code == 200 and c.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(c.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Osio", "Luku", "Arvo", "Kaikki organisaatiot"]
    parsed = [float(v.replace(",", ".")) for _s, _k, v, _a in rows[1:]]
    assert parsed == [f["value"] for f in r.json()["own"]]
    titles = {row[0] for row in rows[1:]}
    assert {"Tapaamiset tunnistustavan mukaan", "Palaute: asiakas, palvelu", "Palaute: tekstiviesti, kokonaisuus",
            "Palaute: virkailija, tekninen laatu", "Palaute"} <= titles  # fmt: skip
    assert [k for s, k, _v, _a in rows[1:] if s == "Palaute: asiakas, kokonaisuus"] == [
        "answers", "avg", "1", "2", "3", "4", "5"]  # fmt: skip
    assert any("," in v for _s, _k, v, _a in rows[1:]) or all(float(x).is_integer() for x in parsed)
    with api.app.state.hub.db() as s:
        assert audit.verify(s).ok


def test_reading_a_citizens_contact_data_is_audited(api):
    advisor = bearer(api, "neuvoja", "demo-advisor")
    start = datetime.combine(next_weekday(2), time(13), tzinfo=HELSINKI).isoformat()
    body = {"service_id": "vero-personal", "point_id": "imatra", "language": "fi", "start": start,
            "channel": "advisor", "phone": "+358401234567"}  # fmt: skip
    code = api.post("/api/bookings", json=body, headers=advisor).json()["code"]
    assert api.get(f"/api/bookings/{code}", headers=advisor).status_code == 200
    log = api.get("/api/admin/audit", headers=bearer(api, *MASTER)).json()
    reads = [e for e in log["entries"] if e["action"] == "booking.contact_read"]
    assert [(e["actor"], e["resource_kind"]) for e in reads] == [("advisor-1", "booking")]
    assert "358" not in str(log)


def test_deactivating_an_account_closes_its_open_pages(api):
    official = bearer(api, "virkailija", "demo-password")
    admin = bearer(api, *VERO_ADMIN)
    with api.websocket_connect("/ws") as ws:
        ws.send_json({"type": "hello", "role": "official", "token": official["Authorization"][7:]})
        assert ws.receive_json()["type"] == "welcome"
        assert api.post("/api/admin/accounts/official-1/deactivate", headers=admin).status_code == 204
        for _ in range(20):
            msg = ws.receive_json()
            if msg["type"] == "error":
                assert msg["code"] == "not_authenticated" and msg.get("fatal"), msg
                break
        else:
            raise AssertionError("the deactivated official's socket stayed open")
