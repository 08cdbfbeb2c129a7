"""An invited third party joins from the official's call view: invite, the SMS, the link, the code,
the notice, the door, and the official's "Let in" — the steps tests/e2e/test_interpreter.py checks one
by one, as one helper for tests that need guests in a call."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from backend.notify.fake_gateway import FakeSmsGateway
from tests.support.waiting import wait_for

#: Replaces a page's microphone (and, with a colour, its camera) by generated ones: the hardware
#: boundary of a guest's computer. ``__TONE__`` Hz at 0.4 of full scale (0: silence); the camera a
#: plain ``__COLOUR__`` picture with a moving dark bar at 15 fps (empty: Chromium's fake camera).
FAKE_DEVICES_JS = """
(() => {
  const TONE = __TONE__, COLOUR = "__COLOUR__";
  const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await original(constraints);
    if (constraints && constraints.audio) {
      const ctx = new AudioContext({sampleRate: 48000});
      await ctx.resume();
      const out = ctx.createMediaStreamDestination();
      if (TONE > 0) {
        const osc = ctx.createOscillator();
        osc.frequency.value = TONE;
        const gain = ctx.createGain();
        gain.gain.value = 0.4;
        osc.connect(gain).connect(out);
        osc.start();
      }
      for (const t of stream.getAudioTracks()) { stream.removeTrack(t); t.stop(); }
      stream.addTrack(out.stream.getAudioTracks()[0]);
      window.__fakeAudio = ctx;
    }
    if (COLOUR && constraints && constraints.video) {
      const canvas = document.createElement("canvas");
      canvas.width = 640; canvas.height = 480;
      const g = canvas.getContext("2d");
      let n = 0;
      setInterval(() => {
        g.fillStyle = COLOUR; g.fillRect(0, 0, 640, 480);
        g.fillStyle = "#101010"; g.fillRect((n++ * 21) % 640, 0, 16, 480);
      }, 66);
      for (const t of stream.getVideoTracks()) { stream.removeTrack(t); t.stop(); }
      stream.addTrack(canvas.captureStream(15).getVideoTracks()[0]);
    }
    return stream;
  };
})();
"""


def fake_devices(tone_hz: float = 0.0, colour: str = "") -> str:
    return FAKE_DEVICES_JS.replace("__TONE__", str(float(tone_hz))).replace("__COLOUR__", colour)


def invite_and_let_in(
    page: Any,
    new_page: Callable[..., Any],
    backend_url: str,
    gateway: FakeSmsGateway,
    *,
    role: str,
    name: str,
    phone: str,
    international: str,
    devices_js: str | None = None,
) -> Any:
    """The official (``page``, in a call) invites ``name`` as ``role``; a fresh browser context opens
    the SMS's link, proves the code, reads the notice and is let in. Returns the guest's page, in the call."""
    page.select_option("#guest-role", role)
    page.fill("#guest-name", name)
    page.fill("#guest-phone", phone)
    page.click("#guest-invite")
    mine = lambda: [m for m in gateway.messages if m["to"] == international]  # noqa: E731
    [sms] = wait_for(f"the invitation SMS to {name}", lambda: mine() or None, timeout=15)
    token = re.search(r"/guest/#([A-Za-z0-9_-]+)", sms["text"]).group(1)

    guest = new_page(permissions=["camera", "microphone"])
    if devices_js:
        guest.add_init_script(devices_js)
    guest.goto(f"{backend_url}/guest/#{token}")
    guest.wait_for_selector("[data-testid='guest-devices']", state="visible", timeout=10_000)
    guest.click("#devices-ok")
    guest.click("#code-send")
    code_sms = wait_for(f"the code SMS to {name}", lambda: ((m := mine()[1:]) and m[0]) or None, timeout=15)
    guest.fill("#code", re.search(r"\b(\d{6})\b", code_sms["text"]).group(1))
    guest.click("#code-ok")
    guest.wait_for_selector("[data-testid='guest-notice']", state="visible", timeout=10_000)
    guest.click("#notice-ok")
    guest.wait_for_selector("[data-testid='guest-lobby']", state="visible", timeout=10_000)
    door = f"[data-testid='guest-waiting'] li:has-text('{name}') button.primary"
    page.click(door, timeout=15_000)
    guest.wait_for_selector("[data-testid='guest-call']", state="visible", timeout=15_000)
    return guest
