"""The disk layout every image shares: slots named by fixed PARTUUIDs, entries that boot their own slot."""

from __future__ import annotations

from pathlib import Path

from images.build import boot_entry
from images.layout import DISK, SLOTS, kernel_cmdline


def test_each_slot_boots_its_own_root_read_only_with_the_serial_console_last():
    a, b = SLOTS
    assert a.uuid != b.uuid
    for slot in SLOTS:
        options = kernel_cmdline(slot).split()
        assert f"root=PARTUUID={slot.uuid}" in options
        assert "ro" in options and "rootfstype=squashfs" in options
        consoles = [o for o in options if o.startswith("console=")]
        assert consoles[-1].startswith("console=ttyS0")  # /dev/console: the serial line, not the screen
        entry = boot_entry(slot)
        assert f"linux /etapiste/{slot.name}/vmlinuz" in entry
        assert f"initrd /etapiste/{slot.name}/initrd.img" in entry


def test_repart_lays_out_esp_two_equal_root_slots_and_data():
    parts = {"esp": Path("/w/esp.vfat"), "root": Path("/w/root.squashfs"), "data": Path("/w/data.ext4")}
    esp, root_a, root_b, data = DISK.repart_definitions(parts)
    assert "Type=esp" in esp and "CopyBlocks=/w/esp.vfat" in esp
    assert "Label=root-a" in root_a and "CopyBlocks=/w/root.squashfs" in root_a
    assert "Label=root-b" in root_b and "CopyBlocks" not in root_b  # filled by the first update
    assert "Label=data" in data
    size = f"SizeMaxBytes={DISK.root_size_mib}M"
    assert size in root_a and size in root_b
