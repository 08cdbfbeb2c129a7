"""Which TPM the booth's key goes to, as the booth file says."""

from __future__ import annotations

import pytest

from kiosk import tpm


def test_off_is_a_file_key_and_a_tcti_is_taken_as_given():
    assert tpm.resolve_tcti("off") is None
    assert tpm.resolve_tcti("swtpm:host=127.0.0.1,port=2321") == "swtpm:host=127.0.0.1,port=2321"


def test_auto_uses_the_kernel_tpm_only_when_there_is_one(monkeypatch, tmp_path):
    monkeypatch.setattr(tpm, "TPM_DEVICE", tmp_path / "tpmrm0")
    monkeypatch.setattr(tpm, "tools_installed", lambda: True)
    assert tpm.resolve_tcti("auto") is None
    (tmp_path / "tpmrm0").touch()
    assert tpm.resolve_tcti("auto") == f"device:{tmp_path / 'tpmrm0'}"


def test_seal_refuses_what_a_tpm_cannot_hold(tmp_path):
    with pytest.raises(ValueError, match="128 bytes"):
        tpm.seal("swtpm:", b"x" * 129, tmp_path / "p", tmp_path / "r")


def test_auto_falls_back_to_a_file_key_when_this_user_may_not_use_the_tpm(monkeypatch, tmp_path):
    device = tmp_path / "tpmrm0"
    device.touch(mode=0o600)
    monkeypatch.setattr(tpm, "TPM_DEVICE", device)
    monkeypatch.setattr(tpm, "tools_installed", lambda: True)
    monkeypatch.setattr(tpm.os, "access", lambda _path, _mode: False)
    assert tpm.resolve_tcti("auto") is None
