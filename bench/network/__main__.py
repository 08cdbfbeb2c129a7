"""A call on a poor line: 384 kbit/s each way with 5 % packet loss, for 10 minutes (``--quick``: 2).

Issue 10: booths sit at the end of municipal lines that are slow and lossy.
The real backend, coturn, the booth (kiosk process) in one network namespace
and the official's Chromium in another (tests/e2e/netns.py, tests/e2e/net_call.py)
hold one call. After a 15 s warm-up a window on a clean line (the floor, same run), then the
booth's line is shaped with ``tc tbf`` (384 kbit/s each way) and nftables
``numgen random`` (5 % of UDP packets lost each way) for the measured window.

Figures per window, read once a second from the page's ``getStats`` and the
booth's status file:
- video fps decoded at the official's page and received at the booth;
- the share of audio samples the page had to conceal (late or lost audio),
  and the booth's playout underruns per minute;
- the media bitrate each way at the page (a check that the line is what it claims);
- reconnects: times the page's peer connection left ``connected``, times the
  booth left the call, times the booth's websocket dropped (goal: none).
The ratio is the poor line's fps against the clean line's. Asserts nothing.

    .venv/bin/python -m bench.network            # 10 minutes on the poor line
    .venv/bin/python -m bench.network --quick    # 2 minutes
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from tests.e2e.net_call import Call, booth_in, chromium_in, turn_and_backend
from tests.e2e.netns import LabNet, lab_network, usable

KBIT, LOSS = 384, 5
#: Before the clean window: the call's first seconds (jitter buffers filling, bitrate ramping up).
WARM_UP_S = 15.0
#: Bytes of media the page received and sent, all streams (a check that the line is what it claims).
BYTES_JS = """
async () => {
  const pc = window.etapiste && window.etapiste.pc();
  if (!pc) return null;
  let received = 0, sent = 0;
  (await pc.getStats()).forEach(r => {
    if (r.type === 'inbound-rtp') received += r.bytesReceived || 0;
    if (r.type === 'outbound-rtp') sent += r.bytesSent || 0;
  });
  return {received, sent};
}
"""


@dataclass
class Window:
    """What one measured window saw."""

    seconds: float
    page_fps: float
    booth_fps: float
    page_audio_concealed: float
    booth_underruns_per_min: float
    page_kbit_in: float  # media the page received (booth -> official), kbit/s
    page_kbit_out: float  # media the page sent (official -> booth), kbit/s
    page_not_connected: int  # times the page's peer connection left "connected"
    booth_left_call: int  # times the booth's phase left "in_call"
    booth_ws_drops: int  # times the booth's websocket was seen down
    path_page: str
    path_booth: str


def measure(call: Call, seconds: float) -> Window:
    """Poll both ends once a second for ``seconds``; count what moved and what broke."""
    first_page, first_booth = call.page_stats(), call.kiosk.status()
    first_bytes = call.page.evaluate(BYTES_JS)
    start = time.monotonic()
    page_drops = booth_left = ws_drops = 0
    was_connected, was_in_call, was_ws = True, True, True
    page, booth = first_page, first_booth
    while time.monotonic() - start < seconds:
        time.sleep(1.0)
        page, booth = call.page_stats() or page, call.kiosk.status()
        connected = page["state"] == "connected"
        in_call = booth["phase"] == "in_call"
        ws = bool(booth["connected"])
        page_drops += was_connected and not connected
        booth_left += was_in_call and not in_call
        ws_drops += was_ws and not ws
        was_connected, was_in_call, was_ws = connected, in_call, ws
    elapsed = time.monotonic() - start
    last_bytes = call.page.evaluate(BYTES_JS)
    m0, m1 = first_booth["media"] or {}, booth["media"] or {}
    samples = page["audio_samples"] - first_page["audio_samples"]
    page_pair, booth_pair = call.page_pair() or {}, call.booth_pair() or {}
    return Window(
        seconds=round(elapsed, 1),
        page_fps=round((page["video_frames_decoded"] - first_page["video_frames_decoded"]) / elapsed, 1),
        booth_fps=round((m1.get("video_frames_received", 0) - m0.get("video_frames_received", 0)) / elapsed, 1),
        page_audio_concealed=round((page["audio_concealed"] - first_page["audio_concealed"]) / samples, 4)
        if samples > 0
        else 1.0,
        booth_underruns_per_min=round(
            (m1.get("playout_underruns", 0) - m0.get("playout_underruns", 0)) / elapsed * 60, 1
        ),
        page_kbit_in=round((last_bytes["received"] - first_bytes["received"]) * 8 / 1000 / elapsed, 1),
        page_kbit_out=round((last_bytes["sent"] - first_bytes["sent"]) * 8 / 1000 / elapsed, 1),
        page_not_connected=page_drops,
        booth_left_call=booth_left,
        booth_ws_drops=ws_drops,
        path_page=f"{page_pair.get('local')}/{page_pair.get('relay_protocol') or '-'}",
        path_booth=f"{booth_pair.get('local')}/{booth_pair.get('relay_protocol') or '-'}",
    )


def run(net: LabNet, tmp: Path, floor_s: float, poor_s: float) -> tuple[Window, Window]:
    with turn_and_backend(tmp) as backend, chromium_in(net, tmp / "chromium") as browser:
        kiosk = booth_in(net, backend, tmp, tmp / "shots")
        try:
            context = browser.new_context(permissions=["camera", "microphone"])
            page = context.new_page()
            page.set_default_timeout(30_000)
            call = Call.place(kiosk, page, backend)
            time.sleep(WARM_UP_S)  # the window starts after the call settled, not when it began
            print(f"clean line: measuring {floor_s:.0f} s", flush=True)
            clean = measure(call, floor_s)
            net.booth.slow_line(KBIT, LOSS)
            print(f"{KBIT} kbit/s each way, {LOSS} % loss: measuring {poor_s:.0f} s", flush=True)
            poor = measure(call, poor_s)
            context.close()
        finally:
            net.booth.reset()
            kiosk.stop()
    return clean, poor


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.network", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 minutes on the poor line instead of 10")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    why = usable()
    if why:
        raise SystemExit(f"bench.network: {why}")
    poor_s = 120.0 if args.quick else 600.0
    floor_s = 30.0 if args.quick else 60.0
    with tempfile.TemporaryDirectory(prefix="etapiste-bench-net-") as tmp_name, lab_network() as net:
        clean, poor = run(net, Path(tmp_name), floor_s, poor_s)
    print()
    print(f"{'':34}{'clean line':>14}{f'{KBIT} kbit/s + {LOSS} %':>20}")
    for label, key in (
        ("video fps at the official", "page_fps"),
        ("video fps at the booth", "booth_fps"),
        ("audio concealed at the official", "page_audio_concealed"),
        ("booth playout underruns / min", "booth_underruns_per_min"),
        ("media kbit/s booth -> official", "page_kbit_in"),
        ("media kbit/s official -> booth", "page_kbit_out"),
        ("page connection drops", "page_not_connected"),
        ("booth left the call", "booth_left_call"),
        ("booth websocket drops", "booth_ws_drops"),
        ("path (page / booth)", None),
        ("seconds measured", "seconds"),
    ):
        if key is None:
            a, b = f"{clean.path_page} {clean.path_booth}", f"{poor.path_page} {poor.path_booth}"
        else:
            a, b = getattr(clean, key), getattr(poor, key)
        print(f"{label:34}{a!s:>14}{b!s:>20}")
    for label, key in (("official", "page_fps"), ("booth", "booth_fps")):
        floor = getattr(clean, key)
        ratio = getattr(poor, key) / floor if floor else float("nan")
        print(f"fps ratio poor/clean at the {label}: {ratio:.2f}")
    if args.json:
        args.json.write_text(json.dumps({"clean": asdict(clean), "poor": asdict(poor)}, indent=2))


if __name__ == "__main__":
    main()
