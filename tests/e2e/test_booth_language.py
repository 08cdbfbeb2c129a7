"""A citizen goes from Start to the end of a call in the one language they chose, in any look.

Real backend and kiosk processes, Chromium as the official. The citizen taps
their language on the attract screen (each in its own name); from then on every
screen the booth shows — judged from the widget dump written beside each
screenshot — carries that language only, text no smaller than the panel's
scale allows, buttons of 15 mm or more and WCAG AA contrast; after the call the
next citizen is greeted in every language, in the normal look, again.

Russian is a screen-only language: every screen in Russian (Cyrillic makes the
one-language check strong: no Latin text of the booth's other languages), a
"language of the meeting" step on the choice screen (Finnish, named in Russian),
and the official's lobby row and call view say that the citizen reads Russian.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kiosk.i18n import LANGUAGE_NAMES, in_language, is_screen_only
from tests.e2e.booth_screens import (
    cut_texts,
    low_contrast,
    other_language_on,
    read_dump,
    small_targets,
    smallest_text,
)
from tests.e2e.booth_ui import tap, type_code
from tests.e2e.browser import sign_in
from tests.e2e.processes import Backend, Kiosk
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e


def look_suffix(looks: tuple[str, ...]) -> str:
    """The screenshots' names carry the look: "-large", "-contrast" (in this order)."""
    return ("-large" if "large_text" in looks else "") + ("-contrast" if "high_contrast" in looks else "")


def walk(backend: Backend, kiosk: Kiosk, page, artifacts: Path, language: str, looks: tuple[str, ...]) -> None:
    """Start to the end of a call in ``language``, with the ``looks`` ("large_text", "high_contrast") on."""
    shots = artifacts / "screenshots" / "kiosk"
    sign_in(page, backend.url)
    kiosk.wait_phase("idle")

    first = read_dump(shots, "attract")
    shown = " ".join(t["text"] for t in first["texts"])
    assert all(name in shown for name in LANGUAGE_NAMES.values()), shown  # every language, in its own name
    assert other_language_on(first, language)  # ... which the one-language check does see

    tap(kiosk, f"lang:{language}")
    read_dump(shots, f"attract-{language}")
    for n, look in enumerate(looks):
        tap(kiosk, f"look:{look}")
        so_far = read_dump(shots, f"attract{look_suffix(looks[: n + 1])}-{language}")  # taken once it is drawn
        assert all(so_far["look"][x] for x in looks[: n + 1])
    suffix = f"{look_suffix(looks)}-{language}"
    smallest: dict[str, float] = {}

    def judge(screen: str) -> dict:
        name = f"{screen}{suffix}"
        dump = read_dump(shots, name)
        assert dump["language"] == language and all(dump["look"][look] for look in looks), name
        assert other_language_on(dump, language) == [], name
        assert low_contrast(dump) == [], name
        assert smallest_text(dump) >= dump["min_text_px"] - 0.5, name
        assert small_targets(dump) == [], name
        assert cut_texts(dump) == [], name  # a longer word or sentence wraps inside its box, never cut
        smallest[name] = round(smallest_text(dump), 1)
        return dump

    attract = judge("attract")
    assert in_language("start", language) in [t["text"] for t in attract["texts"]]
    tap(kiosk, "start")
    choose = judge("choose")
    if is_screen_only(language):
        # The meeting's language, named in the screen's: Finnish is selected, an interpreter can be asked for.
        on_choose = [t["text"] for t in choose["texts"]]
        assert in_language("meeting_language", language) in on_choose, on_choose
        assert in_language("meeting_fi", language) in on_choose
        assert in_language("interpreter_note", language) in on_choose
        assert "Налогообложение физических лиц" in on_choose  # the matter in Russian, from the backend's catalogue
        assert "service:vero-taxcard" in kiosk.status()["targets"]  # named in Russian too, served in Finnish
    tap(kiosk, "service:vero-personal")
    session_id = kiosk.wait_phase("lobby", timeout=10)["session_id"]
    judge("lobby")
    wait_for("the offer on the official's page", lambda: page.query_selector(f"[data-testid='admit-{session_id}']"))
    reads = page.locator(f"[data-testid='screen-language-{session_id}']")
    if is_screen_only(language):
        # The official sees that the citizen reads Russian while the meeting is in Finnish.
        wait_for("the lobby row to say the citizen reads Russian", lambda: "Russian" in (reads.text_content() or ""))
        assert reads.is_visible()
    else:
        assert not reads.is_visible()
    page.click(f"[data-testid='admit-{session_id}']")
    kiosk.wait_phase("in_call", timeout=30)
    call_note = page.locator("[data-testid='call-screen-language']")
    if is_screen_only(language):
        wait_for("the call view to say the citizen reads Russian", lambda: call_note.is_visible())
        assert "interpreter" in (call_note.text_content() or "")
    else:
        assert not call_note.is_visible()
    call = judge("call")
    on_call = [t["text"] for t in call["texts"]]
    assert in_language("louder", language) in " ".join(on_call)
    assert in_language("call_with", language).format(name="Veera Virkailija") in on_call  # who they talk to
    assert in_language("call_connected", language) in on_call
    # The call button's twin on the screen: the same path to the advisor, answered in the citizen's language.
    tap(kiosk, "advisor")
    called = judge("assist-requested")
    assert in_language("assist_requested", language) in [t["text"] for t in called["texts"]]
    page.click("#end-call")
    kiosk.wait_phase("ended", timeout=10)
    ended = judge("ended-call_ended")
    assert in_language("call_ended", language) in [t["text"] for t in ended["texts"]]

    # The next citizen: every language, normal look.
    kiosk.wait_phase("idle", timeout=20)
    wait_for("the language buttons again", lambda: f"lang:{language}" in (kiosk.status().get("targets") or {}))
    again = read_dump(shots, "attract")
    assert not any(again["look"].values()) and again["language"] is None

    kept = artifacts / "screenshots" / "booth-access" / suffix.lstrip("-")
    shutil.rmtree(kept, ignore_errors=True)
    shutil.copytree(shots, kept)  # the kiosk fixture clears its folder for the next test
    print(f"smallest text per screen, px ({suffix.lstrip('-')}):", smallest)


@pytest.mark.parametrize("language", ["fi", "sv", "en", "ru"])
def test_start_to_end_of_call_in_one_language(backend: Backend, kiosk: Kiosk, page, artifacts: Path, language: str):
    walk(backend, kiosk, page, artifacts, language, ())


@pytest.mark.parametrize("language", ["fi", "ru"])  # Russian: longer words must wrap, not run over the edges
def test_start_to_end_of_call_in_large_text_and_high_contrast(
    backend: Backend, kiosk: Kiosk, page, artifacts: Path, language: str
):
    walk(backend, kiosk, page, artifacts, language, ("large_text", "high_contrast"))


def test_the_booking_path_speaks_the_chosen_language(backend: Backend, kiosk: Kiosk, artifacts: Path):
    """The check-in keypad and the backend's answer to an unknown code, in English only."""
    shots = artifacts / "screenshots" / "kiosk"
    kiosk.wait_phase("idle")
    tap(kiosk, "lang:en")
    tap(kiosk, "booking")
    kiosk.wait_phase("checkin")
    keypad = read_dump(shots, "checkin-en")
    assert other_language_on(keypad, "en") == [] and low_contrast(keypad) == [] and small_targets(keypad) == []
    assert smallest_text(keypad) >= keypad["min_text_px"] - 0.5
    assert in_language("checkin", "en") in [t["text"] for t in keypad["texts"]]
    type_code(kiosk, "K7M2QX")
    wait_for("the backend's answer", lambda: kiosk.status().get("checkin_result") == "unknown_code", timeout=15)
    answer = read_dump(shots, "checkin-answer-en")
    shown = [t["text"] for t in answer["texts"]]
    # The backend's words come in every language; only the English is on the screen.
    assert other_language_on(answer, "en") == [], shown
    assert not any("varaus" in t.lower() or "bokning" in t.lower() for t in shown), shown
    kept = artifacts / "screenshots" / "booth-access" / "checkin-en"
    shutil.rmtree(kept, ignore_errors=True)
    shutil.copytree(shots, kept)
