"""The booth's identity folder: its key stays private and stable, renewal comes at a third of the lifetime."""

from __future__ import annotations

import datetime
import stat

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from backend.domain import enrollment as rules
from etapiste.local_ca import create_ca
from kiosk.identity import Identity, token_from_stick


def _sign(identity: Identity, ca_dir, now: float, days: int) -> None:
    ca = create_ca(ca_dir)
    ca_cert = x509.load_pem_x509_certificate(ca.cert.read_bytes())
    ca_key = serialization.load_pem_private_key(ca.key.read_bytes(), password=None)
    issued = rules.sign_booth_cert(rules.check_csr(identity.csr_pem()), "imatra-1", ca_cert, ca_key, now, days)
    identity.store({"certificate": issued.pem, "ca_certificate": ca.cert.read_text()})


def test_the_key_is_made_once_and_readable_only_by_the_service_user(tmp_path):
    ident = Identity(tmp_path / "identity")
    code = ident.short_code()
    assert stat.S_IMODE(ident.key_file.stat().st_mode) == 0o600
    assert Identity(tmp_path / "identity").short_code() == code  # the same key on the next start
    assert not ident.enrolled() and ident.booth_id() is None


def test_renewal_is_due_when_a_third_of_the_lifetime_is_left(tmp_path):
    ident = Identity(tmp_path / "identity")
    now = datetime.datetime.now(datetime.UTC).timestamp()
    _sign(ident, tmp_path / "ca", now, days=9)
    assert ident.enrolled() and ident.booth_id() == "imatra-1"
    assert not ident.needs_renewal(now + 5 * 86400)
    assert ident.needs_renewal(now + 6.1 * 86400)


def test_the_token_is_read_from_the_stick_when_it_is_there(tmp_path):
    assert token_from_stick(str(tmp_path / "missing.txt")) is None
    (tmp_path / "token.txt").write_text("ABCD-EFGH-IJKL-MNOP\n")
    assert token_from_stick(str(tmp_path / "token.txt")) == "ABCD-EFGH-IJKL-MNOP"
