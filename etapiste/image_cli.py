"""The technician's subcommands: ``etapiste image …`` (build, boot, firewall) and ``etapiste flash``.

Kept apart from ``etapiste/cli.py`` so the booth-image tools read as one
room; each handler imports its module only when run.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def _image_build(args: argparse.Namespace) -> int:
    from images.build import BuildError, build_image

    try:
        result = build_image(
            Path(args.work),
            Path(args.cache) if args.cache else None,
            Path(args.keys) if args.keys else None,
            keep_root=args.keep_root,
        )
    except BuildError as exc:
        print(f"etapiste image build: failed: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result.summary(), indent=2))
    print(f"\nImage ready: {result.image}\nWrite it with: etapiste flash {result.image} /dev/sdX")
    print(f"Update bundle of the same release: {result.bundle}")
    return 0


def _image_boot(args: argparse.Namespace) -> int:
    from images.qemu import BootedBooth, QemuError

    try:
        with BootedBooth(Path(args.image), Path(args.run_dir), setup=Path(args.setup) if args.setup else None) as vm:
            print(f"serial console: {vm.serial_log}; the screen: etapiste image boot writes screendumps on Ctrl-C")
            vm.wait_for_serial(args.marker, timeout=args.timeout)
            shot = vm.screendump(Path(args.run_dir) / "screen.png")
            print(f"{args.marker!r} seen; screen saved to {shot}")
    except QemuError as exc:
        print(f"etapiste image boot: {exc}", file=sys.stderr)
        return 1
    return 0


def _image_firewall(args: argparse.Namespace) -> int:
    from images.firewall import apply, destinations, elements, nft_script
    from kiosk.config import ConfigError, load_booth_file

    try:
        booth = load_booth_file(args.config)
    except ConfigError as exc:
        print(f"etapiste image firewall: fix {args.config}:\n  " + str(exc).replace("\n", "\n  "), file=sys.stderr)
        return 2
    v4, v6 = elements(destinations(booth))
    script = nft_script(v4, v6)
    if not args.apply:
        print(script, end="")
        return 0
    try:
        apply(script)
    except RuntimeError as exc:
        print(f"etapiste image firewall: {exc}", file=sys.stderr)
        return 1
    print(f"egress allowed to {len(v4) + len(v6)} address/port pairs")
    return 0


def _image_stick(args: argparse.Namespace) -> int:
    from images.stick import make_stick
    from kiosk.config import ConfigError

    try:
        out = make_stick(Path(args.out), Path(args.config), [Path(p) for p in args.file], size_mib=args.size_mib)
    except ConfigError as exc:
        print(f"etapiste image stick: fix {args.config}:\n  " + str(exc).replace("\n", "\n  "), file=sys.stderr)
        return 2
    print(f"Setup stick image: {out} (write it to a USB stick with dd, or etapiste flash)")
    return 0


def _flash(args: argparse.Namespace) -> int:
    from provisioning.flash import FlashError, flash

    image, target = Path(args.image), Path(args.device)
    print(f"Writing {image} to {target} ...")
    try:
        bmap = flash(image, target, Path(args.bmap) if args.bmap else None)
    except FlashError as exc:
        print(f"etapiste flash: NOT written: {exc}", file=sys.stderr)
        return 1
    mib = bmap.mapped_bytes // (1 << 20)
    print(f"Done: {target} holds the image; {mib} MiB written and read back, all checksums match.")
    return 0


def add_image_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``image`` (with its own subcommands) and ``flash`` on the main parser."""
    image = sub.add_parser(
        "image",
        help="build, boot and configure the booth's disk image",
        description="The booth's Debian 12 disk image: A/B read-only roots, data partition, kiosk under cage "
        "(docs/TECHNICIAN.md).",
    )
    image_sub = image.add_subparsers(dest="image_command", required=True, metavar="IMAGE_COMMAND")

    p = image_sub.add_parser(
        "build",
        help="build the image (root, Debian tools; see docs/TECHNICIAN.md)",
        description="Build the booth image and its bmap into WORK. The Debian root and the Python wheels are "
        "cached (default ~/.cache/etapiste/image): the second build takes a fraction of the first.",
    )
    p.add_argument("--work", default="build/image", help="output and work folder (default: %(default)s)")
    p.add_argument("--cache", help="cache folder (default: $XDG_CACHE_HOME/etapiste/image)")
    p.add_argument(
        "--keys",
        help="folder with the update keyring and signing key (ca.pem, signing.pem, signing.key); "
        "default: a test CA made in the cache, for tests only",
    )
    p.add_argument("--keep-root", action="store_true", help="keep the root folder in WORK (to derive test releases)")
    p.set_defaults(func=_image_build)

    p = image_sub.add_parser(
        "boot",
        help="boot an image under QEMU (OVMF, swtpm) and wait for a serial marker",
        description="Boot a copy-on-write overlay of IMAGE under QEMU with UEFI and a software TPM; wait for "
        "MARKER on the serial console, then save the screen as a PNG.",
    )
    p.add_argument("image")
    p.add_argument("--run-dir", default="build/boot", help="serial log, screen, TPM state (default: %(default)s)")
    p.add_argument("--setup", help="a setup stick image (etapiste provision stick) to attach")
    p.add_argument("--marker", default="etapiste: kiosk ready")
    p.add_argument("--timeout", type=float, default=600.0)
    p.set_defaults(func=_image_boot)

    p = image_sub.add_parser(
        "firewall",
        help="print or load the booth's egress allow-list (run by the image at boot)",
        description="Compute the nftables egress sets from a booth config: the backend, TURN/STUN servers and "
        "a network printer. Prints the nft script, or loads it with --apply.",
    )
    p.add_argument("--config", required=True, help="booth config file (TOML)")
    p.add_argument("--apply", action="store_true", help="load the sets into the running firewall")
    p.set_defaults(func=_image_firewall)

    p = image_sub.add_parser(
        "stick",
        help="make a setup stick with a booth's config (read on the booth's first boot)",
        description="Write a FAT image labelled ETAPISTE holding CONFIG as booth.toml, and any --file "
        "(e.g. the file its backend.secret_file names).",
    )
    p.add_argument("out", help="the stick image to write")
    p.add_argument("--config", required=True, help="the booth's config (TOML); checked before writing")
    p.add_argument(
        "--file", action="append", default=[], help="another file for the booth, or an update bundle (repeatable)"
    )
    p.add_argument("--size-mib", type=int, default=4, help="size of the FAT image (1024 for an update bundle)")
    p.set_defaults(func=_image_stick)

    p = sub.add_parser(
        "flash",
        help="write a booth image to a disk and verify it",
        description="Write IMAGE to DEVICE with bmaptool (only the image's data blocks), then read the disk back "
        "and compare with the build's checksums. Refuses a mounted disk and this computer's own disk.",
    )
    p.add_argument("image", help="the image (its .bmap beside it)")
    p.add_argument("device", help="the booth's disk, e.g. /dev/sdb (or a file)")
    p.add_argument("--bmap", help="the block map (default: IMAGE with .bmap)")
    p.set_defaults(func=_flash)
