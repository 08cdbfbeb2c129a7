"""The official shares a window with the citizen: the real backend and kiosk, Chromium as the official.

"Share a window" → the browser's capture (Chromium's fake screen under --use-fake-ui-for-media-stream:
shades of pure green, a colour nothing else on the booth's screen has) → a preview only the official
sees → "Show to the citizen" → the booth shows it large, the official small → "Stop sharing" → gone.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.e2e.booth_ui import start_walk_in
from tests.e2e.browser import sign_in
from tests.e2e.processes import Kiosk
from tests.e2e.test_call import read_png
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e

PREVIEW_PLAYING_JS = "() => document.querySelector('#share-video').videoWidth > 0"


def green_share(image_bgr: np.ndarray) -> float:
    """Fraction of pixels that are the fake screen's pure green (no red, no blue to speak of)."""
    b, g, r = (image_bgr[..., i].astype(np.int16) for i in range(3))
    return float(((g > 100) & (r < 90) & (b < 60)).mean())


def booth_screen(shots: Path) -> tuple[dict, np.ndarray] | None:
    dump_path = shots / "kiosk" / "call-video.json"
    shot = read_png(shots / "kiosk" / "call-video.png")
    if not dump_path.exists() or shot is None:
        return None
    return {p["who"]: p for p in json.loads(dump_path.read_text()).get("pictures", [])}, shot


def crop(shot: np.ndarray, rect: list[float]) -> np.ndarray:
    h, w = shot.shape[:2]
    x, y, pw, ph = rect
    return shot[int(y * h) : int((y + ph) * h), int(x * w) : int((x + pw) * w)]


def test_a_shared_window_reaches_the_booth_only_after_the_official_confirms(backend, kiosk: Kiosk, page, artifacts):
    shots = artifacts / "screenshots"
    sign_in(page, backend.url, language="en")
    kiosk.wait_phase("idle")
    start_walk_in(kiosk, "vero-personal", "fi")
    session_id = kiosk.wait_phase("lobby", timeout=10)["session_id"]
    page.click(f"[data-testid='admit-{session_id}']", timeout=10_000)
    kiosk.wait_phase("in_call", timeout=30)
    wait_for("the official's picture on the booth", lambda: (s := booth_screen(shots)) and "official" in s[0], 90)

    # Picked and previewed: only the official sees it.
    page.click("#share-start")
    page.wait_for_selector("[data-testid='share-preview']", state="visible", timeout=10_000)
    page.wait_for_function(PREVIEW_PLAYING_JS, timeout=10_000)
    page.screenshot(path=str(shots / "official-share-preview.png"))

    def fresh_booth_screen(after: int) -> tuple[dict, np.ndarray] | None:
        """A booth screenshot taken after the official's picture passed ``after`` frames."""
        screen = booth_screen(shots)
        return screen if screen and screen[0].get("official", {}).get("frames", 0) > after else None

    before = booth_screen(shots)
    assert before is not None
    frames = before[0]["official"]["frames"]
    pictures, shot = wait_for("a booth screenshot taken during the preview", lambda: fresh_booth_screen(frames), 90)
    assert "shared" not in pictures, pictures
    assert green_share(shot) < 0.005, "nothing of the window is on the booth before the official confirms"

    # Confirmed: the booth shows it large, the official small.
    page.click("#share-confirm")
    page.wait_for_selector("[data-testid='share-bar']", state="visible", timeout=10_000)
    assert page.is_hidden("[data-testid='share-preview']")

    def shown_at_booth() -> dict | None:
        screen = booth_screen(shots)
        if not screen or "shared" not in screen[0]:
            return None
        pictures, shot = screen
        return pictures if green_share(crop(shot, pictures["shared"]["rect"])) > 0.5 else None

    pictures = wait_for("the shared window on the booth's screen", shown_at_booth, timeout=90)
    shared, official = pictures["shared"]["rect"], pictures["official"]["rect"]
    assert shared[2] * shared[3] > 2 * official[2] * official[3], f"the window is the large picture: {pictures}"
    page.screenshot(path=str(shots / "official-sharing.png"))

    # One click stops it: the booth is back to the official's face, with nothing of the window.
    page.click("#share-stop")
    page.wait_for_selector("[data-testid='share-bar']", state="hidden", timeout=10_000)
    assert page.is_visible("#share-start")

    def window_gone() -> bool:
        screen = booth_screen(shots)
        return bool(screen) and "shared" not in screen[0] and green_share(screen[1]) < 0.005

    wait_for("the booth without the shared window", window_gone, timeout=90)

    # Shared again, and the official's page reloads meanwhile: the booth is told the share ended and
    # shows the faces again (no frozen last frame of the window); the reloaded page takes the call back.
    page.click("#share-start")
    page.wait_for_selector("[data-testid='share-preview']", state="visible", timeout=10_000)
    page.wait_for_function(PREVIEW_PLAYING_JS, timeout=10_000)
    page.click("#share-confirm")
    page.wait_for_selector("[data-testid='share-bar']", state="visible", timeout=10_000)
    wait_for("the shared window on the booth's screen again", shown_at_booth, timeout=90)
    page.reload()
    wait_for("the booth without the window after the official's page reloaded", window_gone, timeout=90)
    page.wait_for_function("() => window.etapiste && window.etapiste.state().phase === 'in-call'", timeout=30_000)
    assert kiosk.status()["phase"] == "in_call", "the citizen's call goes on"
    assert page.is_visible("#share-start") and page.is_hidden("[data-testid='share-bar']")
