"""A local certificate authority: the demo's and the tests' TLS without a public CA.

The demo and the e2e tests serve HTTPS/WSS and TURN over TLS with a server
certificate this module signs; browsers and booths trust the CA's certificate
(docs/NETWORK.md says how). Creating the CA and signing a leaf are separate
functions, because booth enrollment (issue 16) will sign booth certificates
with the same CA. Keys are ECDSA P-256: small, fast, accepted by Chromium,
OpenSSL (coturn) and Python's ssl. Private keys are written with mode 0600.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_DAYS = 3650
LEAF_DAYS = 397  # what browsers accept for a server certificate at most


@dataclass(frozen=True)
class CertFiles:
    """A certificate and its private key, as PEM files."""

    cert: Path
    key: Path


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def create_ca(folder: Path, name: str = "Etäpiste local CA") -> CertFiles:
    """A new self-signed CA in ``folder`` (``ca.pem``, ``ca-key.pem``), replacing one that is there."""
    folder.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    files = CertFiles(folder / "ca.pem", folder / "ca-key.pem")
    _write_key(files.key, key)
    files.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return files


def sign_server_cert(ca: CertFiles, folder: Path, names: list[str], stem: str = "server") -> CertFiles:
    """A server certificate for ``names`` (host names and IP addresses) signed by ``ca``.

    Written as ``<stem>.pem`` (the leaf, then the CA: the chain a server sends)
    and ``<stem>-key.pem`` in ``folder``.
    """
    if not names:
        raise ValueError("names: give at least one host name or IP address")
    ca_cert = x509.load_pem_x509_certificate(ca.cert.read_bytes())
    ca_key = serialization.load_pem_private_key(ca.key.read_bytes(), password=None)
    if not isinstance(ca_key, ec.EllipticCurvePrivateKey):
        raise ValueError(f"{ca.key}: not an EC key made by create_ca")
    key = ec.generate_private_key(ec.SECP256R1())
    alt: list[x509.GeneralName] = []
    for n in names:
        try:
            alt.append(x509.IPAddress(ipaddress.ip_address(n)))
        except ValueError:
            alt.append(x509.DNSName(n))
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=LEAF_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName(alt), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    files = CertFiles(folder / f"{stem}.pem", folder / f"{stem}-key.pem")
    _write_key(files.key, key)
    files.cert.write_bytes(
        cert.public_bytes(serialization.Encoding.PEM) + ca_cert.public_bytes(serialization.Encoding.PEM)
    )
    return files


def covers(cert_file: Path, names: list[str]) -> bool:
    """Whether the certificate in ``cert_file`` is valid for a week more and names every one of ``names``."""
    try:
        cert = x509.load_pem_x509_certificate(cert_file.read_bytes())
    except (OSError, ValueError):
        return False
    if cert.not_valid_after_utc < _now() + datetime.timedelta(days=7):
        return False
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    have = {str(v) for v in san.get_values_for_type(x509.IPAddress)} | set(san.get_values_for_type(x509.DNSName))
    return all(n in have for n in names)


def ensure_local_tls(folder: Path, names: list[str]) -> tuple[CertFiles, CertFiles]:
    """The CA and a server certificate for ``names`` in ``folder``: reused when present and still
    good, made when missing (a new CA only when there is none, so a CA once trusted stays trusted)."""
    ca = CertFiles(folder / "ca.pem", folder / "ca-key.pem")
    if not (ca.cert.is_file() and ca.key.is_file()) or not _ca_valid(ca.cert):
        ca = create_ca(folder)
    server = CertFiles(folder / "server.pem", folder / "server-key.pem")
    if not (server.key.is_file() and covers(server.cert, names) and _signed_by(server.cert, ca.cert)):
        server = sign_server_cert(ca, folder, names)
    return ca, server


def _ca_valid(cert_file: Path) -> bool:
    try:
        cert = x509.load_pem_x509_certificate(cert_file.read_bytes())
    except (OSError, ValueError):
        return False
    return cert.not_valid_after_utc > _now() + datetime.timedelta(days=30)


def _signed_by(cert_file: Path, ca_file: Path) -> bool:
    try:
        cert = x509.load_pem_x509_certificate(cert_file.read_bytes())
        ca = x509.load_pem_x509_certificate(ca_file.read_bytes())
        cert.verify_directly_issued_by(ca)
    except (OSError, ValueError, TypeError, InvalidSignature):
        return False
    return True


def trust_instructions(ca_cert: Path) -> str:
    """How to make this machine and its Chromium trust ``ca_cert`` (printed by the demo)."""
    return (
        f"  To trust the demo's CA ({ca_cert}):\n"
        f"    this machine:  sudo cp {ca_cert} /usr/local/share/ca-certificates/etapiste-demo.crt"
        " && sudo update-ca-certificates\n"
        "    Chromium:      certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n etapiste-demo"
        f" -i {ca_cert}   (package libnss3-tools)\n"
    )
