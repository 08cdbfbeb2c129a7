"""Booting a booth image under QEMU: UEFI (OVMF), a software TPM (swtpm), the serial console, the screen.

For the boot test, the benchmark and a technician's ``etapiste image boot``.
Everything the run makes is in ``run_dir``: a copy-on-write overlay of the
image (the image itself is never written), OVMF's variables, the TPM state,
``serial.log`` and the QMP socket through which ``screendump`` saves the
screen as a PNG.

This machine kind has no usable KVM: QEMU runs under TCG (software
emulation, ``-accel tcg,thread=multi -cpu max``), at ``nice`` 10 so that it
does not starve other work; a boot takes about a minute there, seconds on KVM
or hardware.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType

OVMF_CODE = Path("/usr/share/OVMF/OVMF_CODE_4M.fd")
OVMF_VARS = Path("/usr/share/OVMF/OVMF_VARS_4M.fd")


class QemuError(RuntimeError):
    """The VM did not start, died, or did not reach what was waited for (the message says which)."""


class BootedBooth:
    """A booth image running under QEMU until the ``with`` block ends.

    ``setup`` attaches a setup stick image (a FAT file system labelled
    ETAPISTE holding booth.toml) as a second disk. ``keep_disk`` reuses the
    overlay of an earlier run in ``run_dir``: a reboot of the same booth.
    """

    def __init__(
        self,
        image: Path,
        run_dir: Path,
        setup: Path | None = None,
        memory_mib: int = 2048,
        keep_disk: bool = False,
    ) -> None:
        self.image = image.resolve()
        self.run_dir = run_dir.resolve()
        self.setup = setup.resolve() if setup else None
        self.memory_mib = memory_mib
        self.keep_disk = keep_disk
        self.serial_log = self.run_dir / "serial.log"
        self.qmp_path = self.run_dir / "qmp.sock"
        self.disk = self.run_dir / "disk.qcow2"
        self._qemu: subprocess.Popen[bytes] | None = None
        self._swtpm: subprocess.Popen[bytes] | None = None
        self._qmp: socket.socket | None = None
        self._qmp_file: object = None
        self.started_at = 0.0

    # -- life cycle --

    def __enter__(self) -> BootedBooth:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def start(self) -> None:
        for tool in ("qemu-system-x86_64", "qemu-img", "swtpm"):
            if shutil.which(tool) is None:
                raise QemuError(f"{tool} is not installed (scripts/setup installs it)")
        self.run_dir.mkdir(parents=True, exist_ok=True)
        if not (self.keep_disk and self.disk.exists()):
            self.disk.unlink(missing_ok=True)
            subprocess.run(
                ["qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw", "-b", str(self.image), str(self.disk)],
                check=True,
            )
            shutil.copy(OVMF_VARS, self.run_dir / "OVMF_VARS.fd")
        self.serial_log.unlink(missing_ok=True)
        self.qmp_path.unlink(missing_ok=True)
        self._start_swtpm()
        args = [
            "nice",
            "-n",
            "10",
            "qemu-system-x86_64",
            "-machine",
            "q35",
            "-accel",
            "tcg,thread=multi",
            "-cpu",
            "max",
            "-smp",
            "2",
            "-m",
            str(self.memory_mib),
            "-drive",
            f"if=pflash,format=raw,unit=0,readonly=on,file={OVMF_CODE}",
            "-drive",
            f"if=pflash,format=raw,unit=1,file={self.run_dir / 'OVMF_VARS.fd'}",
            "-drive",
            f"if=virtio,format=qcow2,file={self.disk}",
            "-chardev",
            f"socket,id=chrtpm,path={self.run_dir / 'swtpm.sock'}",
            "-tpmdev",
            "emulator,id=tpm0,chardev=chrtpm",
            "-device",
            "tpm-tis,tpmdev=tpm0",
            # virtio-vga: wlroots 0.15 (cage) needs PRIME import, which std VGA's bochs-drm lacks.
            "-vga",
            "virtio",
            "-display",
            "none",
            "-serial",
            f"file:{self.serial_log}",
            "-qmp",
            f"unix:{self.qmp_path},server=on,wait=off",
            "-netdev",
            "user,id=net0",
            "-device",
            "virtio-net-pci,netdev=net0",
            "-device",
            "virtio-rng-pci",
            # A USB bus with a touch-like pointer (HID): usbguard has devices to judge.
            "-device",
            "qemu-xhci,id=xhci",
            "-device",
            "usb-tablet,bus=xhci.0",
        ]
        if self.setup:
            args += ["-drive", f"if=virtio,format=raw,readonly=on,file={self.setup}"]
        self.started_at = time.monotonic()
        log = (self.run_dir / "qemu.log").open("wb")
        self._qemu = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self._connect_qmp()

    def _start_swtpm(self) -> None:
        """A fresh swtpm for every QEMU run (it ends when QEMU disconnects); the TPM's state persists in run_dir."""
        state = self.run_dir / "tpm"
        state.mkdir(exist_ok=True)
        sock = self.run_dir / "swtpm.sock"
        sock.unlink(missing_ok=True)
        self._swtpm = subprocess.Popen(
            [
                "swtpm",
                "socket",
                "--tpm2",
                "--tpmstate",
                f"dir={state}",
                "--ctrl",
                f"type=unixio,path={sock}",
                "--flags",
                "startup-clear",
            ],
            stdout=subprocess.DEVNULL,
            stderr=(self.run_dir / "swtpm.log").open("wb"),
        )
        self._wait(lambda: sock.exists(), 10, "swtpm did not open its socket")

    def _connect_qmp(self) -> None:
        self._wait(lambda: self.qmp_path.exists(), 30, "QEMU did not open its QMP socket")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(str(self.qmp_path))
        sock.settimeout(60)
        self._qmp = sock
        self._qmp_file = sock.makefile("rwb")
        self._qmp_read()  # the greeting
        self.qmp("qmp_capabilities")

    def qmp(self, command: str, **arguments: object) -> object:
        """One QMP command; its ``return`` value, or QemuError with QEMU's message."""
        if self._qmp_file is None:
            raise QemuError("QEMU is not running")
        message: dict[str, object] = {"execute": command}
        if arguments:
            message["arguments"] = arguments
        self._qmp_file.write(json.dumps(message).encode() + b"\n")  # type: ignore[attr-defined]
        self._qmp_file.flush()  # type: ignore[attr-defined]
        while True:
            reply = self._qmp_read()
            if "return" in reply:
                return reply["return"]
            if "error" in reply:
                raise QemuError(f"QEMU refused {command}: {reply['error'].get('desc')}")

    def _qmp_read(self) -> dict:  # type: ignore[type-arg]
        line = self._qmp_file.readline()  # type: ignore[attr-defined]
        if not line:
            raise QemuError(f"QEMU closed its monitor; see {self.run_dir / 'qemu.log'}")
        return json.loads(line)

    def stop(self) -> None:
        """Power off at once (the booth's disk is an overlay; nothing to save)."""
        if self._qemu is not None and self._qemu.poll() is None:
            try:
                self.qmp("quit")
            except (QemuError, OSError):
                pass
            try:
                self._qemu.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self._qemu.pid, signal.SIGKILL)
                self._qemu.wait()
        if self._qmp is not None:
            self._qmp.close()
            self._qmp = None
            self._qmp_file = None
        if self._swtpm is not None:
            if self._swtpm.poll() is None:
                self._swtpm.terminate()
            self._swtpm.wait()
            self._swtpm = None

    def reboot(self) -> None:
        """A cold restart of the same booth: same disk overlay, same TPM state."""
        self.stop()
        self.keep_disk = True
        self.start()

    # -- watching --

    def serial_text(self) -> str:
        try:
            return self.serial_log.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def wait_for_serial(self, marker: str, timeout: float, after: int = 0) -> float:
        """Wait until ``marker`` appears on the serial console (after offset ``after``); seconds since start."""

        def seen() -> bool:
            if self._qemu is not None and self._qemu.poll() is not None:
                raise QemuError(f"QEMU exited ({self._qemu.returncode}); see {self.run_dir / 'qemu.log'}")
            return marker in self.serial_text()[after:]

        self._wait(seen, timeout, f"{marker!r} did not appear on the serial console; see {self.serial_log}")
        return time.monotonic() - self.started_at

    def screendump(self, png: Path) -> Path:
        """The screen as QEMU's display shows it, as a PNG."""
        png.parent.mkdir(parents=True, exist_ok=True)
        partial = png.with_suffix(".partial.png")
        self.qmp("screendump", filename=str(partial.resolve()), format="png")
        os.replace(partial, png)
        return png

    @staticmethod
    def _wait(condition: object, timeout: float, message: str) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if condition():  # type: ignore[operator]
                return
            if time.monotonic() > deadline:
                raise QemuError(message)
            time.sleep(0.5)
