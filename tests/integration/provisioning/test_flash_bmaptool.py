"""``etapiste flash`` with the real bmaptool on files and loop devices: writes, verifies, refuses.

What a technician sees: the command's exit status and its words. The image
is a small sparse file with data in a few places, like the real one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("bmaptool") is None, reason="bmaptool not installed (scripts/setup)")


def etapiste(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "etapiste", "flash", *args], capture_output=True, text=True, check=False, timeout=120
    )


@pytest.fixture
def image(tmp_path: Path) -> Path:
    img = tmp_path / "booth.img"
    with img.open("wb") as f:
        f.truncate(8 << 20)
        for offset in (0, 3 << 20, (8 << 20) - 4096):
            f.seek(offset)
            f.write(os.urandom(4096 * 3 if offset < (8 << 20) - 4096 else 4096))
    subprocess.run(["bmaptool", "create", "-o", str(tmp_path / "booth.bmap"), str(img)], check=True)
    return img


def test_an_image_is_written_to_a_file_and_read_back(image, tmp_path):
    target = tmp_path / "disk.raw"
    result = etapiste(str(image), str(target))
    assert result.returncode == 0, result.stderr
    assert "Done:" in result.stdout and "all checksums match" in result.stdout
    assert target.read_bytes() == image.read_bytes()


def test_a_corrupted_image_is_not_written_and_not_called_done(image, tmp_path):
    with image.open("r+b") as f:
        f.seek((3 << 20) + 100)
        f.write(b"corrupted")
    result = etapiste(str(image), str(tmp_path / "disk.raw"))
    assert result.returncode == 1
    assert "NOT written" in result.stderr
    assert "Done" not in result.stdout


def test_the_build_hosts_own_disk_is_refused(image):
    root = subprocess.run(["findmnt", "-no", "SOURCE", "/"], capture_output=True, text=True).stdout.strip()
    if not root.startswith("/dev/") or not Path(root).exists():
        pytest.skip(f"/ is not on a block device here ({root or 'unknown'})")
    before = Path(root).stat().st_mtime_ns
    result = etapiste(str(image), root)
    assert result.returncode == 1
    assert "own system disk" in result.stderr
    assert Path(root).stat().st_mtime_ns == before


@pytest.fixture
def mounted_loop(tmp_path: Path):
    if os.geteuid() != 0 or shutil.which("losetup") is None:
        pytest.skip("needs root and losetup for a mounted loop device")
    backing = tmp_path / "stick.raw"
    backing.write_bytes(b"\0" * (16 << 20))
    subprocess.run(["mkfs.ext4", "-q", str(backing)], check=True)
    device = subprocess.run(["losetup", "-f", "--show", str(backing)], capture_output=True, text=True)
    if device.returncode != 0:
        pytest.skip(f"no loop device here: {device.stderr.strip()}")
    loop = device.stdout.strip()
    mountpoint = tmp_path / "mnt"
    mountpoint.mkdir()
    try:
        mounted = subprocess.run(["mount", loop, str(mountpoint)], capture_output=True, text=True)
        if mounted.returncode != 0:
            pytest.skip(f"cannot mount here: {mounted.stderr.strip()}")
        yield backing, Path(loop)
        subprocess.run(["umount", str(mountpoint)], check=True)
    finally:
        subprocess.run(["losetup", "-d", loop], check=False)


def test_a_mounted_disk_is_refused_by_device_and_by_backing_file(image, mounted_loop):
    backing, loop = mounted_loop
    before = backing.read_bytes()[:4096]
    for target in (loop, backing):
        result = etapiste(str(image), str(target))
        assert result.returncode == 1, target
        assert "is mounted" in result.stderr and "unmount it first" in result.stderr
    assert backing.read_bytes()[:4096] == before


def test_an_unmounted_loop_device_is_written_and_verified(image, tmp_path):
    if os.geteuid() != 0 or shutil.which("losetup") is None:
        pytest.skip("needs root and losetup")
    backing = tmp_path / "disk.raw"
    backing.write_bytes(b"\xff" * (8 << 20))
    device = subprocess.run(["losetup", "-f", "--show", str(backing)], capture_output=True, text=True)
    if device.returncode != 0:
        pytest.skip(f"no loop device here: {device.stderr.strip()}")
    loop = device.stdout.strip()
    try:
        result = etapiste(str(image), loop)
        assert result.returncode == 0, result.stderr
    finally:
        subprocess.run(["losetup", "-d", loop], check=True)
    written, expected = backing.read_bytes(), image.read_bytes()
    assert written[: 3 * 4096] == expected[: 3 * 4096]
    assert written[3 << 20 : (3 << 20) + 3 * 4096] == expected[3 << 20 : (3 << 20) + 3 * 4096]
