"""The booth image: build time, size, boot to Start, update install and rollback — under QEMU.

Run as root: ``.venv/bin/python -m bench.image [--work build/bench-image]``
(``--reuse`` takes the image already in ``--work``, built with ``--keep-root``).

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

from etapiste.sim_booth import write_booth_config
from images.build import build_image, default_cache, squashfs_command
from images.bundle import ensure_test_keys, make_bundle
from images.qemu import BootedBooth
from images.screen import read_screen
from images.stick import make_stick
from kiosk.config import BoothFile
from tests.e2e.processes import Backend

TIMEOUT_S = 1200.0


def _config(port: int) -> BoothFile:
    return BoothFile.model_validate(
        {
            "backend": {"url": f"ws://10.0.2.2:{port}/ws", "booth_id": "imatra-1", "secret_file": "booth.secret"},
            "display": {"fullscreen": True, "width": 1280, "height": 800},
            "cameras": {"face": {"kind": "simulated"}},
            "microphone": {"kind": "simulated"},
        }
    )


def _since(vm: BootedBooth) -> int:
    return len(vm.serial_text())


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
        backend = Backend(tmp, tls=False)  # the image's booth is given no CA of the tests
        try:
            (tmp / "booth.secret").write_text("demo-booth-secret\n")
            config = write_booth_config(_config(backend.port), tmp / "booth.toml", "# bench.image")
            (tmp / "s1").mkdir()
            (tmp / "s1" / "update.raucb").hardlink_to(bundle)
            stick = make_stick(tmp / "s1.img", config, [tmp / "booth.secret", tmp / "s1" / "update.raucb"], 1024)
            disk = tmp / "disk.raw"
            subprocess.run(["cp", "--sparse=always", str(image), str(disk)], check=True)
            vm = BootedBooth(disk, tmp / "vm", setup=stick)
            with vm:
                figures["boot_floor_kernel_s"] = round(vm.wait_for_serial("Loading, please wait", TIMEOUT_S), 1)
                figures["boot_to_kiosk_ready_s"] = round(vm.wait_for_serial("etapiste: kiosk ready", TIMEOUT_S), 1)
                deadline = time.monotonic() + 600
                while not read_screen(vm.screendump(tmp / "screen.png")).is_start_screen:
                    if time.monotonic() > deadline:
                        raise SystemExit("no Start screen within 600 s")
                    time.sleep(2)
                figures["boot_to_start_screen_s"] = round(time.monotonic() - vm.started_at, 1)
                installing = vm.wait_for_serial("etapiste: installing update", TIMEOUT_S)
                installed = vm.wait_for_serial("etapiste: update installed", TIMEOUT_S)
                figures["update_install_s"] = round(installed - installing, 1)
                mark = _since(vm)
                good_b = vm.wait_for_serial("etapiste: health good, slot b", TIMEOUT_S, after=mark)
                figures["update_reboot_to_good_s"] = round(good_b - installed, 1)

                rootfs = tmp / "broken.squashfs"
                kivy = "opt/etapiste/lib/python3.11/site-packages/kivy"
                subprocess.run(squashfs_command(work / "root", rootfs, exclude=(kivy,)), check=True)
                keys = ensure_test_keys(default_cache() / "test-keys")
                (tmp / "s2").mkdir()
                make_bundle(rootfs, "0.0.1+broken", tmp / "s2" / "broken.raucb", keys, tmp)
                vm.setup = make_stick(tmp / "s2.img", config, [tmp / "booth.secret", tmp / "s2" / "broken.raucb"], 1024)
                vm.reboot()
                installed = vm.wait_for_serial("etapiste: update installed", TIMEOUT_S)
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
    figures["emulated"] = "QEMU TCG (software emulation), 2 vCPU, 2 GiB; not KVM, not hardware"
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    if shutil.which("qemu-system-x86_64") is None:
        sys.exit("qemu-system-x86_64 is not installed (scripts/setup)")
    sys.exit(main())
