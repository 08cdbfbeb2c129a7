"""Booth enrollment: one-time tokens, the checks on a booth's certificate request, its client certificate.

A booth proves who it is with a key it made itself (in its TPM when it has
one) and a short-lived client certificate the backend signs with its booth
CA. The first certificate costs a one-time enrollment token a master admin
made in the admin app; every later one is a renewal: a request signed by the
same key as a certificate still valid (the request's signature is the proof
of possession, so renewal needs no token and no open socket). The subject is
set here, never taken from the request: a booth cannot ask to be another one.
Pure functions; ``backend.store.enrollment`` keeps the state.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import secrets
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

#: Base32 without the letters and digits people confuse on a touchscreen keyboard is not needed:
#: the booth's keyboard has every letter; 16 characters = 80 bits, typed in four groups of four.
TOKEN_CHARS = 16
#: What a request's key may be: EC P-256 or P-384 (a TPM 2.0 has P-256), or RSA of 2048 bits or more.
EC_CURVES = (ec.SECP256R1, ec.SECP384R1)
RSA_MIN_BITS = 2048
#: The organisational unit every booth certificate carries: the hub accepts only these as booths.
BOOTH_OU = "Etäpiste booth"


class EnrollmentError(ValueError):
    """A request that cannot be served; ``field`` names the part of it that broke ``rule``."""

    def __init__(self, field: str, rule: str) -> None:
        super().__init__(f"{field}: {rule}")
        self.field = field
        self.rule = rule


def new_token() -> str:
    """A one-time enrollment token as shown to the admin: ``ABCD-EFGH-IJKL-MNOP``."""
    raw = base64.b32encode(secrets.token_bytes(10)).decode("ascii")[:TOKEN_CHARS]
    return "-".join(raw[i : i + 4] for i in range(0, TOKEN_CHARS, 4))


def normalise_token(text: str) -> str:
    """What the technician typed, without spaces and dashes and in capitals (both forms work)."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def token_hash(text: str) -> str:
    """Tokens are stored only as this hash (a leaked database enrolls nobody)."""
    return hashlib.sha256(normalise_token(text).encode("ascii", "replace")).hexdigest()


def key_fingerprint(key: ec.EllipticCurvePublicKey | rsa.RSAPublicKey) -> str:
    """SHA-256 of the public key's DER: which certificates a renewal request's key belongs to."""
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


def check_csr(pem: str) -> x509.CertificateSigningRequest:
    """The request, if it is one PEM CSR whose signature holds and whose key is strong enough."""
    try:
        csr = x509.load_pem_x509_csr(pem.encode("ascii", "replace"))
    except ValueError:
        raise EnrollmentError("csr", "must be one PEM certificate signing request") from None
    if not csr.is_signature_valid:
        raise EnrollmentError("csr", "its signature does not match its key")
    key = csr.public_key()
    if isinstance(key, ec.EllipticCurvePublicKey):
        if not isinstance(key.curve, EC_CURVES):
            raise EnrollmentError("csr", f"EC key on {key.curve.name}; use P-256 or P-384")
    elif isinstance(key, rsa.RSAPublicKey):
        if key.key_size < RSA_MIN_BITS:
            raise EnrollmentError("csr", f"RSA key of {key.key_size} bits; at least {RSA_MIN_BITS}")
    else:
        raise EnrollmentError("csr", "key type must be EC (P-256, P-384) or RSA")
    return csr


@dataclass(frozen=True)
class Issued:
    """A signed booth certificate and what the store keeps of it."""

    pem: str
    serial: str
    fingerprint: str
    not_after: float


def sign_booth_cert(
    csr: x509.CertificateSigningRequest,
    booth_id: str,
    ca_cert: x509.Certificate,
    ca_key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey,
    now: float,
    days: int,
) -> Issued:
    """A client certificate for ``booth_id`` (CN) with the request's key, valid ``days`` from ``now``."""
    key = csr.public_key()
    assert isinstance(key, ec.EllipticCurvePublicKey | rsa.RSAPublicKey)  # check_csr refused the rest
    start = datetime.datetime.fromtimestamp(now, datetime.UTC)
    end = start + datetime.timedelta(days=days)
    serial = x509.random_serial_number()
    cert = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, BOOTH_OU),
                    x509.NameAttribute(NameOID.COMMON_NAME, booth_id),
                ]
            )
        )
        .issuer_name(ca_cert.subject)
        .public_key(key)
        .serial_number(serial)
        .not_valid_before(start - datetime.timedelta(minutes=5))
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return Issued(
        pem=cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
        serial=format(serial, "x"),
        fingerprint=key_fingerprint(key),
        not_after=end.timestamp(),
    )


def booth_of(der: bytes) -> tuple[str, str] | None:
    """(booth id, serial) of a verified peer certificate if it is a booth certificate; None otherwise."""
    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError:
        return None
    ou = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
    cn = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if len(ou) != 1 or ou[0].value != BOOTH_OU or len(cn) != 1:
        return None
    return str(cn[0].value), format(cert.serial_number, "x")
