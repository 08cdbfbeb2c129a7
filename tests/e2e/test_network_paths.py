"""Calls across a real (namespaced) network: direct, TURN-only, a cut line, a slow lossy line.

The booth (kiosk process) runs in one network namespace, the official's
Chromium in another, the backend and coturn on the bridge between them
(tests/e2e/netns.py). Everything crosses TLS: the booth's websocket, the
page, and TURN over TLS. Each end reports its selected ICE pair (the page's
``getStats``, the booth's status file) and its frame counters.
"""

from __future__ import annotations

import json
import secrets
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from etapiste.turn_server import CoturnConfig, start_coturn, stop_coturn, turnserver_available
from tests.e2e.booth_ui import start_walk_in
from tests.e2e.browser import CALL_STATS_JS, chromium_args, chromium_path, sign_in, trusting_home
from tests.e2e.media_files import write_tone_wav, write_y4m
from tests.e2e.netns import HUB, LabNet, lab_network, usable
from tests.e2e.processes import Backend, Kiosk, free_port, local_tls
from tests.support.waiting import wait_for, wait_while_advancing

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(usable() is not None, reason=str(usable())),
    pytest.mark.skipif(not turnserver_available(), reason="coturn is not installed (./scripts/setup)"),
]

#: The page's selected ICE pair: candidate types and, for a relay, how it reaches TURN.
SELECTED_PAIR_JS = """
async () => {
  const pc = window.etapiste && window.etapiste.pc();
  if (!pc) return null;
  const stats = await pc.getStats();
  let id = null;
  stats.forEach(r => { if (r.type === 'transport' && r.selectedCandidatePairId) id = r.selectedCandidatePairId; });
  const pair = id && stats.get(id);
  if (!pair) return null;
  const local = stats.get(pair.localCandidateId), remote = stats.get(pair.remoteCandidateId);
  return {local: local.candidateType, remote: remote.candidateType, relay_protocol: local.relayProtocol || ''};
}
"""


@pytest.fixture(scope="module")
def net() -> Iterator[LabNet]:
    with lab_network() as made:
        yield made


@pytest.fixture(scope="module")
def turn_backend(net: LabNet, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    """coturn and the backend on the bridge; the backend hands out credentials for that coturn."""
    tmp = tmp_path_factory.mktemp("netpaths")
    _, server = local_tls()
    secret = secrets.token_hex(16)
    config = CoturnConfig(
        listen_ip=HUB,
        port=free_port(),
        tls_port=free_port(),
        secret=secret,
        cert_file=server.cert,
        key_file=server.key,
        folder=tmp / "coturn",
    )
    coturn = start_coturn(config)
    env = {
        "ETAPISTE_TURN_HOST": HUB,
        "ETAPISTE_TURN_PORT": str(config.port),
        "ETAPISTE_TURN_TLS_PORT": str(config.tls_port),
        "ETAPISTE_TURN_SECRET": secret,
    }
    backend = Backend(tmp, host=HUB, env=env)
    try:
        yield backend
    finally:
        backend.stop()
        stop_coturn(coturn)


@pytest.fixture(scope="module")
def netns_chromium(net: LabNet, tmp_path_factory: pytest.TempPathFactory):
    """Debian's Chromium inside the browser's namespace, trusting the tier's CA."""
    from playwright.sync_api import sync_playwright

    folder = tmp_path_factory.mktemp("netns-chromium")
    exe = net.chromium_wrapper(folder, chromium_path() or "chromium")
    video, audio = write_y4m(folder / "official.y4m"), write_tone_wav(folder / "official.wav")
    env = trusting_home(folder / "home", local_tls()[0].cert)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(exe), headless=True, args=chromium_args(video, audio), env=env)
        yield browser
        browser.close()


class Call:
    """A booth in its namespace in a call with the official's page in the other."""

    def __init__(self, kiosk: Kiosk, page: Any) -> None:
        self.kiosk, self.page = kiosk, page

    def record(self, artifacts: Path, case: str, **figures: Any) -> None:
        """What each end said about its path (types only, no addresses), in artifacts/network-paths.json."""
        path = artifacts / "network-paths.json"
        known = json.loads(path.read_text()) if path.exists() else {}
        known[case] = {"page": self.page_pair(), "booth": self.booth_pair(), **figures}
        path.write_text(json.dumps(known, indent=2))

    def booth_pair(self) -> dict[str, str] | None:
        media = self.kiosk.status()["media"] or {}
        return next(iter((media.get("ice_paths") or {}).values()), None)

    def page_pair(self) -> dict[str, str] | None:
        return self.page.evaluate(SELECTED_PAIR_JS)

    def counters(self) -> tuple[int, int] | None:
        media, stats = self.kiosk.status()["media"], self.page.evaluate(CALL_STATS_JS)
        if not media or not stats:
            return None
        return media["video_frames_received"], stats["video_frames_decoded"]

    def frames_advance(self, what: str, frames: int = 30, stalled_after: float = 15) -> tuple[int, int]:
        """Both ends decode ``frames`` more video frames; fails once neither advances for ``stalled_after`` s."""
        start = wait_for("both ends' frame counters", self.counters, timeout=30)
        return wait_while_advancing(
            what,
            self.counters,
            lambda c: c[0] >= start[0] + frames and c[1] >= start[1] + frames,
            lambda c: c,
            stalled_after=stalled_after,
        )


@pytest.fixture
def call_setup(net: LabNet, turn_backend: Backend, netns_chromium, tmp_path: Path, artifacts: Path) -> Iterator[Any]:
    """``start()`` (after the test shaped the network): the booth and the page, admitted into a call."""
    made: list[Any] = []

    def start(name: str) -> Call:
        shots = artifacts / "screenshots" / f"kiosk-net-{name}"
        shutil.rmtree(shots, ignore_errors=True)
        kiosk = Kiosk(
            tmp_path,
            turn_backend.port,
            shots,
            backend_host=HUB,
            netns=net.booth.ns,
            tuio_host=net.booth.address,
        )
        made.append(kiosk)
        context = netns_chromium.new_context(
            viewport={"width": 1280, "height": 800}, permissions=["camera", "microphone"]
        )
        made.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        sign_in(page, turn_backend.url)
        kiosk.wait_phase("idle")
        start_walk_in(kiosk, "vero-personal")
        session_id = kiosk.wait_phase("lobby", timeout=20)["session_id"]
        page.click(f"[data-testid='admit-{session_id}']")
        kiosk.wait_phase("in_call", timeout=60)
        page.wait_for_function("() => window.etapiste.state().phase === 'in-call'", timeout=20_000)
        call = Call(kiosk, page)
        call.frames_advance("the first frames on both ends", stalled_after=30)
        page.screenshot(path=str(artifacts / "screenshots" / f"official-net-{name}.png"))
        return call

    yield start
    for thing in reversed(made):
        if isinstance(thing, Kiosk):
            code = thing.stop()
            (artifacts / "kiosk-netns.log").write_text(thing.log())
            assert code == 0, f"the kiosk did not stop cleanly (exit {code}):\n{thing.log()[-3000:]}"
        else:
            thing.close()
    for side in net.sides:
        side.reset()


def test_direct_path_then_a_10_s_cut_then_384_kbps_with_5_percent_loss(net: LabNet, call_setup, artifacts: Path):
    """One call through three states of the line: direct, cut for 10 s, slow and lossy."""
    call = call_setup("direct")
    # Direct: the two namespaces reach each other across the bridge, so no relay.
    page_pair = wait_for("the page's selected pair", call.page_pair)
    booth_pair = wait_for("the booth's selected pair", call.booth_pair)
    assert page_pair["local"] in ("host", "srflx") and page_pair["remote"] in ("host", "srflx", "prflx"), page_pair
    assert booth_pair["local"] in ("host", "srflx") and booth_pair["relay_protocol"] == "", booth_pair
    call.record(artifacts, "direct")

    # The booth's line is cut for 10 s in the middle of the call; then frames advance on both ends again
    # within the stated 30 s, with nobody touching anything.
    net.booth.cut()
    time.sleep(10)  # the cut's length is the case itself, not a wait for a state
    net.booth.mend()
    mended = time.monotonic()
    call.frames_advance("frames on both ends after the 10 s cut", stalled_after=30)
    assert call.kiosk.status()["phase"] == "in_call"
    call.record(artifacts, "after_10_s_cut", frames_again_after_s=round(time.monotonic() - mended, 1))

    # 384 kbit/s each way with 5 % of packets lost at random: the call holds.
    net.booth.slow_line(384, 5)
    for step in range(3):
        call.frames_advance(f"frames on both ends on a 384 kbit/s line with 5 % loss ({step + 1}/3)", frames=20)
    assert call.kiosk.status()["phase"] == "in_call"
    call.record(artifacts, "384_kbit_5_percent_loss")


def test_with_udp_blocked_at_both_ends_the_call_is_relayed_over_tcp_or_tls(net: LabNet, call_setup, artifacts: Path):
    for side in net.sides:
        side.block_udp()
    call = call_setup("turn-only")
    page_pair = wait_for("the page's selected pair", call.page_pair)
    booth_pair = wait_for("the booth's selected pair", call.booth_pair)
    assert page_pair["local"] == "relay" and page_pair["relay_protocol"] in ("tcp", "tls"), page_pair
    assert booth_pair["local"] == "relay" and booth_pair["relay_protocol"] in ("tcp", "tls"), booth_pair
    call.frames_advance("frames on both ends through TURN over TCP/TLS", frames=60)
    call.record(artifacts, "udp_blocked")
