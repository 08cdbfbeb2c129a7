"""Starting and stopping the real backend and kiosk processes for e2e tests."""

from __future__ import annotations

import atexit
import functools
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from collections.abc import Callable
from http.client import HTTPResponse
from pathlib import Path
from typing import Any

from etapiste.local_ca import CertFiles, ensure_local_tls
from etapiste.sim_booth import simulated_booth, write_booth_config
from tests.e2e.media_files import write_document_video
from tests.support.waiting import wait_for


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


#: The names the e2e tier's server certificate holds: loopback, the backend's and coturn's
#: address on the test network of tests/e2e/netns.py, and the host as a QEMU guest's user
#: network reaches it (the image tier's booth, tests/image).
TLS_NAMES = ["127.0.0.1", "localhost", "10.203.0.1", "10.0.2.2"]


@functools.cache
def local_tls() -> tuple[CertFiles, CertFiles]:
    """The e2e tier's CA and server certificate: made once per test session, by the code the
    demo uses (etapiste/local_ca.py); every e2e backend serves HTTPS/WSS with it."""
    folder = Path(tempfile.mkdtemp(prefix="etapiste-e2e-tls-"))
    atexit.register(shutil.rmtree, folder, True)
    return ensure_local_tls(folder, TLS_NAMES)


@functools.cache
def tls_context() -> ssl.SSLContext:
    """A verifying client context that trusts the e2e tier's CA (never verification turned off)."""
    return ssl.create_default_context(cafile=str(local_tls()[0].cert))


def urlopen(request: urllib.request.Request | str, timeout: float = 10) -> HTTPResponse:
    """``urllib.request.urlopen`` to an e2e backend, over its TLS."""
    return urllib.request.urlopen(request, timeout=timeout, context=tls_context())


#: A process that has not exited this long after SIGTERM is hung, not slow: the kiosk
#: bounds its own stop at ``kiosk.watchdog.SHUTDOWN_LIMIT_S`` (10 s, logging where it hung).
STOP_TIMEOUT_S = 15


class Process:
    """A child process whose output goes to a log file kept for the test report."""

    def __init__(self, args: list[str], log_path: Path, env: dict[str, str] | None = None) -> None:
        self.log_path = log_path
        self._log = log_path.open("wb")
        self.proc = subprocess.Popen(
            args,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            # faulthandler: a process that must be aborted writes every thread's stack to its log.
            env={**os.environ, "PYTHONFAULTHANDLER": "1", **(env or {})},
            cwd=Path(__file__).resolve().parents[2],
        )

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> int:
        """SIGTERM, and the exit code. A process that hangs instead of exiting is aborted
        (SIGABRT: its log then shows where each thread was stuck) and then killed."""
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.send_signal(signal.SIGABRT)
                try:
                    self.proc.wait(10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
        self._log.close()
        return self.proc.returncode

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_started(self, what: str, ready: Callable[[], object], backstop: float) -> None:
        """Until ``ready()`` is true, for as long as the process lives.

        Starting is CPU work (imports, the app's routes, migrations, the demo's password hashes) that a
        busy machine makes slow: the backend took over 30 s under a CPU hog and the other test runs
        sharing this machine, and a fixed "within 30 s" failed a start that was going fine. So the
        state waited for is "answering, or exited": an exit fails at once with the log, and
        ``backstop`` only ends a start that hangs."""
        deadline = time.monotonic() + backstop
        while True:
            if not self.alive():
                raise AssertionError(f"{what}: the process exited ({self.proc.returncode}):\n{self.log()[-3000:]}")
            try:
                if ready():
                    return
            except Exception:  # not listening yet, or not answering yet
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {backstop:.0f} s waiting for {what}:\n{self.log()[-3000:]}")
            time.sleep(0.1)


class Backend(Process):
    def __init__(
        self,
        tmp: Path,
        port: int | None = None,
        extra_args: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
        seed: bool = True,
        host: str = "127.0.0.1",
        tls: bool = True,
        start_timeout: float = 120,
    ) -> None:
        """``extra_args`` e.g. ``("--clock-start", "...")``; ``env`` e.g. the SMS gateway's URL;
        ``seed=False`` starts from an empty database (the admin app's set-up test). It serves
        HTTPS and WSS with the tier's certificate (``local_tls``) on ``host``; ``tls=False``:
        plain HTTP (the booth image's boot test, whose booth has no CA of ours).
        ``start_timeout``: how long it may take to answer at most; it fails at once if it exits."""
        self.port = port or free_port()
        self.host, self.tls = host, tls
        _, server = local_tls()
        if tls:
            env = {"ETAPISTE_TLS_CERT_FILE": str(server.cert), "ETAPISTE_TLS_KEY_FILE": str(server.key), **(env or {})}
        super().__init__(
            [
                sys.executable,
                "-m",
                "etapiste",
                "backend",
                "--database-url",
                f"sqlite:///{tmp}/backend.db",
                "--host",
                host,
                "--port",
                str(self.port),
                *(["--seed-demo"] if seed else []),
                *extra_args,
            ],
            tmp / "backend.log",
            env,
        )
        self.wait_started("the backend to answer /healthz", self._healthy, start_timeout)

    @property
    def url(self) -> str:
        """Where browsers and API calls reach it: ``https://host:port``."""
        return f"{'https' if self.tls else 'http'}://{self.host}:{self.port}"

    @property
    def ws_url(self) -> str:
        """Where booths connect: ``wss://host:port/ws``."""
        return f"{'wss' if self.tls else 'ws'}://{self.host}:{self.port}/ws"

    def _healthy(self) -> bool:
        if not self.alive():
            raise AssertionError("backend exited:\n" + self.log())
        with urlopen(self.url + "/healthz", timeout=1) as r:
            return r.status == 200


class Kiosk(Process):
    def __init__(
        self,
        tmp: Path,
        backend_port: int,
        shots: Path,
        booth_id: str = "imatra-1",
        secret: str = "demo-booth-secret",
        extra_config: str = "",
        document_video: Path | None = None,
        backend_host: str = "127.0.0.1",
        netns: str | None = None,
        tuio_host: str = "127.0.0.1",
    ) -> None:
        """``extra_config``: more TOML tables for the booth, e.g. a ``[call_button]``;
        ``document_video``: what lies under the document camera (a page of text by default).
        The booth reaches the backend over WSS at ``backend_host``, trusting the tier's CA;
        ``netns``: run it inside that network namespace (tests/e2e/netns.py), touched over TUIO at
        ``tuio_host`` (its address there)."""
        self.tuio_port, self.tuio_host = free_port(socket.SOCK_DGRAM), tuio_host
        self.status_path = tmp / "kiosk-status.json"
        document = document_video or write_document_video(tmp / "document.avi")
        booth = simulated_booth(
            backend_url=f"wss://{backend_host}:{backend_port}/ws",
            ca_file=str(local_tls()[0].cert),
            booth_id=booth_id,
            secret=secret,
            tuio=f"{tuio_host}:{self.tuio_port}",
            status_file=str(self.status_path),
            screenshot_dir=str(shots),
            document_video=str(document),
            extra=tomllib.loads(extra_config),
        )
        config = write_booth_config(booth, tmp / "booth.toml", "Written by tests/e2e/processes.py")
        env = {"SDL_VIDEODRIVER": "offscreen", "DISPLAY": "", "WAYLAND_DISPLAY": ""}
        argv = [sys.executable, "-m", "etapiste", "kiosk", "--config", str(config)]
        if netns:
            argv = ["ip", "netns", "exec", netns, *argv]
        super().__init__(argv, tmp / "kiosk.log", env)

    def status(self) -> dict[str, Any]:
        if not self.alive():
            raise AssertionError("kiosk exited:\n" + self.log()[-5000:])
        return json.loads(self.status_path.read_text())

    def wait_phase(self, phase: str, timeout: float = 30) -> dict[str, Any]:
        return wait_for(
            f"the booth to reach phase {phase!r}", lambda: (s := self.status())["phase"] == phase and s, timeout
        )
