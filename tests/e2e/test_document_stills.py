"""Document stills in a call: the official presses "Take a picture" three times and reads each page.

The booth's document camera is a simulated camera playing an A4 page at 300
dpi (2480x1754, landscape A4's pixels), a different page number on each frame:
each still must reach the official's page at that full resolution (the call's
video is far smaller), in order, zoomable; and be gone when the call ends.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.e2e.booth_ui import start_walk_in
from tests.e2e.browser import sign_in
from tests.e2e.privacy import traces
from tests.e2e.processes import Backend, Kiosk

pytestmark = pytest.mark.e2e

WIDTH, HEIGHT = 2480, 1754
STILLS_JS = "() => window.etapiste.state().stills"


def write_pages(path: Path, pages: int = 3) -> Path:
    """An A4 page per frame, each with its number and lines of text."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 5, (WIDTH, HEIGHT))
    for n in range(1, pages + 1):
        page = np.full((HEIGHT, WIDTH, 3), 250, np.uint8)
        cv2.putText(page, f"Page {n}", (200, 300), cv2.FONT_HERSHEY_SIMPLEX, 6, (20, 20, 20), 12)
        for row in range(500, HEIGHT - 150, 90):
            cv2.putText(page, "Verokortti 2027 - tuloraja 35 000 euroa", (200, row), cv2.FONT_HERSHEY_SIMPLEX, 2, 30, 3)
        writer.write(page)
    writer.release()
    return path


@pytest.fixture
def document_kiosk(tmp_path: Path, backend: Backend, artifacts: Path):
    proc = Kiosk(
        tmp_path,
        backend.port,
        artifacts / "screenshots" / "kiosk-stills",
        document_video=write_pages(tmp_path / "pages.avi"),
    )
    yield proc
    code = proc.stop()
    assert code == 0, proc.log()[-3000:]


def test_three_pages_reach_the_official_at_full_resolution_and_leave_with_the_call(
    backend: Backend, document_kiosk: Kiosk, page, artifacts: Path, tmp_path: Path
):
    kiosk = document_kiosk
    sign_in(page, backend.url)
    # The device check before the first call: my camera's picture, my microphone on the meter, a test sound.
    page.click("#device-check")
    page.wait_for_function("() => Number(document.querySelector('#mic-meter').dataset.dbfs) > -50", timeout=15_000)
    assert page.inner_text("#mic-result") == "Your microphone is heard."
    page.click("#speaker-test")
    assert page.inner_text("#speaker-result").startswith("Did you hear two notes?")
    page.wait_for_function("() => document.querySelector('#check-video').videoWidth > 0", timeout=10_000)
    page.screenshot(path=str(artifacts / "screenshots" / "official-device-check.png"))
    kiosk.wait_phase("idle")
    start_walk_in(kiosk, "vero-personal")
    sid = kiosk.wait_phase("lobby", timeout=10)["session_id"]
    page.click(f"[data-testid='admit-{sid}']", timeout=10_000)
    kiosk.wait_phase("in_call", timeout=30)
    page.wait_for_function("() => !document.querySelector('#still-take').disabled", timeout=15_000)
    page.wait_for_function("() => document.querySelector('#device-panel').hidden", timeout=5_000)  # the call has them

    for n in (1, 2, 3):
        page.click("#still-take")
        page.wait_for_function(f"() => window.etapiste.state().stills.length === {n}", timeout=20_000)
        # Shown at once, in the viewer, at the camera's full resolution.
        page.wait_for_function(
            f"() => {{ const i = document.querySelector('#still-image');"
            f" return i.complete && i.naturalWidth === {WIDTH} && i.naturalHeight === {HEIGHT}; }}",
            timeout=10_000,
        )
    stills = page.evaluate(STILLS_JS)
    assert [(s["width"], s["height"]) for s in stills] == [(WIDTH, HEIGHT)] * 3
    assert len({s["id"] for s in stills}) == 3
    assert page.inner_text("#stills").count("Page") == 3

    before = page.inner_text("#still-zoom")
    page.click("#still-zoom-in")
    page.click("#still-zoom-in")
    assert page.inner_text("#still-zoom") != before
    box = page.locator("#still-frame").bounding_box()
    page.mouse.move(box["x"] + 200, box["y"] + 200)
    page.mouse.down()
    page.mouse.move(box["x"] + 100, box["y"] + 120, steps=4)
    page.mouse.up()
    page.screenshot(path=str(artifacts / "screenshots" / "official-document-still-zoomed.png"))
    page.click("[data-testid='still-1']")
    page.wait_for_function("() => document.querySelector('#still-zoom').textContent.trim() !== ''")
    page.screenshot(path=str(artifacts / "screenshots" / "official-document-stills.png"))

    # Mute and camera off: the official's own tracks stop sending, the call goes on.
    # (The screen-share line's sender has no track until the official shares a window.)
    tracks = (
        "() => window.etapiste.pc().getSenders().filter((s) => s.track).map((s) => [s.track.kind, s.track.enabled])"
    )
    page.click("#mute")
    page.click("#camera-off")
    assert sorted(page.evaluate(tracks)) == [["audio", False], ["video", False]]
    assert page.inner_text("#mute") == "Unmute" and page.get_attribute("#camera-off", "aria-pressed") == "true"
    page.click("#mute")
    page.click("#camera-off")
    assert sorted(page.evaluate(tracks)) == [["audio", True], ["video", True]]

    page.click("#end-call")
    kiosk.wait_phase("idle", timeout=20)
    assert page.query_selector("#stills li") is None and page.is_hidden("#still-viewer")
    assert "uploaded" in kiosk.log()  # the booth logs that it sent a still, never what was on it
    assert traces(tmp_path, kiosk.log(), ()) == []  # no picture of the papers was ever a file on the booth
