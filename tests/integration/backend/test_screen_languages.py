"""An authority admin names a service in the booth's screen-only languages; the booth's menu carries it."""

from __future__ import annotations

from tests.support.bookings import *  # noqa: F403
from tests.support.bookings import bearer

BODY = {
    "names": {"fi": "Perintöverotus", "sv": "Arvsbeskattning", "en": "Inheritance tax"},
    "duration_min": 45,
    "identification": "strong_eid",
    "languages": ["fi", "sv"],
}


def test_an_admin_names_a_service_in_russian_and_reads_it_back(api):
    vero = bearer(api, "vero-admin", "demo-admin")
    assert api.get("/api/screen-languages").json() == {"screen_only": ["ru"]}
    body = BODY | {"screen_names": {"ru": "Налог на наследство"}, "screen_descriptions": {"ru": "Помощь с налогом."}}
    r = api.put("/api/admin/services/vero-inheritance", json=body, headers=vero)
    assert r.status_code == 200, r.text
    assert r.json()["screen_names"] == {"ru": "Налог на наследство"}
    listed = {s["id"]: s for s in api.get("/api/services").json()}
    assert listed["vero-inheritance"]["screen_descriptions"] == {"ru": "Помощь с налогом."}
    assert listed["vero-personal"]["screen_names"]["ru"]  # the demo's services have Russian names
    plain = api.put("/api/admin/services/vero-inheritance", json=BODY, headers=vero).json()
    assert plain["screen_names"] == {}  # taken away: the service leaves the booth's Russian screens


def test_a_language_that_is_not_a_screen_only_one_is_refused_naming_the_field(api):
    vero = bearer(api, "vero-admin", "demo-admin")
    german = api.put("/api/admin/services/x", json=BODY | {"screen_names": {"de": "Erbschaft"}}, headers=vero)
    assert german.status_code == 422 and "screen_names: 'de' is not a screen-only language" in german.text
    nameless = BODY | {"screen_descriptions": {"ru": "Описание"}}
    refused = api.put("/api/admin/services/x", json=nameless, headers=vero)
    assert refused.status_code == 422 and "a description in ru needs a name in ru too" in refused.text
