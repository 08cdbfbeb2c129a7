"""The booth's A4 printing for tests: a real CUPS scheduler (cupsd) in a temporary directory.

The booth talks IPP to a real CUPS queue, as on the booth; only the paper is
simulated: the queue's device is a file (``paper``), fed through a one-line
pass-through filter (``tests/support/cups/passthru``: a printer that takes PDF
itself). ``cupsd`` runs in the foreground on a free port with its own config,
spool and logs (Debian's ``cups-daemon``; ``lpadmin``, ``cupsdisable`` from
``cups-client``), and is stopped with the test. Taking the printer out of
service (``stop``) is what a jammed or paperless printer looks like to IPP.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.waiting import wait_for

HERE = Path(__file__).with_name("cups")
CUPSD = shutil.which("cupsd") or "/usr/sbin/cupsd"
LPADMIN = shutil.which("lpadmin") or "/usr/sbin/lpadmin"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class CupsPrinter:
    root: Path
    port: int
    proc: subprocess.Popen

    @property
    def server(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def uri(self) -> str:
        return f"ipp://127.0.0.1:{self.port}/printers/a4"

    @property
    def paper(self) -> Path:
        """What came out of the printer (the last job)."""
        return self.root / "paper" / "a4.pdf"

    def stop(self) -> None:
        """Take the queue out of service (a printer that stopped): IPP says 'stopped'."""
        subprocess.run([shutil.which("cupsdisable") or "/usr/sbin/cupsdisable", "-h", self.server, "a4"], check=True)

    def start(self) -> None:
        subprocess.run([shutil.which("cupsenable") or "/usr/sbin/cupsenable", "-h", self.server, "a4"], check=True)


def _answers(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def cups_printer() -> Iterator[CupsPrinter]:
    if not Path(CUPSD).exists() or not shutil.which("ipptool"):
        pytest.skip("cups-daemon, cups-client and cups-ipp-utils are needed (scripts/setup installs them)")
    # Not under pytest's tmp_path (0700 for root): the filters run as CUPS's own user, lp.
    root = Path(tempfile.mkdtemp(prefix="etapiste-cups-"))
    root.chmod(0o755)
    for sub in ("spool", "tmp", "state", "cache", "log", "paper", "bin/filter"):
        (root / sub).mkdir(parents=True)
    (root / "paper").chmod(0o777)
    (root / "tmp").chmod(0o777)
    for part in ("backend", "daemon", "notifier"):
        (root / "bin" / part).symlink_to(f"/usr/lib/cups/{part}")
    shutil.copy(HERE / "passthru", root / "bin" / "filter" / "passthru")
    port = _free_port()
    (root / "cupsd.conf").write_text(
        f"Listen 127.0.0.1:{port}\nServerName 127.0.0.1\nBrowsing No\nWebInterface No\nDefaultAuthType None\n"
        "LogLevel warn\n<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
        "<Policy default>\n  <Limit All>\n    Order allow,deny\n    Allow all\n  </Limit>\n</Policy>\n"
    )
    (root / "cups-files.conf").write_text(
        f"ServerRoot {root}\nRequestRoot {root}/spool\nTempDir {root}/tmp\nStateDir {root}/state\n"
        f"CacheDir {root}/cache\nErrorLog {root}/log/error_log\nAccessLog {root}/log/access_log\n"
        f"PageLog {root}/log/page_log\nFileDevice Yes\nServerBin {root}/bin\nDataDir /usr/share/cups\n"
    )
    log = (root / "cupsd.out").open("wb")
    proc = subprocess.Popen(
        [CUPSD, "-f", "-c", str(root / "cupsd.conf"), "-s", str(root / "cups-files.conf")], stdout=log, stderr=log
    )
    printer = CupsPrinter(root, port, proc)
    try:
        wait_for("cupsd to listen", lambda: proc.poll() is None and _answers(port), timeout=20)
        device = f"file://{printer.paper}"
        subprocess.run(
            [LPADMIN, "-h", printer.server, "-p", "a4", "-E", "-v", device, "-P", str(HERE / "a4.ppd")],
            check=True,
            capture_output=True,
        )
        yield printer
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        shutil.rmtree(root, ignore_errors=True)


__all__ = ["CupsPrinter", "cups_printer"]
