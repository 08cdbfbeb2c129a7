"""The call button to the advisor's phone and back: how long each leg takes.

Starts ``etapiste backend`` (SQLite, demo data) in a process of its own and the
push service stand-in (tests/support/push_service.py: it verifies the VAPID
signature and decrypts each push, as a phone would) in this one; registers one
phone for the demo advisor; connects the demo booth and the advisor's desk over
websockets. Then, ``--presses`` times (200 by default):

1. the booth sends ``assist.request`` (the button pressed) — measured until the
   stand-in has received and decrypted the push: **press → push**;
   the floor, in the same round, is the press until the booth's own
   ``assist.status requested`` comes back (the backend's existing round trip
   without the phone);
2. the phone's "I'm on it" (``POST /api/push/ack`` with the push's proof) —
   measured until the booth receives ``assist.status acknowledged`` (the banner
   "the advisor is on the way" and the blinking light): **ack → banner**; its
   floor is a ``GET /healthz`` round trip in the same round;
3. the desk clears the alarm (``assist.clear``) so the next press is a new one.

Prints p50/p99 of each leg and the ratios to their floors; figures, not
assertions (docs and bench/README.md keep them).

    .venv/bin/python -m bench.assist [--presses 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import websockets

from tests.support.push_service import PushServiceStandIn

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(port: int, method: str, path: str, body: dict | None = None, token: str | None = None):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})},
    )
    with urllib.request.urlopen(request, timeout=10) as r:
        return json.loads(r.read() or b"null")


def wait_up(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit("the backend exited")
        try:
            http(port, "GET", "/healthz")
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the backend did not come up")


async def until(ws, kind: str, **fields) -> dict:
    while True:
        msg = json.loads(await ws.recv())
        if msg["type"] == kind and all(msg.get(k) == v for k, v in fields.items()):
            return msg


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def run(port: int, presses: int, push: PushServiceStandIn) -> dict[str, list[float]]:
    advisor = http(port, "POST", "/api/login", {"username": "neuvoja", "password": "demo-advisor"})["token"]
    http(port, "POST", "/api/push/subscriptions", {**push.new_subscription(), "language": "fi"}, advisor)
    url = f"ws://127.0.0.1:{port}/ws"
    legs: dict[str, list[float]] = {"press_push": [], "press_status": [], "ack_banner": [], "healthz": []}
    async with websockets.connect(url) as booth, websockets.connect(url) as desk:
        await booth.send(
            json.dumps({"type": "hello", "role": "booth", "booth_id": "imatra-1", "token": "demo-booth-secret"})
        )
        await until(booth, "welcome")
        await desk.send(json.dumps({"type": "hello", "role": "official", "token": advisor}))
        await until(desk, "welcome")
        for i in range(presses):
            seen = len(push.received)
            t0 = time.perf_counter()
            await booth.send(json.dumps({"type": "assist.request"}))
            await until(booth, "assist.status", state="requested")
            legs["press_status"].append(time.perf_counter() - t0)
            got = await asyncio.to_thread(
                push.wait_for, lambda r, seen=seen: push.received.index(r) >= seen and r.payload["level"] == 0
            )
            legs["press_push"].append(got.at - t0)

            t1 = time.perf_counter()
            await asyncio.to_thread(http, port, "GET", "/healthz")
            legs["healthz"].append(time.perf_counter() - t1)

            t2 = time.perf_counter()
            ack = {"alert_id": got.payload["alert_id"], **got.payload["ack"]}
            await asyncio.to_thread(http, port, "POST", "/api/push/ack", ack)
            await until(booth, "assist.status", state="acknowledged")
            legs["ack_banner"].append(time.perf_counter() - t2)

            await desk.send(json.dumps({"type": "assist.clear", "booth_id": "imatra-1"}))
            await until(booth, "assist.status", state="none")
            if (i + 1) % 50 == 0:
                print(f"  {i + 1} presses", flush=True)
    return legs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--presses", type=int, default=200)
    args = parser.parse_args()
    port = free_port()
    push = PushServiceStandIn().start()
    with tempfile.TemporaryDirectory() as tmp:
        log = open(Path(tmp) / "backend.log", "wb")  # closed below, after the backend stopped
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "etapiste",
                "backend",
                "--database-url",
                f"sqlite:///{tmp}/b.db",
                "--port",
                str(port),
                "--seed-demo",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=REPO,
            env={**os.environ, "ETAPISTE_ALARMS_ESCALATE_AFTER_S": "300"},
        )
        try:
            wait_up(port, proc)
            legs = asyncio.run(run(port, args.presses, push))
        finally:
            proc.terminate()
            proc.wait(15)
            log.close()
            push.stop()
            tracebacks = (Path(tmp) / "backend.log").read_text(errors="replace").count("Traceback")
    ms = {k: [v * 1000 for v in vs] for k, vs in legs.items()}
    print(f"\nassist: {args.presses} call-button presses, the backend in its own process, the push stand-in here")
    print("| leg | p50 ms | p99 ms | floor (same run) | p50 ratio | p99 ratio |")
    print("|---|---|---|---|---|---|")
    for leg, floor, name in (
        ("press_push", "press_status", "press -> push at the push service"),
        ("ack_banner", "healthz", "I'm on it -> booth's banner (assist.status)"),
    ):
        a, f = ms[leg], ms[floor]
        floor_text = f"{floor} p50 {pct(f, 0.5):.1f} / p99 {pct(f, 0.99):.1f}"
        print(
            f"| {name} | {pct(a, 0.5):.1f} | {pct(a, 0.99):.1f} | {floor_text}"
            f" | {pct(a, 0.5) / pct(f, 0.5):.1f} x | {pct(a, 0.99) / pct(f, 0.99):.1f} x |"
        )
    print(
        f"mean press -> push {statistics.mean(ms['press_push']):.1f} ms; refused pushes {len(push.refused)}; "
        f"tracebacks in the backend's log {tracebacks}"
    )


if __name__ == "__main__":
    main()
