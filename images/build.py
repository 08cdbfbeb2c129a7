"""Building the booth's disk image: Debian 12 from Debian's packages, A/B squashfs roots.

The recipe is data beside this file (``recipe/``: the package list, files laid
over the root, ``customize.sh`` run inside it). The build is a few established
tools in a row, each step's output a file in ``work``:

1. the project and its Python dependencies as wheels (``pip wheel``; the
   dependencies are cached, the project's own wheel is built every time);
2. the Debian root (``mmdebstrap``, minbase + the package list; cached by the
   list's hash, so CI and a technician pay for it once);
3. the booth's root: the cached root unpacked, the overlay copied, a venv at
   ``/opt/etapiste`` from the wheels (no network), ``customize.sh``; its
   ``/var`` becomes the data partition, the rest a read-only squashfs;
4. the ESP built offline (``mkfs.vfat -C`` + ``mcopy``: the host may not mount
   vfat) with systemd-boot, the kernel and one boot entry per slot;
5. the disk (``systemd-repart``, every partition copied in as blocks:
   ESP | root-a | root-b | data) and its block map (``bmaptool create``) for
   ``etapiste flash``.

Why a venv from wheels rather than Debian's python3-kivy: the booth then runs
the same Kivy (2.3, SDL2 with X11 through Xwayland) and the same libraries as
every test of the kiosk, pinned by the project, not Debian's Kivy 2.1.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from images.bundle import SigningKeys, ensure_test_keys, make_bundle
from images.layout import DISK, ESP_SIZE_MIB, SLOTS, Slot, kernel_cmdline

RECIPE = Path(__file__).resolve().parent / "recipe"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
SUITE = "bookworm"


class BuildError(RuntimeError):
    """A step of the build failed; the message names the step and its log."""


@dataclass
class BuildResult:
    """What a build made, and how long each step took (bench/image prints these)."""

    image: Path
    bmap: Path
    rootfs: Path
    bundle: Path
    version: str
    steps: dict[str, float] = field(default_factory=dict)

    def summary(self) -> dict[str, object]:
        return {
            "image": str(self.image),
            "bmap": str(self.bmap),
            "bundle": str(self.bundle),
            "version": self.version,
            "bundle_bytes": self.bundle.stat().st_size,
            "image_bytes": self.image.stat().st_size,
            "rootfs_bytes": self.rootfs.stat().st_size,
            "steps_s": {k: round(v, 1) for k, v in self.steps.items()},
        }


def packages() -> list[str]:
    """The package list without comments: one Debian package a line."""
    lines = (RECIPE / "packages.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def base_key() -> str:
    """The cache key of the Debian root: the suite, the package list and the hook that shapes it."""
    digest = hashlib.sha256()
    digest.update(SUITE.encode())
    digest.update("\n".join(packages()).encode())
    digest.update(BASE_HOOK.encode())
    return digest.hexdigest()[:16]


#: Run by mmdebstrap inside the new root: the initramfs must mount a squashfs root.
BASE_HOOK = (
    'echo squashfs >> "$1/etc/initramfs-tools/modules" && '
    'chroot "$1" update-initramfs -u -k all && '
    'rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/*'
)


class Builder:
    """One build: ``work`` holds every intermediate file and ``build.log``; ``cache`` outlives it."""

    def __init__(
        self, work: Path, cache: Path, keys: SigningKeys, version: str, say: Callable[[str], None] = print
    ) -> None:
        self.work = work
        self.cache = cache
        self.keys = keys
        self.version = version
        self.say = say
        self.log = work / "build.log"
        self.steps: dict[str, float] = {}

    def run(self, step: str, args: list[str], **kwargs: object) -> None:
        """A tool of the build; its output goes to build.log, a failure names the step."""
        with self.log.open("ab") as log:
            log.write(f"\n$ {' '.join(args)}\n".encode())
            log.flush()
            result = subprocess.run(args, stdout=log, stderr=subprocess.STDOUT, check=False, **kwargs)  # type: ignore[call-overload]
        if result.returncode != 0:
            raise BuildError(f"{step}: {args[0]} exited with {result.returncode}; see {self.log}")

    def timed(self, step: str, action: Callable[[], None]) -> None:
        self.say(f"image build: {step} ...")
        start = time.monotonic()
        action()
        self.steps[step] = time.monotonic() - start
        self.say(f"image build: {step} done in {self.steps[step]:.0f} s")

    # -- steps --

    def wheels(self) -> Path:
        """The project's wheel and every dependency's; dependencies come from the cache when there."""
        wheels = self.cache / "wheels"
        wheels.mkdir(parents=True, exist_ok=True)
        for old in wheels.glob("etapiste-*.whl"):
            old.unlink()
        self.run(
            "wheels",
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--find-links", str(wheels), "-w", str(wheels), "."],
            cwd=PROJECT_ROOT,
        )
        return wheels

    def base(self) -> Path:
        """The Debian root as a tarball, built once per package list."""
        tar = self.cache / f"base-{base_key()}.tar"
        if tar.exists():
            self.say(f"image build: Debian root from the cache ({tar.name})")
            return tar
        partial = tar.with_suffix(".partial.tar")
        self.run(
            "debian root",
            [
                "mmdebstrap",
                "--variant=minbase",
                "--mode=root",
                "--format=tar",
                "--aptopt=APT::Install-Recommends false",
                "--dpkgopt=path-exclude=/usr/share/doc/*",
                "--dpkgopt=path-exclude=/usr/share/man/*",
                "--include=" + ",".join(packages()),
                "--customize-hook=" + BASE_HOOK,
                SUITE,
                str(partial),
            ],
        )
        partial.rename(tar)
        return tar

    def root(self, base: Path, wheels: Path) -> Path:
        """The booth's root directory: Debian + overlay + the kiosk's venv + customize.sh."""
        root = self.work / "root"
        if root.exists():
            shutil.rmtree(root)
        root.mkdir()
        self.run("root", ["tar", "-C", str(root), "--numeric-owner", "-xpf", str(base)])
        self.run("root", ["cp", "-a", "--no-preserve=ownership", f"{RECIPE / 'overlay'}/.", str(root)])
        staged = root / "tmp" / "wheels"
        shutil.copytree(wheels, staged)
        # Byte-compiled here: the root is read-only, and compiling every module at each start
        # costs the booth seconds (minutes under emulation).
        self.run("venv", ["chroot", str(root), "python3", "-m", "venv", "/opt/etapiste"])
        self.run(
            "venv",
            [
                "chroot",
                str(root),
                "/opt/etapiste/bin/pip",
                "install",
                "--quiet",
                "--no-index",
                "--find-links",
                "/tmp/wheels",
                "etapiste",
            ],
        )
        shutil.rmtree(staged)
        shutil.copy(RECIPE / "customize.sh", root / "tmp" / "customize.sh")
        self.run("customize", ["chroot", str(root), "/bin/sh", "/tmp/customize.sh"])
        (root / "tmp" / "customize.sh").unlink()
        (root / "etc/rauc").mkdir(parents=True, exist_ok=True)
        shutil.copy(self.keys.ca, root / "etc/rauc/keyring.pem")  # the only signer this booth trusts
        release = {"version": self.version, "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        (root / "etc" / "etapiste-release.json").write_text(json.dumps(release) + "\n", encoding="utf-8")
        return root

    def partitions(self, root: Path) -> dict[str, Path]:
        """The squashfs root, the data partition (the root's /var) and the ESP, as files."""
        var = self.work / "var"
        if var.exists():
            shutil.rmtree(var)
        (root / "var").rename(var)
        (root / "var").mkdir()
        for transient in ("cache", "tmp", "log"):
            shutil.rmtree(var / transient, ignore_errors=True)
            (var / transient).mkdir()
        (root / "efi").mkdir(exist_ok=True)
        squashfs = self.work / "root.squashfs"
        self.run("squashfs", squashfs_command(root, squashfs))
        data = self.work / "data.ext4"
        data.unlink(missing_ok=True)
        self.run(
            "data",
            ["mkfs.ext4", "-q", "-L", "data", "-d", str(var), str(data), f"{DISK.data_size_mib}M"],
        )
        esp = self.esp(root)
        return {"esp": esp, "root": squashfs, "data": data}

    def esp(self, root: Path) -> Path:
        """FAT32 with systemd-boot, the kernel and initrd of slot A (and B: the same at first)."""
        esp = self.work / "esp.vfat"
        esp.unlink(missing_ok=True)
        self.run("esp", ["mkfs.vfat", "-F", "32", "-n", "ESP", "-C", str(esp), str(ESP_SIZE_MIB * 1024)])
        kernel = sorted((root / "boot").glob("vmlinuz-*"))[-1]
        initrd = sorted((root / "boot").glob("initrd.img-*"))[-1]
        boot_efi = root / "usr/lib/systemd/boot/efi/systemd-bootx64.efi"
        staging = self.work / "esp"
        if staging.exists():
            shutil.rmtree(staging)
        (staging / "EFI/BOOT").mkdir(parents=True)
        (staging / "EFI/systemd").mkdir(parents=True)
        (staging / "loader/entries").mkdir(parents=True)
        shutil.copy(boot_efi, staging / "EFI/BOOT/BOOTX64.EFI")
        shutil.copy(boot_efi, staging / "EFI/systemd/systemd-bootx64.efi")
        for slot in SLOTS:
            folder = staging / "etapiste" / slot.name
            folder.mkdir(parents=True)
            shutil.copy(kernel, folder / "vmlinuz")
            shutil.copy(initrd, folder / "initrd.img")
            (staging / "loader/entries" / slot.entry_file).write_text(boot_entry(slot), encoding="utf-8")
        (staging / "loader/loader.conf").write_text(
            "default etapiste-*\ntimeout 0\neditor no\nauto-entries no\nauto-firmware no\n",
            encoding="utf-8",
        )
        items = [str(p) for p in staging.iterdir()]
        self.run("esp", ["mcopy", "-s", "-i", str(esp), *items, "::"])
        return esp

    def disk(self, parts: dict[str, Path]) -> tuple[Path, Path]:
        """The GPT disk from the partition files (systemd-repart), and its block map."""
        definitions = self.work / "repart.d"
        if definitions.exists():
            shutil.rmtree(definitions)
        definitions.mkdir()
        for i, text in enumerate(DISK.repart_definitions(parts), start=10):
            (definitions / f"{i}.conf").write_text(text, encoding="utf-8")
        image = self.work / "etapiste-booth.img"
        image.unlink(missing_ok=True)
        self.run(
            "disk",
            [
                "systemd-repart",
                "--empty=create",
                f"--size={DISK.size_mib}M",
                "--dry-run=no",
                "--no-pager",
                f"--definitions={definitions}",
                "--seed=" + DISK.seed,
                str(image),
            ],
        )
        bmap = image.with_suffix(".bmap")
        self.run("bmap", ["bmaptool", "create", "-o", str(bmap), str(image)])
        return image, bmap


def squashfs_command(root: Path, out: Path, exclude: tuple[str, ...] = ()) -> list[str]:
    """mksquashfs of a root folder (``exclude``: paths inside it left out), replacing ``out``."""
    command = ["nice", "mksquashfs", str(root), str(out), "-noappend", "-quiet", "-no-progress", *SQUASHFS_OPTIONS]
    if exclude:
        command += ["-e", *exclude]
    return command


def boot_entry(slot: Slot) -> str:
    """A systemd-boot entry for one root slot: its own kernel and initrd on the ESP.

    Entries share a sort key and differ in ``version``: systemd-boot boots the
    highest version whose boot counter is not used up (RAUC's backend,
    recipe/overlay/usr/lib/etapiste/rauc-bootloader, moves them).
    """
    return (
        f"title Etäpiste booth (slot {slot.name.upper()})\n"
        "sort-key etapiste\n"
        f"version {slot.first_version}\n"
        f"linux /etapiste/{slot.name}/vmlinuz\n"
        f"initrd /etapiste/{slot.name}/initrd.img\n"
        f"options {kernel_cmdline(slot)}\n"
    )


def _project_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("etapiste")
    except PackageNotFoundError:
        return "0"


def default_cache() -> Path:
    """Outside the work tree, so a fresh clone on the same machine reuses it (CI's case)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "etapiste" / "image"


def build_image(
    work: Path,
    cache: Path | None = None,
    keys: Path | None = None,
    keep_root: bool = False,
    say: Callable[[str], None] = print,
) -> BuildResult:
    """Build the booth image into ``work``; returns the image, its bmap, its update bundle and the steps' times.

    ``keys``: a folder with the update keyring and signing key (see
    ``images.bundle``); without it, a test CA in the cache. ``keep_root``
    leaves the root folder in ``work`` (tests derive other releases from it).

    Needs root (mmdebstrap, chroot) and the Debian tools in scripts/setup's
    IMAGE_PACKAGES. Every step logs to ``work/build.log``.
    """
    if os.geteuid() != 0:
        raise BuildError("the image build needs root (mmdebstrap and chroot); run it with sudo")
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        raise BuildError(f"missing build tools: {', '.join(missing)}; run ./scripts/setup --image")
    work = work.resolve()  # systemd-repart ignores a relative CopyBlocks= path
    work.mkdir(parents=True, exist_ok=True)
    cache = (cache or default_cache()).resolve()
    cache.mkdir(parents=True, exist_ok=True)
    signing = SigningKeys(keys) if keys else ensure_test_keys(cache / "test-keys")
    version = f"{_project_version()}+{time.strftime('%Y%m%d%H%M%S', time.gmtime())}"
    builder = Builder(work, cache, signing, version, say)
    builder.log.write_text("", encoding="utf-8")
    made: dict[str, Path] = {}
    builder.timed("wheels", lambda: made.__setitem__("wheels", builder.wheels()))
    builder.timed("debian root", lambda: made.__setitem__("base", builder.base()))
    builder.timed("booth root", lambda: made.__setitem__("root", builder.root(made["base"], made["wheels"])))
    parts: dict[str, Path] = {}
    builder.timed("partitions", lambda: parts.update(builder.partitions(made["root"])))
    disk: list[Path] = []
    builder.timed("disk", lambda: disk.extend(builder.disk(parts)))
    bundle = work / "etapiste-booth.raucb"
    builder.timed("bundle", lambda: make_bundle(parts["root"], version, bundle, signing, work))
    if not keep_root:
        shutil.rmtree(made["root"])
    return BuildResult(
        image=disk[0], bmap=disk[1], rootfs=parts["root"], bundle=bundle, version=version, steps=builder.steps
    )


#: zstd at a middle level: a third of the default level's build time for a few percent more size.
SQUASHFS_OPTIONS = ("-comp", "zstd", "-Xcompression-level", "6")

#: The host tools the build runs (Debian packages: see scripts/setup).
TOOLS = ("mmdebstrap", "mksquashfs", "mkfs.vfat", "mcopy", "mkfs.ext4", "systemd-repart", "bmaptool", "chroot", "rauc")
