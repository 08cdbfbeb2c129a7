"""A citizen goes from Start to the end of a call in the one language they chose.

Real backend and kiosk processes, Chromium as the official. The citizen taps
their language on the attract screen (each in its own name); from then on every
screen the booth shows — judged from the widget dump written beside each
screenshot — carries that language only, with WCAG AA contrast; after the call
the next citizen is greeted in every language again.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kiosk.i18n import LANGUAGE_NAMES, in_language
from tests.e2e.booth_screens import low_contrast, other_language_on, read_dump, small_targets, smallest_text
from tests.e2e.booth_ui import tap
from tests.e2e.browser import sign_in
from tests.e2e.processes import Backend, Kiosk
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_start_to_end_of_call_in_one_language(backend: Backend, kiosk: Kiosk, page, artifacts: Path, language: str):
    shots = kiosk_shots = artifacts / "screenshots" / "kiosk"
    sign_in(page, backend.url)
    kiosk.wait_phase("idle")

    first = read_dump(kiosk_shots, "attract")
    shown = " ".join(t["text"] for t in first["texts"])
    assert all(name in shown for name in LANGUAGE_NAMES.values()), shown  # every language, in its own name
    assert other_language_on(first, language)  # ... which the one-language check does see

    tap(kiosk, f"lang:{language}")
    judged = {}

    def judge(name: str) -> dict:
        dump = read_dump(shots, name)
        assert dump["language"] == language
        assert other_language_on(dump, language) == [], name
        assert low_contrast(dump) == [], name
        assert smallest_text(dump) >= dump["min_text_px"] - 0.5, name
        assert small_targets(dump) == [], name
        judged[name] = smallest_text(dump)
        return dump

    attract = judge(f"attract-{language}")
    assert in_language("start", language) in [t["text"] for t in attract["texts"]]
    tap(kiosk, "start")
    judge(f"choose-{language}")
    tap(kiosk, "service:vero-personal")
    session_id = kiosk.wait_phase("lobby", timeout=10)["session_id"]
    judge(f"lobby-{language}")
    wait_for("the offer on the official's page", lambda: page.query_selector(f"[data-testid='admit-{session_id}']"))
    page.click(f"[data-testid='admit-{session_id}']")
    kiosk.wait_phase("in_call", timeout=30)
    call = judge(f"call-{language}")
    assert in_language("louder", language) in " ".join(t["text"] for t in call["texts"])
    page.click("#end-call")
    kiosk.wait_phase("ended", timeout=10)
    ended = judge(f"ended-call_ended-{language}")
    assert in_language("call_ended", language) in [t["text"] for t in ended["texts"]]

    # The next citizen: every language again.
    kiosk.wait_phase("idle", timeout=20)
    wait_for("the language buttons again", lambda: f"lang:{language}" in (kiosk.status().get("targets") or {}))

    kept = artifacts / "screenshots" / "booth-language" / language
    shutil.rmtree(kept, ignore_errors=True)
    shutil.copytree(shots, kept)  # the kiosk fixture clears its folder for the next test
    print(f"smallest text per screen, px ({language}):", judged)
