"""The booth's outgoing media with and without a CPU hog on one core, in one run.

Issue 9: on a busy 2-core machine the booth's audio reached the official at a
fifth of its rate while Kivy, aiortc and the websocket shared one loop. Here
the real backend and kiosk processes and Chromium as the official (signed in,
admitting the booth as it appears, as ``bench.call_setup`` does) hold one
call; over a window of ``--seconds`` the official's page counts the booth's
audio packets and video frames it received and decoded, and the booth counts
the 20 ms audio blocks its microphone track produced.

Figures per condition:
- audio delivered: packets received at the browser as a share of the blocks
  the booth sent in the window (goal >= 99 %), and as a share of real time
  (50 blocks a second: a sender that falls behind shows here);
- concealed: the share of samples the browser had to invent (late audio);
- video fps decoded at the browser.
The floor is the same call without the hog, in the same run; the hog is a
busy loop pinned to core 0 at normal priority. Asserts nothing about time.

    .venv/bin/python -m bench.outgoing_media --seconds 20
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.call_setup import AUTO_ADMIT_JS, SERVICE, _media_field, _phase_is, poll
from tests.e2e.booth_ui import tap
from tests.e2e.browser import CALL_STATS_JS, chromium_args, chromium_path, trusting_home
from tests.e2e.media_files import write_tone_wav, write_y4m
from tests.e2e.processes import Backend, Kiosk, local_tls

BLOCKS_PER_S = 50  # 20 ms audio blocks
WARM_UP_S = 4.0
HOG = "import os\nos.sched_setaffinity(0, {0})\nwhile True:\n    pass\n"


@dataclass
class Figure:
    condition: str
    seconds: float
    sent: int
    delivered: int
    concealed: float
    video_fps: float
    sent_fps: float  # video frames the booth's camera track produced per second

    @property
    def share_of_sent(self) -> float:
        return 100 * self.delivered / self.sent if self.sent else 0.0

    @property
    def share_of_real_time(self) -> float:
        return 100 * self.delivered / (BLOCKS_PER_S * self.seconds)


async def window(kiosk: Kiosk, page, seconds: float, condition: str) -> Figure:
    loop = asyncio.get_running_loop()
    v0 = await _media_field(kiosk, "video_frames_sent")
    s0, p0, t0 = await _media_field(kiosk, "audio_frames_sent"), await page.evaluate(CALL_STATS_JS), loop.time()
    await asyncio.sleep(seconds)
    v1 = await _media_field(kiosk, "video_frames_sent")
    s1, p1, t1 = await _media_field(kiosk, "audio_frames_sent"), await page.evaluate(CALL_STATS_JS), loop.time()
    samples = p1["audio_samples"] - p0["audio_samples"]
    return Figure(
        condition,
        t1 - t0,
        s1 - s0,
        p1["audio_packets_received"] - p0["audio_packets_received"],
        (p1["audio_concealed"] - p0["audio_concealed"]) / samples if samples else 1.0,
        (p1["video_frames_decoded"] - p0["video_frames_decoded"]) / (t1 - t0),
        (v1 - v0) / (t1 - t0),
    )


async def main(seconds: float) -> None:
    from playwright.async_api import async_playwright

    from backend.store.seed import DemoAccounts

    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="etapiste-bench-") as tmp_name:
        tmp = Path(tmp_name)
        video, audio = write_y4m(tmp / "official.y4m"), write_tone_wav(tmp / "official.wav")
        backend = Backend(tmp)
        kiosk = Kiosk(tmp, backend.port, tmp / "shots")
        try:
            async with async_playwright() as pw:
                browser = await pw.chromium.launch(
                    executable_path=chromium_path(),
                    headless=True,
                    args=chromium_args(video, audio),
                    env=trusting_home(tmp / "home", local_tls()[0].cert),  # the backend serves HTTPS
                )
                context = await browser.new_context(permissions=["camera", "microphone"])
                page = await context.new_page()
                accounts = DemoAccounts()
                await page.goto(backend.url + "/official/")
                await page.fill("#username", accounts.username)
                await page.fill("#password", accounts.password)
                await page.click("#login-button")
                await page.wait_for_selector("#connection[data-state='connected']")
                await page.evaluate(AUTO_ADMIT_JS)
                await poll("the booth to be idle", lambda: _phase_is(kiosk, "idle"), timeout=60)
                await asyncio.to_thread(tap, kiosk, "start")
                await asyncio.to_thread(tap, kiosk, f"service:{SERVICE}")
                await poll("the booth's first remote frame", lambda: _media_field(kiosk, "first_remote_video_at"))
                await asyncio.sleep(WARM_UP_S)
                figures.append(await window(kiosk, page, seconds, "no hog (floor)"))
                hog = subprocess.Popen([sys.executable, "-c", HOG])
                try:
                    await asyncio.sleep(1.0)
                    figures.append(await window(kiosk, page, seconds, "CPU hog on core 0"))
                finally:
                    hog.kill()
                    hog.wait()
                await browser.close()
        finally:
            kiosk.stop()
            backend.stop()
    floor = figures[0]
    print(f"booth -> official over {seconds:.0f} s windows, one call (loopback); load average {os.getloadavg()[0]:.1f}")
    for f in figures:
        ratio = f.video_fps / floor.video_fps if floor.video_fps else float("nan")
        print(
            f"{f.condition:<20} audio delivered {f.share_of_sent:6.2f} % of sent ({f.delivered}/{f.sent}), "
            f"{f.share_of_real_time:6.2f} % of real time, concealed {100 * f.concealed:5.2f} % | "
            f"video {f.video_fps:5.1f} fps decoded (x floor {ratio:4.2f}), booth sent {f.sent_fps:5.1f} fps"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20, help="length of each window (default: %(default)s)")
    asyncio.run(main(parser.parse_args().seconds))
