"""An organisation's own message texts and closure days through the real app, and the audit view's paging.

The texts: an authority admin words a message, the boundary refuses what would
break it (never storing it), the outbox sends the organisation's wording and
the default again after "back to the default". The closure days: no free time
is offered and no booking is taken on them, for that organisation's services
only. Another organisation's authority admin is refused everything.
"""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import select

from backend.domain.catalogue import HELSINKI
from backend.notify.outbox import OutboxMessage
from backend.store import audit
from backend.store.organisation_models import OrganisationText
from tests.support.bookings import *  # noqa: F403
from tests.support.bookings import bearer, next_weekday

MASTER = ("paakayttaja", "demo-master")
VERO_ADMIN = ("vero-admin", "demo-admin")
TEXTS = "/api/admin/organisations/vero/texts"
OWN_SMS = "Vero: {service} {when}, {point}. Koodi {code}. Tervetuloa!"


def _book(api, headers, day, hour: int, phone: str | None = "+358401234567", service: str = "vero-personal"):
    start = datetime.combine(day, time(hour), tzinfo=HELSINKI).isoformat()
    body = {"service_id": service, "point_id": "imatra", "language": "fi", "start": start, "channel": "advisor"}
    if phone:
        body["phone"] = phone
    return api.post("/api/bookings", json=body, headers=headers)


def _sms_of(api, code: str) -> list[str]:
    with api.app.state.hub.db() as s:
        q = select(OutboxMessage.body).where(
            OutboxMessage.booking_code == code, OutboxMessage.channel == "sms", OutboxMessage.kind == "confirmation"
        )
        return list(s.scalars(q))


def _stored_texts(api) -> int:
    with api.app.state.hub.db() as s:
        return len(s.scalars(select(OrganisationText)).all())


def test_an_authority_admin_words_the_confirmation_and_the_outbox_sends_it(api):
    admin = bearer(api, *VERO_ADMIN)
    advisor = bearer(api, "neuvoja", "demo-advisor")
    listed = {t["key"]: t for t in api.get(TEXTS, headers=admin).json()}
    assert {"confirmation.sms", "cancellation.subject", "feedback_request.sms"} <= set(listed)
    conf = listed["confirmation.sms"]
    assert conf["own"] == {} and conf["default"]["fi"].startswith("Etäpiste: {service}")
    assert set(conf["required"]) == {"when", "code"} and "address" in conf["placeholders"]
    # The preview fills the sample values and says what it costs.
    p = api.post(f"{TEXTS}/confirmation.sms/fi/preview", json={"text": OWN_SMS}, headers=admin)
    assert p.status_code == 200 and "Perustoimeentulotuen" in p.json()["text"] and p.json()["segments"] == 1
    r = api.put(f"{TEXTS}/confirmation.sms/fi", json={"text": OWN_SMS}, headers=admin)
    assert r.status_code == 200, r.text
    day = next_weekday(2)
    code = _book(api, advisor, day, 9).json()["code"]
    (sms,) = _sms_of(api, code)
    assert sms.startswith("Vero: ") and f"Koodi {code}." in sms and sms.endswith("Tervetuloa!"), sms
    # Swedish was not worded: a Swedish booking gets the catalogue's text.
    assert api.get(TEXTS, headers=admin).json()[0]["own"] == {"fi": OWN_SMS}
    # Back to the default: the next booking's SMS is the catalogue's again.
    assert api.delete(f"{TEXTS}/confirmation.sms/fi", headers=admin).status_code == 204
    code2 = _book(api, advisor, day, 10).json()["code"]
    (sms2,) = _sms_of(api, code2)
    assert sms2.startswith("Etäpiste: ") and f"Varauskoodi {code2}" in sms2
    log = api.get("/api/admin/audit?action=message_text", headers=bearer(api, *MASTER)).json()
    assert [e["action"] for e in log["entries"]] == ["message_text.default", "message_text.set"]
    assert all(e["detail"] == "confirmation.sms fi" and "Tervetuloa" not in e["detail"] for e in log["entries"])


def test_a_text_that_would_break_the_message_is_refused_naming_the_rule_and_never_stored(api):
    admin = bearer(api, *VERO_ADMIN)
    head = api.get("/api/admin/audit", headers=bearer(api, *MASTER)).json()["head_seq"]
    bad = {
        "unknown placeholder": ("confirmation.sms", "Aika {when}, koodi {code}, {servise}"),
        "missing": ("confirmation.sms", "Aika {when}."),
        "too long for an SMS": ("reminder_day_before.sms", "Muistutus {when} {code}. " + "Tärkeää tietoa. " * 25),
        "empty": ("cancellation.sms", "   "),
        "brace": ("confirmation.sms", "Aika {when} {code} {"),
        "one line": ("confirmation.subject", "Varaus\n{when}"),
    }
    for rule, (key, text) in bad.items():
        for path in (f"{TEXTS}/{key}/fi", f"{TEXTS}/{key}/fi/preview"):
            r = (api.put if not path.endswith("preview") else api.post)(path, json={"text": text}, headers=admin)
            assert r.status_code == 422, (rule, r.text)
            (problem,) = r.json()["detail"]
            assert problem["loc"] == ["body", "text"] and rule in problem["msg"], (rule, problem)
            assert text.strip()[:20] not in r.text or not text.strip()  # the text is never echoed
    # An unknown key or language is a 422 naming it.
    r = api.put(f"{TEXTS}/confirmation.fax/fi", json={"text": OWN_SMS}, headers=admin)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["path", "key"]
    r = api.put(f"{TEXTS}/confirmation.sms/de", json={"text": OWN_SMS}, headers=admin)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["path", "language"]
    assert _stored_texts(api) == 0
    assert api.get("/api/admin/audit", headers=bearer(api, *MASTER)).json()["head_seq"] == head


def test_another_organisations_admin_cannot_read_or_change_vero_texts_or_closures(api):
    kela = bearer(api, "kela-admin", "pw")
    official = bearer(api, "virkailija", "demo-password")
    for who in (kela, official):
        assert api.get(TEXTS, headers=who).status_code == 403
        assert api.put(f"{TEXTS}/confirmation.sms/fi", json={"text": OWN_SMS}, headers=who).status_code == 403
        assert api.delete(f"{TEXTS}/confirmation.sms/fi", headers=who).status_code == 403
        assert api.get("/api/admin/organisations/vero/closures", headers=who).status_code == 403
        body = {"closures": [{"day": "2026-12-28", "reason": "x"}]}
        assert api.put("/api/admin/organisations/vero/closures", json=body, headers=who).status_code == 403
    assert _stored_texts(api) == 0
    # Kela's own, and the master admin's anywhere, are allowed.
    assert api.get("/api/admin/organisations/kela/texts", headers=kela).status_code == 200
    assert api.get(TEXTS, headers=bearer(api, *MASTER)).status_code == 200


def test_the_organisations_closure_day_offers_no_time_and_refuses_a_booking(api):
    admin = bearer(api, *VERO_ADMIN)
    advisor = bearer(api, "neuvoja", "demo-advisor")
    day, other = next_weekday(3), next_weekday(4)
    q = f"/api/slots?service=vero-personal&point=imatra&language=fi&from={day}&to={other}"
    assert {s["start"][:10] for s in api.get(q).json()} >= {day.isoformat(), other.isoformat()}
    body = {"closures": [{"day": day.isoformat(), "reason": "Henkilöstön koulutuspäivä"}]}
    r = api.put("/api/admin/organisations/vero/closures", json=body, headers=admin)
    assert r.status_code == 200 and r.json() == [{"day": day.isoformat(), "reason": "Henkilöstön koulutuspäivä"}]
    starts = {datetime.fromisoformat(s["start"]).astimezone(HELSINKI).date() for s in api.get(q).json()}
    assert day not in starts and other in starts
    refused = _book(api, advisor, day, 10)
    assert refused.status_code == 409 and "closure day" in refused.json()["detail"], refused.text
    assert _book(api, advisor, other, 10).status_code == 201
    # A booking on another day cannot be moved onto the closure day either.
    code = _book(api, advisor, other, 11).json()["code"]
    move = datetime.combine(day, time(12), tzinfo=HELSINKI).isoformat()
    r = api.post(f"/api/bookings/{code}/reschedule", json={"start": move, "channel": "advisor"}, headers=advisor)
    assert r.status_code == 409, r.text
    assert api.get("/api/admin/organisations/vero/closures", headers=admin).json()[0]["day"] == day.isoformat()
    log = api.get("/api/admin/audit?action=organisation.closures", headers=bearer(api, *MASTER)).json()
    assert [e["resource_id"] for e in log["entries"]] == ["vero"]


def test_bad_closure_days_are_refused_and_nothing_is_stored(api):
    admin = bearer(api, *VERO_ADMIN)
    url = "/api/admin/organisations/vero/closures"
    for body, field in (
        ({"closures": [{"day": "2026-02-30", "reason": "x"}]}, "day"),
        ({"closures": [{"day": "2026-12-28", "reason": ""}]}, "reason"),
        ({"closures": [{"day": "2026-12-28", "reason": "r" * 201}]}, "reason"),
        ({"closures": [{"day": "2026-12-28", "reason": "a"}, {"day": "2026-12-28", "reason": "b"}]}, "closures"),
    ):
        r = api.put(url, json=body, headers=admin)
        assert r.status_code == 422, (body, r.text)
        assert any(field in map(str, e["loc"]) for e in r.json()["detail"]), r.text
    assert api.get(url, headers=admin).json() == []


def test_the_audit_view_pages_older_and_newer_with_its_filters(api):
    m = bearer(api, *MASTER)
    for i in range(7):
        assert api.put(f"/api/admin/organisations/o{i}", json={"name": f"O{i}"}, headers=m).status_code == 200
        api.get("/api/admin/accounts?organisation=vero", headers=m)  # entries of another action in between
    first = api.get("/api/admin/audit?action=organisation.&limit=3", headers=m).json()
    assert [e["resource_id"] for e in first["entries"]] == ["o6", "o5", "o4"]
    assert first["older"] and not first["newer"]
    second = api.get(f"/api/admin/audit?action=organisation.&limit=3&before={first['entries'][-1]['seq']}", headers=m)
    page2 = second.json()
    assert [e["resource_id"] for e in page2["entries"]] == ["o3", "o2", "o1"] and page2["older"] and page2["newer"]
    back = api.get(f"/api/admin/audit?action=organisation.&limit=3&after={page2['entries'][0]['seq']}", headers=m)
    assert [e["resource_id"] for e in back.json()["entries"]] == ["o6", "o5", "o4"]
    last = api.get(f"/api/admin/audit?action=organisation.&limit=3&before={page2['entries'][-1]['seq']}", headers=m)
    assert [e["resource_id"] for e in last.json()["entries"]] == ["o0"] and not last.json()["older"]
    kinds = api.get("/api/admin/audit?resource_kind=organisation&action=accounts.list&limit=200", headers=m).json()
    assert {e["action"] for e in kinds["entries"]} == {"accounts.list"} and len(kinds["entries"]) == 7
    assert api.get("/api/admin/audit?before=5&after=2", headers=m).status_code == 422
    assert api.get("/api/admin/audit?action=DROP%20TABLE", headers=m).status_code == 422
    with api.app.state.hub.db() as s:
        assert audit.verify(s).ok
