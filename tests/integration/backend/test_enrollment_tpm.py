"""The booth's key sealed to its TPM (swtpm here): enrollment and mTLS against the real backend work,
no private key lies in a file, and the identity folder copied to another booth (another TPM) is useless."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cryptography import x509
from websockets.sync.client import connect

from kiosk.identity import Identity, enroll
from kiosk.tpm import TpmError
from tests.integration.backend.test_enrollment_mtls import Server, _admin, _hello, server  # noqa: F401
from tests.support.swtpm import software_tpm


def test_a_tpm_sealed_key_enrolls_and_signs_in_and_a_copied_folder_does_not(server: Server, tmp_path: Path):  # noqa: F811
    admin = _admin(server)
    token = admin.post("/api/admin/booths/imatra-1/enrollment").json()["token"]
    with software_tpm(tmp_path / "tpm-a") as tpm_a, software_tpm(tmp_path / "tpm-b") as tpm_b:
        ident = Identity(tmp_path / "identity", tcti=tpm_a)
        code = ident.short_code()
        assert ident.in_tpm() and not ident.key_file.exists()
        assert enroll(ident, server.ws_url, token, server.server_ca) == "imatra-1"
        # Nothing in the folder is a private key: the sealed blob, the certificate and the booth CA.
        for f in (tmp_path / "identity").iterdir():
            assert b"PRIVATE KEY" not in f.read_bytes(), f.name
        cert = x509.load_pem_x509_certificate(ident.cert_file.read_bytes())
        assert cert.public_key() == ident.key().public_key()

        # A restarted kiosk (a new Identity, nothing in memory) unseals the same key from the same TPM.
        again = Identity(tmp_path / "identity", tcti=tpm_a)
        assert again.short_code() == code
        with connect(server.ws_url, ssl=again.client_context(server.server_ca)) as ws:
            assert _hello(ws)["type"] == "welcome"

        # The disk copied into another booth: its TPM cannot open the sealed key; without a TPM neither.
        shutil.copytree(tmp_path / "identity", tmp_path / "stolen")
        with pytest.raises(TpmError, match="load the sealed key"):
            Identity(tmp_path / "stolen", tcti=tpm_b).client_context(server.server_ca)
        with pytest.raises(TpmError, match="tpm is off"):
            Identity(tmp_path / "stolen", tcti=None).client_context(server.server_ca)
    admin.close()
