"""Nothing of the citizen left on the booth: search what the booth wrote for planted markers.

After a session, every file the booth process can have written — its folder
(config, status file), its private Kivy home, print spool leftovers, and its
log — is searched for the markers a test planted in what the citizen gave (a
PIN, the name and identifier on the card, a typed booking code, the official's
summary, a printed document's text). Debug screenshots are left out: they
exist only when diagnostics are configured (tests, the demo) and show the
screen by design. Still images must not exist as files at all.
"""

from __future__ import annotations

import glob
from collections.abc import Iterable
from pathlib import Path

#: Files in the test's folder that the booth did not write (the backend's, the test's own inputs).
NOT_THE_BOOTHS = ("backend.db", "backend.log", "trusted-cas.pem", ".avi", "softhsm", "reader.conf.d", "vicc")


def booth_files(booth_dir: Path) -> list[Path]:
    roots = [booth_dir, *map(Path, glob.glob("/tmp/etapiste-kivy-*")), *map(Path, glob.glob("/tmp/etapiste-print-*"))]
    found: list[Path] = []
    for root in roots:
        for path in [root] if root.is_file() else root.rglob("*"):
            if (
                path.is_file()
                and not any(part in str(path) for part in NOT_THE_BOOTHS)
                and "screenshots" not in str(path)
            ):
                found.append(path)
    return found


def traces(booth_dir: Path, log: str, markers: Iterable[str]) -> list[str]:
    """Where each marker was found ("log", or a path); empty when the booth kept nothing."""
    where: list[str] = []
    files = booth_files(booth_dir)
    for marker in markers:
        needle = marker.encode()
        if marker in log:
            where.append(f"{marker!r} in the booth's log")
        where += [f"{marker!r} in {p}" for p in files if needle in p.read_bytes()]
    # Kivy's own home holds its icons; the booth's folder and the print spool must hold no picture or document.
    kept = [p for p in files if "etapiste-kivy-" not in str(p)]
    where += [f"an image or document file {p}" for p in kept if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".pdf")]
    return where
