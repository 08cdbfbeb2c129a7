"""Starting and stopping the real backend and kiosk processes for e2e tests."""

from __future__ import annotations

import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import tomllib
import urllib.request
from pathlib import Path
from typing import Any

from etapiste.sim_booth import simulated_booth, write_booth_config
from tests.e2e.media_files import write_document_video
from tests.support.waiting import wait_for


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


class Backend(Process):
    def __init__(
        self,
        tmp: Path,
        port: int | None = None,
        extra_args: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
        seed: bool = True,
        tls_ca: str = "",
    ) -> None:
        """``extra_args`` e.g. ``("--clock-start", "...")``; ``env`` e.g. the SMS gateway's URL;
        ``seed=False`` starts from an empty database (the admin app's set-up test); ``tls_ca``: the
        backend serves HTTPS (``ETAPISTE_TLS_*`` in ``env``) with a certificate of this CA."""
        self.port = port or free_port()
        self.tls_ca = tls_ca
        self.url = f"{'https' if tls_ca else 'http'}://127.0.0.1:{self.port}"
        super().__init__(
            [
                sys.executable,
                "-m",
                "etapiste",
                "backend",
                "--database-url",
                f"sqlite:///{tmp}/backend.db",
                "--port",
                str(self.port),
                *(["--seed-demo"] if seed else []),
                *extra_args,
            ],
            tmp / "backend.log",
            env,
        )
        wait_for("the backend to answer /healthz", self._healthy, timeout=30)

    def _healthy(self) -> bool:
        if not self.alive():
            raise AssertionError("backend exited:\n" + self.log())
        context = ssl.create_default_context(cafile=self.tls_ca) if self.tls_ca else None
        with urllib.request.urlopen(self.url + "/healthz", timeout=1, context=context) as r:
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
    ) -> None:
        """``extra_config``: more TOML tables for the booth, e.g. a ``[call_button]``;
        ``document_video``: what lies under the document camera (a page of text by default)."""
        self.tuio_port = free_port(socket.SOCK_DGRAM)
        self.status_path = tmp / "kiosk-status.json"
        document = document_video or write_document_video(tmp / "document.avi")
        booth = simulated_booth(
            backend_url=f"ws://127.0.0.1:{backend_port}/ws",
            booth_id=booth_id,
            secret=secret,
            tuio=f"127.0.0.1:{self.tuio_port}",
            status_file=str(self.status_path),
            screenshot_dir=str(shots),
            document_video=str(document),
            extra=tomllib.loads(extra_config),
        )
        config = write_booth_config(booth, tmp / "booth.toml", "Written by tests/e2e/processes.py")
        env = {"SDL_VIDEODRIVER": "offscreen", "DISPLAY": "", "WAYLAND_DISPLAY": ""}
        super().__init__([sys.executable, "-m", "etapiste", "kiosk", "--config", str(config)], tmp / "kiosk.log", env)

    def status(self) -> dict[str, Any]:
        if not self.alive():
            raise AssertionError("kiosk exited:\n" + self.log()[-5000:])
        return json.loads(self.status_path.read_text())

    def wait_phase(self, phase: str, timeout: float = 30) -> dict[str, Any]:
        return wait_for(
            f"the booth to reach phase {phase!r}", lambda: (s := self.status())["phase"] == phase and s, timeout
        )
