"""Writing a booth image to a disk: refuse the wrong disk, copy with bmaptool, read it back.

A technician with a USB stick and a laptop must not be able to wipe the
laptop's own disk, or a disk that is in use, by a typo; and must not be told
"done" about a disk that does not hold the image. So:

1. ``check_target`` refuses a target that is mounted (or used as swap), or
   that is the disk the running system lives on — for a block device and for
   any of its partitions, and for a file backing a loop device;
2. ``bmaptool copy`` writes only the image's mapped blocks and checks each
   against the bmap's checksums as it reads the *source* (a corrupted
   download stops the copy);
3. ``verify`` reads every mapped range back from the *target*, past the page
   cache, and compares it with the bmap's checksums.

The checks read ``/proc/self/mountinfo``, ``/proc/swaps`` and ``/sys``; they
take those as arguments so the rules are tested on plain text too.
"""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


class FlashError(RuntimeError):
    """Why the image was not written, or not verified, in words for the technician."""


@dataclass(frozen=True)
class BlockMap:
    """The parts of ``bmaptool create``'s file that verification needs."""

    image_size: int
    block_size: int
    checksum_type: str
    ranges: tuple[tuple[int, int, str], ...]  # (first block, last block, checksum), inclusive

    @property
    def mapped_bytes(self) -> int:
        return sum((last - first + 1) * self.block_size for first, last, _ in self.ranges)


def read_bmap(path: Path) -> BlockMap:
    """Parse a bmap file (format 2.x); a file that is not one is refused by name."""
    try:
        root = ET.parse(path).getroot()
        checksum_type = (root.findtext("ChecksumType") or "sha256").strip()
        ranges = []
        for element in root.iter("Range"):
            first, _, last = (element.text or "").strip().partition("-")
            ranges.append((int(first), int(last or first), element.attrib["chksum"]))
        return BlockMap(
            image_size=int((root.findtext("ImageSize") or "").strip()),
            block_size=int((root.findtext("BlockSize") or "").strip()),
            checksum_type=checksum_type,
            ranges=tuple(ranges),
        )
    except (OSError, ET.ParseError, ValueError, KeyError) as exc:
        raise FlashError(f"{path}: not a readable block map ({exc})") from None


# --- which disk is which ---------------------------------------------------------------------------


def _devnum(text: str) -> tuple[int, int]:
    major, _, minor = text.strip().partition(":")
    return int(major), int(minor)


def mounted_devnums(mountinfo: str) -> set[tuple[int, int]]:
    """Device numbers of everything mounted (the third field of each mountinfo line)."""
    found = set()
    for line in mountinfo.splitlines():
        fields = line.split()
        if len(fields) > 2 and ":" in fields[2]:
            found.add(_devnum(fields[2]))
    return found


def root_devnum(mountinfo: str) -> tuple[int, int] | None:
    """The device the running system's ``/`` is on."""
    for line in mountinfo.splitlines():
        fields = line.split()
        if len(fields) > 4 and fields[4] == "/":
            return _devnum(fields[2])
    return None


class Sysfs:
    """The few facts about block devices that the checks need, read from ``/sys`` (a root for tests)."""

    def __init__(self, root: Path = Path("/sys")) -> None:
        self.root = root

    def disk_of(self, devnum: tuple[int, int]) -> tuple[int, int]:
        """A partition's whole disk (a whole disk is its own)."""
        node = (self.root / "dev/block" / f"{devnum[0]}:{devnum[1]}").resolve()
        if (node / "partition").exists():
            return _devnum((node.parent / "dev").read_text())
        return devnum

    def family(self, devnum: tuple[int, int]) -> set[tuple[int, int]]:
        """A disk and all its partitions."""
        disk = self.disk_of(devnum)
        node = (self.root / "dev/block" / f"{disk[0]}:{disk[1]}").resolve()
        found = {disk}
        if node.is_dir():
            for child in node.iterdir():
                if (child / "partition").exists():
                    found.add(_devnum((child / "dev").read_text()))
        return found

    def loops_backed_by(self, path: Path) -> set[tuple[int, int]]:
        """Loop devices whose backing file is ``path``."""
        found = set()
        for loop in (self.root / "block").glob("loop*"):
            backing = loop / "loop/backing_file"
            try:
                if Path(backing.read_text().strip()) == path:
                    found.add(_devnum((loop / "dev").read_text()))
            except OSError:
                continue
        return found


def swap_devices(swaps: str) -> set[str]:
    """Paths in /proc/swaps."""
    return {line.split()[0] for line in swaps.splitlines()[1:] if line.strip()}


def check_target(
    target: Path,
    image: Path,
    mountinfo: str,
    swaps: str = "Filename\n",
    sysfs: Sysfs | None = None,
) -> None:
    """Refuse a target that is in use or is this machine's own disk; say which and why."""
    sysfs = sysfs or Sysfs()
    try:
        st = os.stat(target)
    except FileNotFoundError:
        if target.parent.is_dir() and not str(target).startswith("/dev/"):
            return  # a new image file: nothing of this machine's can be on it
        raise FlashError(f"{target}: no such device") from None
    if target.resolve() == image.resolve():
        raise FlashError(f"{target} is the image itself")
    if stat.S_ISBLK(st.st_mode):
        devnum = (os.major(st.st_rdev), os.minor(st.st_rdev))
        family = sysfs.family(devnum)
    elif stat.S_ISREG(st.st_mode):
        family = sysfs.loops_backed_by(target.resolve())
        for loop in list(family):
            family |= sysfs.family(loop)
    else:
        raise FlashError(f"{target} is neither a disk nor a file")
    root = root_devnum(mountinfo)
    if root is not None and sysfs.disk_of(root) in family:
        raise FlashError(f"{target} is this computer's own system disk: refusing to overwrite it")
    busy = family & mounted_devnums(mountinfo)
    if busy:
        raise FlashError(
            f"{target} is mounted ({len(busy)} file system(s) on it in use): unmount it first, "
            "and make sure it is the booth's disk"
        )
    swapping = {str(target.resolve())} & swap_devices(swaps)
    if swapping:
        raise FlashError(f"{target} is in use as swap: refusing to overwrite it")


# --- writing and verifying ---------------------------------------------------------------------------


def _ranges(bmap: BlockMap) -> Iterator[tuple[int, int, str]]:
    for first, last, checksum in bmap.ranges:
        yield first * bmap.block_size, min((last + 1) * bmap.block_size, bmap.image_size), checksum


def verify(target: Path, bmap: BlockMap, chunk: int = 1 << 20) -> None:
    """Read every mapped range back from ``target`` and compare it with the bmap's checksum."""
    fd = os.open(target, os.O_RDONLY)
    try:
        # Past the page cache: the blocks as the disk holds them, not as we wrote them.
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        for start, end, expected in _ranges(bmap):
            digest = hashlib.new(bmap.checksum_type)
            position = start
            while position < end:
                data = os.pread(fd, min(chunk, end - position), position)
                if not data:
                    raise FlashError(f"{target} ends at byte {position}: smaller than the image")
                digest.update(data)
                position += len(data)
            if digest.hexdigest() != expected:
                block = start // bmap.block_size
                raise FlashError(f"{target} does not hold the image: blocks from {block} differ after writing")
    finally:
        os.close(fd)


def bmap_for(image: Path) -> Path:
    """The bmap the build wrote beside the image (``x.img`` → ``x.bmap``)."""
    return image.with_suffix(".bmap")


def flash(image: Path, target: Path, bmap_path: Path | None = None) -> BlockMap:
    """Check, write with bmaptool, flush, read back. Raises FlashError with the reason when anything fails."""
    bmap_path = bmap_path or bmap_for(image)
    if not image.is_file():
        raise FlashError(f"{image}: no such image file")
    bmap = read_bmap(bmap_path)
    if image.stat().st_size != bmap.image_size:
        raise FlashError(f"{image} is {image.stat().st_size} bytes but its bmap says {bmap.image_size}: wrong bmap")
    check_target(
        target,
        image,
        Path("/proc/self/mountinfo").read_text(encoding="utf-8"),
        Path("/proc/swaps").read_text(encoding="utf-8"),
    )
    result = subprocess.run(
        ["bmaptool", "copy", "--bmap", str(bmap_path), str(image), str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        detail = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else f"exit {result.returncode}"
        raise FlashError(f"writing failed, the disk is not usable: {detail}")
    fd = os.open(target, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    verify(target, bmap)
    return bmap
