"""/docs works offline: Swagger UI's files come from the backend, and Authorize carries the login token."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from swagger_ui_bundle import swagger_ui_path

from tests.support.backend_app import login


def test_docs_page_loads_everything_from_the_backend(client: TestClient):
    page = client.get("/docs")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    refs = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert refs, "the page references Swagger UI's script and style"
    assert [r for r in refs if not r.startswith("/")] == []  # no CDN, no external URL at all
    assert "http" not in page.text.lower()
    kinds = {}
    for ref in refs:
        got = client.get(ref)
        assert got.status_code == 200, ref
        kinds[ref.rsplit(".", 1)[-1]] = (got.headers["content-type"], len(got.content))
    assert kinds["js"][0].startswith(("text/javascript", "application/javascript")) and kinds["js"][1] > 100_000
    assert kinds["css"][0].startswith("text/css") and kinds["css"][1] > 10_000
    assert '"/openapi.json"' in page.text and client.get("/openapi.json").status_code == 200


def test_authorize_uses_the_bearer_scheme_on_the_protected_operations(client: TestClient):
    schema = client.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "The token from POST /api/login (Authorize, then paste the token alone).",
    }
    operations = {(method.upper(), path): op for path, ops in schema["paths"].items() for method, op in ops.items()}
    header_params = [
        key
        for key, op in operations.items()
        for p in op.get("parameters", [])
        if p["in"] == "header" and p["name"].lower() == "authorization"
    ]
    assert header_params == []  # Swagger UI would never send them; the scheme does
    signed = {key for key, op in operations.items() if op.get("security") == [{"bearerAuth": []}]}
    assert ("POST", "/api/login") not in signed
    assert {("GET", "/api/bookings"), ("GET", "/api/queue/{point_id}"), ("POST", "/api/queue")} <= signed
    # What Authorize then sends (RFC 6750's header) is what the API accepts.
    assert client.get("/api/queue/imatra").status_code == 401
    token = login(client, "neuvoja", "demo-advisor")  # the point's advisor sees its queue
    signed_in = client.get("/api/queue/imatra", headers={"Authorization": f"Bearer {token}"})
    assert signed_in.status_code == 200, signed_in.text


def test_no_cdn_documentation_pages_are_left(client: TestClient):
    assert client.get("/redoc").status_code == 404


def test_the_bundled_swagger_ui_reads_the_openapi_version_the_app_writes(client: TestClient):
    """Swagger UI 4 cannot render OpenAPI 3.1 (a blank "Unable to render this definition")."""
    written = client.get("/openapi.json").json()["openapi"]
    bundled = int(swagger_ui_path.name.removeprefix("swagger-ui-").split(".")[0])
    assert written.startswith("3.0") or bundled >= 5, (written, swagger_ui_path.name)
