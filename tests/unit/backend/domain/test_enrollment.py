"""The enrollment rules: tokens as typed, the checks on a booth's request, the certificate it gets."""

from __future__ import annotations

import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from backend.domain import enrollment as rules

NOW = 1_790_000_000.0


def _csr(key, cn: str = "imatra-1") -> str:
    algorithm = None if isinstance(key, ed25519.Ed25519PrivateKey) else hashes.SHA256()
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
        .sign(key, algorithm)
    )
    return csr.public_bytes(serialization.Encoding.PEM).decode()


def _ca():
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "booth CA")])
    start = datetime.datetime.fromtimestamp(NOW - 3600, datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def test_a_token_is_typed_in_groups_and_matches_however_it_is_typed():
    token = rules.new_token()
    assert len(token) == 19 and token.count("-") == 3
    assert rules.token_hash(token) == rules.token_hash(token.replace("-", " ").lower())
    assert rules.token_hash(token) != rules.token_hash(rules.new_token())


@pytest.mark.parametrize(
    ("key", "rule"),
    [
        (ec.generate_private_key(ec.SECP256K1()), "secp256k1"),
        (rsa.generate_private_key(public_exponent=65537, key_size=1024), "1024 bits"),
        (ed25519.Ed25519PrivateKey.generate(), "key type"),
    ],
)
def test_a_weak_or_unknown_key_is_refused_naming_the_rule(key, rule):
    with pytest.raises(rules.EnrollmentError) as err:
        rules.check_csr(_csr(key))
    assert err.value.field == "csr" and rule in err.value.rule


def test_garbage_and_a_forged_signature_are_refused():
    with pytest.raises(rules.EnrollmentError, match="PEM certificate signing request"):
        rules.check_csr("not a csr")
    good = x509.load_pem_x509_csr(_csr(ec.generate_private_key(ec.SECP256R1())).encode())
    der = bytearray(good.public_bytes(serialization.Encoding.DER))
    der[-3] ^= 0xFF  # inside the signature
    forged = x509.load_der_x509_csr(bytes(der)).public_bytes(serialization.Encoding.PEM).decode()
    with pytest.raises(rules.EnrollmentError, match="signature"):
        rules.check_csr(forged)


def test_the_certificate_names_the_booth_the_backend_chose_not_the_one_asked_for():
    ca_cert, ca_key = _ca()
    csr = rules.check_csr(_csr(ec.generate_private_key(ec.SECP256R1()), cn="someone-else"))
    issued = rules.sign_booth_cert(csr, "imatra-1", ca_cert, ca_key, NOW, days=7)
    cert = x509.load_pem_x509_certificate(issued.pem.encode())
    cert.verify_directly_issued_by(ca_cert)
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "imatra-1"
    assert cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value == x509.ExtendedKeyUsage(
        [ExtendedKeyUsageOID.CLIENT_AUTH]
    )
    assert issued.not_after - NOW == 7 * 86400
    der = cert.public_bytes(serialization.Encoding.DER)
    assert rules.booth_of(der) == ("imatra-1", issued.serial)
    assert issued.fingerprint == rules.key_fingerprint(csr.public_key())


def test_a_certificate_without_the_booth_unit_is_no_booth():
    ca_cert, _ = _ca()  # the CA's own certificate: verified by TLS, but not a booth's
    assert rules.booth_of(ca_cert.public_bytes(serialization.Encoding.DER)) is None
