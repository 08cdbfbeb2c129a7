"""A technician's path on the real image, end to end under QEMU: build, flash, enroll, Start, update, rollback.

The built image is flashed with ``etapiste flash`` to a loop device (a block
device, as a technician's disk; bmaptool writes, then everything is read back
and compared), and that disk boots with UEFI (OVMF) and a TPM (swtpm). The
master admin registers the booth and asks for its one-time enrollment token
(the admin API, as the admin app does); the technician's setup stick holds
only the booth's config (the backend's address and CA, no booth id, no
secret) and that token. On first boot the booth takes them, makes its own
key, enrolls against the real backend on this machine (QEMU's user network
reaches the host's loopback at 10.0.2.2; TLS with etapiste/local_ca.py's
certificates) and connects with its client certificate: the Start screen
must show (QEMU's screendump, compared by colour with the kiosk's Start
screen) and the backend's booth list must show it enrolled, with its
version and slot.

Then an update stick with two signed bundles: the release, and a broken
release (its kiosk cannot start: Kivy missing). The booth installs the first
into slot B, reboots into it, and its health check marks B good; then it
installs the broken one into A, whose health check fails, and the booth
falls back to B by itself. Five emulated boots in all.

What is asserted is what a person would check: the serial console's lines
(a technician's cable), the screen, and the admin app's booth list.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from images.qemu import BootedBooth
from images.screen import read_screen
from tests.e2e.processes import Backend
from tests.image.conftest import ARTIFACTS, Built
from tests.image.path import (
    BOOTH_ID,
    Admin,
    broken_release,
    enrolling_backend,
    flash_to_loop_device,
    setup_stick,
    update_stick,
)
from tests.support.waiting import wait_for

#: One emulated boot to the kiosk; generous: 2 cores shared, software emulation.
BOOT_TIMEOUT_S = 900
READY = "etapiste: kiosk ready"
SHOTS = ARTIFACTS / "screenshots" / "booth-image"


def since(vm: BootedBooth) -> int:
    """The serial log's length now: wait for what comes after it."""
    return len(vm.serial_text())


@dataclass
class Booth:
    """The booth under test: its VM, the backend it enrolled with, its config, the folder for its files."""

    vm: BootedBooth
    backend: Backend
    admin: Admin
    config: Path
    work: Path


@pytest.fixture(scope="module")
def booth(booth_build: Built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Booth]:
    """The built image flashed to a disk and powered on with a setup stick (config, CA, enrollment token).

    Module-scoped: the tests below are the steps of one booth's life, in order.
    """
    tmp = tmp_path_factory.mktemp("booth")
    disk = tmp / "booth-disk.raw"
    flash_to_loop_device(booth_build.image, disk)
    backend = enrolling_backend(tmp)
    try:
        admin = Admin.sign_in(backend)
        stick, config = setup_stick(tmp, backend.port, admin.register_and_issue_token())
        with BootedBooth(disk, tmp / "vm", setup=stick) as vm:
            yield Booth(vm, backend, admin, config, tmp)
    finally:
        backend.stop()
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "image-backend.log").write_text(backend.log())


def start_on_screen(vm: BootedBooth, name: str) -> bool:
    return read_screen(vm.screendump(SHOTS / f"{name}.png")).is_start_screen


@pytest.mark.timeout(3000)  # the image's build (cached Debian root) and one emulated boot
def test_first_boot_enrolls_with_the_sticks_token_and_shows_start(booth: Booth):
    vm = booth.vm
    vm.wait_for_serial(READY, timeout=BOOT_TIMEOUT_S)
    assert "booth config taken from the setup stick" in vm.serial_text()
    assert "enrollment token taken from the setup stick" in vm.serial_text()
    # The VM has a TPM (swtpm): the booth's key is sealed to it, not a file a copied disk would carry.
    vm.wait_for_serial(f"enrolled as booth {BOOTH_ID} (its key sealed to the TPM)", timeout=BOOT_TIMEOUT_S)
    wait_for("the Start screen on the booth's display", lambda: start_on_screen(vm, "start"), timeout=600, every=3)
    # The backend knows the booth by its certificate: enrolled, and its software as it reported it.
    row = wait_for("the booth's software report", lambda: r if (r := booth.admin.listed())["slot"] else None, 300, 3)
    assert row["enrolled"] and row["certificate_until"], row
    assert row["slot"].lower() == "a" and row["version"], row
    vm.wait_for_serial("etapiste: health good, slot a", timeout=BOOT_TIMEOUT_S)


@pytest.mark.timeout(3600)  # four emulated boots
def test_an_update_goes_to_slot_b_and_a_broken_release_rolls_back(booth: Booth, booth_build: Built):
    vm = booth.vm
    bad = broken_release(booth_build.root, booth.work)
    vm.setup = update_stick(booth.work, booth.config, booth_build.bundle, bad)
    vm.reboot()
    # The release goes into slot B; the booth reboots into it and keeps it.
    vm.wait_for_serial("etapiste: installing update 1-update.raucb", timeout=BOOT_TIMEOUT_S)
    vm.wait_for_serial("etapiste: update installed; rebooting into it", timeout=BOOT_TIMEOUT_S)
    mark = since(vm)
    vm.wait_for_serial("etapiste: health good, slot b", timeout=BOOT_TIMEOUT_S, after=mark)
    # The broken release: installed into A, fails its health check, B again by itself.
    vm.wait_for_serial("etapiste: installing update 2-broken.raucb", timeout=BOOT_TIMEOUT_S, after=mark)
    vm.wait_for_serial("etapiste: update installed; rebooting into it", timeout=BOOT_TIMEOUT_S, after=mark)
    mark = since(vm)
    bad_health = "etapiste: health bad (the kiosk is not running), slot a"
    vm.wait_for_serial(bad_health, timeout=BOOT_TIMEOUT_S, after=mark)
    mark = since(vm)
    vm.wait_for_serial("etapiste: health good, slot b", timeout=BOOT_TIMEOUT_S, after=mark)
    vm.wait_for_serial("etapiste: update 2-broken.raucb was tried before; not again", BOOT_TIMEOUT_S, after=mark)
    wait_for("the Start screen after the rollback", lambda: start_on_screen(vm, "start-after-rollback"), 300, 3)
    wait_for("the backend to show the booth on slot B", lambda: booth.admin.listed()["slot"].lower() == "b", 300, 3)
