"""Whether this machine can run the image tier, and if not, why (printed by ./scripts/test).

The tier builds the booth image (mmdebstrap and chroot: root), flashes it to a
loop device (``etapiste flash``: a block device like a technician's disk) and
boots it under QEMU with OVMF and swtpm. ``python -m tests.image.availability``
prints the reason and exits 1 when something is missing, 0 when it can run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from images.build import TOOLS
from images.qemu import OVMF_CODE, OVMF_VARS


def missing() -> str | None:
    """None when the image tier can run here; else the first thing missing, said plainly."""
    if os.geteuid() != 0:
        return "not root (building the image needs mmdebstrap, chroot and loop devices)"
    tools = [t for t in (*TOOLS, "qemu-system-x86_64", "qemu-img", "swtpm", "losetup") if shutil.which(t) is None]
    if tools:
        return f"image tools missing: {', '.join(tools)} (scripts/setup installs them)"
    if not (OVMF_CODE.is_file() and OVMF_VARS.is_file()):
        return f"no UEFI firmware at {OVMF_CODE} (Debian's ovmf package)"
    found = subprocess.run(["losetup", "--find"], capture_output=True, text=True, check=False)
    if found.returncode != 0:
        return f"no free loop device ({found.stderr.strip() or 'losetup --find failed'})"
    return None


if __name__ == "__main__":
    reason = missing()
    if reason:
        print(reason)
    sys.exit(1 if reason else 0)
