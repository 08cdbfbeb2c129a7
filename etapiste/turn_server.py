"""Running coturn (Debian's ``turnserver``) for the demo and the tests, with a config our code writes.

The backend hands out TURN REST credentials (backend/domain/turn.py); coturn
checks them with the same shared secret (``use-auth-secret``). One server
listens on UDP and TCP (``port``) and on TLS (``tls_port``, 443 in production:
the one port every proxy lets out) with the same certificate as the backend.
Production deployments run coturn as a system service with the same keys
(docs/NETWORK.md); this module is the reference for what those keys are.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

TURNSERVER = "turnserver"


@dataclass(frozen=True)
class CoturnConfig:
    """One coturn instance: where it listens, its secret and certificate, where it keeps its files."""

    listen_ip: str
    port: int
    tls_port: int
    secret: str
    cert_file: Path
    key_file: Path
    folder: Path  # the config, log, pid and (unused) user database
    realm: str = "etapiste"
    #: Relay ports (UDP); a small range keeps tests' firewall rules and the machine's port use small.
    min_port: int = 49160
    max_port: int = 49400
    #: Relaying to loopback peers: only for a demo or tests on one machine, never in production.
    allow_loopback: bool = False

    def text(self) -> str:
        """The ``turnserver.conf`` for this instance."""
        lines = [
            f"listening-ip={self.listen_ip}",
            f"relay-ip={self.listen_ip}",
            f"listening-port={self.port}",
            f"tls-listening-port={self.tls_port}",
            "use-auth-secret",
            f"static-auth-secret={self.secret}",
            f"realm={self.realm}",
            f"cert={self.cert_file}",
            f"pkey={self.key_file}",
            "no-tlsv1",
            "no-tlsv1_1",
            "no-dtls",  # the TLS listener serves TCP clients; WebRTC's TURN over DTLS is not used
            "fingerprint",
            "no-cli",
            "no-multicast-peers",
            f"min-port={self.min_port}",
            f"max-port={self.max_port}",
            f"userdb={self.folder / 'turndb'}",
            f"pidfile={self.folder / 'turnserver.pid'}",
            f"log-file={self.folder / 'turnserver.log'}",
            "simple-log",
            "no-stdout-log",
        ]
        if self.allow_loopback:
            lines.append("allow-loopback-peers")
        return "\n".join(lines) + "\n"

    def write(self) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / "turnserver.conf"
        path.write_text(self.text(), encoding="utf-8")
        path.chmod(0o600)  # it holds the shared secret
        return path


def turnserver_available() -> bool:
    return shutil.which(TURNSERVER) is not None


def start_coturn(config: CoturnConfig, netns: str | None = None, timeout: float = 15) -> subprocess.Popen[bytes]:
    """Start coturn with ``config`` (inside network namespace ``netns`` if given) and wait until its
    TCP listener answers; raises ``RuntimeError`` with its log's tail when it does not come up."""
    path = config.write()
    argv = [TURNSERVER, "-c", str(path)]
    if netns:
        argv = ["ip", "netns", "exec", netns, *argv]
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, process_group=0)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        if _answers(config.listen_ip, config.port, netns):
            return proc
        time.sleep(0.1)
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    log = config.folder / "turnserver.log"
    tail = log.read_text(encoding="utf-8", errors="replace")[-2000:] if log.exists() else "(no log)"
    raise RuntimeError(f"coturn did not start on {config.listen_ip}:{config.port}:\n{tail}")


def _answers(host: str, port: int, netns: str | None) -> bool:
    if netns:
        probe = subprocess.run(
            ["ip", "netns", "exec", netns, "bash", "-c", f"exec 3<>/dev/tcp/{host}/{port}"],
            capture_output=True,
            check=False,
        )
        return probe.returncode == 0
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def stop_coturn(proc: subprocess.Popen[bytes]) -> None:
    """Stop the instance this module started (by its own process id)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
