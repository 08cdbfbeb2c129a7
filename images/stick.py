"""The technician's setup stick: a small FAT file system labelled ETAPISTE with the booth's config.

An unconfigured booth copies every file on it into /var/lib/etapiste on its
first boot (``/usr/lib/etapiste/setup-from-stick`` on the image). Made
offline (``mkfs.vfat -C`` + ``mcopy``): no mounting, no root needed.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from kiosk.config import load_booth_file

LABEL = "ETAPISTE"


def make_stick(out: Path, config: Path, extra: list[Path] | None = None, size_mib: int = 4) -> Path:
    """Write ``out`` (a FAT image) holding ``config`` as booth.toml and ``extra`` files (e.g. an update bundle).

    The config is validated first with the kiosk's own rules: a stick with a
    typo would otherwise be found out only at the booth, by a blank screen.
    """
    load_booth_file(config)
    out.unlink(missing_ok=True)
    fat = ["-F", "32"] if size_mib >= 64 else []
    subprocess.run(
        ["mkfs.vfat", *fat, "-n", LABEL, "-C", str(out), str(size_mib * 1024)], check=True, capture_output=True
    )
    subprocess.run(["mcopy", "-i", str(out), str(config), "::booth.toml"], check=True, capture_output=True)
    for path in extra or []:
        subprocess.run(["mcopy", "-i", str(out), str(path), f"::{path.name}"], check=True, capture_output=True)
    return out
