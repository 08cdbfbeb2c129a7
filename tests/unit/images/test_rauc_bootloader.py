"""RAUC's bootloader backend on systemd-boot entries: a new slot gets one try, good keeps it, bad loses it.

The script (recipe/overlay/usr/lib/etapiste/rauc-bootloader) runs on the booth;
here it runs on a folder laid out as the build writes the ESP's entries.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from images.build import RECIPE, boot_entry
from images.layout import SLOTS

SCRIPT = RECIPE / "overlay/usr/lib/etapiste/rauc-bootloader"


@pytest.fixture
def entries(tmp_path: Path) -> Path:
    folder = tmp_path / "entries"
    folder.mkdir()
    for slot in SLOTS:
        (folder / slot.entry_file).write_text(boot_entry(slot))
    return folder


def backend(entries: Path, *args: str) -> str:
    result = subprocess.run(
        ["sh", str(SCRIPT), *args],
        env={**os.environ, "ETAPISTE_LOADER_ENTRIES": str(entries)},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def names(entries: Path) -> list[str]:
    return sorted(p.name for p in entries.iterdir())


def test_a_fresh_image_boots_a_and_b_is_bad(entries):
    assert names(entries) == ["etapiste-a.conf", "etapiste-b+0.conf"]
    assert backend(entries, "get-primary") == "a"
    assert backend(entries, "get-state", "a") == "good"
    assert backend(entries, "get-state", "b") == "bad"


def test_an_installed_slot_gets_one_try_and_the_highest_version(entries):
    backend(entries, "set-state", "b", "bad")  # RAUC, before writing the slot
    backend(entries, "set-primary", "b")  # after writing it
    assert names(entries) == ["etapiste-a.conf", "etapiste-b+1.conf"]
    assert "version 2" in (entries / "etapiste-b+1.conf").read_text()
    assert backend(entries, "get-primary") == "b"


def test_a_slot_whose_try_was_used_falls_back_and_a_good_one_keeps_its_place(entries):
    backend(entries, "set-primary", "b")
    # systemd-boot counts the try when it boots the entry:
    (entries / "etapiste-b+1.conf").rename(entries / "etapiste-b+0-1.conf")
    assert backend(entries, "get-state", "b") == "bad"
    assert backend(entries, "get-primary") == "a"  # what the booth boots next
    # Had the health check passed instead, rauc status mark-good:
    (entries / "etapiste-b+0-1.conf").rename(entries / "etapiste-b+1.conf")
    backend(entries, "set-state", "b", "good")
    assert names(entries) == ["etapiste-a.conf", "etapiste-b.conf"]
    assert backend(entries, "get-primary") == "b"
