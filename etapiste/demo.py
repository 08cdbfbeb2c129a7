"""The demo: the backend with sample data and one simulated booth, on this machine.

Both run as child processes, exactly as in production, so what the demo
shows is what a booth and a server do. Ctrl-C stops both.

A new user's first run must just work: the SMS stand-in's and the booth's
touch (TUIO) ports move to free ones when something else holds the usual
ones; the booth logs to a file so the banner with the login stays on screen,
printed once the booth is connected; an earlier run's booth screens are
cleared so the pictures are this run's.

Everything crosses TLS as in production: a local CA and server certificate
(etapiste/local_ca.py) are made once in the data folder and reused, and the
banner says how to trust the CA. coturn (when installed) relays calls, with
credentials the backend hands out per call (docs/NETWORK.md).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from backend.notify.fake_gateway import FakeSmsGateway
from backend.store.seed import DemoAccounts
from etapiste.local_ca import CertFiles, ensure_local_tls, trust_instructions
from etapiste.sim_booth import simulated_booth, write_booth_config
from etapiste.turn_server import CoturnConfig, start_coturn, turnserver_available


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
    # HTTPS/WSS with a local CA made once and kept in the data folder (trusted once, trusted on).
    names = list(dict.fromkeys(["127.0.0.1", "localhost", connect_host, socket.gethostname()]))
    ca, server = ensure_local_tls(data / "tls", names)
    turn = _start_turn(data, connect_host, server)
    headless = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    # Without a display the booth's screens are written as pictures to look at.
    screens = str(data / "booth-screens") if headless else ""
    booth = simulated_booth(
        backend_url=f"wss://{connect_host}:{port}/ws",
        ca_file=str(ca.cert),
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
    backend_env = {
        **os.environ,
        "ETAPISTE_NOTIFY_SMS_URL": sms.url,
        "ETAPISTE_TLS_CERT_FILE": str(server.cert),
        "ETAPISTE_TLS_KEY_FILE": str(server.key),
        "ETAPISTE_PUBLIC_URL": f"https://{connect_host}:{port}",
        **(turn.env if turn else {}),
    }
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
    if turn:
        children.insert(0, turn.proc)
    try:
        if not _wait_healthy(f"https://{connect_host}:{port}/healthz", backend, ca.cert):
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
            f"  Official's page:  https://{connect_host}:{port}/official/\n"
            f"  Login:            {accounts.username} / {accounts.password}  (official)\n"
            f"  Advisor's app:    https://{connect_host}:{port}/advisor/\n"
            f"  Login:            {accounts.advisor_username} / {accounts.advisor_password}  (advisor; the API at"
            f" https://{connect_host}:{port}/docs)\n"
            f"  Citizens' SMS:    {sms.base_url}/  (a stand-in for the operator's SMS gateway)\n"
            f"  Booth:            {accounts.booth_id}, simulated camera and microphone, {booth}\n"
            f"  Booth's log:      {booth_log}\n"
            f"  TURN:             {turn.summary if turn else 'off (coturn is not installed: ./scripts/setup)'}\n"
            "  Admit the booth on the official's page; end the call there.  Ctrl-C stops.\n"
            f"{trust_instructions(ca.cert)}",
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


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], ca_cert: Path, timeout: float = 30) -> bool:
    context = ssl.create_default_context(cafile=str(ca_cert))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=1, context=context) as r:
                if r.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    return False


@dataclass(frozen=True)
class DemoTurn:
    """The demo's coturn: its process, and the backend settings that hand out its credentials."""

    proc: subprocess.Popen[bytes]
    env: dict[str, str]
    summary: str


def _start_turn(data: Path, host: str, server: CertFiles) -> DemoTurn | None:
    """coturn on ``host`` (UDP+TCP 3478, TLS on 443 where it can bind it, else 5349), with a fresh
    shared secret; None, said on stderr, when coturn is not installed or does not start."""
    if not turnserver_available():
        print("etapiste demo: coturn is not installed; calls run without TURN (./scripts/setup)", file=sys.stderr)
        return None
    port = free_port(3478, socket.SOCK_STREAM, "TURN (UDP and TCP)", host)
    # 443 is the port every proxy lets out; it needs root (or CAP_NET_BIND_SERVICE).
    tls_port = 443 if _can_bind_443(host) else free_port(5349, socket.SOCK_STREAM, "TURN over TLS", host)
    secret = secrets.token_hex(24)
    config = CoturnConfig(
        listen_ip=host,
        port=port,
        tls_port=tls_port,
        secret=secret,
        cert_file=server.cert,
        key_file=server.key,
        folder=data / "coturn",
        allow_loopback=host.startswith("127."),  # booth and browser on this one machine
    )
    try:
        proc = start_coturn(config)
    except RuntimeError as exc:
        print(f"etapiste demo: calls run without TURN: {exc}", file=sys.stderr)
        return None
    env = {
        "ETAPISTE_TURN_HOST": host,
        "ETAPISTE_TURN_PORT": str(port),
        "ETAPISTE_TURN_TLS_PORT": str(tls_port),
        "ETAPISTE_TURN_SECRET": secret,
    }
    return DemoTurn(proc, env, f"coturn on {host}: UDP and TCP {port}, TLS {tls_port} (log: {config.folder})")


def _can_bind_443(host: str) -> bool:
    with socket.socket() as s:
        try:
            s.bind((host, 443))
        except OSError:
            return False
    return True
