"""The browser apps' texts: ``GET /i18n/web/{lang}.json`` serves the ``web`` catalogue as JSON.

The page asks for the catalogue of the language the official picked and looks
its texts up by their English source text; see ``texts.web_catalogue`` for the
shape. No login: these are the words of the page itself, the same for everyone.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException

import texts
from protocol.messages import Language


def router() -> APIRouter:
    r = APIRouter(tags=["texts"])

    @r.get(
        "/i18n/web/{lang}.json",
        responses={404: {"description": "not one of the languages offered (fi, sv, en)"}},
    )
    def web_catalogue(lang: str) -> dict[str, Any]:
        """The ``web`` catalogue in ``lang``: ``{"language", "plural", "messages"}``."""
        if lang not in {x.value for x in Language}:
            offered = ", ".join(x.value for x in Language)
            raise HTTPException(404, f"lang: no texts in {lang[:16]!r}; the languages offered are {offered}")
        return texts.web_catalogue(lang)

    return r
