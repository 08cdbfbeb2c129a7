"""Flashing's rules on plain text and files: which disks are refused, and what read-back catches."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from provisioning.flash import (
    BlockMap,
    FlashError,
    Sysfs,
    check_target,
    mounted_devnums,
    read_bmap,
    root_devnum,
    verify,
)

MOUNTINFO = """\
22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 8:2 / / rw,relatime - ext4 /dev/sda2 rw
31 27 8:17 / /media/stick rw,relatime - vfat /dev/sdb1 rw
"""


def fake_sysfs(root: Path) -> Sysfs:
    """/sys/dev/block for sda (sda1, sda2), sdb (sdb1) and sdc, as the kernel lays it out."""
    block = root / "devices/block"
    for disk, major_minor, parts in (("sda", "8:0", ["8:1", "8:2"]), ("sdb", "8:16", ["8:17"]), ("sdc", "8:32", [])):
        d = block / disk
        d.mkdir(parents=True)
        (d / "dev").write_text(major_minor + "\n")
        for i, part in enumerate(parts, start=1):
            p = d / f"{disk}{i}"
            p.mkdir()
            (p / "dev").write_text(part + "\n")
            (p / "partition").write_text(f"{i}\n")
    links = root / "dev/block"
    links.mkdir(parents=True)
    for dev in block.rglob("dev"):
        (links / dev.read_text().strip()).symlink_to(dev.parent)
    (root / "block").mkdir()
    return Sysfs(root)


def test_mountinfo_names_the_mounted_devices_and_the_root():
    assert mounted_devnums(MOUNTINFO) == {(0, 21), (8, 2), (8, 17)}
    assert root_devnum(MOUNTINFO) == (8, 2)


def test_a_partition_belongs_to_its_disk(tmp_path):
    sysfs = fake_sysfs(tmp_path)
    assert sysfs.disk_of((8, 2)) == (8, 0)
    assert sysfs.family((8, 0)) == {(8, 0), (8, 1), (8, 2)}
    assert sysfs.family((8, 17)) == {(8, 16), (8, 17)}


def test_the_system_disk_is_refused_even_by_an_unmounted_partition(tmp_path, monkeypatch):
    sysfs = fake_sysfs(tmp_path)
    fake_stat(monkeypatch, {"/dev/sda": (8, 0), "/dev/sda1": (8, 1), "/dev/sdb": (8, 16), "/dev/sdc": (8, 32)})
    for target in ("/dev/sda", "/dev/sda1"):
        with pytest.raises(FlashError, match="own system disk"):
            check_target(Path(target), tmp_path / "x.img", MOUNTINFO, sysfs=sysfs)
    with pytest.raises(FlashError, match="mounted"):
        check_target(Path("/dev/sdb"), tmp_path / "x.img", MOUNTINFO, sysfs=sysfs)
    check_target(Path("/dev/sdc"), tmp_path / "x.img", MOUNTINFO, sysfs=sysfs)  # a free disk: allowed


def test_a_swap_device_is_refused(tmp_path, monkeypatch):
    sysfs = fake_sysfs(tmp_path)
    fake_stat(monkeypatch, {"/dev/sdc": (8, 32)})
    swaps = "Filename Type Size Used Priority\n/dev/sdc partition 1024 0 -2\n"
    with pytest.raises(FlashError, match="swap"):
        check_target(Path("/dev/sdc"), tmp_path / "x.img", MOUNTINFO, swaps, sysfs=sysfs)


def test_the_image_itself_and_a_missing_device_are_refused(tmp_path):
    image = tmp_path / "x.img"
    image.write_bytes(b"\0" * 4096)
    with pytest.raises(FlashError, match="the image itself"):
        check_target(image, image, MOUNTINFO, sysfs=fake_sysfs(tmp_path / "sys"))
    with pytest.raises(FlashError, match="no such device"):
        check_target(Path("/dev/etapiste-no-such-disk"), image, MOUNTINFO, sysfs=fake_sysfs(tmp_path / "sys2"))


def test_read_back_catches_one_changed_byte(tmp_path):
    data = bytes(range(256)) * 64  # 16 KiB, four 4 KiB blocks
    target = tmp_path / "disk"
    target.write_bytes(data)
    ranges = ((0, 1, hashlib.sha256(data[:8192]).hexdigest()), (3, 3, hashlib.sha256(data[12288:]).hexdigest()))
    bmap = BlockMap(image_size=len(data), block_size=4096, checksum_type="sha256", ranges=ranges)
    verify(target, bmap)
    changed = bytearray(data)
    changed[12300] ^= 0xFF
    target.write_bytes(bytes(changed))
    with pytest.raises(FlashError, match="blocks from 3 differ"):
        verify(target, bmap)
    target.write_bytes(data[:8192])
    with pytest.raises(FlashError, match="smaller than the image"):
        verify(target, bmap)


def test_a_file_that_is_not_a_bmap_is_refused_by_name(tmp_path):
    bad = tmp_path / "x.bmap"
    bad.write_text("<bmap><ImageSize>nope</ImageSize></bmap>")
    with pytest.raises(FlashError, match=r"x\.bmap: not a readable block map"):
        read_bmap(bad)


def fake_stat(monkeypatch, devices: dict[str, tuple[int, int]]) -> None:
    """os.stat for device nodes that do not exist here: block devices with these numbers."""
    import os
    import stat as st

    real = os.stat

    class Result:
        def __init__(self, rdev: int) -> None:
            self.st_mode = st.S_IFBLK | 0o660
            self.st_rdev = rdev

    def fake(path, *args, **kwargs):
        if str(path) in devices:
            return Result(os.makedev(*devices[str(path)]))
        return real(path, *args, **kwargs)

    monkeypatch.setattr("provisioning.flash.os.stat", fake)
