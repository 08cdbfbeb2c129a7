"""The API's documentation page at ``/docs``: Swagger UI served by the backend itself, with a working Authorize.

FastAPI's own page loads Swagger UI from a CDN, so on a booth network or a
laptop without internet it stays blank. Here the files come from the
``swagger-ui-bundle-v2`` package (module ``swagger_ui_bundle``; Swagger UI 5,
which reads the OpenAPI 3.1 FastAPI writes — version 4 shows "Unable to render
this definition") and are served under ``/docs/assets/``; the page names
nothing outside the backend.

The API reads ``Authorization: Bearer <token>`` (``backend/api/roles.py``)
as a plain header parameter, and Swagger UI never sends a parameter named
Authorization. ``bearer_openapi`` therefore declares an HTTP bearer security
scheme and puts it on every operation that reads that header (dropping the
header parameter), so "Authorize" with the token from ``POST /api/login``
signs every "Try it out". An API whose dependencies already declare a
security scheme is left as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

DOCS_URL = "/docs"
ASSETS_URL = "/docs/assets"
SCHEME = "bearerAuth"

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<link rel="icon" type="image/png" href="{assets}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({{
  url: "{openapi}",
  dom_id: "#swagger-ui",
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
}});
</script>
</body>
</html>
"""


def add_api_docs(app: FastAPI) -> None:
    """Serve Swagger UI at ``/docs`` from local files; create the app with ``docs_url=None``."""
    app.openapi = bearer_openapi(app)  # type: ignore[method-assign]
    app.mount(ASSETS_URL, StaticFiles(directory=str(swagger_ui_path)), name="swagger-ui")
    page = _PAGE.format(title=escape(f"{app.title} — API"), assets=ASSETS_URL, openapi=app.openapi_url)

    @app.get(DOCS_URL, include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(page)


def bearer_openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """``app.openapi`` with the bearer scheme on the operations that read ``Authorization``."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            app.openapi_schema = with_bearer_scheme(schema)
        return app.openapi_schema

    return openapi


def with_bearer_scheme(schema: dict[str, Any]) -> dict[str, Any]:
    """Replace ``Authorization`` header parameters by the ``bearerAuth`` security requirement."""
    signed = False
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            params = operation.get("parameters", [])
            kept = [p for p in params if not (p.get("in") == "header" and p.get("name", "").lower() == "authorization")]
            if len(kept) == len(params):
                continue
            signed = True
            if kept:
                operation["parameters"] = kept
            else:
                del operation["parameters"]
            operation["security"] = [{SCHEME: []}]
    if signed:
        schemes = schema.setdefault("components", {}).setdefault("securitySchemes", {})
        schemes[SCHEME] = {
            "type": "http",
            "scheme": "bearer",
            "description": "The token from POST /api/login (Authorize, then paste the token alone).",
        }
    return schema
