"""GET /i18n/web/{lang}.json: the browser apps' texts, as the page fetches them."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

import texts


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_page_gets_its_catalogue_in_each_language(client: TestClient, lang: str):
    response = client.get(f"/i18n/web/{lang}.json")
    assert response.status_code == 200
    body = response.json()
    assert body["language"] == lang and body["plural"] == "(n != 1)"
    assert body == texts.web_catalogue(lang)
    assert all(isinstance(v, str | list) for v in body["messages"].values())


@pytest.mark.parametrize("lang", ["de", "FI", "fi-FI", "x" * 200])
def test_a_language_not_offered_is_404_naming_the_ones_that_are(client: TestClient, lang: str):
    response = client.get(f"/i18n/web/{lang}.json")
    assert response.status_code == 404
    detail = response.json()["detail"]
    assert detail.startswith("lang: no texts in") and detail.endswith("the languages offered are fi, sv, en")
    assert len(detail) < 120
