"""Signed update bundles (RAUC) of a booth root, and the keys that sign them.

A bundle holds one root squashfs for the slot that is not running
(``recipe/overlay/etc/rauc/system.conf``). Booths verify the signature
against the keyring built into their root: only bundles signed by the
holder of that key are installed.

The build makes a *test* CA and a code-signing certificate in its cache
(never in the repository) when no keys are given; production images are
built with ``--keys DIR`` holding the organisation's ``ca.pem``,
``signing.pem`` and ``signing.key``.
"""

from __future__ import annotations

import datetime
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

COMPATIBLE = "etapiste-booth-x86-64"


@dataclass(frozen=True)
class SigningKeys:
    """The keyring the booths trust (``ca.pem``) and the certificate and key that sign bundles."""

    folder: Path

    @property
    def ca(self) -> Path:
        return self.folder / "ca.pem"

    @property
    def cert(self) -> Path:
        return self.folder / "signing.pem"

    @property
    def key(self) -> Path:
        return self.folder / "signing.key"


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Etäpiste test"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def ensure_test_keys(folder: Path) -> SigningKeys:
    """A test CA and a code-signing certificate under it, made once per cache (mode 0600 keys)."""
    keys = SigningKeys(folder)
    if keys.ca.exists() and keys.cert.exists() and keys.key.exists():
        return keys
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("Etäpiste test update CA"))
        .issuer_name(_name("Etäpiste test update CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )  # key_cert_sign, crl_sign
        .sign(ca_key, hashes.SHA256())
    )
    signing_key = ec.generate_private_key(ec.SECP256R1())
    signing = (
        x509.CertificateBuilder()
        .subject_name(_name("Etäpiste test update signing"))
        .issuer_name(ca.subject)
        .public_key(signing_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True
        )  # digital_signature
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    keys.ca.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    keys.cert.write_bytes(signing.public_bytes(serialization.Encoding.PEM))
    keys.key.touch(mode=0o600)
    keys.key.write_bytes(
        signing_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return keys


def manifest(version: str, rootfs_name: str = "root.squashfs") -> str:
    """The bundle's manifest: one raw image for the root slot class."""
    return (
        "[update]\n"
        f"compatible={COMPATIBLE}\n"
        f"version={version}\n"
        "\n[bundle]\nformat=verity\n"
        f"\n[image.rootfs]\nfilename={rootfs_name}\n"
    )


def make_bundle(rootfs: Path, version: str, out: Path, keys: SigningKeys, work: Path) -> Path:
    """``rauc bundle``: the root squashfs and its manifest, signed; ``out`` is replaced."""
    content = work / "bundle-content"
    if content.exists():
        shutil.rmtree(content)
    content.mkdir(parents=True)
    (content / "manifest.raucm").write_text(manifest(version), encoding="utf-8")
    try:
        (content / "root.squashfs").hardlink_to(rootfs)
    except OSError:
        shutil.copy(rootfs, content / "root.squashfs")
    out.unlink(missing_ok=True)
    result = subprocess.run(
        [
            "rauc",
            "bundle",
            f"--cert={keys.cert}",
            f"--key={keys.key}",
            str(content),
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    shutil.rmtree(content)
    if result.returncode != 0:
        raise RuntimeError(f"rauc bundle failed: {result.stderr.strip()}")
    return out
