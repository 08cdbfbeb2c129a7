"""The spine: a citizen presses Start, an official admits them, both see and hear each other.

Everything is real except the hardware: the backend and kiosk processes,
Chromium as the official, WebRTC over the machine's own addresses, SQLite.
The booth's touchscreen is a TUIO touch source, its camera a test card and its
microphone a 440 Hz tone; the official's camera is a Y4M file (magenta over
yellow) and microphone a 660 Hz tone.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.e2e.booth_ui import start_walk_in
from tests.e2e.browser import CALL_STATS_JS, REMOTE_PIXELS_JS, sign_in
from tests.e2e.media_files import MAGENTA, YELLOW
from tests.e2e.processes import Backend, Kiosk
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e

#: The kiosk's test card bars, RGB (drivers.sim.camera.BARS_BGR reversed).
ORANGE, TEAL, VIOLET = (255, 140, 0), (0, 160, 160), (140, 40, 200)


def close(colour: list[float] | tuple[int, ...], expected: tuple[int, int, int], tol: float = 45) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(colour, expected, strict=True))


def share_of(image_bgr: np.ndarray, rgb: tuple[int, int, int], tol: int = 45) -> float:
    """Fraction of the screenshot's pixels within ``tol`` of an RGB colour."""
    target = np.array(rgb[::-1], dtype=np.int16)
    near = np.all(np.abs(image_bgr.astype(np.int16) - target) <= tol, axis=2)
    return float(near.mean())


OFFERS_JS = "() => window.etapiste.state().offers"


def read_png(path: Path) -> np.ndarray | None:
    """The image, once the kiosk has finished writing it."""
    image = cv2.imread(str(path)) if path.exists() else None
    return image if image is not None and image.size else None


def test_official_admits_booth_and_both_sides_see_and_hear(backend: Backend, kiosk: Kiosk, page, artifacts: Path):
    shots = artifacts / "screenshots"
    sign_in(page, backend.url)
    page.screenshot(path=str(shots / "official-lobby-empty.png"))

    kiosk.wait_phase("idle")
    # A walk-in: the citizen chooses their matter (in Swedish), and is routed to the free
    # official who serves it in that language.
    start_walk_in(kiosk, "vero-personal", "sv")
    session_id = kiosk.wait_phase("lobby", timeout=10)["session_id"]

    # The waiting citizen appears on the official's page by itself, offered to them: no reload.
    entry = page.wait_for_selector("li.lobby-entry", timeout=10_000)
    assert "Imatra booth 1" in entry.inner_text() and "Henkilöverotus" in entry.inner_text()
    wait_for("the offer on the official's page", lambda: session_id in page.evaluate(OFFERS_JS), timeout=10)
    page.screenshot(path=str(shots / "official-lobby-waiting.png"))
    page.click(f"[data-testid='admit-{session_id}']")

    kiosk.wait_phase("in_call", timeout=30)
    page.wait_for_function("() => window.etapiste.state().phase === 'in-call'", timeout=10_000)

    # Both ends decode frames that keep advancing, and audio arrives both ways.
    first_booth = wait_for(
        "the booth to decode video and audio",
        lambda: (
            (m := kiosk.status()["media"]) and m["video_frames_received"] > 30 and m["audio_frames_received"] > 50 and m
        ),
        timeout=20,
    )
    first_page = wait_for(
        "the official's page to decode video and audio",
        lambda: (
            (s := page.evaluate(CALL_STATS_JS))
            and s["video_frames_decoded"] > 30
            and s["audio_packets_received"] > 50
            and s
        ),
        timeout=20,
    )
    # ... and keep advancing (polled, not timed: the machine may be slow, never stuck).
    later_booth = wait_for(
        "the booth's frame counters to advance",
        lambda: (
            (m := kiosk.status()["media"])
            and m["video_frames_received"] > first_booth["video_frames_received"] + 30
            and m["audio_frames_received"] > first_booth["audio_frames_received"] + 100
            and m
        ),
        timeout=20,
    )
    later_page = wait_for(
        "the page's frame counters to advance",
        lambda: (
            (s := page.evaluate(CALL_STATS_JS))
            and s["video_frames_decoded"] > first_page["video_frames_decoded"] + 30
            and s["audio_packets_received"] > first_page["audio_packets_received"] + 100
            and s
        ),
        timeout=20,
    )
    # Levels: the 660 Hz tone at the booth, the 440 Hz tone in the browser (not silence).
    assert later_booth["audio_level_dbfs"] > -40, later_booth
    assert later_page["audio_level"] > 0.05, later_page

    # The official sees the booth's test card: orange, teal, violet bars.
    pixels = wait_for("the remote video on the official's page", lambda: page.evaluate(REMOTE_PIXELS_JS))
    assert close(pixels["left"], ORANGE), pixels
    assert close(pixels["middle"], TEAL), pixels
    assert close(pixels["right"], VIOLET), pixels
    page.screenshot(path=str(shots / "official-in-call.png"))

    # The official switches the booth to its document camera: a white page with text arrives
    # (the test card's mean is far darker: its bars are saturated colours).
    page.click("#camera-toggle")
    document = wait_for(
        "the document camera's picture on the official's page",
        lambda: (p := page.evaluate(REMOTE_PIXELS_JS)) and min(p["mean"]) > 190 and p,
        timeout=10,
    )
    assert document["size"], document
    page.screenshot(path=str(shots / "official-document-camera.png"))
    page.click("#camera-toggle")
    wait_for(
        "the citizen's face camera again", lambda: close(page.evaluate(REMOTE_PIXELS_JS)["left"], ORANGE), timeout=10
    )

    # The booth's screen shows the official's camera (magenta over yellow), and the self-view.
    booth_shot = wait_for("the booth's in-call screenshot", lambda: read_png(shots / "kiosk" / "call-video.png"))
    assert share_of(booth_shot, MAGENTA) > 0.15, "official's picture (magenta half) not on the booth screen"
    assert share_of(booth_shot, YELLOW) > 0.15, "official's picture (yellow half) not on the booth screen"
    assert share_of(booth_shot, ORANGE) > 0.005, "the citizen's self-view is not on the booth screen"

    # The official hangs up; both return to idle.
    page.click("#end-call")
    kiosk.wait_phase("ended", timeout=10)
    page.wait_for_function("() => window.etapiste.state().phase === 'lobby'", timeout=10_000)
    assert page.evaluate("() => window.etapiste.pc()") is None
    status = kiosk.wait_phase("idle", timeout=20)
    assert status["calls_completed"] == 1
    assert status["media"] is None
    assert page.query_selector("li.lobby-entry") is None
    page.screenshot(path=str(shots / "official-after-call.png"))
