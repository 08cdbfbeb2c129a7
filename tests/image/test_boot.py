"""A technician's path on the real image, end to end under QEMU.

Flash the built image to a disk file (bmaptool, read back), boot it with
UEFI (OVMF) and a TPM (swtpm); it takes its config from a setup stick, and
its kiosk (cage + Kivy, as the unprivileged user kiosk) connects to a real
backend on this machine (QEMU's user network reaches the host's loopback at
10.0.2.2): the Start screen must show (QEMU's screendump, compared by colour
with the kiosk's Start screen). Then the same booth is updated from a stick
with the build's signed bundle: it installs into slot B, reboots into it,
and its health check marks B good. Last, a broken release (its kiosk cannot
start: Kivy missing) is installed into A; its health check fails, and the
booth falls back to B by itself.

What is asserted is what a person would check: the serial console's lines
(a technician's cable), the screen, and which slot the booth runs.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from etapiste.sim_booth import write_booth_config
from images.build import default_cache, squashfs_command
from images.bundle import ensure_test_keys, make_bundle
from images.qemu import BootedBooth
from images.screen import read_screen
from images.stick import make_stick
from kiosk.config import BoothFile
from tests.e2e.processes import Backend
from tests.image.conftest import ARTIFACTS, Built
from tests.support.waiting import wait_for

#: One emulated boot to the kiosk; generous: 2 cores shared, software emulation.
BOOT_TIMEOUT_S = 900
READY = "etapiste: kiosk ready"
SHOTS = ARTIFACTS / "screenshots" / "booth-image"
#: What the broken release lacks: its kiosk cannot import Kivy, so it never draws a screen.
BROKEN_RELEASE_LEAVES_OUT = "opt/etapiste/lib/python3.11/site-packages/kivy"


def booth_config(port: int) -> BoothFile:
    return BoothFile.model_validate(
        {
            "backend": {"url": f"ws://10.0.2.2:{port}/ws", "booth_id": "imatra-1", "secret_file": "booth.secret"},
            "display": {"fullscreen": True, "width": 1280, "height": 800},
            "cameras": {"face": {"kind": "simulated"}},
            "microphone": {"kind": "simulated"},
        }
    )


def broken_release(built: Built, work: Path) -> Path:
    """A bundle of a release whose kiosk cannot start: the same root without Kivy, signed like any other."""
    rootfs = work / "broken.squashfs"
    subprocess.run(squashfs_command(built.root, rootfs, exclude=(BROKEN_RELEASE_LEAVES_OUT,)), check=True)
    keys = ensure_test_keys(default_cache() / "test-keys")
    return make_bundle(rootfs, "0.0.1+broken", work / "broken.raucb", keys, work)


def since(vm: BootedBooth) -> int:
    """The serial log's length now: wait for what comes after it."""
    return len(vm.serial_text())


@dataclass
class Booth:
    """The booth under test: its VM, its config and secret, the folder for its files."""

    vm: BootedBooth
    config: Path
    secret: Path
    work: Path


@pytest.fixture(scope="module")
def booth(booth_build: Built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Booth]:
    """The built image flashed to a disk file and powered on with a setup stick (config + the build's bundle).

    Module-scoped: the tests below are the steps of one booth's life, in order.
    """
    tmp = tmp_path_factory.mktemp("booth")
    disk = tmp / "booth-disk.raw"
    flashed = subprocess.run(
        [sys.executable, "-m", "etapiste", "flash", str(booth_build.image), str(disk)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert flashed.returncode == 0, flashed.stderr
    assert "all checksums match" in flashed.stdout

    backend = Backend(tmp, tls=False)  # the image's booth is given no CA of the tests
    try:
        secret = tmp / "booth.secret"
        secret.write_text("demo-booth-secret\n")
        config = write_booth_config(booth_config(backend.port), tmp / "booth.toml", "# the image test's booth")
        (tmp / "stick1").mkdir()
        update = tmp / "stick1" / "update.raucb"
        update.hardlink_to(booth_build.bundle)
        stick = make_stick(tmp / "stick.img", config, [secret, update], size_mib=1024)
        with BootedBooth(disk, tmp / "vm", setup=stick) as vm:
            yield Booth(vm, config, secret, tmp)
    finally:
        backend.stop()


def start_on_screen(vm: BootedBooth, name: str) -> bool:
    return read_screen(vm.screendump(SHOTS / f"{name}.png")).is_start_screen


@pytest.mark.timeout(3000)  # the image's build (cached Debian root) and one emulated boot
def test_first_boot_takes_the_config_from_the_stick_and_shows_start(booth: Booth):
    vm = booth.vm
    vm.wait_for_serial(READY, timeout=BOOT_TIMEOUT_S)
    assert "booth config taken from the setup stick" in vm.serial_text()
    wait_for("the Start screen on the booth's display", lambda: start_on_screen(vm, "start"), timeout=300, every=3)
    vm.wait_for_serial("etapiste: health good, slot a", timeout=BOOT_TIMEOUT_S)


@pytest.mark.timeout(3600)  # four emulated boots
def test_an_update_goes_to_slot_b_and_a_broken_release_rolls_back(booth: Booth, booth_build: Built):
    vm = booth.vm
    # The stick's bundle goes into slot B; the booth reboots into it and keeps it.
    vm.wait_for_serial("etapiste: update installed; rebooting into it", timeout=BOOT_TIMEOUT_S)
    mark = since(vm)
    vm.wait_for_serial("etapiste: health good, slot b", timeout=BOOT_TIMEOUT_S, after=mark)

    # A broken release on a new stick: installed into A, fails its health check, B again.
    bad = broken_release(booth_build, booth.work)
    (booth.work / "stick2").mkdir()
    bad_copy = booth.work / "stick2" / "broken.raucb"
    bad_copy.hardlink_to(bad)
    vm.setup = make_stick(booth.work / "stick2.img", booth.config, [booth.secret, bad_copy], size_mib=1024).resolve()
    vm.reboot()
    vm.wait_for_serial("etapiste: update installed; rebooting into it", timeout=BOOT_TIMEOUT_S)
    mark = since(vm)
    bad_health = "etapiste: health bad (the kiosk is not running), slot a"
    vm.wait_for_serial(bad_health, timeout=BOOT_TIMEOUT_S, after=mark)
    mark = since(vm)
    vm.wait_for_serial("etapiste: health good, slot b", timeout=BOOT_TIMEOUT_S, after=mark)
    wait_for("the Start screen after the rollback", lambda: start_on_screen(vm, "start-after-rollback"), 300, 3)
