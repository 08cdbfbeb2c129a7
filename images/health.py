"""The booth's health check after boot: is the root slot it runs good enough to keep?

Run by ``etapiste-health.service`` once the kiosk unit is up. Healthy means:
the kiosk's unit is active (it sent READY=1, so its screen is drawn), and
the backend in the booth config answers on its port. A slot on trial (just
updated: its systemd-boot entry still carries a boot counter) is then marked
good with ``rauc status mark-good``; a slot on trial that is not healthy
makes the unit fail, and the unit's ``FailureAction=reboot`` gives the
booth back to systemd-boot, which now boots the previous slot.

A slot already marked good is never rolled back by this check: a backend
outage must not make every booth in the country reboot in a loop; the
result is logged for the diagnostics.

``assess`` is pure; ``main`` reads the system and acts.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ENTRIES = Path("/efi/loader/entries")
#: How long the backend may take to answer after boot (DHCP, DNS, the firewall's sets).
BACKEND_WAIT_S = 90.0


@dataclass(frozen=True)
class Health:
    slot: str
    on_trial: bool
    kiosk_active: bool
    backend_reachable: bool

    @property
    def problems(self) -> list[str]:
        found = []
        if not self.kiosk_active:
            found.append("the kiosk is not running")
        if not self.backend_reachable:
            found.append("the backend does not answer")
        return found


def booted_slot(cmdline: str) -> str:
    """The slot this boot's entry named (``rauc.slot=`` on the kernel's command line)."""
    for option in cmdline.split():
        if option.startswith("rauc.slot="):
            return option.partition("=")[2]
    return ""


def on_trial(slot: str, entry_names: list[str]) -> bool:
    """A slot is on trial while its entry has a boot counter (``etapiste-b+0-1.conf``)."""
    return any(name.startswith(f"etapiste-{slot}+") for name in entry_names)


def decide(health: Health) -> str:
    """``mark-good``, ``roll-back`` or ``keep`` (a good slot with problems stays: they are logged)."""
    if not health.problems:
        return "mark-good"
    return "roll-back" if health.on_trial else "keep"


def _backend_reachable(url: str, wait_s: float) -> bool:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "wss" else 80)
    deadline = time.monotonic() + wait_s
    while True:
        try:
            with socket.create_connection((parts.hostname or "", port), timeout=5):
                return True
        except OSError:
            if time.monotonic() > deadline:
                return False
            time.sleep(2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="etapiste-health")
    parser.add_argument("--config", required=True)
    args = parser.parse_args(argv)
    from kiosk.config import ConfigError, load_booth_file

    slot = booted_slot(Path("/proc/cmdline").read_text())
    trial = on_trial(slot, [p.name for p in ENTRIES.glob("etapiste-*.conf")])
    kiosk = subprocess.run(["systemctl", "is-active", "--quiet", "etapiste-kiosk.service"], check=False)
    try:
        url = load_booth_file(args.config).backend.url
        reachable = _backend_reachable(url, BACKEND_WAIT_S)
    except ConfigError:
        reachable = False
    health = Health(slot=slot, on_trial=trial, kiosk_active=kiosk.returncode == 0, backend_reachable=reachable)
    verdict = decide(health)
    release = json.loads(Path("/etc/etapiste-release.json").read_text())
    summary = f"slot {slot}, version {release.get('version')}, built {release.get('built')}"
    if verdict == "mark-good":
        if trial:
            subprocess.run(["rauc", "status", "mark-good"], check=True)
        print(f"etapiste: health good, {summary}", flush=True)
        return 0
    print(f"etapiste: health bad ({'; '.join(health.problems)}), {summary}", flush=True)
    if verdict == "roll-back":
        print("etapiste: rolling back to the previous slot", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
