"""The booth's audio: echo cancellation (ERLE), playout latency and the audio path's CPU.

Everything runs against a private PulseAudio server in user mode (the test
tier's, ``tests.support.sound_server``), with the booth's own drivers:

- ERLE: the sound server's WebRTC echo canceller (``drivers.echo_cancel``),
  started as the booth starts it, on a simulated room
  (``tests.support.room.ServerRoom``: the speaker's output delayed, filtered
  and mixed back into the microphone); speech-like far-end through the
  canceller's sink, the raw echo and the cancelled signal recorded over the
  same seconds (``tests.support.erle``). Three configurations: the booth's
  (noise suppression on), the canceller alone (noise suppression off), and
  the floor: no canceller (the microphone read directly). Goal >= 25 dB.
- Playout latency: the remote voice fed to the booth's ``kiosk.playout.Mixer``
  in 20 ms frames with network-like jitter (0-40 ms late), played by
  ``drivers.sound.PulseSpeaker``: the mixer's buffer depth (mean, max) plus
  the sound server's own latency for the stream, and underruns.
- CPU: this process (microphone + speaker threads, mixer, the feeding) and
  the sound server, as a share of one core, with the canceller and without,
  beside this process idle (floor).

    .venv/bin/python -m bench.audio [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from drivers import echo_cancel
from drivers.microphone import BLOCK
from drivers.sound import PulseMicrophone, PulseSpeaker
from kiosk.playout import Mixer
from tests.support import erle
from tests.support.room import ServerRoom
from tests.support.sound_server import MIC, MIC_FEED, SPEAKER, SoundServer, tone

WINDOW_S = 8.0


def cpu_seconds(pid: int | str = "self") -> float:
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        stat = f.read()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def no_canceller_erle(sound: SoundServer, seconds: float = 4.0) -> float:
    """The floor: the room's echo as the booth hears it without a canceller (raw vs the mic itself)."""
    signal = erle.far_end(10.0)
    position = 0

    def source() -> np.ndarray:
        nonlocal position
        start = position % (signal.size - BLOCK)
        position += BLOCK
        return signal[start : start + BLOCK]

    speaker = PulseSpeaker(SPEAKER, sound.server)
    speaker.source = source
    room = ServerRoom(sound)
    try:
        time.sleep(2.0)
        results: dict[str, np.ndarray] = {}
        threads = [
            threading.Thread(target=lambda: results.__setitem__("raw", sound.record(f"{MIC_FEED}.monitor", seconds))),
            threading.Thread(target=lambda: results.__setitem__("out", sound.record(MIC, seconds))),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        n = min(results["raw"].size, results["out"].size)
        return erle.power_db(results["raw"][:n]) - erle.power_db(results["out"][:n])
    finally:
        room.close()
        speaker.close()


def playout_and_cpu(sound: SoundServer, with_canceller: bool) -> dict[str, float]:
    """A call's audio path for ``WINDOW_S``: the mic read at call pace, the remote voice fed with jitter."""
    canceller = echo_cancel.EchoCanceller(MIC, SPEAKER, sound.server) if with_canceller else None
    if canceller is not None:
        canceller.probe()
    mixer = Mixer(target_ms=60, volume=70)
    speaker = PulseSpeaker(SPEAKER, sound.server, via=echo_cancel.SINK if canceller else "")
    speaker.source = mixer.pull
    mic = PulseMicrophone(MIC, sound.server, via=echo_cancel.SOURCE if canceller else "")
    sound.play(MIC_FEED, tone(300, 1.0, amplitude=0.1))
    voice = tone(500, 2.0, amplitude=0.2)
    rng = np.random.default_rng(3)
    depths: list[float] = []
    stop = threading.Event()

    def network() -> None:  # the remote voice, 20 ms frames arriving 0-40 ms late
        start, n = time.monotonic(), 0
        while not stop.is_set():
            due = start + n * 0.02 + float(rng.uniform(0, 0.04))
            time.sleep(max(0.0, due - time.monotonic()))
            i = (n * BLOCK) % (voice.size - BLOCK)
            mixer.push("o1", voice[i : i + BLOCK])
            n += 1

    def call_pace_mic() -> None:
        while not stop.is_set():
            mic.read(BLOCK)
            depths.append(mixer.buffered_ms())
            time.sleep(0.02)

    threads = [threading.Thread(target=network), threading.Thread(target=call_pace_mic)]
    try:
        for t in threads:
            t.start()
        time.sleep(2.0)  # streams open, buffers filled
        depths.clear()
        under0, dropped0 = mixer.underruns, mixer.dropped_samples
        c0, s0, t0 = cpu_seconds(), cpu_seconds(sound.proc.pid), time.monotonic()
        time.sleep(WINDOW_S)
        c1, s1, t1 = cpu_seconds(), cpu_seconds(sound.proc.pid), time.monotonic()
        return {
            "booth_cpu": 100 * (c1 - c0) / (t1 - t0),
            "server_cpu": 100 * (s1 - s0) / (t1 - t0),
            "buffer_mean": statistics.fmean(depths) if depths else 0.0,
            "buffer_max": max(depths, default=0.0),
            "server_latency": speaker.latency_ms,
            "underruns": float(mixer.underruns - under0),
            "skipped_ms": 1000 * (mixer.dropped_samples - dropped0) / 48_000,
        }
    finally:
        stop.set()
        for t in threads:
            t.join()
        sound.stop_players()
        mic.close()
        speaker.close()
        if canceller is not None:
            canceller.close()


def idle_cpu(seconds: float = 3.0) -> float:
    c0, t0 = cpu_seconds(), time.monotonic()
    time.sleep(seconds)
    return 100 * (cpu_seconds() - c0) / (time.monotonic() - t0)


def fresh_server(base: Path, name: str) -> SoundServer:
    root = base / name
    shutil.rmtree(root, ignore_errors=True)
    return SoundServer(root)


def main(runs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="etapiste-bench-audio-") as tmp:
        base = Path(tmp)
        print(f"cores: {os.cpu_count()}; load average {os.getloadavg()[0]:.1f}; {runs} run(s) per figure\n", flush=True)
        rows: dict[str, list[float]] = {
            "booth (canceller + noise suppression)": [],
            "canceller alone": [],
            "floor: no canceller": [],
        }
        kept: list[float] = []
        for n in range(runs):
            for label, ns in (("booth (canceller + noise suppression)", True), ("canceller alone", False)):
                sound = fresh_server(base, f"erle-{n}-{ns}")
                try:
                    figures = erle.measure_erle(sound, converge_s=6.0, seconds=4.0, noise_suppression=ns)
                finally:
                    sound.close()
                rows[label].append(figures.erle_db)
                if ns:
                    kept.append(figures.near_end_kept_db)
                near = figures.near_end_kept_db
                print(
                    f"  run {n + 1}: {label:<38} ERLE {figures.erle_db:5.1f} dB, near end {near:+5.1f} dB", flush=True
                )
            sound = fresh_server(base, f"floor-{n}")
            try:
                rows["floor: no canceller"].append(no_canceller_erle(sound))
            finally:
                sound.close()
        print("\nERLE on the simulated room (goal >= 25 dB):")
        for label, values in rows.items():
            print(
                f"  {label:<38} median {statistics.median(values):5.1f} dB  "
                f"(min {min(values):5.1f}, max {max(values):5.1f})"
            )
        print(f"  near-end voice through the booth's canceller: median {statistics.median(kept):+.1f} dB")

        print("\nplayout and CPU over a call's audio path (remote voice 0-40 ms jitter, 60 ms target buffer):")
        floor = idle_cpu()
        for label, with_canceller in (("with the canceller", True), ("without", False)):
            sound = fresh_server(base, f"path-{with_canceller}")
            try:
                f = playout_and_cpu(sound, with_canceller)
            finally:
                sound.close()
            print(
                f"  {label:<20} playout buffer mean {f['buffer_mean']:5.1f} ms max {f['buffer_max']:5.1f} ms + "
                f"server {f['server_latency']:5.1f} ms; underruns {f['underruns']:.0f}, "
                f"skipped {f['skipped_ms']:.0f} ms; CPU booth audio path "
                f"{f['booth_cpu']:4.1f} % (idle floor {floor:3.1f} %), "
                f"sound server {f['server_cpu']:4.1f} %"
            )
        print(f"  floor: this process idle {floor:4.1f} % of one core")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="ERLE runs per configuration (default: %(default)s)")
    main(parser.parse_args().runs)
