"""The booth's texts: every one in every screen language, every notice translated, the queue line."""

from __future__ import annotations

import pytest

from kiosk.i18n import (
    LANGUAGE_NAMES,
    LANGUAGES,
    MEETING_LANGUAGES,
    TEXTS,
    all_languages,
    in_language,
    is_screen_only,
    lobby_heading,
    queue_text,
)
from kiosk.session import Notice


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_text_exists_in_every_language(key: str):
    lines = all_languages(key).split("\n")
    assert len(lines) == len(MEETING_LANGUAGES)  # before a choice: the meeting languages, Finnish first
    assert all(text.strip() for text in lines)
    assert lines[0] != lines[2] or key == "offline_hint", "Finnish shown as the English source text"
    russian = in_language(key, "ru")
    assert russian.strip() and russian != lines[2], "Russian shown as the English source text"


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_russian_texts_are_written_in_cyrillic(key: str):
    """No Latin word slips onto a Russian screen (PIN, QR and SMS are the names written on the devices)."""
    latin = [w for w in in_language(key, "ru").replace("{name}", "").split() if w.isascii() and w.isalpha()]
    assert set(latin) <= {"PIN", "QR", "SMS"}, latin


def test_all_three_languages_finnish_first():
    assert all_languages("welcome", "  ·  ") == "Tervetuloa  ·  Välkommen  ·  Welcome"


@pytest.mark.parametrize("notice", [n for n in Notice if n is not Notice.NONE])
def test_every_notice_has_a_text(notice: Notice):
    assert notice.value in TEXTS


def test_language_buttons_name_each_language_in_itself():
    assert [LANGUAGE_NAMES[lang] for lang in LANGUAGES] == ["Suomi", "Svenska", "English", "Русский"]
    assert is_screen_only("ru") and not is_screen_only("fi") and not is_screen_only(None)


def test_one_language_and_finnish_for_an_unknown_one():
    assert in_language("back", "sv") == "Tillbaka"
    assert in_language("back", "de") == "Takaisin"


def test_queue_line_with_an_estimate_one_line_per_language():
    assert queue_text(2, 15).split("\n") == [
        "Olet jonossa 2.  ·  Arvioitu odotus n. 15 min",
        "Du är nummer 2 i kön  ·  Beräknad väntetid ca 15 min",
        "You are number 2 in the queue  ·  Estimated wait about 15 min",
    ]


def test_queue_line_says_so_when_nobody_serves_the_matter():
    fi, _sv, en = queue_text(1, None).split("\n")
    assert fi.endswith("ei ole nyt paikalla") and en.endswith("No official for this matter is present right now")


def test_queue_line_does_not_promise_zero_minutes():
    assert "0 min" not in queue_text(1, 0)


def test_the_lobby_does_not_promise_an_official_when_it_says_none_is_present():
    """Found using the demo: the lobby said both "An official will join you shortly" and
    "No official for this matter is present right now"."""
    shown = lobby_heading(None) + "\n" + queue_text(1, None)
    assert "No official for this matter is present right now" in shown
    assert "shortly" not in shown and "kohta" not in lobby_heading(None)
    assert lobby_heading(None).split("\n")[2] == "Please wait for an official"
    assert lobby_heading(10).split("\n")[2] == "An official will join you shortly"  # someone serves it
    assert lobby_heading(None, queued=False) == all_languages("lobby")  # no queue news yet


def test_queue_line_in_russian_only():
    assert queue_text(2, 15, language="ru") == "Ваш номер в очереди: 2  ·  Ожидание около 15 мин."
