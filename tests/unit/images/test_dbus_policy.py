"""The image's D-Bus policy for RAUC: the kiosk user may read the slots' status, not install or mark.

RAUC's own policy lets anyone on the system bus control it; the kiosk is the
citizen-facing app, so a flaw in it must not be a way to install a (signed,
perhaps older) bundle or mark a slot bad. The method names are checked against
the rauc binary this machine has (Debian's 1.8, as in the image).
"""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from images.build import RECIPE

POLICY = RECIPE / "overlay/etc/dbus-1/system.d/etapiste-rauc.conf"
DENIED = {"Install", "InstallBundle", "Mark"}


def kiosk_rules() -> list[ET.Element]:
    policies = [p for p in ET.parse(POLICY).getroot() if p.tag == "policy" and p.get("user") == "kiosk"]
    assert len(policies) == 1
    return list(policies[0])


def test_the_kiosk_user_may_not_install_or_mark_but_may_read():
    denied = {
        r.get("send_member")
        for r in kiosk_rules()
        if r.tag == "deny" and r.get("send_destination") == "de.pengutronix.rauc"
    }
    assert DENIED <= denied
    assert "GetSlotStatus" not in denied and "Get" not in denied  # what `rauc status` calls
    assert all(r.tag == "deny" for r in kiosk_rules())  # nothing is granted here


def test_the_denied_methods_are_raucs_own_names():
    if shutil.which("rauc") is None:
        pytest.skip("rauc is not installed (scripts/setup installs it)")
    names = set(
        subprocess.run(["strings", shutil.which("rauc")], capture_output=True, text=True, check=True).stdout.split()
    )
    assert DENIED | {"GetSlotStatus", "de.pengutronix.rauc.Installer"} <= names
