"""The booth's CPU when it sends to one, two and three remote peers (a mesh from the booth).

What decides between a mesh from the booth and an SFU for a call of three or
four (docs/ARCHITECTURE.md, "Media topology"): in a mesh the booth encodes its
camera once per remote peer and decodes every remote peer's picture.

The booth is this process: ``kiosk.media.CallMedia`` with the simulated
camera (the moving test card) and microphone from ``drivers.sim``, exactly as
in a call. The remote peers are aiortc peers (``tests.remote_peer``) in a
child process, each sending a 640x480 picture and a tone back as an
official's page does, so their CPU is not counted. CPU is the booth process's
user + system time from ``/proc/self/stat`` (all threads) over a window after
the connections are up, as a share of one core.

Floor, in the same run and at the same resolution: the booth's camera and
microphone read and converted at call rate with no peer connection at all.
Prints CPU per setup, its ratio to the floor and to one remote peer.
Asserts nothing about time: the machine is shared.

    .venv/bin/python -m bench.booth_peers --seconds 15
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from aiortc.contrib.media import MediaBlackhole

from drivers.sim.camera import SimulatedCamera
from drivers.sim.microphone import ToneMicrophone
from kiosk.media import CallMedia, CameraTrack, MediaStats, MicrophoneTrack

#: The booth camera's resolutions: the default (kiosk/config.py) and the example booth's.
RESOLUTIONS = ((640, 480), (1280, 720))
#: Time for the encoders' bitrate to ramp up before measuring.
WARM_UP_S = 3.0
#: The remote peers of a call of two, three and four parties.
PEERS = ("o1", "g2", "g3")


def cpu_seconds() -> float:
    """User + system CPU time of this process, all threads (fields 14 and 15 of /proc/self/stat)."""
    with open("/proc/self/stat", encoding="ascii") as f:
        stat = f.read()
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "; comm may hold spaces
    ticks = int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15 counted from 1
    return ticks / os.sysconf("SC_CLK_TCK")


@dataclass
class Figure:
    resolution: str
    setup: str
    cpu_pct: float  # of one core
    sent_fps: float  # frames the camera track produced per second
    remote_fps: float  # frames per second each remote peer decoded (mean), 0 for the floor
    booth_decoded_fps: float  # remote pictures the booth decoded per second (all peers)


async def measure(seconds: float, progress: Callable[[], int]) -> tuple[float, float]:
    """CPU share of one core and the rate of ``progress()`` over ``seconds``."""
    c0, t0, p0 = cpu_seconds(), time.monotonic(), progress()
    await asyncio.sleep(seconds)
    c1, t1, p1 = cpu_seconds(), time.monotonic(), progress()
    return 100 * (c1 - c0) / (t1 - t0), (p1 - p0) / (t1 - t0)


async def floor(width: int, height: int, seconds: float) -> Figure:
    """Camera and microphone read and converted at call rate, into a sink: no peer connection."""
    camera = SimulatedCamera("face_camera", width, height)
    camera.open()
    stats = MediaStats()
    sink = MediaBlackhole()
    sink.addTrack(CameraTrack(camera, stats))
    sink.addTrack(MicrophoneTrack(ToneMicrophone()))
    await sink.start()
    try:
        await asyncio.sleep(WARM_UP_S)
        cpu, fps = await measure(seconds, lambda: stats.video_frames_sent)
    finally:
        await sink.stop()
    return Figure(f"{width}x{height}", "floor: capture only", cpu, fps, 0.0, 0.0)


class Remotes:
    """The child process holding the remote peers; one JSON line per request and per answer."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc

    @classmethod
    async def start(cls) -> Remotes:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.booth_peers",
            "--remote",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        return cls(proc)

    async def ask(self, **request: object) -> dict:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write((json.dumps(request) + "\n").encode())
        await self.proc.stdin.drain()
        line = await asyncio.wait_for(self.proc.stdout.readline(), 60)
        if not line:
            raise RuntimeError("the remote peers' process ended")
        return json.loads(line)

    async def stop(self) -> None:
        await self.ask(cmd="quit")
        await self.proc.wait()


async def mesh(width: int, height: int, peers: tuple[str, ...], seconds: float) -> Figure:
    """The booth's call media sending to ``peers``, each in the child process."""
    camera = SimulatedCamera("face_camera", width, height)
    camera.open()
    states: dict[str, str] = {}
    media = CallMedia(camera, ToneMicrophone(), [], lambda peer, state: states.__setitem__(peer, state))
    remotes = await Remotes.start()
    try:
        for peer in peers:
            answer = await remotes.ask(cmd="answer", peer=peer, sdp=await media.offer(peer))
            await media.apply_answer(peer, answer["sdp"])
        deadline = time.monotonic() + 60
        while not all(states.get(p) == "connected" for p in peers):
            if time.monotonic() > deadline:
                raise TimeoutError(f"peers did not connect: {states}")
            await asyncio.sleep(0.05)
        await asyncio.sleep(WARM_UP_S)
        before = await remotes.ask(cmd="stats")
        decoded = [0]

        def decoded_now() -> int:  # every remote picture the booth decoded, all links
            decoded[0] = sum(media.link(p).remote_video.serial for p in peers)
            return decoded[0]

        sent0 = media.stats.video_frames_sent
        t0 = time.monotonic()
        cpu, booth_fps = await measure(seconds, decoded_now)
        elapsed = time.monotonic() - t0
        after = await remotes.ask(cmd="stats")
        sent_fps = (media.stats.video_frames_sent - sent0) / elapsed
        remote_fps = sum(after[p] - before[p] for p in peers) / len(peers) / elapsed
    finally:
        await media.close()
        await remotes.stop()
    setup = f"{len(peers)} remote peer{'s' if len(peers) > 1 else ''} ({len(peers) + 1} parties)"
    return Figure(f"{width}x{height}", setup, cpu, sent_fps, remote_fps, booth_fps)


async def remote_main() -> None:
    """The child: remote peers answering the booth's offers, reporting frames decoded."""
    from tests.remote_peer import RemotePeer

    loop = asyncio.get_running_loop()
    peers: dict[str, RemotePeer] = {}
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            break
        request = json.loads(line)
        if request["cmd"] == "answer":
            peer = peers[request["peer"]] = RemotePeer(send_video=True, width=640, height=480)
            reply: dict = {"sdp": await peer.answer(request["sdp"])}
        elif request["cmd"] == "stats":
            reply = {name: p.video_frames for name, p in peers.items()}
        else:
            for p in peers.values():
                await p.close()
            print(json.dumps({"ok": True}), flush=True)
            break
        print(json.dumps(reply), flush=True)


async def main(seconds: float) -> None:
    print(f"booth CPU over {seconds:.0f} s per setup, after {WARM_UP_S:.0f} s warm-up; 100 % = one core", flush=True)
    print(f"cores: {os.cpu_count()}; remote peers send 640x480 back\n", flush=True)
    figures: list[Figure] = []
    for width, height in RESOLUTIONS:
        figures.append(await floor(width, height, seconds))
        print(_row(figures[-1], figures[-1], None), flush=True)
        base = figures[-1]
        one = await mesh(width, height, PEERS[:1], seconds)
        print(_row(one, base, None), flush=True)
        figures.append(one)
        for n in range(2, len(PEERS) + 1):
            figures.append(await mesh(width, height, PEERS[:n], seconds))
            print(_row(figures[-1], base, one), flush=True)


def _row(f: Figure, floor_figure: Figure, one: Figure | None) -> str:
    vs_floor = f.cpu_pct / floor_figure.cpu_pct if floor_figure.cpu_pct else float("nan")
    vs_one = f"  x 1 peer {f.cpu_pct / one.cpu_pct:4.2f}" if one and one.cpu_pct else ""
    return (
        f"{f.resolution:>9}  {f.setup:<26} CPU {f.cpu_pct:5.1f} %  x floor {vs_floor:5.2f}  "
        f"sent {f.sent_fps:4.1f} fps  each remote got {f.remote_fps:4.1f} fps  "
        f"booth decoded {f.booth_decoded_fps:4.1f} fps{vs_one}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=15, help="measuring window per setup (default: %(default)s)")
    parser.add_argument("--remote", action="store_true", help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    asyncio.run(remote_main() if args.remote else main(args.seconds))
