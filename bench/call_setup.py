"""How long from the citizen's last tap to the first picture on each side.

Product path: the real backend and kiosk processes and Chromium as the
official, who is already signed in and admits the moment the booth appears
(a MutationObserver clicks Admit, after ``--lobby-wait`` seconds: a citizen
waits in the lobby a while, and the booth may use it). The citizen presses Start and chooses a
matter over TUIO, tapping where the booth says its buttons are, as the e2e
tests do (``tests.e2e.booth_ui``); t0 is the release of the matter's button,
when the booth asks for an official. Time the citizen spends choosing is
theirs, not the call set-up's.

Floor, in the same run: a bare aiortc peer in this process with the same
simulated camera and microphone, and Chromium, with the offer and answer
passed directly through Playwright: no backend, no lobby, no Kivy.

Both sides' times are wall-clock on this machine (time.time() in Python,
Date.now() in Chromium). Prints median and p95 per side and the ratio of
product to floor.

    .venv/bin/python -m bench.call_setup --calls 20
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

from backend.store.seed import DemoAccounts
from drivers.sim.camera import SimulatedCamera
from drivers.sim.microphone import ToneMicrophone
from etapiste.turn_server import CoturnConfig, start_coturn, stop_coturn
from kiosk.media import CameraTrack, MediaStats, MicrophoneTrack
from tests.e2e.booth_ui import tap
from tests.e2e.browser import chromium_args, chromium_path, trusting_home
from tests.e2e.media_files import write_tone_wav, write_y4m
from tests.e2e.processes import Backend, Kiosk, free_port, local_tls

#: The matter the citizen chooses: one the demo official serves.
SERVICE = "vero-personal"

#: Official's page: admit at once, and note when the first remote frame is shown.
AUTO_ADMIT_JS = """
() => {
  window.__bench = {firstFrame: null, admitAt: null, wait: 0};
  const watchVideo = () => {
    const v = document.querySelector('#remote-video');
    const onFrame = () => { if (window.__bench.firstFrame === null) window.__bench.firstFrame = Date.now() / 1000; };
    v.requestVideoFrameCallback(onFrame);
  };
  watchVideo();
  // Admit buttons appear, and are enabled once the last call is over: watch both.
  new MutationObserver(() => {
    const b = document.querySelector('button[data-testid^="admit-"]');
    if (b && !b.disabled && !b.dataset.benchClicked) {
      b.dataset.benchClicked = '1';
      // The citizen waits in the lobby as long as the run says before the official admits.
      setTimeout(() => { window.__bench.admitAt = Date.now() / 1000; b.click(); }, window.__bench.wait * 1000);
    }
  }).observe(document.body, {subtree: true, childList: true, attributes: true, attributeFilter: ['disabled']});
  window.__benchReset = (wait) => {
    window.__bench.firstFrame = null; window.__bench.admitAt = null; window.__bench.wait = wait; watchVideo();
  };
}
"""

#: Floor: a bare answerer in a blank page.
BARE_PAGE_JS = """
async () => {
  window.__local = await navigator.mediaDevices.getUserMedia({video: true, audio: true});
  window.__answer = async (offerSdp) => {
    if (window.__pc) window.__pc.close();
    const pc = window.__pc = new RTCPeerConnection({iceServers: []});
    const video = document.createElement('video');
    video.muted = true; video.autoplay = true; document.body.appendChild(video);
    window.__firstFrame = null;
    pc.ontrack = (e) => {
      if (e.track.kind !== 'video') return;
      video.srcObject = new MediaStream([e.track]);
      video.requestVideoFrameCallback(() => { window.__firstFrame = Date.now() / 1000; });
    };
    await pc.setRemoteDescription({type: 'offer', sdp: offerSdp});
    for (const t of window.__local.getTracks()) pc.addTrack(t, window.__local);
    await pc.setLocalDescription(await pc.createAnswer());
    if (pc.iceGatheringState !== 'complete') {
      await new Promise(r => { pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && r(); });
    }
    return pc.localDescription.sdp;
  };
}
"""


async def poll(what: str, check, timeout: float = 30, every: float = 0.01):
    """Poll ``check`` until it returns a value; a step that never comes names itself."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = await check()
        if value is not None and value is not False:
            return value
        await asyncio.sleep(every)
    raise TimeoutError(f"benchmark step timed out after {timeout:.0f} s: {what}")


async def product_calls(
    browser, tmp: Path, calls: int, lobby_wait: float, turn_env: dict[str, str], prepare: bool
) -> tuple[list[float], list[float], list[float], list[float]]:
    backend = Backend(tmp, env=turn_env)
    extra = f"[ice]\nprepare_in_lobby = {'true' if prepare else 'false'}\n"
    kiosk = Kiosk(tmp, backend.port, tmp / "shots", extra_config=extra)
    context = await browser.new_context(permissions=["camera", "microphone"])
    booth_times, official_times = [], []
    booth_admit, official_admit = [], []
    try:
        page = await context.new_page()
        accounts = DemoAccounts()
        await page.goto(backend.url + "/official/")
        await page.fill("#username", accounts.username)
        await page.fill("#password", accounts.password)
        await page.click("#login-button")
        await page.wait_for_selector("#connection:has-text('Connected')")
        await page.evaluate(AUTO_ADMIT_JS)
        for n in range(calls):
            await poll("the booth to be idle", lambda: _phase_is(kiosk, "idle"), timeout=60)
            await page.evaluate("(wait) => window.__benchReset(wait)", lobby_wait)
            await asyncio.to_thread(tap, kiosk, "start")
            t0 = await asyncio.to_thread(_tap_and_time, kiosk, f"service:{SERVICE}")
            booth_first = await poll(
                "the booth's first frame of the official", lambda: _media_field(kiosk, "first_remote_video_at")
            )
            official_first = await poll(
                "the official's first frame of the booth", lambda: page.evaluate("() => window.__bench.firstFrame")
            )
            admit_at = await page.evaluate("() => window.__bench.admitAt")
            booth_times.append(booth_first - t0)
            official_times.append(official_first - t0)
            booth_admit.append(booth_first - admit_at)
            official_admit.append(official_first - admit_at)
            print(
                f"  product call {n + 1:2d}: from Start booth {booth_times[-1]:.3f} s, official "
                f"{official_times[-1]:.3f} s; from Admit booth {booth_admit[-1]:.3f} s, "
                f"official {official_admit[-1]:.3f} s",
                flush=True,
            )
            await page.click("#end-call")
    finally:
        await context.close()
        kiosk.stop()
        backend.stop()
    return booth_times, official_times, booth_admit, official_admit


def _tap_and_time(kiosk: Kiosk, name: str) -> float:
    """Tap ``name`` on the booth (once it is laid out); the wall-clock time of the touch's release."""
    tap(kiosk, name)
    return time.time()


async def _phase_is(kiosk: Kiosk, phase: str) -> bool:
    try:
        return kiosk.status()["phase"] == phase
    except (OSError, ValueError):  # the status file is not written yet
        return False


async def _media_field(kiosk: Kiosk, field: str):
    """A field of the booth's call media in its status file; None until there is a call."""
    try:
        media = kiosk.status()["media"]
    except (OSError, ValueError):
        return None
    return media and media.get(field)


async def bare_calls(browser, calls: int) -> tuple[list[float], list[float]]:
    context = await browser.new_context(permissions=["camera", "microphone"])
    page = await context.new_page()
    server = _blank_page_server()  # getUserMedia needs a secure origin: localhost
    await page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
    await page.evaluate(BARE_PAGE_JS)
    booth_times, official_times = [], []
    camera = SimulatedCamera("face_camera", 640, 480)
    camera.open()
    try:
        for n in range(calls):
            booth_first, official_first, t0 = await _bare_call(page, camera)
            booth_times.append(booth_first - t0)
            official_times.append(official_first - t0)
            print(
                f"  bare call    {n + 1:2d}: aiortc {booth_times[-1]:.3f} s, chromium {official_times[-1]:.3f} s",
                flush=True,
            )
    finally:
        await context.close()
        server.shutdown()
    return booth_times, official_times


async def _bare_call(page, camera: SimulatedCamera) -> tuple[float, float, float]:
    """One call with minimal signalling; returns (aiortc first frame, Chromium first frame, t0)."""
    t0 = time.time()
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    pc.addTrack(CameraTrack(camera, MediaStats()))
    pc.addTrack(MicrophoneTrack(ToneMicrophone()))
    first: asyncio.Future[float] = asyncio.get_running_loop().create_future()
    tasks: list[asyncio.Task[None]] = []

    async def consume(track) -> None:
        await track.recv()
        if not first.done():
            first.set_result(time.time())

    @pc.on("track")
    def on_track(track) -> None:
        if track.kind == "video":
            tasks.append(asyncio.ensure_future(consume(track)))

    try:
        await pc.setLocalDescription(await pc.createOffer())
        answer = await page.evaluate("(sdp) => window.__answer(sdp)", pc.localDescription.sdp)
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
        booth_first = await asyncio.wait_for(first, 30)
        official_first = await poll(
            "Chromium's first frame of the bare peer", lambda: page.evaluate("() => window.__firstFrame")
        )
    finally:
        for task in tasks:
            task.cancel()
        await pc.close()
    return booth_first, official_first, t0


def _blank_page_server() -> ThreadingHTTPServer:
    class Blank(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<!doctype html><html><body></body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Blank)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def report(name: str, product: list[float], floor: list[float]) -> None:
    pm, fm = statistics.median(product), statistics.median(floor)
    pp, fp = p95(product), p95(floor)
    print(
        f"{name:<26} product median {pm * 1000:7.0f} ms  p95 {pp * 1000:7.0f} ms | "
        f"bare median {fm * 1000:7.0f} ms  p95 {fp * 1000:7.0f} ms | ratio median {pm / fm:5.2f}  p95 {pp / fp:5.2f}"
    )


def _turn(kind: str, tmp: Path) -> tuple[dict[str, str], subprocess.Popen[bytes] | None]:
    """The backend's TURN settings (what it hands the booth and the browser) and coturn's process:
    none; ``local``: a real coturn on loopback; ``dead``: a TURN address that never answers
    (TEST-NET-1), as a blocked or slow server makes aiortc's gathering wait."""
    if kind == "none":
        return {}, None
    secret = secrets.token_hex(16)
    if kind == "dead":
        return {"ETAPISTE_TURN_HOST": "192.0.2.1", "ETAPISTE_TURN_SECRET": secret}, None
    _, server = local_tls()
    config = CoturnConfig(
        listen_ip="127.0.0.1",
        port=free_port(),
        tls_port=free_port(),
        secret=secret,
        cert_file=server.cert,
        key_file=server.key,
        folder=tmp / "coturn",
        allow_loopback=True,
    )
    env = {
        "ETAPISTE_TURN_HOST": "127.0.0.1",
        "ETAPISTE_TURN_PORT": str(config.port),
        "ETAPISTE_TURN_TLS_PORT": str(config.tls_port),
        "ETAPISTE_TURN_SECRET": secret,
    }
    return env, start_coturn(config)


async def main(calls: int, lobby_wait: float, turn: str, prepare: bool) -> None:
    from playwright.async_api import async_playwright

    with tempfile.TemporaryDirectory(prefix="etapiste-bench-") as tmp_name:
        tmp = Path(tmp_name)
        turn_env, coturn = _turn(turn, tmp)
        video, audio = write_y4m(tmp / "official.y4m"), write_tone_wav(tmp / "official.wav")
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(
                executable_path=chromium_path(),
                headless=True,
                args=chromium_args(video, audio),
                env=trusting_home(tmp / "home", local_tls()[0].cert),  # the backend serves HTTPS
            )
            print(
                f"call set-up over {calls} calls each (loopback; TURN: {turn}; "
                f"{lobby_wait:g} s in the lobby; prepared in the lobby: {'yes' if prepare else 'no'})",
                flush=True,
            )
            floor_booth, floor_official = await bare_calls(browser, calls)
            prod_booth, prod_official, admit_booth, admit_official = await product_calls(
                browser, tmp, calls, lobby_wait, turn_env, prepare
            )
            await browser.close()
        if coturn is not None:
            stop_coturn(coturn)
    print()
    report("Start -> frame at booth", prod_booth, floor_booth)
    report("Start -> frame at official", prod_official, floor_official)
    report("Admit -> frame at booth", admit_booth, floor_booth)
    report("Admit -> frame at official", admit_official, floor_official)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=20, help="calls per path (default: %(default)s)")
    parser.add_argument(
        "--lobby-wait",
        type=float,
        default=2.0,
        help="seconds the citizen waits in the lobby before the official admits (default: %(default)s)",
    )
    parser.add_argument(
        "--turn",
        choices=("none", "local", "dead"),
        default="none",
        help="TURN handed out by the backend: none, a real coturn on loopback, or an address that "
        "never answers (aiortc's gathering then waits, as a slow or blocked server makes it)",
    )
    parser.add_argument(
        "--no-prepare", action="store_true", help="the booth makes its connection at Admit, not in the lobby"
    )
    args = parser.parse_args()
    asyncio.run(main(args.calls, args.lobby_wait, args.turn, not args.no_prepare))
