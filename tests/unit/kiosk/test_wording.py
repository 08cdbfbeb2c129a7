"""The one place a screen's words come from: ``say`` and the shared ``Wording``."""

from __future__ import annotations

from types import SimpleNamespace

from kiosk.i18n import all_languages, lobby_heading, queue_text, say
from kiosk.screens.wording import Wording


def test_say_speaks_the_chosen_language_only():
    assert say("start", "sv") == "Börja"
    assert say("start", "fi") == "Aloita"
    assert say("start", "en") == "Start"


def test_before_a_choice_say_speaks_every_language():
    assert say("welcome", None, "  ·  ") == all_languages("welcome", "  ·  ")


def test_queue_and_heading_in_one_language():
    assert queue_text(2, 15, language="sv").count("\n") == 0
    assert queue_text(2, 15, language="sv").startswith("Du är nummer 2 i kön")
    assert lobby_heading(None, language="en") == "Please wait for an official"


def test_bound_widgets_follow_the_language_and_back_to_all():
    wording = Wording()
    label = wording.bind(SimpleNamespace(text=""), "start", " · ", prefix="> ")
    seen: list[str | None] = []
    wording.on_change(seen.append)
    assert label.text == "> " + all_languages("start", " · ")
    wording.set_language("sv")
    assert label.text == "> Börja" and wording.say("back") == "Tillbaka"
    wording.set_language(None)
    assert label.text == "> " + all_languages("start", " · ")
    assert seen == ["sv", None]


def test_an_unknown_language_is_every_language_not_a_guess():
    wording = Wording()
    wording.set_language("sv")
    wording.set_language("xx")
    assert wording.language is None
