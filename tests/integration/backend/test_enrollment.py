"""Enrollment through the real app: the admin's one-time token, the booth's first certificate, renewal,
and the per-booth secret refused once the booth has a certificate."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from backend.app import create_app
from backend.config import BackendSettings, EnrollSettings
from backend.store.admin_models import AuditEntry
from etapiste.local_ca import create_ca
from kiosk.identity import Identity
from tests.support.bookings import bearer

MASTER = ("paakayttaja", "demo-master")
T0 = 1_790_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def api(tmp_path: Path, clock: Clock) -> Iterator[TestClient]:
    ca = create_ca(tmp_path / "booth-ca", "Etäpiste booth CA")
    settings = BackendSettings(
        database_url=f"sqlite:///{tmp_path}/e.db",
        seed_demo=True,
        enroll=EnrollSettings(ca_cert_file=str(ca.cert), ca_key_file=str(ca.key), cert_days=6, token_minutes=30),
    )
    with TestClient(create_app(settings, clock=clock)) as c:
        yield c


def _token(api: TestClient, booth_id: str = "imatra-1") -> str:
    r = api.post(f"/api/admin/booths/{booth_id}/enrollment", headers=bearer(api, *MASTER))
    assert r.status_code == 201, r.text
    return r.json()["token"]


def _audit(api: TestClient) -> list[tuple[str, str, str]]:
    with api.app.state.hub.db() as s:
        return [(e.actor, e.action, e.resource_id) for e in s.scalars(select(AuditEntry).order_by(AuditEntry.seq))]


def test_a_token_enrolls_once_and_then_the_secret_no_longer_works(api, tmp_path):
    token = _token(api)
    ident = Identity(tmp_path / "identity")
    r = api.post("/api/booths/enroll", json={"token": token.lower().replace("-", " "), "csr": ident.csr_pem()})
    assert r.status_code == 200, r.text
    assert r.json()["booth_id"] == "imatra-1" and r.json()["not_after"] == T0 + 6 * 86400
    ident.store(r.json())
    assert ident.booth_id() == "imatra-1"
    # Single use: a second booth with the same token gets nothing.
    other = Identity(tmp_path / "other")
    again = api.post("/api/booths/enroll", json={"token": token, "csr": other.csr_pem()})
    assert again.status_code == 400 and again.json()["detail"].startswith("token:")
    # The per-booth secret is refused for the enrolled booth, still accepted for one not enrolled.
    with api.websocket_connect("/ws") as ws:
        ws.send_json({"type": "hello", "role": "booth", "booth_id": "imatra-1", "token": "demo-booth-secret"})
        err = ws.receive_json()
        assert (err["type"], err["code"]) == ("error", "auth_failed")
    listed = {b["booth_id"]: b for b in api.get("/api/admin/booths", headers=bearer(api, *MASTER)).json()}
    assert listed["imatra-1"]["enrolled"] and listed["imatra-1"]["certificate_until"] == T0 + 6 * 86400
    actions = [a[1] for a in _audit(api)]
    assert "booth.enrollment_token" in actions and ("imatra-1", "booth.enroll", "imatra-1") in _audit(api)
    assert token not in str(_audit(api))  # the token is never written down


def test_a_token_expires_and_a_newer_one_replaces_it(api, tmp_path, clock):
    first = _token(api)
    second = _token(api)
    csr = Identity(tmp_path / "identity").csr_pem()
    assert api.post("/api/booths/enroll", json={"token": first, "csr": csr}).status_code == 400
    clock.now += 31 * 60
    late = api.post("/api/booths/enroll", json={"token": second, "csr": csr})
    assert late.status_code == 400 and "expired" in late.json()["detail"]


def test_only_the_master_admin_makes_tokens_and_a_bad_request_names_the_field(api, tmp_path):
    official = bearer(api, "virkailija", "demo-password")
    assert api.post("/api/admin/booths/imatra-1/enrollment", headers=official).status_code == 403
    assert api.post("/api/admin/booths/imatra-1/enrollment").status_code == 401
    r = api.post("/api/admin/booths/nowhere/enrollment", headers=bearer(api, *MASTER))
    assert r.status_code == 404
    bad = api.post("/api/booths/enroll", json={"token": _token(api), "csr": "-----BEGIN nonsense"})
    assert bad.status_code == 400 and bad.json()["detail"].startswith("csr:")


def test_renewal_needs_the_same_key_and_a_certificate_still_valid(api, tmp_path, clock):
    ident = Identity(tmp_path / "identity")
    first = api.post("/api/booths/enroll", json={"token": _token(api), "csr": ident.csr_pem()}).json()
    clock.now += 5 * 86400
    r = api.post("/api/booths/renew", json={"csr": ident.csr_pem()})
    assert r.status_code == 200, r.text
    assert r.json()["booth_id"] == "imatra-1" and r.json()["not_after"] == clock.now + 6 * 86400
    assert r.json()["certificate"] != first["certificate"]
    # A key that was never enrolled gets nothing, nor does the right key once everything has expired.
    stranger = api.post("/api/booths/renew", json={"csr": Identity(tmp_path / "x").csr_pem()})
    assert stranger.status_code == 400 and "enroll with a new token" in stranger.json()["detail"]
    clock.now += 7 * 86400
    assert api.post("/api/booths/renew", json={"csr": ident.csr_pem()}).status_code == 400
    assert ("imatra-1", "booth.renew", "imatra-1") in _audit(api)


def test_a_retired_booth_cannot_renew_nor_get_a_token(api, tmp_path):
    ident = Identity(tmp_path / "identity")
    assert api.post("/api/booths/enroll", json={"token": _token(api), "csr": ident.csr_pem()}).status_code == 200
    m = bearer(api, *MASTER)
    assert api.post("/api/admin/booths/imatra-1/retire", headers=m).status_code == 204
    assert api.post("/api/booths/renew", json={"csr": ident.csr_pem()}).status_code == 400
    assert api.post("/api/admin/booths/imatra-1/enrollment", headers=m).status_code == 409


def test_without_a_booth_ca_enrollment_says_it_is_not_configured(tmp_path):
    settings = BackendSettings(database_url=f"sqlite:///{tmp_path}/n.db", seed_demo=True)
    with TestClient(create_app(settings)) as api:
        r = api.post("/api/admin/booths/imatra-1/enrollment", headers=bearer(api, *MASTER))
        assert r.status_code == 503 and "ETAPISTE_ENROLL_CA_CERT_FILE" in r.json()["detail"]
