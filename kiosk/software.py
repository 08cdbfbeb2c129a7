"""What the booth runs: its image version, booted slot and RAUC update state, for the backend's booth list.

The appliance image writes ``/etc/etapiste-release.json`` at build
(``images/build.py``) and has RAUC; ``rauc status --output-format=json`` says
which slot is booted, which will boot next, and whether the booted one was
marked good. Off the image (a developer's machine, the demo) the answer is
"not an image". Read once at start, off the UI thread; never raises.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

RELEASE_FILE = Path("/etc/etapiste-release.json")
NOT_AN_IMAGE = "not an image"


@dataclass(frozen=True)
class Software:
    version: str
    slot: str
    update_state: str


def update_state(rauc: dict[str, object]) -> tuple[str, str]:
    """(booted slot's boot name, state) from RAUC's JSON status.

    The state is the booted slot's ``boot_status`` (good, bad) when it is also
    the slot that boots next; otherwise "next boot: <name>" — an update waiting
    for its reboot, or the other slot marked bad after a rollback.
    """
    booted = str(rauc.get("booted") or "")
    primary = str(rauc.get("boot_primary") or "")
    slots: dict[str, dict[str, object]] = {}
    for entry in rauc.get("slots") or []:  # type: ignore[attr-defined]
        if isinstance(entry, dict):
            slots.update({str(k): v for k, v in entry.items() if isinstance(v, dict)})
    booted_slot = next((v for v in slots.values() if v.get("bootname") == booted), {})
    primary_name = str(slots.get(primary, {}).get("bootname") or "")
    status = str(booted_slot.get("boot_status") or "unknown")
    if primary_name and primary_name != booted:
        return booted, f"next boot: {primary_name}"
    return booted, status


def read_software(release_file: Path = RELEASE_FILE, rauc_json: str | None = None) -> Software:
    """The booth's software; ``rauc_json`` for tests (else ``rauc status`` is asked when RAUC is there)."""
    try:
        version = str(json.loads(release_file.read_text(encoding="utf-8")).get("version", ""))
    except (OSError, ValueError, AttributeError):
        return Software("", "", NOT_AN_IMAGE)
    if rauc_json is None:
        rauc_json = _rauc_status()
    if rauc_json is None:
        return Software(version[:80], "", "rauc not available")
    try:
        slot, state = update_state(json.loads(rauc_json))
    except (ValueError, AttributeError, TypeError):
        return Software(version[:80], "", "rauc status unreadable")
    return Software(version[:80], slot[:16], state[:80])


def _rauc_status() -> str | None:
    if shutil.which("rauc") is None:
        return None
    try:
        done = subprocess.run(
            ["rauc", "status", "--output-format=json"], capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None
