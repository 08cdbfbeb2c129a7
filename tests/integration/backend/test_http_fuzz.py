"""Schema-based HTTP fuzzing (issue #15): nothing a client sends makes the backend answer 5xx or raise.

schemathesis draws requests from the app's own OpenAPI document, valid
(positive) and invalid (negative: wrong types, out-of-range values, missing
fields), for every operation; each drawn request is sent to the real app in-process once
anonymously (with whatever ``Authorization`` the fuzzer made up) and once
signed in as each standing: advisor, official, authority admin, master admin.
Writes succeed too (a service, opening hours, a booking), so the reads after
them are fuzzed against what the fuzzer stored.

Errors logged meanwhile (an exception a background task caught and logged,
say) count too: the test fails on any ERROR record.

The budget is fixed (``EXAMPLES`` per operation, derandomised, so CI runs the
same cases each time) and sized to finish well under 60 s on 2 cores. The
client raises the app's unhandled exceptions, so an exception fails the test
as surely as a 5xx does.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from backend.app import create_app
from backend.config import BackendSettings, EnrollSettings
from etapiste.local_ca import create_ca

#: Drawn requests per operation (each sent five times: anonymous and four standings). 60 takes ≈ 30 s
#: on 2 cores; ETAPISTE_FUZZ_EXAMPLES raises it for a longer hunt (the seed stays fixed).
EXAMPLES = int(os.environ.get("ETAPISTE_FUZZ_EXAMPLES", "60"))

#: Requests the schema allows, and requests it forbids (wrong types, missing fields, out of range).
MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]

#: username, password: one account per standing of the demo seed.
STANDINGS = {
    "advisor": ("neuvoja", "demo-advisor"),
    "official": ("virkailija", "demo-password"),
    "authority_admin": ("vero-admin", "demo-admin"),
    "master_admin": ("paakayttaja", "demo-master"),
}

#: Ids that exist in the demo seed, by the name of the field or parameter that carries them. Random
#: strings almost never name a real point or service, so the fuzzer would only ever see 403 and 404;
#: each such field is, by the fuzzer's own choice, either its drawn value or one of these.
KNOWN: dict[str, list[Any]] = {
    "point_id": ["imatra"],
    "point": ["imatra"],
    "service_id": ["vero-personal", "vero-taxcard"],
    "service": ["vero-personal"],
    "official_id": ["official-1"],
    "booth_id": ["imatra-1"],
    "booth_secret": ["demo-booth-secret"],
    "organisation": ["vero"],
    "language": ["fi", "sv"],
    "lang": ["fi"],
    "channel": ["advisor", "official", "booth"],
}

_SCHEMA = schemathesis.openapi.from_dict(create_app(BackendSettings(database_url="sqlite://")).openapi())
OPERATIONS = {op.label: op for op in (r.ok() for r in _SCHEMA.get_all_operations())}


class Fuzzed:
    """The app under fuzzing and a signed-in token per standing."""

    def __init__(self, client: TestClient, tokens: dict[str, str]) -> None:
        self.client = client
        self.tokens = tokens
        self.errors: list[logging.LogRecord] = []

    def send(self, case: Any, token: str | None) -> Any:
        kw = case.as_transport_kwargs(base_url="http://testserver")
        headers = {k: v for k, v in kw.get("headers", {}).items() if k.lower() not in ("connection", "accept-encoding")}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        body: dict[str, Any] = {}
        if "json" in kw:
            body["json"] = kw["json"]
        elif kw.get("data") is not None:
            body["content"] = kw["data"]
        return self.client.request(kw["method"], kw["url"], params=kw.get("params"), headers=headers, **body)


def steer(data: st.DataObject, case: Any, leave: tuple[str, ...] = ()) -> None:
    """Point some of the drawn ids at things that exist, so the fuzzer reaches past the 404s
    (except the names in ``leave``)."""
    containers = [case.path_parameters, case.query, case.body if isinstance(case.body, dict) else None]
    for container in containers:
        if not container:
            continue
        for name in list(container):
            if name in KNOWN and name not in leave and data.draw(st.booleans(), label=f"known {name}"):
                container[name] = data.draw(st.sampled_from(KNOWN[name]), label=name)


class _Collect(logging.Handler):
    """Keeps every ERROR record logged while fuzzing."""

    def __init__(self, into: list[logging.LogRecord]) -> None:
        super().__init__(logging.ERROR)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(record)


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzed]:
    folder = Path(tmp_path_factory.mktemp("fuzz"))
    db = folder / "fuzz.db"
    # Enrollment on (a booth CA), so its endpoints are fuzzed down their real paths, not to "not configured".
    booth_ca = create_ca(folder / "booth-ca", "Fuzz booth CA")
    enroll = EnrollSettings(ca_cert_file=str(booth_ca.cert), ca_key_file=str(booth_ca.key))
    app = create_app(BackendSettings(database_url=f"sqlite:///{db}", seed_demo=True, enroll=enroll))
    with TestClient(app) as client:  # raise_server_exceptions: an unhandled exception fails the test
        tokens = {}
        for standing, (username, password) in STANDINGS.items():
            r = client.post("/api/login", json={"username": username, "password": password})
            assert r.status_code == 200, r.text
            tokens[standing] = r.json()["token"]
        fuzzed = Fuzzed(client, tokens)
        handler = _Collect(fuzzed.errors)
        logging.getLogger().addHandler(handler)
        try:
            yield fuzzed
        finally:
            logging.getLogger().removeHandler(handler)
        for standing, token in tokens.items():  # still signed in: every standing was fuzzed to the end
            r = client.get("/api/alerts", headers={"Authorization": f"Bearer {token}"})
            assert r.status_code != 401, standing


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_no_request_makes_a_server_error(fuzzed: Fuzzed, label: str):
    operation = OPERATIONS[label]
    if label == "POST /api/logout":
        pytest.skip("would sign the standings out; its body is only a token, fuzzed by the login tests")

    @given(st.data())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(data: st.DataObject) -> None:
        mode = data.draw(st.sampled_from(MODES), label="mode")
        case = data.draw(operation.as_strategy(generation_mode=mode))
        # Deactivating or resetting a standing's own account would sign it out, like logout: those get
        # drawn account ids only (tests/integration/backend/test_api_admin.py covers them on real accounts).
        steer(data, case, ("official_id",) if "/api/admin/accounts/{official_id}" in label else ())
        for token in (None, *fuzzed.tokens.values()):
            response = fuzzed.send(case, token)
            assert response.status_code < 500, f"{label} answered {response.status_code}: {response.text[:300]}"

    run()
    logged = [f"{r.name}: {r.getMessage()[:200]}" for r in fuzzed.errors]
    assert logged == [], f"{label}: errors were logged while fuzzing"
