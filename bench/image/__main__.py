"""The booth image: build time, size, flashing, boot to Start, enrollment, update install and rollback — under QEMU.

Run as root: ``.venv/bin/python -m bench.image [--work build/bench-image]``
(``--reuse`` takes the image already in ``--work``, built with ``--keep-root``).
The steps are the image test's (tests/image/path.py): flash to a loop device,
enroll with a token from the setup stick against a backend on this machine,
then an update stick with the release and a broken one.

Everything boots under QEMU's software emulation (TCG: no usable KVM on these
machines): the boot figures are those of an emulated PC, several times slower
than the same image on KVM or hardware. Floors measured in the same run:

- build: copying the finished image (``cp --sparse=always``), the least any
  build must do to hand over a disk;
- boot: firmware and kernel to the initramfs' first line ("Loading, please
  wait"), which no change of the booth's own software can shorten.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from images.build import build_image
from images.qemu import BootedBooth
from images.screen import read_screen
from tests.image.path import Admin, broken_release, enrolling_backend, flash_to_loop_device, setup_stick, update_stick

TIMEOUT_S = 1200.0


def _since(vm: BootedBooth) -> int:
    return len(vm.serial_text())


def _until(what: str, check: object, timeout: float, every: float = 2.0) -> float:
    """Poll ``check`` until true; the monotonic time then (the benchmark's clock)."""
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise SystemExit(f"no {what} within {timeout:.0f} s")
        time.sleep(every)
    return time.monotonic()


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.image")
    parser.add_argument("--work", default="build/bench-image")
    parser.add_argument("--reuse", action="store_true", help="use the image in --work instead of building")
    args = parser.parse_args()
    work = Path(args.work).resolve()
    figures: dict[str, object] = {}

    if not args.reuse:
        start = time.monotonic()
        result = build_image(work, keep_root=True)
        figures["build_s"] = round(time.monotonic() - start, 1)
        figures["build_steps_s"] = {k: round(v, 1) for k, v in result.steps.items()}
    image = work / "etapiste-booth.img"
    bundle = work / "etapiste-booth.raucb"
    start = time.monotonic()
    with tempfile.TemporaryDirectory(dir=work) as tmp_name:
        subprocess.run(["cp", "--sparse=always", str(image), str(Path(tmp_name) / "copy.img")], check=True)
    figures["floor_copy_image_s"] = round(time.monotonic() - start, 1)
    bmap = (work / "etapiste-booth.bmap").read_text()
    mapped = int(bmap.split("<MappedBlocksCount>")[1].split("<")[0])
    figures["image_bytes"] = image.stat().st_size
    figures["image_mapped_bytes"] = mapped * 4096
    figures["rootfs_bytes"] = (work / "root.squashfs").stat().st_size
    figures["bundle_bytes"] = bundle.stat().st_size

    with tempfile.TemporaryDirectory(dir=work) as tmp_name:
        tmp = Path(tmp_name)
        disk = tmp / "disk.raw"
        start = time.monotonic()
        flash_to_loop_device(image, disk)
        figures["flash_and_verify_s"] = round(time.monotonic() - start, 1)
        backend = enrolling_backend(tmp)
        try:
            admin = Admin.sign_in(backend)
            stick, config = setup_stick(tmp, backend.port, admin.register_and_issue_token())
            vm = BootedBooth(disk, tmp / "vm", setup=stick)
            with vm:
                figures["boot_floor_kernel_s"] = round(vm.wait_for_serial("Loading, please wait", TIMEOUT_S), 1)
                figures["boot_to_kiosk_ready_s"] = round(vm.wait_for_serial("etapiste: kiosk ready", TIMEOUT_S), 1)
                enrolled = _until("enrollment", lambda: admin.listed()["enrolled"], TIMEOUT_S)
                figures["boot_to_enrolled_s"] = round(enrolled - vm.started_at, 1)
                shown = _until(
                    "Start screen", lambda: read_screen(vm.screendump(tmp / "screen.png")).is_start_screen, 600
                )
                figures["boot_to_start_screen_s"] = round(shown - vm.started_at, 1)
                figures["boot_to_health_good_s"] = round(vm.wait_for_serial("health good, slot a", TIMEOUT_S), 1)

                vm.setup = update_stick(tmp, config, bundle, broken_release(work / "root", tmp))
                vm.reboot()
                installing = vm.wait_for_serial("etapiste: installing update 1-update", TIMEOUT_S)
                installed = vm.wait_for_serial("etapiste: update installed", TIMEOUT_S)
                figures["update_install_s"] = round(installed - installing, 1)
                mark = _since(vm)
                good_b = vm.wait_for_serial("etapiste: health good, slot b", TIMEOUT_S, after=mark)
                figures["update_reboot_to_good_s"] = round(good_b - installed, 1)
                installed = vm.wait_for_serial("etapiste: update installed", TIMEOUT_S, after=mark)
                mark = _since(vm)
                vm.wait_for_serial("etapiste: health bad", TIMEOUT_S, after=mark)
                mark = _since(vm)
                back = vm.wait_for_serial("etapiste: health good, slot b", TIMEOUT_S, after=mark)
                figures["rollback_s"] = round(back - installed, 1)
        finally:
            backend.stop()

    kernel = figures["boot_floor_kernel_s"]
    figures["ratio_build_to_copy"] = round(figures.get("build_s", 0) / max(figures["floor_copy_image_s"], 0.1), 1)
    figures["ratio_kiosk_ready_to_kernel"] = round(figures["boot_to_kiosk_ready_s"] / kernel, 2)  # type: ignore[operator]
    figures["ratio_start_screen_to_kernel"] = round(figures["boot_to_start_screen_s"] / kernel, 2)  # type: ignore[operator]
    figures["emulated"] = "QEMU TCG (software emulation), 2 vCPU, 2 GiB; not KVM, not hardware"
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    if shutil.which("qemu-system-x86_64") is None:
        sys.exit("qemu-system-x86_64 is not installed (scripts/setup)")
    sys.exit(main())
