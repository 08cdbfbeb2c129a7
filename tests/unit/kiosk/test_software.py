"""The booth's software report: the image's version, the booted slot, and RAUC's word on the update."""

from __future__ import annotations

import json

from kiosk.software import NOT_AN_IMAGE, read_software


def _rauc(booted: str, primary: str, status_a: str = "good", status_b: str = "good") -> str:
    return json.dumps(
        {
            "compatible": "etapiste-booth-x86-64",
            "booted": booted,
            "boot_primary": primary,
            "slots": [
                {"rootfs.0": {"class": "rootfs", "bootname": "A", "state": "booted", "boot_status": status_a}},
                {"rootfs.1": {"class": "rootfs", "bootname": "B", "state": "inactive", "boot_status": status_b}},
            ],
        }
    )


def test_off_the_image_it_says_so(tmp_path):
    assert read_software(tmp_path / "missing.json", rauc_json="{}").update_state == NOT_AN_IMAGE


def test_the_booted_slot_and_its_state_or_the_slot_booting_next(tmp_path):
    release = tmp_path / "release.json"
    release.write_text('{"version": "0.1+20261130", "built": "2026-11-30T12:00:00Z"}')
    good = read_software(release, _rauc("A", "rootfs.0"))
    assert (good.version, good.slot, good.update_state) == ("0.1+20261130", "A", "good")
    pending = read_software(release, _rauc("A", "rootfs.1"))
    assert pending.update_state == "next boot: B"
    assert read_software(release, "not json").update_state == "rauc status unreadable"
