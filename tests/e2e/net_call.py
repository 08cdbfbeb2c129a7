"""A call across the namespaced test network (tests/e2e/netns.py), shared by
tests/e2e/test_network_paths.py and bench/network: coturn and the backend on the bridge, the
booth in its namespace, the official's Chromium in the other, and what each end says about its path.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from etapiste.turn_server import CoturnConfig, start_coturn, stop_coturn
from tests.e2e.booth_ui import start_walk_in
from tests.e2e.browser import CALL_STATS_JS, chromium_args, chromium_path, sign_in, trusting_home
from tests.e2e.media_files import write_tone_wav, write_y4m
from tests.e2e.netns import HUB, LabNet
from tests.e2e.processes import Backend, Kiosk, free_port, local_tls
from tests.support.waiting import wait_for, wait_while_advancing

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


@contextmanager
def turn_and_backend(tmp: Path) -> Iterator[Backend]:
    """coturn and the backend (HTTPS/WSS) on the bridge; the backend hands out credentials for that coturn."""
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
    try:
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
    finally:
        stop_coturn(coturn)


@contextmanager
def chromium_in(net: LabNet, folder: Path, driver: Any = None) -> Iterator[Any]:
    """Debian's Chromium inside the browser's namespace (Playwright, sync), trusting the tier's CA;
    launched by ``driver`` (the test session's Playwright) or by a Playwright of its own (the bench)."""
    from contextlib import nullcontext

    from playwright.sync_api import sync_playwright

    folder.mkdir(parents=True, exist_ok=True)
    exe = net.chromium_wrapper(folder, chromium_path() or "chromium")
    video, audio = write_y4m(folder / "official.y4m"), write_tone_wav(folder / "official.wav")
    env = trusting_home(folder / "home", local_tls()[0].cert)
    os.environ["NODE_EXTRA_CA_CERTS"] = str(local_tls()[0].cert)  # page.request runs in Playwright's driver
    with nullcontext(driver) if driver is not None else sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(exe), headless=True, args=chromium_args(video, audio), env=env)
        try:
            yield browser
        finally:
            browser.close()


def booth_in(net: LabNet, backend: Backend, tmp: Path, shots: Path) -> Kiosk:
    """The simulated booth inside the booth's namespace, connected to ``backend`` over WSS."""
    return Kiosk(tmp, backend.port, shots, backend_host=HUB, netns=net.booth.ns, tuio_host=net.booth.address)


class Call:
    """A booth in its namespace in a call with the official's page in the other."""

    def __init__(self, kiosk: Kiosk, page: Any) -> None:
        self.kiosk, self.page = kiosk, page

    @classmethod
    def place(cls, kiosk: Kiosk, page: Any, backend: Backend) -> Call:
        """Sign in, the citizen presses Start and chooses a matter, the official admits: first frames both ways."""
        sign_in(page, backend.url)
        kiosk.wait_phase("idle")
        start_walk_in(kiosk, "vero-personal")
        session_id = kiosk.wait_phase("lobby", timeout=20)["session_id"]
        page.click(f"[data-testid='admit-{session_id}']")
        kiosk.wait_phase("in_call", timeout=60)
        page.wait_for_function("() => window.etapiste.state().phase === 'in-call'", timeout=20_000)
        call = cls(kiosk, page)
        call.frames_advance("the first frames on both ends", stalled_after=30)
        return call

    def booth_pair(self) -> dict[str, str] | None:
        media = self.kiosk.status()["media"] or {}
        return next(iter((media.get("ice_paths") or {}).values()), None)

    def page_pair(self) -> dict[str, str] | None:
        return self.page.evaluate(SELECTED_PAIR_JS)

    def page_stats(self) -> dict[str, Any] | None:
        return self.page.evaluate(CALL_STATS_JS)

    def counters(self) -> tuple[int, int] | None:
        """Video frames the booth received and the page decoded."""
        media, stats = self.kiosk.status()["media"], self.page_stats()
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

    def record(self, artifacts: Path, case: str, **figures: Any) -> None:
        """What each end said about its path (types only, no addresses), in artifacts/network-paths.json."""
        path = artifacts / "network-paths.json"
        known = json.loads(path.read_text()) if path.exists() else {}
        known[case] = {"page": self.page_pair(), "booth": self.booth_pair(), **figures}
        path.write_text(json.dumps(known, indent=2))
