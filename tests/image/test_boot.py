"""A technician's path on the real image: flash it to a disk file, boot it, see the Start screen.

The booth boots under QEMU with UEFI (OVMF) and a TPM (swtpm), takes its
config from a setup stick, and its kiosk (cage + Kivy, as the unprivileged
user kiosk) connects to a real backend on this machine (QEMU's user network
reaches the host's loopback at 10.0.2.2). What is asserted is what a person
would check: the serial console says the kiosk is up, and the screen shows
Start (QEMU's screendump, compared by colour with the kiosk's Start screen).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from etapiste.sim_booth import write_booth_config
from images.qemu import BootedBooth
from images.screen import read_screen
from images.stick import make_stick
from kiosk.config import BoothFile
from tests.e2e.processes import Backend
from tests.image.conftest import ARTIFACTS
from tests.support.waiting import wait_for

BOOT_TIMEOUT_S = 600


def booth_config(port: int) -> BoothFile:
    return BoothFile.model_validate(
        {
            "backend": {"url": f"ws://10.0.2.2:{port}/ws", "booth_id": "imatra-1", "secret_file": "booth.secret"},
            "display": {"fullscreen": True, "width": 1024, "height": 768},
            "cameras": {"face": {"kind": "simulated"}},
            "microphone": {"kind": "simulated"},
        }
    )


@pytest.mark.timeout(1800)  # the image's build (first test only) and one emulated boot
def test_flashed_image_boots_to_the_start_screen(booth_image: Path, tmp_path: Path):
    disk = tmp_path / "booth-disk.raw"
    flashed = subprocess.run(
        [sys.executable, "-m", "etapiste", "flash", str(booth_image), str(disk)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert flashed.returncode == 0, flashed.stderr
    assert "all checksums match" in flashed.stdout

    backend = Backend(tmp_path)
    try:
        secret = tmp_path / "booth.secret"
        secret.write_text("demo-booth-secret\n")
        config = write_booth_config(booth_config(backend.port), tmp_path / "booth.toml", "# the boot test's booth")
        stick = make_stick(tmp_path / "stick.img", config, [secret])

        shots = ARTIFACTS / "screenshots" / "booth-image"
        with BootedBooth(disk, tmp_path / "vm", setup=stick) as vm:
            ready_s = vm.wait_for_serial("etapiste: kiosk ready", timeout=BOOT_TIMEOUT_S)
            assert "booth config taken from the setup stick" in vm.serial_text()

            def start_on_screen() -> bool:
                return read_screen(vm.screendump(shots / "start.png")).is_start_screen

            wait_for("the Start screen on the booth's display", start_on_screen, timeout=120, every=2)
            print(f"kiosk ready {ready_s:.0f} s after power-on (QEMU TCG, emulated)")
    finally:
        backend.stop()
