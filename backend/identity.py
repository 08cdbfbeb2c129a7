"""Strong identification: checking what the booth's ID card signed.

The booth asks the backend for a challenge (random nonce bytes), the citizen's
ID card signs it with its authentication key after the citizen types the PIN
on the booth, and the booth sends back the card's authentication certificate,
the signature and the mechanism name. Here the backend decides whether to
believe it:

* the challenge is one this backend issued, not expired and not used before
  (``ChallengeRegistry``), so a recorded answer cannot be replayed;
* the certificate chains to a CA the service trusts (from configuration), every
  certificate is valid at ``now``, every issuer is a CA (basicConstraints) and
  the leaf may make digital signatures (keyUsage);
* the signature over the challenge verifies with the leaf's public key.

Everything here is pure: no clock reads (``now`` is passed in), no network.
Revocation (OCSP / CRL from DVV) is deliberately *not* checked: the booths
have no route to it in tests and the service's production deployment must add
it before going live.

Signature format on the wire (what ``drivers/idcard.py`` produces): ECDSA as
PKCS#11 returns it, the raw ``r || s`` concatenation; RSA as the plain
signature bytes.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.x509.oid import NameOID

#: How long an issued challenge may be answered. Long enough for a citizen to
#: find the card and type a PIN, short enough that a leaked one is useless.
CHALLENGE_TTL = timedelta(minutes=2)
#: Challenge size in bytes: 256 bits of randomness.
CHALLENGE_BYTES = 32
#: At most this many challenges are outstanding; the oldest are dropped first
#: so a misbehaving client cannot grow the registry without bound.
MAX_PENDING = 10_000
#: Longest chain (leaf + intermediates) we follow before giving up.
MAX_CHAIN_DEPTH = 6

#: Mechanism names on the wire -> (hash algorithm, scheme).
MECHANISMS: dict[str, tuple[type[hashes.HashAlgorithm], str]] = {
    "ecdsa-sha256": (hashes.SHA256, "ecdsa"),
    "ecdsa-sha384": (hashes.SHA384, "ecdsa"),
    "ecdsa-sha512": (hashes.SHA512, "ecdsa"),
    "rsa-pkcs1-sha256": (hashes.SHA256, "pkcs1"),
    "rsa-pkcs1-sha384": (hashes.SHA384, "pkcs1"),
    "rsa-pss-sha256": (hashes.SHA256, "pss"),
    "rsa-pss-sha384": (hashes.SHA384, "pss"),
}


class IdentityError(Exception):
    """Identification refused. ``code`` is stable for programs, ``reason`` is English for people."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code, self.reason = code, reason


@dataclass(frozen=True)
class Identity:
    """Who the card says the citizen is. Personal data: never log it (the repr hides it)."""

    serial_number: str  # the subject serialNumber: on Finnish ID cards the electronic identifier (SATU)
    common_name: str
    issuer: str = field(default="")

    def __repr__(self) -> str:
        return f"Identity(serial_number=<hidden>, common_name=<hidden>, issuer={self.issuer!r})"


# --- challenges ---------------------------------------------------------------------------------------------------


class ChallengeRegistry:
    """Issued challenges, each answerable once within ``ttl``. Pure: the caller passes ``now``."""

    def __init__(
        self,
        ttl: timedelta = CHALLENGE_TTL,
        random_bytes: Callable[[int], bytes] = secrets.token_bytes,
        max_pending: int = MAX_PENDING,
    ) -> None:
        self.ttl, self.max_pending = ttl, max_pending
        self._random_bytes = random_bytes
        self._pending: dict[bytes, datetime] = {}  # nonce -> expiry, in issue order
        self._used: dict[bytes, datetime] = {}  # nonce -> expiry; kept until expiry to say "reused"

    def issue(self, now: datetime) -> bytes:
        self._prune(now)
        while len(self._pending) >= self.max_pending:
            self._pending.pop(next(iter(self._pending)))
        nonce = self._random_bytes(CHALLENGE_BYTES)
        self._pending[nonce] = now + self.ttl
        return nonce

    def consume(self, nonce: bytes, now: datetime) -> None:
        """Accept ``nonce`` once; raise ``IdentityError`` if it is unknown, expired or already used."""
        if nonce in self._used:
            raise IdentityError("challenge_reused", "this challenge was already answered; ask for a new one")
        expiry = self._pending.pop(nonce, None)
        if expiry is None:
            raise IdentityError("challenge_unknown", "this challenge was not issued here (or expired long ago)")
        self._used[nonce] = expiry
        if now >= expiry:
            raise IdentityError("challenge_expired", f"the challenge expired ({int(self.ttl.total_seconds())} s)")
        self._prune(now)

    def _prune(self, now: datetime) -> None:
        for table in (self._pending, self._used):
            for nonce in [n for n, expiry in table.items() if expiry <= now - self.ttl]:
                del table[nonce]


# --- certificates -------------------------------------------------------------------------------------------------


def load_trusted_cas(pem: bytes | str) -> list[x509.Certificate]:
    """The trust anchors from configuration (one or more PEM certificates); a clear error if unusable."""
    data = pem.encode() if isinstance(pem, str) else pem
    try:
        cas = x509.load_pem_x509_certificates(data)
    except ValueError as exc:
        raise IdentityError("bad_configuration", f"trusted CA PEM could not be read: {exc}") from exc
    for ca in cas:
        if not _is_ca(ca):
            raise IdentityError("bad_configuration", f"trusted certificate {ca.subject.rfc4514_string()} is not a CA")
    return cas


def verify_identification(
    challenge: bytes,
    signature: bytes,
    mechanism: str,
    certificate_der: bytes,
    trusted_cas: Sequence[x509.Certificate],
    now: datetime,
    intermediates: Iterable[x509.Certificate] = (),
) -> Identity:
    """Check the chain and the signature over ``challenge``; return who signed or raise ``IdentityError``.

    The challenge's freshness is the registry's job (``ChallengeRegistry.consume``): call it first.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware (UTC)")
    try:
        leaf = x509.load_der_x509_certificate(certificate_der)
    except (ValueError, x509.InvalidVersion) as exc:  # InvalidVersion is not a ValueError
        raise IdentityError("bad_certificate", "the card's certificate could not be read") from exc
    _check_chain(leaf, list(trusted_cas), list(intermediates), now)
    _check_leaf_usage(leaf)
    _check_signature(leaf, challenge, signature, mechanism)
    return Identity(
        serial_number=_name_attr(leaf.subject, NameOID.SERIAL_NUMBER),
        common_name=_name_attr(leaf.subject, NameOID.COMMON_NAME),
        issuer=leaf.issuer.rfc4514_string(),
    )


def _check_chain(
    leaf: x509.Certificate, trusted: list[x509.Certificate], intermediates: list[x509.Certificate], now: datetime
) -> None:
    _check_validity(leaf, now, "the card's certificate")
    cert = leaf
    for _ in range(MAX_CHAIN_DEPTH):
        anchor = _issued_by_any(cert, trusted)
        if anchor is not None:
            _check_issuer(anchor, now)
            return
        parent = _issued_by_any(cert, intermediates)
        if parent is None:
            raise IdentityError(
                "untrusted",
                f"the certificate's issuer {cert.issuer.rfc4514_string()} is not a trusted CA",
            )
        _check_issuer(parent, now)
        cert = parent
    raise IdentityError("untrusted", "certificate chain too long")


def _issued_by_any(cert: x509.Certificate, candidates: list[x509.Certificate]) -> x509.Certificate | None:
    for candidate in candidates:
        if candidate.subject != cert.issuer:
            continue
        try:
            cert.verify_directly_issued_by(candidate)
        except (ValueError, TypeError, InvalidSignature):
            continue  # same name, different key (e.g. a rolled-over or forged CA): keep looking
        return candidate
    return None


def _check_issuer(ca: x509.Certificate, now: datetime) -> None:
    _check_validity(ca, now, f"the CA certificate {ca.subject.rfc4514_string()}")
    if not _is_ca(ca):
        raise IdentityError("not_a_ca", f"{ca.subject.rfc4514_string()} is not allowed to issue certificates")


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        constraints = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        return False
    if not constraints.ca:
        return False
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return True
    return usage.key_cert_sign


def _check_validity(cert: x509.Certificate, now: datetime, what: str) -> None:
    if now < cert.not_valid_before_utc:
        raise IdentityError("not_yet_valid", f"{what} is not valid before {cert.not_valid_before_utc:%Y-%m-%d}")
    if now > cert.not_valid_after_utc:
        raise IdentityError("expired", f"{what} expired on {cert.not_valid_after_utc:%Y-%m-%d}")


def _check_leaf_usage(leaf: x509.Certificate) -> None:
    try:
        usage = leaf.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        raise IdentityError("key_usage", "the card's certificate does not say it may sign (no keyUsage)") from None
    if not usage.digital_signature:
        raise IdentityError("key_usage", "the card's certificate is not an authentication certificate")


def _check_signature(leaf: x509.Certificate, challenge: bytes, signature: bytes, mechanism: str) -> None:
    if mechanism not in MECHANISMS:
        raise IdentityError("unknown_mechanism", f"unsupported signature mechanism {mechanism!r}")
    hash_cls, scheme = MECHANISMS[mechanism]
    key = leaf.public_key()
    try:
        if scheme == "ecdsa":
            if not isinstance(key, ec.EllipticCurvePublicKey):
                raise IdentityError("unknown_mechanism", f"{mechanism} needs an EC key, the certificate has another")
            size = (key.curve.key_size + 7) // 8
            if len(signature) != 2 * size:
                raise IdentityError("bad_signature", "the signature has the wrong length for this key")
            r = int.from_bytes(signature[:size], "big")
            s = int.from_bytes(signature[size:], "big")
            key.verify(encode_dss_signature(r, s), challenge, ec.ECDSA(hash_cls()))
        else:
            if not isinstance(key, rsa.RSAPublicKey):
                raise IdentityError("unknown_mechanism", f"{mechanism} needs an RSA key, the certificate has another")
            pad: padding.AsymmetricPadding = (
                padding.PKCS1v15()
                if scheme == "pkcs1"
                else padding.PSS(mgf=padding.MGF1(hash_cls()), salt_length=padding.PSS.AUTO)
            )
            key.verify(signature, challenge, pad, hash_cls())
    except InvalidSignature:
        raise IdentityError("bad_signature", "the signature does not match the challenge and certificate") from None


def _name_attr(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""
