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

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from etapiste.local_ca import create_ca
from etapiste.sim_booth import write_booth_config
from images.build import default_cache, squashfs_command
from images.bundle import ensure_test_keys, make_bundle
from images.qemu import BootedBooth
from images.screen import read_screen
from images.stick import make_stick
from kiosk.config import BoothFile
from tests.e2e.bookings import ACCOUNTS, api, login
from tests.e2e.processes import Backend, local_tls
from tests.image.conftest import ARTIFACTS, Built
from tests.support.waiting import wait_for

#: One emulated boot to the kiosk; generous: 2 cores shared, software emulation.
BOOT_TIMEOUT_S = 900
READY = "etapiste: kiosk ready"
SHOTS = ARTIFACTS / "screenshots" / "booth-image"
BOOTH_ID = "imatra-9"
#: What the broken release lacks: its kiosk cannot import Kivy, so it never draws a screen.
BROKEN_RELEASE_LEAVES_OUT = "opt/etapiste/lib/python3.11/site-packages/kivy"


def booth_config(port: int) -> BoothFile:
    """What the technician writes for an enrolling booth: the backend and its CA; no id, no secret."""
    return BoothFile.model_validate(
        {
            "backend": {
                "url": f"wss://10.0.2.2:{port}/ws",
                "ca_file": "ca.pem",
                "identity_dir": "/var/lib/etapiste/identity",
                # Where the setup service puts the stick's etapiste-token.txt (RAM only).
                "token_file": "/run/etapiste/enrollment-token",
            },
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


def flash_to_loop_device(image: Path, disk: Path) -> None:
    """``etapiste flash`` onto a loop device backed by ``disk``: the technician's command on a block device."""
    with disk.open("wb") as f:
        f.truncate(image.stat().st_size)
    loop = subprocess.run(["losetup", "--find", "--show", str(disk)], capture_output=True, text=True, check=True)
    device = loop.stdout.strip()
    try:
        flashed = subprocess.run(
            [sys.executable, "-m", "etapiste", "flash", str(image), device],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        subprocess.run(["losetup", "--detach", device], check=True)
    assert flashed.returncode == 0, flashed.stderr
    assert "all checksums match" in flashed.stdout
    assert f"Done: {device} holds the image" in flashed.stdout


def since(vm: BootedBooth) -> int:
    """The serial log's length now: wait for what comes after it."""
    return len(vm.serial_text())


@dataclass
class Booth:
    """The booth under test: its VM, the backend it enrolled with, its config, the folder for its files."""

    vm: BootedBooth
    backend: Backend
    admin_token: str
    config: Path
    work: Path

    def listed(self) -> dict:
        """The booth's row in the admin app's booth list (the master admin's API)."""
        rows = api(self.backend, "GET", "/api/admin/booths", token=self.admin_token)
        return next(r for r in rows if r["booth_id"] == BOOTH_ID)


@pytest.fixture(scope="module")
def booth(booth_build: Built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Booth]:
    """The built image flashed to a disk and powered on with a setup stick (config, CA, enrollment token).

    Module-scoped: the tests below are the steps of one booth's life, in order.
    """
    tmp = tmp_path_factory.mktemp("booth")
    disk = tmp / "booth-disk.raw"
    flash_to_loop_device(booth_build.image, disk)

    ca, _ = local_tls()  # the server certificate names 10.0.2.2: the guest's way to this machine
    booth_ca_files = create_ca(tmp / "booth-ca", "Etäpiste booth CA")
    backend = Backend(
        tmp,
        env={
            "ETAPISTE_ENROLL_CA_CERT_FILE": str(booth_ca_files.cert),
            "ETAPISTE_ENROLL_CA_KEY_FILE": str(booth_ca_files.key),
        },
    )
    try:
        admin = login(backend, ACCOUNTS.master_username, ACCOUNTS.master_password)
        api(backend, "PUT", f"/api/admin/booths/{BOOTH_ID}", {"name": "Imatra 9", "point_id": "imatra"}, admin)
        token = api(backend, "POST", f"/api/admin/booths/{BOOTH_ID}/enrollment", token=admin)["token"]
        (tmp / "ca.pem").write_bytes(ca.cert.read_bytes())
        (tmp / "etapiste-token.txt").write_text(token + "\n")
        config = write_booth_config(booth_config(backend.port), tmp / "booth.toml", "# the image test's booth")
        stick = make_stick(tmp / "stick.img", config, [tmp / "ca.pem", tmp / "etapiste-token.txt"])
        with BootedBooth(disk, tmp / "vm", setup=stick) as vm:
            yield Booth(vm, backend, admin, config, tmp)
    finally:
        backend.stop()
        (ARTIFACTS / "image-backend.log").write_text(backend.log())


def start_on_screen(vm: BootedBooth, name: str) -> bool:
    return read_screen(vm.screendump(SHOTS / f"{name}.png")).is_start_screen


@pytest.mark.timeout(3000)  # the image's build (cached Debian root) and one emulated boot
def test_first_boot_enrolls_with_the_sticks_token_and_shows_start(booth: Booth):
    vm = booth.vm
    vm.wait_for_serial(READY, timeout=BOOT_TIMEOUT_S)
    assert "booth config taken from the setup stick" in vm.serial_text()
    assert "enrollment token taken from the setup stick" in vm.serial_text()
    wait_for("the Start screen on the booth's display", lambda: start_on_screen(vm, "start"), timeout=600, every=3)
    # The backend knows the booth by its certificate: enrolled, and its software as it reported it.
    row = wait_for("the booth to report its software", lambda: r if (r := booth.listed())["slot"] else None, 300, 3)
    assert row["enrolled"] and row["certificate_until"], row
    assert row["slot"].lower() == "a" and row["version"], row
    vm.wait_for_serial("etapiste: health good, slot a", timeout=BOOT_TIMEOUT_S)
    assert booth.listed()["enrolled"]


@pytest.mark.timeout(3600)  # four emulated boots
def test_an_update_goes_to_slot_b_and_a_broken_release_rolls_back(booth: Booth, booth_build: Built):
    vm = booth.vm
    # The update stick: the release, then a broken one (installed in name order, each once).
    bad = broken_release(booth_build, booth.work)
    (booth.work / "stick2").mkdir()
    (booth.work / "stick2" / "1-update.raucb").hardlink_to(booth_build.bundle)
    (booth.work / "stick2" / "2-broken.raucb").hardlink_to(bad)
    bundles = [booth.work / "stick2" / "1-update.raucb", booth.work / "stick2" / "2-broken.raucb"]
    vm.setup = make_stick(booth.work / "stick2.img", booth.config, bundles, size_mib=2048).resolve()
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
    wait_for("the backend to show the booth on slot B", lambda: booth.listed()["slot"].lower() == "b", 300, 3)
