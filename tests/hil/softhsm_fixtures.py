"""SoftHSM2 standing in for the ID card's PKCS#11 token, with certificates from a test CA.

A session fixture builds, in a temporary directory:

* a SoftHSM2 config whose token directory is private to the test run
  (``SOFTHSM2_CONF`` is pointed at it before the module is loaded: SoftHSM
  reads it once, at ``C_Initialize``);
* tokens initialised with ``softhsm2-util``, each holding a key pair generated
  *on the token* (the private key never leaves it) and, under the same
  CKA_ID, an X.509 authentication certificate for that key issued by a test
  CA made here with ``cryptography`` from the public key read off the token.
  Like a real Finnish ID card, the EC token also carries a second,
  non-repudiation ("qualified signature") certificate that identification
  must *not* pick.

Tokens: ``ec`` (P-256, like recent Finnish ID cards), ``rsa`` (RSA 2048,
older cards), ``lock`` (P-256, for burning PIN tries without spoiling the
others).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pkcs11
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding, load_der_public_key
from cryptography.x509.oid import NameOID
from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass
from pkcs11.util.ec import encode_ec_public_key, encode_named_curve_parameters

SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
SOFTHSM_UTIL = shutil.which("softhsm2-util") or "/usr/bin/softhsm2-util"
#: Distinctive digit strings, so a test can search the logs for them.
PIN = "739164"
WRONG_PIN = "582047"
SO_PIN = "86420975"
#: A made-up electronic identifier in the shape of a Finnish SATU.
SATU = "999000017X"
COMMON_NAME = "TESTINEN TEPPO 999000017X"


@dataclass
class CaForTests:
    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(Encoding.PEM)


@dataclass
class Token:
    label: str
    key_id: bytes
    cert: x509.Certificate


@dataclass
class SoftHsm:
    module: str
    ca: CaForTests
    other_ca: CaForTests  # a CA nobody configured as trusted
    tokens: dict[str, Token] = field(default_factory=dict)
    conf: Path | None = None


def make_ca(name: str, now: datetime) -> CaForTests:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "FI"), x509.NameAttribute(NameOID.COMMON_NAME, name)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=365))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )  # keyCertSign, cRLSign
        .sign(key, hashes.SHA256())
    )
    return CaForTests(cert, key)


def issue_leaf(
    ca: CaForTests,
    public_key: object,
    now: datetime,
    *,
    days: int = 365 * 5,
    not_before: datetime | None = None,
    authentication: bool = True,
    serial_number: str = SATU,
    common_name: str = COMMON_NAME,
) -> x509.Certificate:
    """An end-entity certificate like the ID card's: authentication (digitalSignature) or qualified signing."""
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FI"),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, serial_number),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    start = not_before or now - timedelta(days=1)
    usage = (
        x509.KeyUsage(True, False, False, False, False, False, False, False, False)  # digitalSignature
        if authentication
        else x509.KeyUsage(False, True, False, False, False, False, False, False, False)  # nonRepudiation
    )
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.cert.subject)
        .public_key(public_key)  # type: ignore[arg-type]
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .sign(ca.key, hashes.SHA256())
    )


def _softhsm(conf: Path, *args: str) -> None:
    env = {**os.environ, "SOFTHSM2_CONF": str(conf)}
    result = subprocess.run([SOFTHSM_UTIL, *args], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise AssertionError(f"softhsm2-util {args[0]} failed: {result.stdout} {result.stderr}")


def _store_certificate(session: object, cert: x509.Certificate, key_id: bytes, label: str) -> None:
    session.create_object(  # type: ignore[attr-defined]
        {
            Attribute.CLASS: ObjectClass.CERTIFICATE,
            Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
            Attribute.TOKEN: True,
            Attribute.PRIVATE: False,
            Attribute.LABEL: label,
            Attribute.ID: key_id,
            Attribute.SUBJECT: cert.subject.public_bytes(),
            Attribute.ISSUER: cert.issuer.public_bytes(),
            Attribute.SERIAL_NUMBER: cert.serial_number.to_bytes(20, "big").lstrip(b"\0") or b"\0",
            Attribute.VALUE: cert.public_bytes(Encoding.DER),
        }
    )


def _ec_keypair(session: object, key_id: bytes, label: str) -> object:
    params = session.create_domain_parameters(  # type: ignore[attr-defined]
        KeyType.EC, {Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")}, local=True
    )
    public, _private = params.generate_keypair(store=True, id=key_id, label=label)
    return load_der_public_key(encode_ec_public_key(public))


def _rsa_keypair(session: object, key_id: bytes, label: str) -> object:
    public, _private = session.generate_keypair(KeyType.RSA, 2048, store=True, id=key_id, label=label)  # type: ignore[attr-defined]
    n = int.from_bytes(public[Attribute.MODULUS], "big")
    e = int.from_bytes(public[Attribute.PUBLIC_EXPONENT], "big")
    return rsa.RSAPublicNumbers(e, n).public_key()


@pytest.fixture(scope="session")
def softhsm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SoftHsm]:
    if not Path(SOFTHSM_MODULE).exists() or not Path(SOFTHSM_UTIL).exists():
        pytest.skip("softhsm2 is not installed (apt-get install softhsm2)")
    root = tmp_path_factory.mktemp("softhsm")
    (root / "tokens").mkdir()
    conf = root / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {root / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    now = datetime.now(UTC)
    hsm = SoftHsm(SOFTHSM_MODULE, make_ca("Etäpiste Test CA", now), make_ca("Somebody Else's CA", now), conf=conf)
    for label in ("ec", "rsa", "lock"):
        _softhsm(conf, "--init-token", "--free", "--label", label, "--pin", PIN, "--so-pin", SO_PIN)

    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    pkcs11.unload(SOFTHSM_MODULE)  # SoftHSM reads its config at C_Initialize: start from a fresh load
    try:
        lib = pkcs11.lib(SOFTHSM_MODULE)
        for label in ("ec", "rsa", "lock"):
            with lib.get_token(token_label=label).open(rw=True, user_pin=PIN) as session:
                if label == "ec":
                    # The card's other key and qualified (non-repudiation) certificate, stored first so
                    # identification has to skip it, as it must on a real Finnish ID card.
                    sign_id = b"\x46\x01"
                    sign_public = _ec_keypair(session, sign_id, "signing key")
                    sign_cert = issue_leaf(hsm.ca, sign_public, now, authentication=False)
                    _store_certificate(session, sign_cert, sign_id, "signing certificate")
                key_id = bytes([0x45, len(hsm.tokens) + 1])  # CKA_ID, like the card's "E" + index
                make = _rsa_keypair if label == "rsa" else _ec_keypair
                public = make(session, key_id, f"{label} authentication key")
                cert = issue_leaf(hsm.ca, public, now)
                _store_certificate(session, cert, key_id, f"{label} authentication certificate")
                hsm.tokens[label] = Token(label, key_id, cert)
        yield hsm
    finally:
        pkcs11.unload(SOFTHSM_MODULE)
        if previous is None:
            os.environ.pop("SOFTHSM2_CONF", None)
        else:
            os.environ["SOFTHSM2_CONF"] = previous


__all__ = ["PIN", "SATU", "WRONG_PIN", "CaForTests", "SoftHsm", "Token", "issue_leaf", "make_ca", "softhsm"]
