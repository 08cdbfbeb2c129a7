"""A software TPM 2.0 (``swtpm``) standing in for a booth's TPM chip: the hardware boundary only.

Each instance has its own state folder, so its own seeds: a key sealed to one
is useless on another, as with two booths' chips. Spoken to through the swtpm
TCTI over TCP (no resource manager: ``kiosk.tpm`` flushes what it loads).
"""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.waiting import wait_for


def free_ports() -> tuple[int, int]:
    """Two free, adjacent-free ports (server and control)."""
    while True:
        with socket.socket() as a:
            a.bind(("127.0.0.1", 0))
            port = a.getsockname()[1]
        if port < 65000:
            try:
                with socket.socket() as b:
                    b.bind(("127.0.0.1", port + 1))
                return port, port + 1
            except OSError:
                continue


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@contextmanager
def software_tpm(state: Path, ports: tuple[int, int] | None = None) -> Iterator[str]:
    """Run a swtpm with its state in ``state`` (on ``ports``: server, control); yield its TCTI string;
    stop exactly that process."""
    state.mkdir(parents=True, exist_ok=True)
    port, ctrl = ports or free_ports()
    proc = subprocess.Popen(
        [
            "swtpm", "socket", "--tpm2", "--tpmstate", f"dir={state}",
            "--server", f"type=tcp,port={port},bindaddr=127.0.0.1",
            "--ctrl", f"type=tcp,port={ctrl},bindaddr=127.0.0.1",
            "--flags", "not-need-init,startup-clear",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        wait_for("swtpm to listen", lambda: proc.poll() is None and _accepts(port), timeout=20)
        yield f"swtpm:host=127.0.0.1,port={port}"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
