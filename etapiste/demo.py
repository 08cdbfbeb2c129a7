"""The demo: the backend with sample data and one simulated booth, on this machine.

Both run as child processes, exactly as in production, so what the demo
shows is what a booth and a server do. Ctrl-C stops both.

A new user's first run must just work: the SMS stand-in's and the booth's
touch (TUIO) ports move to free ones when something else holds the usual
ones; the booth logs to a file so the banner with the login stays on screen,
printed once the booth is connected; an earlier run's booth screens are
cleared so the pictures are this run's.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from backend.notify.fake_gateway import FakeSmsGateway
from backend.store.seed import DemoAccounts
from etapiste.sim_booth import simulated_booth, write_booth_config


def run_demo(
    port: int = 8000,
    host: str = "127.0.0.1",
    data_dir: str = ".demo",
    tuio_port: int = 3333,
    sms_port: int = 8025,
    clock_start: str | None = None,
) -> int:
    """``clock_start``: an ISO time the backend's clock starts at (office hours on any evening)."""
    data = Path(data_dir).resolve()
    data.mkdir(parents=True, exist_ok=True)
    clear_earlier_run(data)
    tuio_port = free_port(tuio_port, socket.SOCK_DGRAM, "the booth's touch (TUIO)")
    sms_port = free_port(sms_port, socket.SOCK_STREAM, "the SMS stand-in")
    accounts = DemoAccounts()
    booth_config = data / "booth.toml"
    connect_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    headless = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    # Without a display the booth's screens are written as pictures to look at.
    screens = str(data / "booth-screens") if headless else ""
    booth = simulated_booth(
        backend_url=f"ws://{connect_host}:{port}/ws",
        booth_id=accounts.booth_id,
        secret=accounts.booth_secret,
        tuio=f"127.0.0.1:{tuio_port}",
        status_file=str(data / "booth-status.json"),
        screenshot_dir=screens,
    )
    write_booth_config(
        booth, booth_config, "Written by `etapiste demo`: one booth with simulated camera and microphone."
    )
    py = sys.executable
    # SIGTERM (systemd, `timeout`, a closed terminal) stops the children too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    # The operator's SMS gateway, stood in for by a local one that shows what it got.
    sms = FakeSmsGateway(port=sms_port).start()
    backend_env = {**os.environ, "ETAPISTE_NOTIFY_SMS_URL": sms.url}
    backend = subprocess.Popen(
        [
            py,
            "-m",
            "etapiste",
            "backend",
            "--database-url",
            f"sqlite:///{data}/etapiste.db",
            "--host",
            host,
            "--port",
            str(port),
            "--seed-demo",
            *(["--clock-start", clock_start] if clock_start else []),
        ],
        env=backend_env,
        process_group=0,  # Ctrl-C reaches the demo only; it stops the children in order (no tracebacks)
    )
    children = [backend]
    try:
        if not _wait_healthy(f"http://{connect_host}:{port}/healthz", backend):
            print("etapiste demo: the backend did not start; see the messages above", file=sys.stderr)
            return 1
        booth_log = data / "booth.log"
        with booth_log.open("wb") as log_file:  # the booth's log lines would scroll the banner away
            kiosk = subprocess.Popen(
                [py, "-m", "etapiste", "kiosk", "--config", str(booth_config)],
                stdout=log_file,
                stderr=log_file,
                process_group=0,
            )
        children.append(kiosk)
        if not wait_booth_connected(data / "booth-status.json", kiosk):
            print(f"etapiste demo: the booth has not connected yet; see {booth_log}", file=sys.stderr)
        if headless:
            booth = (
                f"offscreen (no display); its screens are saved in {screens}/\n"
                f"  Press Start with: .venv/bin/etapiste tap 0.5 0.4 --port {tuio_port}"
            )
        else:
            booth = "a window: press Start in it"
        print(
            "\n  Etäpiste demo is running.\n"
            f"  Official's page:  http://{connect_host}:{port}/official/\n"
            f"  Login:            {accounts.username} / {accounts.password}  (official)\n"
            f"  Advisor's app:    http://{connect_host}:{port}/advisor/\n"
            f"  Login:            {accounts.advisor_username} / {accounts.advisor_password}  (advisor; the API at"
            f" http://{connect_host}:{port}/docs)\n"
            f"  Citizens' SMS:    {sms.base_url}/  (a stand-in for the operator's SMS gateway)\n"
            f"  Booth:            {accounts.booth_id}, simulated camera and microphone, {booth}\n"
            f"  Booth's log:      {booth_log}\n"
            "  Admit the booth on the official's page; end the call there.  Ctrl-C stops.\n",
            flush=True,
        )
        while all(c.poll() is None for c in children):
            time.sleep(0.5)
        failed = [c for c in children if c.returncode not in (None, 0)]
        if failed:
            print("etapiste demo: a component stopped with an error; shutting down", file=sys.stderr)
            return 1
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        sms.stop()
        for child in reversed(children):
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(10)
            except subprocess.TimeoutExpired:
                child.kill()


def clear_earlier_run(data: Path) -> None:
    """Forget what an earlier run left that would mislead this one: its booth's screen pictures
    (they looked like this run's) and status file (readiness must be this run's booth)."""
    shutil.rmtree(data / "booth-screens", ignore_errors=True)
    (data / "booth-status.json").unlink(missing_ok=True)


def free_port(preferred: int, kind: socket.SocketKind, what: str, host: str = "127.0.0.1") -> int:
    """``preferred`` if nothing holds it on ``host``, else a free port the system gives (said on stderr).

    Something else on the usual port (another demo, a TUIO tool, a mail catcher on 8025) used to
    crash the demo with a traceback. A port found free here can in principle be taken before the
    child binds it; the demo then stops with that child's message, not a traceback of its own.
    """
    for port in (preferred, 0):
        with socket.socket(socket.AF_INET, kind) as s:
            try:
                s.bind((host, port))
            except OSError:
                continue
            chosen = int(s.getsockname()[1])
        if chosen != preferred:
            print(f"etapiste demo: port {preferred} is in use; {what} uses port {chosen}", file=sys.stderr)
        return chosen
    raise OSError(f"no free port for {what}")


def wait_booth_connected(status_file: Path, proc: subprocess.Popen[bytes], timeout: float = 60) -> bool:
    """Wait until the booth's status file says it is connected to the backend (or it stopped)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if json.loads(status_file.read_text(encoding="utf-8")).get("connected"):
                return True
        except (OSError, ValueError):
            pass  # not written yet, or caught half-written
        time.sleep(0.2)
    return False


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    return False
