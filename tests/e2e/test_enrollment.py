"""A booth enrolls itself (issue 16): the master admin registers it in the admin app and gets a one-time
token; the kiosk, started with a fresh identity folder, shows the enrollment screen; the token is typed on
the booth's own keypad; the booth gets its certificate, connects over mTLS and shows Start. Then booth
support shows its software report and restarts its kiosk (a clean exit: systemd starts it again)."""

from __future__ import annotations

import shutil

import pytest

from etapiste.local_ca import create_ca
from tests.e2e.admin_ui import open_section, sign_in
from tests.e2e.booth_ui import tap
from tests.e2e.processes import Backend, Kiosk, local_tls
from tests.support.waiting import wait_for

pytestmark = pytest.mark.timeout(300)


def test_a_booth_is_registered_in_the_admin_app_and_enrolled_on_its_own_screen(tmp_path, new_page, artifacts):
    ca, _ = local_tls()  # the tier's CA: the backend serves HTTPS/WSS with it, Chromium trusts it
    booth_ca = create_ca(tmp_path / "booth-ca", "Etäpiste booth CA")
    env = {
        "ETAPISTE_ENROLL_CA_CERT_FILE": str(booth_ca.cert),
        "ETAPISTE_ENROLL_CA_KEY_FILE": str(booth_ca.key),
    }
    backend = Backend(tmp_path, env=env)
    shots = artifacts / "screenshots" / "kiosk-enroll"
    shutil.rmtree(shots, ignore_errors=True)
    kiosk = None
    try:
        # -- the master admin registers the booth and asks for its token --
        page = new_page()
        page.set_default_timeout(60_000)
        page.goto(backend.url + "/admin/")
        sign_in(page, "demo-master", username="paakayttaja")
        open_section(page, "Booths")
        view = page.locator("#view")
        view.get_by_label("Identifier").fill("imatra-3")
        view.get_by_label("Name", exact=True).fill("Imatra 3")
        view.get_by_role("button", name="Register booth").click()
        view.get_by_test_id("booth-secret").wait_for()
        view.get_by_role("button", name="Enrollment token for imatra-3").click()
        token = view.get_by_test_id("enrollment-token").locator("pre.token").inner_text().strip()
        assert len(token) == 19, token
        page.screenshot(path=str(artifacts / "screenshots" / "admin-enrollment-token.png"), full_page=True)

        # -- the booth: a fresh identity, the enrollment screen, the token typed on its keypad --
        booth = (
            f'[backend]\nurl = "wss://127.0.0.1:{backend.port}/ws"\n'
            f'identity_dir = "{tmp_path / "identity"}"\nca_file = "{ca.cert}"\n'
        )
        kiosk = Kiosk(tmp_path, backend.port, shots, extra_config=booth)
        wait_for("the enrollment screen's picture", lambda: (shots / "enroll-waiting.png").is_file(), timeout=90)
        for ch in token.replace("-", ""):
            tap(kiosk, f"key:{ch}")
        tap(kiosk, "key:ok")
        kiosk.wait_phase("idle", timeout=90)
        tap_target = wait_for("Start on the booth's screen", lambda: "start" in kiosk.status()["targets"], 30)
        assert tap_target and kiosk.status()["connected"]
        assert (tmp_path / "identity" / "cert.pem").is_file()
        assert token not in kiosk.log() and token not in backend.log()  # never written down
        # -- the admin app shows the booth's certificate --
        open_section(page, "Organisations")
        open_section(page, "Booths")
        view.get_by_role("cell", name="Certificate until", exact=False).first.wait_for()
        # -- booth support: the booth's software as it reported it, and a remote restart of its kiosk --
        open_section(page, "Booth support")
        row = view.get_by_role("row").filter(has_text="imatra-3")
        row.get_by_role("cell", name="not an image", exact=False).wait_for()
        page.screenshot(path=str(artifacts / "screenshots" / "admin-booth-support.png"), full_page=True)
        row.get_by_role("button", name="Restart the kiosk of imatra-3").click()
        page.get_by_role("status").filter(has_text="Sent to imatra-3").wait_for()
        wait_for("the kiosk to stop for its restart", lambda: not kiosk.alive(), timeout=60)
        assert "maintenance from the support provider: restart_kiosk" in kiosk.log()
    finally:
        if kiosk is not None:
            code = kiosk.stop()
            (artifacts / "kiosk-enroll.log").write_text(kiosk.log())
            assert code == 0, kiosk.log()[-3000:]
        backend.stop()
