"""An interpreted appointment with three parties and a support person: the real kiosk (its sound on a
real PulseAudio server), the real backend, Chromium as the official, a sign-language interpreter and a
support person (each in a browser context of its own). One call, several checks:

- the booth lays out all three remote persons (the official large, the two guests beside, each named
  with their role in the citizen's Finnish), judged by colour shares of the booth's screenshot;
- sound among the booth, the official and the interpreter, proved by frequency: each sends its own
  tone (1 kHz, 660 Hz, 440 Hz) and each hears the other two's;
- the official removes the support person; then sign-language video at 15 frames a second or more
  to and from the interpreter (frames decoded over a window, at the interpreter, at the booth and at
  the official);
- the official sees each party's connection quality, mutes the interpreter (who turns the microphone
  on again) and the citizen (who presses "Unmute" on the booth's screen).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from backend.notify.fake_gateway import FakeSmsGateway
from tests.e2e.booth_ui import start_walk_in, tap
from tests.e2e.browser import sign_in
from tests.e2e.guests import fake_devices, invite_and_let_in
from tests.e2e.media_files import MAGENTA, YELLOW
from tests.e2e.processes import Backend, Kiosk
from tests.e2e.test_call import read_png, share_of
from tests.e2e.test_interpreter import backend  # noqa: F401 - the backend that sends SMS to the gateway
from tests.support.sound_server import MIC_FEED, RATE, SPEAKER, SoundServer, tone
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e

BOOTH_HZ, OFFICIAL_HZ, INTERPRETER_HZ = 1000.0, 660.0, 440.0  # the official's: Chromium's fake WAV
CYAN = (0, 255, 255)  # the support person's camera
#: Sign language needs this many frames a second (issue 13), to and from the interpreter.
SIGN_LANGUAGE_FPS = 15.0

#: The peer connection a page has to ``peer``: on the official's page the booth or a guest by peer id;
#: on a guest's page "booth", or "official" for the official in charge's.
PC_JS = """
(kind, peer) => {
  if (kind === 'guest') {
    const pcs = window.etapisteGuest.pcs();
    const id = peer === 'official' ? Object.keys(pcs).find(p => p.startsWith('o')) : peer;
    return id ? pcs[id] : null;
  }
  return peer === 'booth' ? window.etapiste.pc() : window.etapiste.guestPcs()[peer];
}
"""
#: The strongest frequency of the sound received from ``peer`` (Web Audio's analyser on the track).
PEAK_JS = f"""
async ([kind, peer]) => {{
  const pc = ({PC_JS})(kind, peer);
  const receiver = pc && pc.getReceivers()
    .find(r => r.track && r.track.kind === 'audio' && r.track.readyState === 'live');
  if (!receiver) return null;
  window.__analysers = window.__analysers || {{}};
  let a = window.__analysers[receiver.track.id];
  if (!a) {{
    const ctx = new AudioContext({{sampleRate: 48000}});
    await ctx.resume();
    a = ctx.createAnalyser();
    a.fftSize = 8192;
    ctx.createMediaStreamSource(new MediaStream([receiver.track])).connect(a);
    window.__analysers[receiver.track.id] = a;
  }}
  const bins = new Float32Array(a.frequencyBinCount);
  a.getFloatFrequencyData(bins);
  let best = 2;
  for (let i = 3; i < bins.length; i++) if (bins[i] > bins[best]) best = i;
  return {{hz: best * a.context.sampleRate / a.fftSize, db: bins[best]}};
}}
"""
#: Video frames decoded from ``peer`` so far, and the stats' own clock (ms).
FRAMES_JS = f"""
async ([kind, peer]) => {{
  const pc = ({PC_JS})(kind, peer);
  if (!pc) return null;
  let out = null;
  (await pc.getStats()).forEach(r => {{
    if (r.type === 'inbound-rtp' && r.kind === 'video' && r.framesDecoded > 0) {{
      out = {{frames: r.framesDecoded, at: r.timestamp}};
    }}
  }});
  return out;
}}
"""
WINDOW_S = 5.0
#: What a page's encoder sends to ``peer`` and what holds it back (for the message of a failed check).
SENDING_JS = f"""
async ([kind, peer]) => {{
  const pc = ({PC_JS})(kind, peer);
  if (!pc) return null;
  let out = null;
  (await pc.getStats()).forEach(r => {{
    if (r.type === 'outbound-rtp' && r.kind === 'video') {{
      out = {{fps: r.framesPerSecond, width: r.frameWidth, height: r.frameHeight,
             limited_by: r.qualityLimitationReason, plis: r.pliCount, nacks: r.nackCount,
             kbps_target: Math.round((r.targetBitrate || 0) / 1000)}};
    }}
  }});
  return out;
}}
"""


def hears(page, kind: str, peer: str, hz: float) -> bool:
    peak = page.evaluate(PEAK_JS, [kind, peer])
    return bool(peak) and peak["db"] > -60 and abs(peak["hz"] - hz) < 15


def browser_fps(page, kind: str, peer: str) -> float:
    """Frames a second decoded from ``peer`` over a window of a few seconds (the stats' own clock)."""
    first = wait_for(f"video from {peer}", lambda: page.evaluate(FRAMES_JS, [kind, peer]), timeout=30)
    last = wait_for(
        "a window of frames",
        lambda: (s := page.evaluate(FRAMES_JS, [kind, peer])) and s["at"] - first["at"] >= WINDOW_S * 1000 and s,
        timeout=60,
    )
    return (last["frames"] - first["frames"]) * 1000 / (last["at"] - first["at"])


def booth_fps(kiosk: Kiosk, peer: str) -> float:
    """Frames a second the booth decoded from ``peer`` over a window (its status: a counter and its clock)."""
    frames = lambda s: s["media"]["video_frames_from"].get(peer, 0)  # noqa: E731
    first = wait_for(f"video from {peer} at the booth", lambda: (s := kiosk.status()) and frames(s) and s, 30)
    last = wait_for("a window of frames", lambda: (s := kiosk.status())["time"] - first["time"] >= WINDOW_S and s, 60)
    return (frames(last) - frames(first)) / (last["time"] - first["time"])


def tones_in(pcm: np.ndarray, freqs: tuple[float, ...]) -> bool:
    """Whether each of ``freqs`` stands out in ``pcm``'s spectrum (a mix of voices)."""
    if pcm.size < RATE // 2:
        return False
    spectrum = np.abs(np.fft.rfft(pcm.astype(np.float64) * np.hanning(pcm.size)))
    spectrum[:3] = 0
    hz = np.fft.rfftfreq(pcm.size, 1 / RATE)
    top, floor = spectrum.max(), np.median(spectrum)
    return all(spectrum[(hz > f - 15) & (hz < f + 15)].max() > max(0.1 * top, 30 * floor) for f in freqs)


def test_an_interpreted_call_with_a_support_person(
    backend: Backend,  # noqa: F811 - the SMS-sending one imported above
    sound_kiosk: Kiosk,
    sound: SoundServer,
    gateway: FakeSmsGateway,
    page,
    new_page,
    artifacts: Path,
):
    kiosk, shots = sound_kiosk, artifacts / "screenshots"
    sound.play(MIC_FEED, tone(BOOTH_HZ, 1.0))  # the citizen 'speaks' into the booth's microphone
    sign_in(page, backend.url, language="en")
    kiosk.wait_phase("idle")
    start_walk_in(kiosk, "vero-personal", "fi")
    session_id = kiosk.wait_phase("lobby", timeout=10)["session_id"]
    page.click(f"[data-testid='admit-{session_id}']", timeout=10_000)
    kiosk.wait_phase("in_call", timeout=30)

    interpreter = invite_and_let_in(
        page, new_page, backend.url, gateway, role="sign_interpreter", name="Viivi Viittoja",
        phone="040 987 6543", international="+358409876543", devices_js=fake_devices(INTERPRETER_HZ),
    )  # fmt: skip
    support = invite_and_let_in(
        page, new_page, backend.url, gateway, role="support_person", name="Tuula Tukena",
        phone="040 555 0101", international="+358405550101", devices_js=fake_devices(0, "#00ffff"),
    )  # fmt: skip
    guest_pcs = "() => Object.keys(window.etapiste.guestPcs())"
    guests = wait_for("both guests in the call", lambda: (g := page.evaluate(guest_pcs)) and len(g) == 2 and g, 30)
    viivi = sorted(guests)[0]  # peer ids in the order they joined: the interpreter first

    # Every remote person on the booth's screen: the official large, the interpreter and the support
    # person beside, each with name and role in the citizen's Finnish.
    def booth_shows_three() -> dict | None:
        dump_path = shots / "kiosk-audio" / "call-video.json"
        shot = read_png(shots / "kiosk-audio" / "call-video.png")
        dump = json.loads(dump_path.read_text()) if dump_path.exists() else {}
        pictures = {p["who"]: p for p in dump.get("pictures", [])}
        if shot is None or not {"official", "guest", "guest2"} <= set(pictures):
            return None
        h, w = shot.shape[:2]

        def tile(who: str) -> np.ndarray:
            x, y, pw, ph = pictures[who]["rect"]
            return shot[int(y * h) : int((y + ph) * h), int(x * w) : int((x + pw) * w)]

        camera = [min(share_of(tile(who), MAGENTA), share_of(tile(who), YELLOW)) for who in ("official", "guest")]
        if min(camera) < 0.15 or share_of(tile("guest2"), CYAN) < 0.3:
            return None  # a picture not there yet
        texts = " ".join(t["text"] for t in dump["texts"])
        assert "Viivi Viittoja\nViittomakielen tulkki" in texts and "Tuula Tukena\nTukihenkilö" in texts, texts
        return pictures

    pictures = wait_for("all three remote persons on the booth's screen", booth_shows_three, timeout=120)
    area = {who: p["rect"][2] * p["rect"][3] for who, p in pictures.items()}
    assert area["official"] > 2 * max(area["guest"], area["guest2"]), f"the official is the large picture: {pictures}"
    page.screenshot(path=str(shots / "official-three-parties.png"))
    interpreter.screenshot(path=str(shots / "guest-three-parties.png"))

    # Sound by frequency: each of the three hears the other two. One speaks while the others listen,
    # as in a meeting (the booth's echo canceller holds the room back while the far end talks on).
    def toggle_far_end() -> None:
        page.click("#mute")  # the official's own microphone
        interpreter.click("[data-testid='guest-mic']")

    toggle_far_end()  # the official and the interpreter listen: the citizen speaks
    wait_for("the booth's 1 kHz at the official", lambda: hears(page, "official", "booth", BOOTH_HZ), 60, every=0.5)
    wait_for("the booth's 1 kHz at the interpreter", lambda: hears(interpreter, "guest", "booth", BOOTH_HZ), 60)
    toggle_far_end()
    # The official mutes the citizen (the booth's screen says so in Finnish, with "Unmute"): the
    # official and the interpreter speak.
    page.click("[data-testid='booth-mute']")
    wait_for("the booth's microphone off", lambda: kiosk.status()["media"]["microphone_muted"], timeout=10)
    wait_for("the booth silent at the official", lambda: not hears(page, "official", "booth", BOOTH_HZ), 20)
    wait_for("the interpreter's 440 Hz at the official", lambda: hears(page, "official", viivi, INTERPRETER_HZ), 60)
    official_at_interpreter = lambda: hears(interpreter, "guest", "official", OFFICIAL_HZ)  # noqa: E731
    wait_for("the official's 660 Hz at the interpreter", official_at_interpreter, 60)
    # At the booth: both voices in what its speaker played. Two seconds are judged: on a loaded machine
    # the booth's playout underruns and catches up, and a one-second take then missed a voice.
    heard = lambda: tones_in(sound.record(f"{SPEAKER}.monitor", 2.0), (OFFICIAL_HZ, INTERPRETER_HZ))  # noqa: E731
    wait_for("the official's and the interpreter's voices from the booth's speaker", heard, timeout=45)

    def says_muted() -> bool:
        dump_path = shots / "kiosk-audio" / "call-video.json"
        dump = json.loads(dump_path.read_text()) if dump_path.exists() else {}
        return any("Virkailija mykisti mikrofonisi" in t["text"] for t in dump.get("texts", []))

    wait_for("the booth's screen saying the official muted the microphone", says_muted, timeout=60)
    tap(kiosk, "unmute")
    wait_for("the booth's microphone on again", lambda: not kiosk.status()["media"]["microphone_muted"], timeout=10)
    toggle_far_end()
    try:
        wait_for("the booth heard again", lambda: hears(page, "official", "booth", BOOTH_HZ), 60, every=0.5)
    except AssertionError as exc:  # what the official's page hears instead, and what the booth sends
        peak = page.evaluate(PEAK_JS, ["official", "booth"])
        raise AssertionError(
            f"{exc}; the official's page hears {peak}; booth media {kiosk.status()['media']}"
        ) from None
    toggle_far_end()

    # The official sees every party's connection quality: the booth's, and each guest's badge, from
    # their own measurement and the party's own report.
    page.wait_for_function("() => document.querySelector('#call-quality').dataset.level !== 'unknown'", timeout=20_000)
    quality = wait_for(
        "each guest's quality, measured here and reported by them",
        lambda: (
            (q := page.evaluate("window.etapiste.guestQuality()"))
            and all(v["mine"] and v["theirs"] for v in q.values())
            and len(q) == 2
            and q
        ),
        timeout=30,
    )
    assert {v["level"] for v in quality.values()} <= {"good", "fair", "poor"}, quality
    badges = page.locator("[data-testid='guest-in-call'] [data-testid='guest-quality']")
    assert badges.count() == 2 and all("connection" in t for t in badges.all_inner_texts()), badges.all_inner_texts()

    # The official mutes the interpreter: their microphone goes off at once and their page says so;
    # they turn it on again themselves.
    page.click(f"[data-testid='guest-in-call'] li[data-peer='{viivi}'] [data-testid='guest-mute']")
    interpreter.wait_for_selector("[data-testid='guest-muted']", state="visible", timeout=10_000)
    assert interpreter.evaluate("window.etapisteGuest.micOn()") is False
    wait_for("the interpreter silent at the official", lambda: not hears(page, "official", viivi, INTERPRETER_HZ), 20)
    interpreter.screenshot(path=str(shots / "guest-muted-by-official.png"))
    interpreter.click("[data-testid='guest-mic']")
    wait_for("the interpreter heard again", lambda: hears(page, "official", viivi, INTERPRETER_HZ), 20)

    assert kiosk.status()["phase"] == "in_call" and support.is_visible("[data-testid='guest-call']")

    # The support person's part is over: the official removes her, and the call goes on as a
    # sign-language appointment is held, the citizen, the official and the interpreter.
    page.click("[data-testid='guest-in-call'] li:has-text('Tuula Tukena') [data-testid='guest-remove']")
    support.wait_for_selector("[data-testid='guest-gone']", state="visible", timeout=15_000)
    wait_for(
        "the booth's connection to the support person closed",
        lambda: len(kiosk.status()["media"]["video_frames_from"]) == 2,
        20,
    )

    # Sign language: 15 frames a second or more from the booth to the interpreter, and from the
    # interpreter to the booth and to the official. A user-level requirement, measured where decoded
    # (frames decoded over a window). The booth encodes its camera once for every peer
    # (kiosk/shared_video.py) and does not tell the interpreter's browser to slow down when its own
    # CPU is busy (kiosk/media.py, ``offer_sdp``): before, the booth → interpreter rate fell to 13.5
    # on a loaded machine, and the interpreter → booth rate to 10 at a 30 kbit/s estimate.
    fps = {
        "booth → interpreter": browser_fps(interpreter, "guest", "booth"),
        "interpreter → booth": booth_fps(kiosk, viivi),
        "interpreter → official": browser_fps(page, "official", viivi),
    }
    print(f"\nsign-language video, frames a second: {fps}")
    sending = {
        "interpreter to the booth": interpreter.evaluate(SENDING_JS, ["guest", "booth"]),
        "interpreter to the official": interpreter.evaluate(SENDING_JS, ["guest", "official"]),
        "booth": kiosk.status()["media"],
    }
    page.click("#end-call")
    kiosk.wait_phase("idle", timeout=20)
    assert min(fps.values()) >= SIGN_LANGUAGE_FPS, (
        f"sign-language video below {SIGN_LANGUAGE_FPS:.0f} fps: {fps}; what the senders send: {sending}"
    )
