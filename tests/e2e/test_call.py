"""The spine: a citizen presses Start, an official admits them, both see and hear each other.

Everything is real except the hardware: the backend and kiosk processes,
Chromium as the official, WebRTC over the machine's own addresses, SQLite.
The booth's touchscreen is a TUIO touch source, its camera a test card and its
microphone a 440 Hz tone; the official's camera is a Y4M file (magenta over
yellow) and microphone a 660 Hz tone.
"""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.e2e.booth_ui import start_walk_in
from tests.e2e.browser import CALL_STATS_JS, REMOTE_PIXELS_JS, audio_heard, sign_in
from tests.e2e.media_files import MAGENTA, YELLOW
from tests.e2e.processes import Backend, Kiosk
from tests.support.waiting import wait_for, wait_while_advancing

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
    # The official works in Swedish today, as the citizen does: chosen on the sign-in screen.
    sign_in(page, backend.url, language="sv")
    assert page.inner_text("#connection") == "Ansluten"
    assert "Väntar i väntrummet" in page.inner_text("body")
    page.screenshot(path=str(shots / "official-lobby-empty-sv.png"))

    kiosk.wait_phase("idle")
    # A walk-in: the citizen chooses their matter (in Swedish), and is routed to the free
    # official who serves it in that language.
    start_walk_in(kiosk, "vero-personal", "sv")
    session_id = kiosk.wait_phase("lobby", timeout=10)["session_id"]

    # The waiting citizen appears on the official's page by itself, offered to them: no reload.
    entry = page.wait_for_selector("li.lobby-entry", timeout=10_000)
    # ... its matter named in the official's language (Swedish), not the Finnish name.
    assert "Imatra booth 1" in entry.inner_text() and "Personbeskattning" in entry.inner_text()
    wait_for("the offer on the official's page", lambda: session_id in page.evaluate(OFFERS_JS), timeout=10)
    assert page.inner_text(f"[data-testid='admit-{session_id}']") == "Ta emot"
    page.screenshot(path=str(shots / "official-lobby-waiting-sv.png"))
    page.click(f"[data-testid='admit-{session_id}']")

    kiosk.wait_phase("in_call", timeout=30)
    page.wait_for_function("() => window.etapiste.state().phase === 'in-call'", timeout=10_000)

    # Both ends decode frames that keep advancing, and audio arrives both ways. A loaded
    # machine may take its time, but a picture or sound that stops advancing fails.
    def booth_media() -> dict | None:
        return kiosk.status()["media"]

    def page_media() -> dict | None:
        return page.evaluate(CALL_STATS_JS)

    def booth_counters(m: dict) -> tuple[int, int]:
        return m["video_frames_received"], m["audio_frames_received"]

    def page_counters(s: dict) -> tuple[int, int]:
        return s["video_frames_decoded"], s["audio_packets_received"]

    first_booth = wait_while_advancing(
        "the booth to decode video and audio",
        booth_media,
        lambda m: m["video_frames_received"] > 30 and m["audio_frames_received"] > 50,
        booth_counters,
    )
    first_page = wait_while_advancing(
        "the official's page to decode video and audio",
        page_media,
        lambda s: s["video_frames_decoded"] > 30 and s["audio_packets_received"] > 50,
        page_counters,
    )
    later_booth = wait_while_advancing(
        "the booth's frame counters to advance",
        booth_media,
        lambda m: (
            m["video_frames_received"] > first_booth["video_frames_received"] + 30
            and m["audio_frames_received"] > first_booth["audio_frames_received"] + 100
        ),
        booth_counters,
    )
    later_page = wait_while_advancing(
        "the page's frame counters to advance",
        page_media,
        lambda s: (
            s["video_frames_decoded"] > first_page["video_frames_decoded"] + 30
            and s["audio_packets_received"] > first_page["audio_packets_received"] + 100
        ),
        page_counters,
    )
    # Levels: the 660 Hz tone at the booth, the 440 Hz tone in the browser (not silence). The
    # browser's over the seconds its counters advanced: its audioLevel alone is the last few
    # milliseconds played, which a gap on a loaded machine turns into silence.
    heard = audio_heard(first_page, later_page)
    figures = {"booth": later_booth, "official": later_page, "heard": heard}
    (artifacts / "call-audio.json").write_text(json.dumps(figures))  # for a person reading the run
    assert later_booth["audio_level_dbfs"] > -40, later_booth
    assert heard["level"] > 0.05, heard

    # The official sees the booth's test card: orange, teal, violet bars.
    def test_card(p: dict | None) -> dict:
        assert p, "no picture yet"
        assert close(p["left"], ORANGE) and close(p["middle"], TEAL) and close(p["right"], VIOLET), p
        return p

    wait_for("the booth's test card on the official's page", lambda: test_card(page.evaluate(REMOTE_PIXELS_JS)))
    assert page.inner_text("#end-call") == "Avsluta samtalet"
    page.screenshot(path=str(shots / "official-in-call-sv.png"))

    # The booth's screen shows the official's camera (magenta over yellow), and the self-view.
    def booth_screen() -> dict[str, float]:
        shot = read_png(shots / "kiosk" / "call-video.png")
        assert shot is not None, "no screenshot of the booth's call screen yet"
        shares = {name: share_of(shot, rgb) for name, rgb in (("magenta", MAGENTA), ("yellow", YELLOW))}
        shares["orange"] = share_of(shot, ORANGE)
        assert shares["magenta"] > 0.15 and shares["yellow"] > 0.15, f"official's picture not on the booth: {shares}"
        assert shares["orange"] > 0.005, f"the citizen's self-view (orange bar) is not on the booth screen: {shares}"
        return shares

    wait_for("the official's picture and the self-view on the booth's screen", booth_screen)

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
    wait_for("the citizen's face camera again", lambda: test_card(page.evaluate(REMOTE_PIXELS_JS)), timeout=10)

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
