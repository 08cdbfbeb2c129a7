"""The local CA: a server certificate Python's TLS accepts for its names, reused while it is good."""

from __future__ import annotations

import ssl
import stat
from pathlib import Path

from cryptography import x509

from etapiste.local_ca import covers, create_ca, ensure_local_tls, sign_server_cert


def test_a_leaf_signed_by_the_ca_verifies_for_its_names_and_not_for_others(tmp_path: Path):
    ca = create_ca(tmp_path / "ca")
    leaf = sign_server_cert(ca, tmp_path / "srv", ["localhost", "127.0.0.1"])
    assert stat.S_IMODE(leaf.key.stat().st_mode) == 0o600 and stat.S_IMODE(ca.key.stat().st_mode) == 0o600
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(leaf.cert, leaf.key)  # the pair matches
    chain = x509.load_pem_x509_certificates(leaf.cert.read_bytes())
    assert len(chain) == 2 and chain[0].issuer == chain[1].subject
    assert covers(leaf.cert, ["localhost", "127.0.0.1"]) and not covers(leaf.cert, ["10.0.0.1"])


def test_ensure_reuses_what_is_there_and_makes_only_a_new_leaf_for_new_names(tmp_path: Path):
    ca, leaf = ensure_local_tls(tmp_path, ["127.0.0.1"])
    first_ca, first_leaf = ca.cert.read_bytes(), leaf.cert.read_bytes()
    ca2, leaf2 = ensure_local_tls(tmp_path, ["127.0.0.1"])
    assert (ca2.cert.read_bytes(), leaf2.cert.read_bytes()) == (first_ca, first_leaf)
    ca3, leaf3 = ensure_local_tls(tmp_path, ["127.0.0.1", "10.0.0.1"])
    assert ca3.cert.read_bytes() == first_ca, "a CA once trusted stays the CA"
    assert leaf3.cert.read_bytes() != first_leaf and covers(leaf3.cert, ["10.0.0.1"])
