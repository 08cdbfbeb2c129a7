"""A sign-language interpreter joins a citizen's call by one-time link: the real backend and kiosk,
Chromium as the official and (in a context of its own) as the interpreter, the SMS gateway stand-in.

invite from the call view → SMS at the gateway → open the link → device check → wrong code refused,
right code accepted → notice → lobby → the official lets them in → the booth's frames reach the
interpreter, and the interpreter and the official see each other (browser to browser)
→ the official removes them → the link no longer works, and opened elsewhere
(forwarded) shows only that it is no longer valid.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from backend.notify.fake_gateway import FakeSmsGateway
from tests.e2e.booth_ui import start_walk_in
from tests.e2e.browser import sign_in
from tests.e2e.media_files import MAGENTA, YELLOW
from tests.e2e.processes import Backend, Kiosk
from tests.e2e.test_call import read_png, share_of
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e

PHONE = "+358409876543"
#: The booth's picture at the interpreter: a <video> in #remotes whose frames advance.
#: Played-out audio energy received from each peer (``totalAudioEnergy``), over a page's peer connections.
AUDIO_ENERGY_JS = """
async (pcs) => {
  const out = {};
  for (const [peer, pc] of Object.entries(pcs)) {
    (await pc.getStats()).forEach(r => {
      if (r.type === 'inbound-rtp' && r.kind === 'audio') out[peer] = r.totalAudioEnergy || 0;
    });
  }
  return out;
}
"""
GUEST_AUDIO_JS = f"() => ({AUDIO_ENERGY_JS})(window.etapisteGuest.pcs())"
OFFICIAL_GUEST_AUDIO_JS = f"() => ({AUDIO_ENERGY_JS})(window.etapiste.guestPcs())"
REMOTE_FRAMES_JS = """
() => [...document.querySelectorAll('#remotes video')].map(v => v.getVideoPlaybackQuality
  ? v.getVideoPlaybackQuality().totalVideoFrames : 0)
"""


@pytest.fixture
def backend(tmp_path: Path, gateway: FakeSmsGateway) -> Iterator[Backend]:
    proc = Backend(tmp_path, env={"ETAPISTE_NOTIFY_SMS_URL": gateway.url, "ETAPISTE_NOTIFY_POLL_SECONDS": "0.2"})
    yield proc
    proc.stop()


def to_guest(gateway: FakeSmsGateway) -> list[dict]:
    return [m for m in gateway.messages if m["to"] == PHONE]


def test_an_interpreter_is_invited_proves_the_code_waits_and_is_let_in(
    backend: Backend, kiosk: Kiosk, gateway: FakeSmsGateway, page, new_page, artifacts: Path
):
    shots = artifacts / "screenshots"
    sign_in(page, backend.url, language="en")
    kiosk.wait_phase("idle")
    start_walk_in(kiosk, "vero-personal", "fi")
    session_id = kiosk.wait_phase("lobby", timeout=10)["session_id"]
    page.click(f"[data-testid='admit-{session_id}']", timeout=10_000)
    kiosk.wait_phase("in_call", timeout=30)

    # The official invites from the call view.
    page.select_option("#guest-role", "sign_interpreter")
    page.fill("#guest-name", "Viivi Viittoja")
    page.fill("#guest-phone", "040 987 6543")
    page.click("#guest-invite")
    page.wait_for_function("() => document.querySelector('#guest-list li') !== null", timeout=10_000)
    assert "Viivi Viittoja" in page.inner_text("#guest-list")
    [sms] = wait_for("the invitation SMS at the gateway", lambda: to_guest(gateway) or None, timeout=15)
    token = re.search(r"/guest/#([A-Za-z0-9_-]+)", sms["text"]).group(1)
    link = f"{backend.url}/guest/#{token}"  # the SMS names the public address; here the test backend

    guest = new_page(permissions=["camera", "microphone"])
    guest.goto(link)
    guest.wait_for_selector("[data-testid='guest-devices']", state="visible", timeout=10_000)
    guest.screenshot(path=str(shots / "guest-device-check.png"))
    guest.click("#devices-ok")
    guest.click("#code-send")
    code_sms = wait_for("the code SMS", lambda: ((m := to_guest(gateway)[1:]) and m[0]) or None, timeout=15)
    code = re.search(r"\b(\d{6})\b", code_sms["text"]).group(1)
    guest.fill("#code", "000000" if code != "000000" else "111111")
    guest.click("#code-ok")
    guest.wait_for_function(
        "() => document.querySelector('#code-error').textContent.includes('not the code')", timeout=10_000
    )
    guest.fill("#code", code)
    guest.click("#code-ok")
    guest.wait_for_selector("[data-testid='guest-notice']", state="visible", timeout=10_000)
    guest.click("#notice-ok")
    guest.wait_for_selector("[data-testid='guest-lobby']", state="visible", timeout=10_000)
    guest.screenshot(path=str(shots / "guest-lobby.png"))

    # The official sees them at the door and lets them in.
    page.wait_for_selector("[data-testid='guest-waiting'] li", timeout=15_000)
    assert "Viivi Viittoja" in page.inner_text("[data-testid='guest-waiting']")
    page.screenshot(path=str(shots / "official-guest-waiting.png"))
    page.click("[data-testid='guest-waiting'] li button.primary")
    guest.wait_for_selector("[data-testid='guest-call']", state="visible", timeout=15_000)

    # The booth offers to the interpreter (mesh from the booth): its frames keep arriving.
    first = wait_for(
        "the booth's picture at the interpreter",
        lambda: max(guest.evaluate(REMOTE_FRAMES_JS) or [0]) or None,
        timeout=30,
    )
    wait_for("frames that keep advancing", lambda: max(guest.evaluate(REMOTE_FRAMES_JS)) > first + 10, timeout=30)

    # Between the browsers the later joiner (the interpreter) offers to the official: each sees the other.
    def both_pictures() -> list[int] | None:
        frames = guest.evaluate(REMOTE_FRAMES_JS)
        return frames if len(frames) == 2 and min(frames) > 0 else None

    wait_for("the booth's and the official's pictures at the interpreter", both_pictures, timeout=30)

    # The booth's screen: the official large, the interpreter beside, each named with their role
    # in the citizen's Finnish; the interpreter's camera (magenta over yellow) fills their tile.
    def booth_shows_both() -> dict | None:
        dump_path = shots / "kiosk" / "call-video.json"
        dump = json.loads(dump_path.read_text()) if dump_path.exists() else {}
        pictures = {p["who"]: p for p in dump.get("pictures", [])}
        shot = read_png(shots / "kiosk" / "call-video.png")
        if "guest" not in pictures or shot is None:
            return None
        h, w = shot.shape[:2]
        x, y, pw, ph = pictures["guest"]["rect"]
        tile = shot[int(y * h) : int((y + ph) * h), int(x * w) : int((x + pw) * w)]
        shares = {"magenta": share_of(tile, MAGENTA), "yellow": share_of(tile, YELLOW)}
        if min(shares.values()) < 0.15:
            return None  # not the interpreter's picture (yet)
        official, guest = pictures["official"]["rect"], pictures["guest"]["rect"]
        assert official[2] * official[3] > 2 * guest[2] * guest[3], f"the official is the large picture: {pictures}"
        texts = " ".join(t["text"] for t in dump["texts"])
        assert "Viivi Viittoja\nViittomakielen tulkki" in texts and "Virkailija" in texts, texts
        return pictures

    # The booth retakes its screenshot as the official's frames advance: slow on a loaded machine.
    seen_at_booth = wait_for("both remote pictures on the booth's screen", booth_shows_both, timeout=90)
    wait_for(
        "the interpreter's frames advancing on the booth's screen",
        lambda: (p := booth_shows_both()) and p["guest"]["frames"] > seen_at_booth["guest"]["frames"] + 10,
        timeout=90,
    )
    official_sees = (
        "() => [...document.querySelectorAll('video.guest-video')]"
        ".map(v => v.getVideoPlaybackQuality().totalVideoFrames)"
    )
    seen = wait_for(
        "the interpreter's picture at the official",
        lambda: max(page.evaluate(official_sees) or [0]) or None,
        timeout=30,
    )
    wait_for(
        "the interpreter's frames keep advancing", lambda: max(page.evaluate(official_sees)) > seen + 10, timeout=30
    )
    guest.screenshot(path=str(shots / "guest-in-call.png"))
    page.screenshot(path=str(shots / "official-with-interpreter.png"))

    # Sound flows too: the interpreter hears the booth and the official, the official hears the interpreter.
    def louder(js: str, page_, peers: int) -> bool:
        before = page_.evaluate(js)
        if len(before) < peers:
            return False
        later = wait_for(
            "more audio", lambda: (a := page_.evaluate(js)) and all(a[p] > before[p] for p in before) and a, timeout=20
        )
        return len(later) >= peers

    wait_for(
        "the booth's and the official's sound at the interpreter", lambda: louder(GUEST_AUDIO_JS, guest, 2), timeout=30
    )
    wait_for("the interpreter's sound at the official", lambda: louder(OFFICIAL_GUEST_AUDIO_JS, page, 1), timeout=30)

    # The official removes the interpreter: their page says the link is over, and so does reopening it.
    page.wait_for_selector("[data-testid='guest-in-call'] li", timeout=10_000)
    assert "Viivi Viittoja" in page.inner_text("[data-testid='guest-in-call']")
    page.screenshot(path=str(shots / "official-guest-in-call.png"))
    page.click("[data-testid='guest-in-call'] li [data-testid='guest-remove']")
    guest.wait_for_selector("[data-testid='guest-gone']", state="visible", timeout=15_000)
    page.wait_for_function("() => !document.querySelector('#guest-in-call li')", timeout=10_000)
    assert kiosk.status()["phase"] == "in_call", "the citizen's call goes on without them"
    guest.reload()
    guest.wait_for_selector("[data-testid='guest-gone']", state="visible", timeout=10_000)

    # A second invitation, cancelled by the official before use: its link shows the same clear page.
    page.select_option("#guest-role", "support_person")
    page.fill("#guest-name", "Tuula Tukena")
    page.fill("#guest-phone", "040 555 0101")
    page.click("#guest-invite")
    second = wait_for(
        "the second invitation SMS",
        lambda: [m for m in gateway.messages if m["to"] == "+358405550101"] or None,
        timeout=15,
    )
    revoked_link = f"{backend.url}/guest/#" + re.search(r"/guest/#([A-Za-z0-9_-]+)", second[0]["text"]).group(1)
    page.click("#guest-list li[data-state='invited'] button", timeout=10_000)
    page.wait_for_selector("#guest-list li[data-state='revoked']", timeout=10_000)
    revoked = new_page()
    revoked.goto(revoked_link)
    revoked.wait_for_selector("[data-testid='guest-gone']", state="visible", timeout=10_000)

    # Forwarded after use: another browser opening the same link learns nothing.
    stranger = new_page()
    stranger.goto(link)
    stranger.wait_for_selector("[data-testid='guest-gone']", state="visible", timeout=10_000)
    assert "no longer valid" in stranger.inner_text("[data-testid='guest-gone']")
    assert "Viivi" not in stranger.inner_text("body")
    stranger.screenshot(path=str(shots / "guest-link-forwarded.png"))
