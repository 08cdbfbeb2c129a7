"""Helpers of the fault suite: a cuttable link, and "are frames flowing on both ends?",
and the official's own browser that can be killed and reopened.

``Link`` is a TCP forwarder between the booth and the backend: ``cut()`` drops every
connection through it (as a Wi-Fi blip or a proxy's idle timeout would), new ones
pass again at once. Nothing of the product is simulated: the kiosk's socket really
drops and really reconnects.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.e2e.browser import CALL_STATS_JS, chromium_path
from tests.e2e.processes import Kiosk, free_port
from tests.support.waiting import wait_for

#: How long frames may take to flow again after a fault, on a loaded machine (the stated bound).
RECOVERY_S = 60.0
#: Frames decoded on each end that count as "flowing".
FRAMES = 30


class Link:
    """127.0.0.1:``port`` forwarded to 127.0.0.1:``target``, until ``close``."""

    def __init__(self, target: int) -> None:
        self.target = target
        self.port = free_port()
        self._server = socket.create_server(("127.0.0.1", self.port))
        self._server.settimeout(0.2)
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="link", daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                inner, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                outer = socket.create_connection(("127.0.0.1", self.target), timeout=5)
            except OSError:
                inner.close()
                continue
            with self._lock:
                self._open |= {inner, outer}
            for a, b in ((inner, outer), (outer, inner)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                self._drop(s)

    def _drop(self, s: socket.socket) -> None:
        with self._lock:
            self._open.discard(s)
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        s.close()

    def cut(self) -> int:
        """Drop every connection through the link now; how many there were."""
        with self._lock:
            cut = list(self._open)
        for s in cut:
            self._drop(s)
        return len(cut) // 2

    def close(self) -> None:
        self._stop.set()
        self._server.close()
        self.cut()
        self._thread.join(2)


def booth_frames(kiosk: Kiosk) -> int:
    media = kiosk.status()["media"]
    return media["video_frames_received"] if media else -1


def page_frames(page: Any) -> int:
    stats = page.evaluate(CALL_STATS_JS)
    return stats["video_frames_decoded"] if stats else -1


def flowing_again(what: str, read: Callable[[], int], since: int, started: float) -> float:
    """Wait (up to ``RECOVERY_S`` from ``started``) until ``read`` has counted ``FRAMES`` more
    than ``since``; seconds from ``started``. A new peer connection counts from 0: pass -1."""
    left = RECOVERY_S - (time.monotonic() - started)
    wait_for(f"{what} to decode {FRAMES} new frames", lambda: read() >= since + FRAMES, timeout=max(left, 1))
    return time.monotonic() - started


class OwnBrowser:
    """The official's own Chromium, on a profile kept on disk, that a test can kill (-9) and
    open again: what a workstation's browser crash is. (The session's shared browser is never
    killed: other tests use it.)"""

    def __init__(self, browser_type: Any, profile: Path, args: list[str], env: dict[str, str]) -> None:
        self.browser_type, self.profile, self.args, self.env = browser_type, profile, args, env
        self.context: Any = None

    def open(self) -> Any:
        """Start the browser on the profile; its one page."""
        self.context = self.browser_type.launch_persistent_context(
            str(self.profile),
            executable_path=chromium_path(),
            headless=True,
            args=self.args,
            env=self.env,
            viewport={"width": 1280, "height": 800},
            permissions=["camera", "microphone"],
        )
        return self.context.pages[0] if self.context.pages else self.context.new_page()

    def on_disk(self, value: str) -> bool:
        """Whether ``value`` has reached the profile's localStorage files. Chromium writes
        localStorage to disk a few seconds after a change, so a browser killed in that window
        reopens without it."""
        files = (self.profile / "Default" / "Local Storage" / "leveldb").glob("*")
        return any(value.encode() in f.read_bytes() for f in files if f.is_file())

    def kill(self) -> int:
        """kill -9 the browser's main process (its children go with it): no page is unloaded,
        no socket closed politely. The killed pid."""
        pid = next(p for p in main_browser_pids() if f"--user-data-dir={self.profile}" in cmdline(p))
        os.kill(pid, signal.SIGKILL)
        wait_for("the killed browser to be gone", lambda: pid not in main_browser_pids(), timeout=10)
        self.context = None
        return pid

    def close(self) -> None:
        if self.context is not None:
            try:
                self.context.close()
            except Exception:  # already gone with a killed browser
                pass
            self.context = None


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def main_browser_pids() -> list[int]:
    """Chromium main processes (not its renderers/zygotes: those carry ``--type=``)."""
    pids = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()]
    return [p for p in pids if "--user-data-dir=" in (c := cmdline(p)) and "--type=" not in c]
