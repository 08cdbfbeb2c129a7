"""Verifying an ID card's answer: challenge freshness, certificate chain, key usage, signature.

Certificates and keys are made here with ``cryptography`` (a test CA, as the
issue asks); the signatures are produced in the same wire format the card
driver sends (ECDSA as raw ``r || s``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.identity import ChallengeRegistry, IdentityError, load_trusted_cas, verify_identification

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
SATU = "999000017X"
CHALLENGE = bytes(range(32))
AUTH = x509.KeyUsage(True, False, False, False, False, False, False, False, False)
NON_REPUDIATION = x509.KeyUsage(False, True, False, False, False, False, False, False, False)
CA_USAGE = x509.KeyUsage(False, False, False, False, False, True, True, False, False)


def _name(cn: str, serial: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "FI")]
    if serial:
        attrs.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attrs)


def _cert(subject, issuer, public_key, signing_key, *, ca, usage, start=NOW - timedelta(days=30), days=365):
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=days))
    )
    if ca is not None:
        builder = builder.add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    if usage is not None:
        builder = builder.add_extension(usage, critical=True)
    return builder.sign(signing_key, hashes.SHA256())


class Pki:
    """A root CA, and leaves for it."""

    def __init__(self, name: str = "Test Root CA", *, start=NOW - timedelta(days=300), days=3650) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.name = _name(name)
        self.cert = _cert(
            self.name, self.name, self.key.public_key(), self.key, ca=True, usage=CA_USAGE, start=start, days=days
        )

    def leaf(self, key=None, *, usage=AUTH, ca=False, start=NOW - timedelta(days=30), days=365, issuer=None):
        key = key or ec.generate_private_key(ec.SECP256R1())
        issuer_name, issuer_key = (issuer.name, issuer.key) if issuer else (self.name, self.key)
        cert = _cert(
            _name(f"TESTINEN TEPPO {SATU}", SATU),
            issuer_name,
            key.public_key(),
            issuer_key,
            ca=ca,
            usage=usage,
            start=start,
            days=days,
        )
        return key, cert


def sign(key, challenge: bytes, mechanism: str) -> bytes:
    """What the card driver would send for ``mechanism``."""
    if mechanism.startswith("ecdsa"):
        algorithm = {"ecdsa-sha256": hashes.SHA256(), "ecdsa-sha384": hashes.SHA384()}[mechanism]
        r, s = decode_dss_signature(key.sign(challenge, ec.ECDSA(algorithm)))
        size = (key.curve.key_size + 7) // 8
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")
    if mechanism == "rsa-pkcs1-sha256":
        return key.sign(challenge, padding.PKCS1v15(), hashes.SHA256())
    if mechanism == "rsa-pss-sha256":
        return key.sign(challenge, padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256())
    raise AssertionError(mechanism)


def der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(Encoding.DER)


def refused(code: str, *args, **kwargs) -> IdentityError:
    with pytest.raises(IdentityError) as error:
        verify_identification(*args, **kwargs)
    assert error.value.code == code, error.value.reason
    assert error.value.reason  # always something a person can read
    return error.value


@pytest.fixture(scope="module")
def pki() -> Pki:
    return Pki()


# --- accepted answers --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make_key", "mechanism"),
    [
        (lambda: ec.generate_private_key(ec.SECP256R1()), "ecdsa-sha256"),
        (lambda: ec.generate_private_key(ec.SECP384R1()), "ecdsa-sha384"),
        (lambda: rsa.generate_private_key(65537, 2048), "rsa-pkcs1-sha256"),
        (lambda: rsa.generate_private_key(65537, 2048), "rsa-pss-sha256"),
    ],
)
def test_a_valid_answer_gives_the_identity(pki: Pki, make_key, mechanism: str):
    key, cert = pki.leaf(make_key())
    identity = verify_identification(CHALLENGE, sign(key, CHALLENGE, mechanism), mechanism, der(cert), [pki.cert], NOW)
    assert identity.serial_number == SATU
    assert identity.common_name == f"TESTINEN TEPPO {SATU}"
    assert SATU not in repr(identity)  # personal data stays out of logs that print the object


def test_a_chain_through_an_intermediate_ca(pki: Pki):
    inter_key = ec.generate_private_key(ec.SECP256R1())
    inter = Pki.__new__(Pki)
    inter.key, inter.name = inter_key, _name("Test Intermediate CA")
    inter.cert = _cert(inter.name, pki.name, inter_key.public_key(), pki.key, ca=True, usage=CA_USAGE)
    key, cert = pki.leaf(issuer=inter)
    signature = sign(key, CHALLENGE, "ecdsa-sha256")
    ok = verify_identification(CHALLENGE, signature, "ecdsa-sha256", der(cert), [pki.cert], NOW, [inter.cert])
    assert ok.serial_number == SATU
    refused("untrusted", CHALLENGE, signature, "ecdsa-sha256", der(cert), [pki.cert], NOW)  # intermediate unknown


def test_several_trusted_cas_in_one_pem(pki: Pki):
    other = Pki("Other CA")
    pem = other.cert.public_bytes(Encoding.PEM) + pki.cert.public_bytes(Encoding.PEM)
    cas = load_trusted_cas(pem)
    key, cert = pki.leaf()
    assert verify_identification(CHALLENGE, sign(key, CHALLENGE, "ecdsa-sha256"), "ecdsa-sha256", der(cert), cas, NOW)


# --- refused answers ---------------------------------------------------------------------------------------------


def test_certificate_from_an_untrusted_ca(pki: Pki):
    stranger = Pki("Somebody Else's CA")
    key, cert = stranger.leaf()
    error = refused(
        "untrusted", CHALLENGE, sign(key, CHALLENGE, "ecdsa-sha256"), "ecdsa-sha256", der(cert), [pki.cert], NOW
    )
    assert "Somebody Else's CA" in error.reason


def test_a_forged_ca_with_the_trusted_name_but_another_key(pki: Pki):
    forger = Pki("Test Root CA")  # same subject name as the trusted one
    key, cert = forger.leaf()
    refused("untrusted", CHALLENGE, sign(key, CHALLENGE, "ecdsa-sha256"), "ecdsa-sha256", der(cert), [pki.cert], NOW)


def test_issuer_that_is_not_a_ca(pki: Pki):
    not_ca = Pki.__new__(Pki)
    not_ca.key, not_ca.name = ec.generate_private_key(ec.SECP256R1()), _name("Just A Person")
    not_ca.cert = _cert(not_ca.name, pki.name, not_ca.key.public_key(), pki.key, ca=False, usage=AUTH)
    key, cert = pki.leaf(issuer=not_ca)
    refused(
        "not_a_ca",
        CHALLENGE,
        sign(key, CHALLENGE, "ecdsa-sha256"),
        "ecdsa-sha256",
        der(cert),
        [pki.cert],
        NOW,
        [not_ca.cert],
    )


@pytest.mark.parametrize(
    ("start", "code"),
    [(NOW - timedelta(days=400), "expired"), (NOW + timedelta(days=1), "not_yet_valid")],
)
def test_leaf_outside_its_validity(pki: Pki, start: datetime, code: str):
    key, cert = pki.leaf(start=start, days=365)
    refused(code, CHALLENGE, sign(key, CHALLENGE, "ecdsa-sha256"), "ecdsa-sha256", der(cert), [pki.cert], NOW)


def test_expired_ca():
    old = Pki("Old CA", start=NOW - timedelta(days=800), days=700)
    key, cert = old.leaf(start=NOW - timedelta(days=10))
    error = refused(
        "expired", CHALLENGE, sign(key, CHALLENGE, "ecdsa-sha256"), "ecdsa-sha256", der(cert), [old.cert], NOW
    )
    assert "CA certificate" in error.reason


@pytest.mark.parametrize("usage", [NON_REPUDIATION, None])
def test_certificate_not_for_authentication(pki: Pki, usage):
    key, cert = pki.leaf(usage=usage)
    refused("key_usage", CHALLENGE, sign(key, CHALLENGE, "ecdsa-sha256"), "ecdsa-sha256", der(cert), [pki.cert], NOW)


def test_signature_over_another_challenge(pki: Pki):
    key, cert = pki.leaf()
    other = sign(key, b"some other challenge", "ecdsa-sha256")
    refused("bad_signature", CHALLENGE, other, "ecdsa-sha256", der(cert), [pki.cert], NOW)


def test_signature_by_another_key(pki: Pki):
    _, cert = pki.leaf()
    impostor = ec.generate_private_key(ec.SECP256R1())
    refused(
        "bad_signature",
        CHALLENGE,
        sign(impostor, CHALLENGE, "ecdsa-sha256"),
        "ecdsa-sha256",
        der(cert),
        [pki.cert],
        NOW,
    )


def test_truncated_ecdsa_signature(pki: Pki):
    key, cert = pki.leaf()
    refused(
        "bad_signature",
        CHALLENGE,
        sign(key, CHALLENGE, "ecdsa-sha256")[:-1],
        "ecdsa-sha256",
        der(cert),
        [pki.cert],
        NOW,
    )


@pytest.mark.parametrize("mechanism", ["md5-rsa", "rsa-pkcs1-sha256"])
def test_unknown_or_mismatched_mechanism(pki: Pki, mechanism: str):
    key, cert = pki.leaf()  # an EC key
    refused("unknown_mechanism", CHALLENGE, sign(key, CHALLENGE, "ecdsa-sha256"), mechanism, der(cert), [pki.cert], NOW)


def test_garbage_instead_of_a_certificate(pki: Pki):
    refused("bad_certificate", CHALLENGE, b"sig", "ecdsa-sha256", b"not a certificate", [pki.cert], NOW)


def test_naive_now_is_a_programming_error(pki: Pki):
    _, cert = pki.leaf()
    with pytest.raises(ValueError, match="timezone-aware"):
        verify_identification(CHALLENGE, b"", "ecdsa-sha256", der(cert), [pki.cert], NOW.replace(tzinfo=None))


def test_trusted_ca_configuration_errors(pki: Pki):
    with pytest.raises(IdentityError) as error:
        load_trusted_cas("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
    assert error.value.code == "bad_configuration"
    _, leaf = pki.leaf()
    with pytest.raises(IdentityError, match="is not a CA"):
        load_trusted_cas(leaf.public_bytes(Encoding.PEM))


# --- challenges --------------------------------------------------------------------------------------------------


def counter_bytes():
    numbers = count(1)
    return lambda n: next(numbers).to_bytes(n, "big")


def test_a_challenge_is_accepted_once():
    registry = ChallengeRegistry()
    nonce = registry.issue(NOW)
    assert len(nonce) == 32
    registry.consume(nonce, NOW + timedelta(seconds=30))
    with pytest.raises(IdentityError) as error:
        registry.consume(nonce, NOW + timedelta(seconds=31))
    assert error.value.code == "challenge_reused"


def test_challenges_are_random_and_distinct():
    registry = ChallengeRegistry()
    nonces = {registry.issue(NOW) for _ in range(100)}
    assert len(nonces) == 100


def test_an_unknown_challenge_is_refused():
    with pytest.raises(IdentityError) as error:
        ChallengeRegistry().consume(b"\x00" * 32, NOW)
    assert error.value.code == "challenge_unknown"


def test_an_expired_challenge_is_refused_and_cannot_be_retried():
    registry = ChallengeRegistry(ttl=timedelta(minutes=2))
    nonce = registry.issue(NOW)
    with pytest.raises(IdentityError) as error:
        registry.consume(nonce, NOW + timedelta(minutes=2))
    assert error.value.code == "challenge_expired"
    with pytest.raises(IdentityError):
        registry.consume(nonce, NOW + timedelta(minutes=2, seconds=1))


def test_just_before_expiry_is_still_accepted():
    registry = ChallengeRegistry(ttl=timedelta(minutes=2))
    nonce = registry.issue(NOW)
    registry.consume(nonce, NOW + timedelta(minutes=2) - timedelta(microseconds=1))


def test_the_registry_does_not_grow_without_bound():
    registry = ChallengeRegistry(random_bytes=counter_bytes(), max_pending=3)
    first = registry.issue(NOW)
    for _ in range(3):
        registry.issue(NOW)
    assert len(registry._pending) == 3
    with pytest.raises(IdentityError) as error:
        registry.consume(first, NOW)  # the oldest was dropped to make room
    assert error.value.code == "challenge_unknown"


def test_old_entries_are_forgotten_after_their_lifetime():
    registry = ChallengeRegistry(ttl=timedelta(minutes=2))
    used = registry.issue(NOW)
    registry.consume(used, NOW)
    registry.issue(NOW)
    registry.issue(NOW + timedelta(minutes=10))  # pruning happens on issue
    assert len(registry._pending) == 1 and not registry._used


# -- garbage from the card: whatever bytes a broken or hostile card (or booth) sends, the backend
# answers with a coded refusal a person can read, never another exception --

_GARBAGE_PKI = Pki("Garbage Root CA")
_GARBAGE_KEY, _GARBAGE_LEAF = _GARBAGE_PKI.leaf()
_GOOD_DER = der(_GARBAGE_LEAF)
_GOOD_SIGNATURE = sign(_GARBAGE_KEY, CHALLENGE, "ecdsa-sha256")


@settings(max_examples=300, deadline=None)
@given(
    flips=st.lists(st.tuples(st.integers(0, len(_GOOD_DER) - 1), st.integers(1, 255)), min_size=1, max_size=8),
    cut=st.integers(0, len(_GOOD_DER)),
)
def test_a_corrupted_certificate_is_refused_with_a_code(flips, cut):
    damaged = bytearray(_GOOD_DER)
    for at, xor in flips:
        damaged[at] ^= xor
    damaged = bytes(damaged[: max(cut, 1)] if cut < len(_GOOD_DER) else damaged)
    try:
        who = verify_identification(CHALLENGE, _GOOD_SIGNATURE, "ecdsa-sha256", damaged, [_GARBAGE_PKI.cert], NOW)
    except IdentityError as exc:
        assert exc.code and exc.reason
    else:  # a flip that changed nothing that matters (e.g. inside an unused field) may still verify
        assert who.serial_number == SATU


def test_a_certificate_with_an_impossible_version_is_refused_with_a_code():
    """Found by the fuzz test above: a flipped version field made cryptography raise
    InvalidVersion, which is not a ValueError, and the booth's answer crashed the handler."""
    damaged = bytearray(_GOOD_DER)
    at = damaged.find(bytes([0xA0, 0x03, 0x02, 0x01, 0x02]))  # [0] EXPLICIT INTEGER 2 (v3)
    damaged[at + 4] = 5
    with pytest.raises(IdentityError) as error:
        verify_identification(CHALLENGE, _GOOD_SIGNATURE, "ecdsa-sha256", bytes(damaged), [_GARBAGE_PKI.cert], NOW)
    assert error.value.code == "bad_certificate"


@settings(max_examples=300, deadline=None)
@given(
    signature=st.binary(max_size=600),
    mechanism=st.sampled_from(["ecdsa-sha256", "ecdsa-sha384", "rsa-pss-sha256", "rsa-pkcs1-sha256", "x"]),
)
def test_any_signature_bytes_are_refused_with_a_code(signature, mechanism):
    with pytest.raises(IdentityError) as error:
        verify_identification(CHALLENGE, signature, mechanism, _GOOD_DER, [_GARBAGE_PKI.cert], NOW)
    assert error.value.code in {"bad_signature", "unknown_mechanism"}


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_as_a_certificate_are_refused_with_a_code(blob):
    with pytest.raises(IdentityError) as error:
        verify_identification(CHALLENGE, _GOOD_SIGNATURE, "ecdsa-sha256", blob, [_GARBAGE_PKI.cert], NOW)
    assert error.value.code and error.value.reason
