"""The steps of a technician's path that the image test and bench/image share.

Flashing to a loop device, the master admin's part (register the booth, one
enrollment token), the enrolling booth's config and setup stick, and the
broken release whose health check fails. One copy, so the benchmark times
exactly what the test asserts.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from etapiste.local_ca import create_ca
from etapiste.sim_booth import write_booth_config
from images.build import default_cache, squashfs_command
from images.bundle import ensure_test_keys, make_bundle
from images.stick import make_stick
from kiosk.config import BoothFile
from tests.e2e.bookings import ACCOUNTS, api, login
from tests.e2e.processes import Backend, local_tls

BOOTH_ID = "imatra-9"
#: Where the booth's setup service puts the stick's etapiste-token.txt (RAM only: setup-from-stick).
TOKEN_FILE = "/run/etapiste/enrollment-token"
#: What the broken release lacks: its kiosk cannot import Kivy, so it never draws a screen.
BROKEN_RELEASE_LEAVES_OUT = "opt/etapiste/lib/python3.11/site-packages/kivy"


def flash_to_loop_device(image: Path, disk: Path) -> str:
    """``etapiste flash`` onto a loop device backed by ``disk`` (a block device, as a technician's
    disk); its output, after asserting it wrote, read back and compared everything."""
    with disk.open("wb") as f:
        f.truncate(image.stat().st_size)
    loop = subprocess.run(["losetup", "--find", "--show", str(disk)], capture_output=True, text=True, check=True)
    device = loop.stdout.strip()
    try:
        flashed = subprocess.run(
            [sys.executable, "-m", "etapiste", "flash", str(image), device],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        subprocess.run(["losetup", "--detach", device], check=True)
    assert flashed.returncode == 0, flashed.stderr
    assert f"Done: {device} holds the image" in flashed.stdout and "all checksums match" in flashed.stdout
    return flashed.stdout


def enrolling_booth_config(port: int) -> BoothFile:
    """What the technician writes for an enrolling booth: the backend and its CA; no booth id, no secret."""
    return BoothFile.model_validate(
        {
            "backend": {
                "url": f"wss://10.0.2.2:{port}/ws",
                "ca_file": "ca.pem",
                "identity_dir": "/var/lib/etapiste/identity",
                "token_file": TOKEN_FILE,
            },
            "display": {"fullscreen": True, "width": 1280, "height": 800},
            "cameras": {"face": {"kind": "simulated"}},
            "microphone": {"kind": "simulated"},
        }
    )


def enrolling_backend(tmp: Path) -> Backend:
    """The real backend on this machine, over TLS (its certificate names 10.0.2.2), with a booth CA."""
    booth_ca = create_ca(tmp / "booth-ca", "Etäpiste booth CA")
    env = {"ETAPISTE_ENROLL_CA_CERT_FILE": str(booth_ca.cert), "ETAPISTE_ENROLL_CA_KEY_FILE": str(booth_ca.key)}
    return Backend(tmp, env=env)


@dataclass(frozen=True)
class Admin:
    """The master admin, signed in to the backend's admin API (what the admin app calls)."""

    backend: Backend
    token: str

    @classmethod
    def sign_in(cls, backend: Backend) -> Admin:
        return cls(backend, login(backend, ACCOUNTS.master_username, ACCOUNTS.master_password))

    def register_and_issue_token(self) -> str:
        """Register the booth and ask for its one-time enrollment token (the admin app's two buttons)."""
        booth = {"name": "Imatra 9", "point_id": "imatra"}
        api(self.backend, "PUT", f"/api/admin/booths/{BOOTH_ID}", booth, self.token)
        return str(api(self.backend, "POST", f"/api/admin/booths/{BOOTH_ID}/enrollment", token=self.token)["token"])

    def listed(self) -> dict:
        """The booth's row in the admin app's booth list."""
        rows = api(self.backend, "GET", "/api/admin/booths", token=self.token)
        return next(r for r in rows if r["booth_id"] == BOOTH_ID)


def setup_stick(tmp: Path, port: int, token: str) -> tuple[Path, Path]:
    """The technician's setup stick: booth.toml, the backend's CA, the token. Returns (stick, booth.toml)."""
    ca, _ = local_tls()
    (tmp / "ca.pem").write_bytes(ca.cert.read_bytes())
    (tmp / "etapiste-token.txt").write_text(token + "\n")
    config = write_booth_config(enrolling_booth_config(port), tmp / "booth.toml", "# the image test's booth")
    return make_stick(tmp / "stick.img", config, [tmp / "ca.pem", tmp / "etapiste-token.txt"]), config


def broken_release(root: Path, work: Path) -> Path:
    """A bundle of a release whose kiosk cannot start: the same root without Kivy, signed like any other."""
    rootfs = work / "broken.squashfs"
    subprocess.run(squashfs_command(root, rootfs, exclude=(BROKEN_RELEASE_LEAVES_OUT,)), check=True)
    keys = ensure_test_keys(default_cache() / "test-keys")
    return make_bundle(rootfs, "0.0.1+broken", work / "broken.raucb", keys, work)


def update_stick(work: Path, config: Path, release: Path, broken: Path) -> Path:
    """An update stick with the release and then a broken one (the booth installs them in name order, once each)."""
    folder = work / "update-stick"
    folder.mkdir()
    bundles = [folder / "1-update.raucb", folder / "2-broken.raucb"]
    bundles[0].hardlink_to(release)
    bundles[1].hardlink_to(broken)
    return make_stick(work / "update-stick.img", config, bundles, size_mib=2048).resolve()
