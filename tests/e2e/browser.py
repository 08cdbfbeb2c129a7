"""Debian's Chromium driven by Playwright, with fake camera and microphone files."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


def chromium_path() -> str | None:
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


def trusting_home(home: Path, ca_cert: Path) -> dict[str, str]:
    """The environment for a Chromium that trusts ``ca_cert`` for real: a HOME whose NSS database
    (``~/.pki/nssdb``, where Chromium on Linux reads its trust) holds the CA, added with
    ``certutil`` (libnss3-tools). No certificate errors are ignored anywhere."""
    nssdb = home / ".pki" / "nssdb"
    nssdb.mkdir(parents=True, exist_ok=True)
    db = f"sql:{nssdb}"
    subprocess.run(["certutil", "-N", "-d", db, "--empty-password"], check=True, capture_output=True)
    subprocess.run(
        ["certutil", "-A", "-d", db, "-t", "C,,", "-n", "etapiste-e2e-ca", "-i", str(ca_cert)],
        check=True,
        capture_output=True,
    )
    return {**os.environ, "HOME": str(home)}


def chromium_args(video: Path, audio: Path) -> list[str]:
    return [
        "--no-sandbox",
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
        f"--use-file-for-fake-audio-capture={audio}",
        "--allow-loopback-in-peer-connection",
        "--autoplay-policy=no-user-gesture-required",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--disable-features=WebRtcHideLocalIpsWithMdns",
    ]


#: JavaScript run in the official's page: counters from the live call's stats.
CALL_STATS_JS = """
async () => {
  const pc = window.etapiste && window.etapiste.pc();
  if (!pc) return null;
  const out = {video_frames_decoded: 0, audio_packets_received: 0, audio_level: 0,
               audio_energy: 0, audio_seconds: 0, audio_samples: 0, audio_concealed: 0,
               video_frames_sent: 0, audio_packets_sent: 0, state: pc.connectionState};
  (await pc.getStats()).forEach(r => {
    if (r.type === 'inbound-rtp' && r.kind === 'video') out.video_frames_decoded = r.framesDecoded || 0;
    if (r.type === 'inbound-rtp' && r.kind === 'audio') {
      out.audio_packets_received = r.packetsReceived || 0;
      out.audio_level = r.audioLevel || 0;  // of the last few ms played: 0 during a gap
      out.audio_energy = r.totalAudioEnergy || 0;  // sum of level^2 x duration over all audio played
      out.audio_seconds = r.totalSamplesDuration || 0;
      out.audio_samples = r.totalSamplesReceived || 0;
      out.audio_concealed = r.concealedSamples || 0;  // played out as filler: audio that came late or not at all
    }
    if (r.type === 'outbound-rtp' && r.kind === 'video') out.video_frames_sent = r.framesSent || 0;
    if (r.type === 'outbound-rtp' && r.kind === 'audio') out.audio_packets_sent = r.packetsSent || 0;
  });
  return out;
}
"""

#: Average RGB of a few regions of the remote video, read back through a canvas.
REMOTE_PIXELS_JS = """
() => {
  const v = document.querySelector('#remote-video');
  if (!v || !v.videoWidth) return null;
  const c = document.createElement('canvas');
  c.width = v.videoWidth; c.height = v.videoHeight;
  const g = c.getContext('2d');
  g.drawImage(v, 0, 0);
  const at = (fx, fy) => {
    const d = g.getImageData(Math.floor(fx * c.width) - 4, Math.floor(fy * c.height) - 4, 8, 8).data;
    let r = 0, gg = 0, b = 0;
    for (let i = 0; i < d.length; i += 4) { r += d[i]; gg += d[i + 1]; b += d[i + 2]; }
    const n = d.length / 4;
    return [r / n, gg / n, b / n];
  };
  const all = g.getImageData(0, 0, c.width, c.height).data;
  const mean = [0, 0, 0];
  for (let i = 0; i < all.length; i += 4) { mean[0] += all[i]; mean[1] += all[i + 1]; mean[2] += all[i + 2]; }
  const n = all.length / 4;
  return {size: [c.width, c.height], left: at(1 / 6, 0.2), middle: at(0.5, 0.2), right: at(5 / 6, 0.2),
          mean: mean.map(v => v / n)};
}
"""


def audio_heard(earlier: dict, later: dict) -> dict[str, float]:
    """What the official heard between two ``CALL_STATS_JS`` readings.

    ``level``: the RMS of the played-out audio level over the interval (the
    scale of ``audioLevel``, 0..1), so one gap in the sound under load does not
    read as silence the way a single ``audioLevel`` sample does;
    ``concealed``: the share of samples the browser had to invent because the
    audio came late or not at all.
    """
    seconds = later["audio_seconds"] - earlier["audio_seconds"]
    samples = later["audio_samples"] - earlier["audio_samples"]
    energy = later["audio_energy"] - earlier["audio_energy"]
    return {
        "seconds": seconds,
        "level": (energy / seconds) ** 0.5 if seconds > 0 else 0.0,
        "concealed": (later["audio_concealed"] - earlier["audio_concealed"]) / samples if samples > 0 else 1.0,
    }


def sign_in(page, backend_url: str, username: str = "", password: str = "", language: str = "") -> None:
    """Sign in on the officials' page (the demo official by default) and wait for the live connection.

    ``language`` ("fi", "sv", "en"): chosen on the sign-in screen as an official would, and
    waited for until the page speaks it (its catalogue loaded, ``<html lang>`` set).
    """
    from backend.store.seed import DemoAccounts

    accounts = DemoAccounts()
    page.goto(backend_url + "/official/")
    if language:
        page.select_option("#login-language", language)
        page.wait_for_selector(f"html[lang='{language}']", timeout=15_000)
    page.fill("#username", username or accounts.username)
    page.fill("#password", password or accounts.password)
    page.click("#login-button")
    page.wait_for_selector("#connection[data-state='connected']", timeout=15_000)
