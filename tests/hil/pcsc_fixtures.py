"""Stand-ins for a PC/SC card reader: a real ``pcscd`` with the vsmartcard virtual reader.

``pcscd --foreground`` is started with its own reader config directory whose
only entry is vsmartcard's ``vpcd`` driver listening on a free TCP port; the
virtual card ``vicc`` (python3-virtualsmartcard) connects to that port.
Starting vicc = card inserted, stopping it = card removed. vpcd shows two
readers, "Virtual PCD 00 00" and "Virtual PCD 00 01"; vicc connects to the
first.

pcsc-lite 1.9.9's daemon always uses /run/pcscd/pcscd.comm (it ignores
PCSCLITE_CSOCK_NAME, only the client library reads it), so only one pcscd can
run on the machine: the fixture refuses to start if one is already running
rather than killing somebody else's.

Debian's vicc imports ``Crypto`` (pycryptodome) but Debian ships the same
library as ``Cryptodome``; if ``Crypto`` is not importable by /usr/bin/python3
the fixture adds a one-symlink shim to vicc's PYTHONPATH.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.waiting import wait_for

PCSCD = shutil.which("pcscd") or "/usr/sbin/pcscd"
VPCD_DRIVER = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")
VICC_PACKAGE = Path("/usr/lib/python3/site-packages/virtualsmartcard")
SYSTEM_PYTHON = "/usr/bin/python3"
PCSCD_PID_FILE = Path("/run/pcscd/pcscd.pid")
READER = "Virtual PCD 00 00"

VICC_LAUNCHER = """
import logging, sys
from virtualsmartcard.VirtualSmartcard import VirtualICC
VirtualICC(None, "iso7816", "127.0.0.1", int(sys.argv[1]), logginglevel=logging.WARNING).run()
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _running_pcscd() -> int | None:
    try:
        pid = int(PCSCD_PID_FILE.read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if _pid_alive(pid) else None


def _stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def _pcsc_service_answers(reader: str | None) -> bool:
    """pcscd answers (and lists ``reader``, if one is given)."""
    from smartcard import scard

    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult != scard.SCARD_S_SUCCESS:
        return False
    hresult, readers = scard.SCardListReaders(context, [])
    scard.SCardReleaseContext(context)
    if reader is None:
        return hresult in (scard.SCARD_S_SUCCESS, scard.SCARD_E_NO_READERS_AVAILABLE)
    return hresult == scard.SCARD_S_SUCCESS and reader in readers


class PcscStandIn:
    """pcscd + vpcd + vicc, each startable and stoppable by a test."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = _free_port()
        self.confdir = workdir / "reader.conf.d"
        self.confdir.mkdir(parents=True)
        (self.confdir / "vpcd").write_text(
            'FRIENDLYNAME "Virtual PCD"\n'
            f"DEVICENAME   /dev/null:0x{self.port:04X}\n"
            f"LIBPATH      {VPCD_DRIVER}\n"
            f"CHANNELID    0x{self.port:04X}\n"
        )
        self.launcher = workdir / "vicc_launcher.py"
        self.launcher.write_text(VICC_LAUNCHER)
        self.pythonpath = [str(VICC_PACKAGE)]
        if subprocess.run([SYSTEM_PYTHON, "-c", "import Crypto"], capture_output=True).returncode != 0:
            shim = workdir / "crypto_shim"
            shim.mkdir()
            (shim / "Crypto").symlink_to("/usr/lib/python3/dist-packages/Cryptodome")
            self.pythonpath.append(str(shim))
        self.pcscd: subprocess.Popen | None = None
        self.vicc: subprocess.Popen | None = None
        self._logs: list = []

    def start_pcscd(self, with_reader: bool = True) -> None:
        """Start pcscd; ``with_reader=False`` gives a running service with no reader at all (unplugged)."""
        assert self.pcscd is None or self.pcscd.poll() is not None, "pcscd already running"
        log = open(self.workdir / "pcscd.log", "ab")  # kept open for the process' lifetime
        self._logs.append(log)
        confdir = self.confdir if with_reader else self.workdir / "no-readers.conf.d"
        confdir.mkdir(exist_ok=True)
        self.pcscd = subprocess.Popen([PCSCD, "--foreground", "-c", str(confdir)], stdout=log, stderr=log)
        if with_reader:
            wait_for("pcscd to list the virtual reader", lambda: _pcsc_service_answers(READER), timeout=20)
        else:
            wait_for("pcscd to answer", lambda: _pcsc_service_answers(None), timeout=20)

    def stop_pcscd(self) -> None:
        _stop(self.pcscd)

    def insert_card(self) -> None:
        """Start vicc; it exits at once if vpcd is not listening yet, so retry until it stays up."""
        assert self.vicc is None or self.vicc.poll() is not None, "card already inserted"
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(self.pythonpath)}
        env.pop("PCSCLITE_CSOCK_NAME", None)
        deadline = time.monotonic() + 20
        while True:
            log = open(self.workdir / "vicc.log", "ab")
            self._logs.append(log)
            self.vicc = subprocess.Popen(
                [SYSTEM_PYTHON, str(self.launcher), str(self.port)], stdout=log, stderr=log, env=env
            )
            try:
                self.vicc.wait(timeout=1.0)
            except subprocess.TimeoutExpired:
                return  # connected and serving
            if time.monotonic() > deadline:
                raise AssertionError(f"vicc would not connect to vpcd on port {self.port}; see {self.workdir}")
            time.sleep(0.2)

    def remove_card(self) -> None:
        _stop(self.vicc)

    def close(self) -> None:
        self.remove_card()
        self.stop_pcscd()
        for log in self._logs:
            log.close()


def _prerequisites_missing() -> str | None:
    for path, what in ((PCSCD, "pcscd"), (VPCD_DRIVER, "vsmartcard-vpcd"), (VICC_PACKAGE, "python3-virtualsmartcard")):
        if not Path(path).exists():
            return f"{what} is not installed ({path})"
    if not Path(SYSTEM_PYTHON).exists():
        return "/usr/bin/python3 is needed for vicc"
    return None


@pytest.fixture
def pcsc(tmp_path: Path) -> Iterator[PcscStandIn]:
    """A running pcscd with the virtual reader and no card; everything is stopped afterwards."""
    missing = _prerequisites_missing()
    if missing:
        pytest.skip(missing)
    if os.environ.get("PCSCLITE_CSOCK_NAME"):
        pytest.fail("PCSCLITE_CSOCK_NAME is set; pcscd 1.9.9 ignores it, so clients would miss the test daemon")
    other = _running_pcscd()
    if other is not None:
        pytest.fail(f"another pcscd (pid {other}) is running; the test needs /run/pcscd to itself")
    stand_in = PcscStandIn(tmp_path)
    try:
        stand_in.start_pcscd()
        yield stand_in
    finally:
        stand_in.close()


__all__ = ["READER", "PcscStandIn", "pcsc"]
