"""The backend under its limits: sockets held, its memory, and a flooding booth.

Starts ``etapiste backend`` (SQLite, demo data) as a process of its own on a
free port with the default limits (``ETAPISTE_LIMITS_*`` from the environment
apply), then:

1. signs the demo official in once and opens ``--sockets`` websockets with the
   token (an official's tabs), all from 127.0.0.1, and counts how many the
   backend held and how many it refused (``overloaded``: the per-address limit);
   prints the backend's RSS (``/proc/<pid>/status`` VmRSS) idle and holding them;
2. a booth floods ``device.status`` as fast as its socket takes for
   ``--flood-s`` seconds: prints frames sent per second, how many were
   accepted before the first ``rate_limited`` and in all, and how many presence
   snapshots one of the held officials got meanwhile (coalesced).

    .venv/bin/python -m bench.limits [--sockets 600] [--flood-s 3]

Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import websockets

BOOTH_HELLO = {"type": "hello", "role": "booth", "booth_id": "imatra-1", "token": "demo-booth-secret"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def wait_up(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the backend did not start")


def sign_in(port: int) -> str:
    body = json.dumps({"username": "virkailija", "password": "demo-password"}).encode()
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/login", body, headers={"content-type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())["token"]


async def open_official(url: str, token: str) -> websockets.ClientConnection | None:
    """A signed-in official's socket, or None when the backend refused it."""
    ws = await websockets.connect(url, max_size=None)
    try:
        await ws.send(json.dumps({"type": "hello", "role": "official", "token": token}))
        first = json.loads(await ws.recv())
    except websockets.ConnectionClosed:
        return None  # refused at once (overloaded), before the hello was read
    if first["type"] == "welcome":
        return ws
    await ws.close()
    return None


async def count_presence(ws: websockets.ClientConnection, stop: asyncio.Event) -> int:
    seen = 0
    while not stop.is_set():
        try:
            msg = json.loads(await asyncio.wait_for(ws.recv(), 0.2))
        except TimeoutError:
            continue
        seen += msg["type"] == "presence"
    return seen


async def run(port: int, pid: int, sockets: int, flood_s: float) -> None:
    url = f"ws://127.0.0.1:{port}/ws"
    token = sign_in(port)
    idle = rss_kib(pid)
    held: list[websockets.ClientConnection] = []
    refused = 0
    started = time.monotonic()
    for start in range(0, sockets, 50):
        batch = await asyncio.gather(*(open_official(url, token) for _ in range(start, min(sockets, start + 50))))
        held += [ws for ws in batch if ws is not None]
        refused += sum(ws is None for ws in batch)
    opened_s = time.monotonic() - started
    await asyncio.sleep(1)
    holding = rss_kib(pid)
    print(f"sockets asked {sockets}: held {len(held)}, refused {refused} (in {opened_s:.1f} s)")
    print(
        f"backend RSS idle {idle / 1024:.1f} MiB, holding {len(held)} signed-in sockets {holding / 1024:.1f} MiB "
        f"({(holding - idle) / max(1, len(held)):.0f} KiB each)"
    )
    if refused:  # a place for the flooding booth (it comes from the same address)
        await held.pop().close()
        await asyncio.sleep(0.5)
    # Drain what the held officials were sent so far, then watch one of them during the flood.
    for ws in held:
        while True:
            try:
                await asyncio.wait_for(ws.recv(), 0.01)
            except TimeoutError:
                break
    stop = asyncio.Event()
    watcher = asyncio.create_task(count_presence(held[0], stop)) if held else None
    async with websockets.connect(url) as booth:
        await booth.send(json.dumps(BOOTH_HELLO))
        await booth.recv()
        sent = limited = 0
        closed_code: int | None = None

        async def read_answers() -> None:
            nonlocal limited, closed_code
            try:
                async for raw in booth:
                    msg = json.loads(raw)
                    limited += msg["type"] == "error" and msg["code"] == "rate_limited"
            except websockets.ConnectionClosed:
                pass
            closed_code = booth.close_code

        reader = asyncio.create_task(read_answers())
        flood_start = time.monotonic()
        try:
            while time.monotonic() - flood_start < flood_s and not reader.done():
                state = "degraded" if sent % 2 else "ok"
                await booth.send(json.dumps({"type": "device.status", "devices": [{"role": "camera", "state": state}]}))
                sent += 1
        except websockets.ConnectionClosed:
            pass
        flood = time.monotonic() - flood_start
        await asyncio.wait_for(reader, 10)
    stop.set()
    presence = await watcher if watcher else 0
    print(
        f"flood: the booth wrote {sent} device reports in {flood:.2f} s ({sent / flood:.0f}/s into its socket); "
        f"the backend answered {limited} with rate_limited and closed the socket with {closed_code}"
    )
    print(f"one held official got {presence} presence snapshots during the flood")
    print(f"backend RSS after the flood {rss_kib(pid) / 1024:.1f} MiB")
    for ws in held:
        await ws.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=600)
    parser.add_argument("--flood-s", type=float, default=3.0)
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "etapiste", "backend", "--database-url", f"sqlite:///{tmp}/b.db"]
        cmd += ["--seed-demo", "--port", str(port)]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=open(f"{tmp}/backend.log", "w"), env=os.environ)
        try:
            wait_up(port)
            asyncio.run(run(port, proc.pid, args.sockets, args.flood_s))
        finally:
            proc.terminate()
            proc.wait(30)
            errors = [line for line in Path(f"{tmp}/backend.log").read_text().splitlines() if "Traceback" in line]
            print(f"tracebacks in the backend's log: {len(errors)}")


if __name__ == "__main__":
    main()
