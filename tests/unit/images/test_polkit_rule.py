"""The image's polkit rule: the kiosk user may reboot the booth (the support provider's remote reboot), nothing else.

polkitd evaluates rules as JavaScript; here Node evaluates the same file with a
stand-in of polkitd's ``polkit`` object, and the answers are what logind would
get for each question. What is on the booth is checked by the image tier
(the rule is in the built root, polkitd is installed).
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from images.build import RECIPE

RULE = RECIPE / "overlay/etc/polkit-1/rules.d/50-etapiste-kiosk-reboot.rules"

EVALUATE = """
const fs = require("fs");
const rules = [];
const polkit = {
  Result: { YES: "yes", NO: "no", AUTH_ADMIN: "auth_admin", NOT_HANDLED: null },
  addRule: (f) => rules.push(f),
};
new Function("polkit", fs.readFileSync(process.argv[1], "utf8"))(polkit);
const asks = JSON.parse(process.argv[2]);
const answers = asks.map(([id, user]) => {
  for (const rule of rules) {
    const r = rule({ id }, { user, local: false, active: false });
    if (r !== null && r !== undefined) return r;
  }
  return null;
});
process.stdout.write(JSON.stringify(answers));
"""


def answers(*asks: tuple[str, str]) -> list[str | None]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (scripts/setup installs it)")
    out = subprocess.run(
        [node, "-e", EVALUATE, str(RULE), json.dumps(asks)], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out)


def test_the_kiosk_user_may_reboot_the_booth():
    assert answers(
        ("org.freedesktop.login1.reboot", "kiosk"),
        ("org.freedesktop.login1.reboot-multiple-sessions", "kiosk"),
        ("org.freedesktop.login1.reboot-ignore-inhibit", "kiosk"),
    ) == ["yes", "yes", "yes"]


def test_the_kiosk_user_may_do_nothing_else_and_no_one_else_is_given_anything():
    assert answers(
        ("org.freedesktop.login1.power-off", "kiosk"),
        ("org.freedesktop.login1.suspend", "kiosk"),
        ("org.freedesktop.systemd1.manage-units", "kiosk"),
        ("org.freedesktop.login1.set-reboot-to-firmware-setup", "kiosk"),
        ("org.freedesktop.login1.reboot", "nobody"),
        ("org.freedesktop.login1.reboot", "root"),
    ) == [None, None, None, None, None, None]
