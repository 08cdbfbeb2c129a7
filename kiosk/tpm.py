"""The booth's TPM 2.0: seal a secret to this one TPM, unseal it into memory.

Why sealing and not a key that signs inside the TPM: the booth's TLS client is
Python's ``ssl`` module, which can only load a key from a file. With the
``tpm2-openssl`` provider loaded into the process, ``ssl`` does load a TPM key
(``TSS2 PRIVATE KEY`` PEM), but the handshake then fails on this OpenSSL 3.0:
either the TPM also serves the handshake's hashes and runs out of its three
object slots, or (with the provider's digests excluded) OpenSSL hands the
signature to its default provider, which has only the public half — measured
here with swtpm; see docs/SECURITY.md. So the booth seals its private key to
the TPM instead: on disk lies only a blob that this TPM alone can open
(``tpm2_create`` under the owner hierarchy's primary key, which is derived from
the TPM's own seed); at start the kiosk unseals it into its memory.

The TPM is spoken to through Debian's ``tpm2-tools`` (``tpm2_createprimary``,
``tpm2_create``, ``tpm2_load``, ``tpm2_unseal``, ``tpm2_flushcontext``) and a
TCTI string: ``device:/dev/tpmrm0`` on a booth, ``swtpm:host=…,port=…`` in
tests. The transient objects are flushed after each operation, so a TPM
without a resource manager (swtpm's socket) does not fill up; the booth's
kiosk is the only user of its TPM.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

log = logging.getLogger("etapiste.kiosk")

#: The kernel's resource-managed TPM device; its presence means "this booth has a TPM 2.0".
TPM_DEVICE = Path("/dev/tpmrm0")
#: A sealed object holds at most 128 bytes (TPM2 MAX_SYM_DATA).
MAX_SEALED_BYTES = 128
#: Seconds a single tpm2-tools call may take (a real TPM is slow, never this slow).
CALL_TIMEOUT_S = 60


class TpmError(Exception):
    """The TPM refused or could not be reached; ``str()`` says which step failed (never the secret)."""


def resolve_tcti(setting: str) -> str | None:
    """The TCTI to use for the booth's key, or None for a file key.

    ``setting`` is the booth file's ``[backend] tpm``: ``"auto"`` (a TPM when
    ``/dev/tpmrm0`` exists, this user may use it and tpm2-tools are installed), ``"off"``, or a TCTI
    string such as ``device:/dev/tpmrm0`` or ``swtpm:host=127.0.0.1,port=2321``.
    """
    if setting == "off":
        return None
    if setting == "auto":
        if not TPM_DEVICE.exists() or not tools_installed():
            return None
        if not os.access(TPM_DEVICE, os.R_OK | os.W_OK):
            # The kiosk's user is not in the TPM's group (Debian: tss): a file key rather than no booth at all.
            log.warning("%s is there but not usable by this user; the booth key is a file", TPM_DEVICE)
            return None
        return f"device:{TPM_DEVICE}"
    return setting


def tools_installed() -> bool:
    return shutil.which("tpm2_unseal") is not None


def _call(step: str, args: list[str], tcti: str, stdin: bytes = b"") -> bytes:
    try:
        done = subprocess.run(
            [args[0], "-T", tcti, *args[1:]], input=stdin, capture_output=True, timeout=CALL_TIMEOUT_S, check=False
        )
    except FileNotFoundError:
        raise TpmError(f"{step}: {args[0]} is not installed (Debian package tpm2-tools)") from None
    except subprocess.TimeoutExpired:
        raise TpmError(f"{step}: the TPM did not answer in {CALL_TIMEOUT_S} s") from None
    if done.returncode != 0:
        # tpm2-tools' own message names the TPM's error code; it never holds the sealed data.
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        said = next((line for line in lines if line.startswith("ERROR: Esys_")), lines[-1] if lines else "no message")
        raise TpmError(f"{step}: {said[:200]}")
    return done.stdout


def _run(step: str, args: list[str], tcti: str, stdin: bytes = b"") -> bytes:
    """One tpm2-tools call, then its transient objects flushed.

    tpm2-tools save each object's context to a file and leave the object loaded; the next call loads the
    file as a new copy. Under a resource manager (/dev/tpmrm0) a call's objects go with its connection
    and the flush finds nothing; a bare TPM (swtpm's socket) would otherwise fill its three object slots.
    """
    try:
        return _call(step, args, tcti, stdin)
    finally:
        try:
            _call("flush", ["tpm2_flushcontext", "-t"], tcti)
        except TpmError:
            pass


class _Primary:
    """The owner hierarchy's storage primary key, made again from the TPM's seed for one operation."""

    def __init__(self, tcti: str) -> None:
        self.tcti = tcti
        self._dir = tempfile.TemporaryDirectory(prefix="etapiste-tpm-")
        self.work = Path(self._dir.name)

    @property
    def ctx(self) -> Path:
        return self.work / "primary.ctx"

    def __enter__(self) -> _Primary:
        make = ["tpm2_createprimary", "-Q", "-C", "o", "-g", "sha256", "-G", "ecc", "-c", str(self.ctx)]
        _run("make the primary key", make, self.tcti)
        return self

    def __exit__(self, *_exc: object) -> None:
        self._dir.cleanup()


def seal(tcti: str, secret: bytes, public_file: Path, private_file: Path) -> None:
    """Seal ``secret`` (at most 128 bytes) to this TPM; the two files are useless on any other TPM."""
    if not 0 < len(secret) <= MAX_SEALED_BYTES:
        raise ValueError(f"secret: 1 to {MAX_SEALED_BYTES} bytes can be sealed, not {len(secret)}")
    with _Primary(tcti) as primary:
        _run(
            "seal",
            ["tpm2_create", "-Q", "-C", str(primary.ctx), "-i", "-", "-u", str(public_file), "-r", str(private_file)],
            tcti,
            stdin=secret,
        )


def unseal(tcti: str, public_file: Path, private_file: Path) -> bytes:
    """The sealed secret, into memory only; TpmError when this is not the TPM it was sealed to."""
    with _Primary(tcti) as primary:
        obj = primary.work / "sealed.ctx"
        load = ["tpm2_load", "-Q", "-C", str(primary.ctx), "-u", str(public_file), "-r", str(private_file)]
        _run("load the sealed key (made by another TPM?)", [*load, "-c", str(obj)], tcti)
        return _run("unseal", ["tpm2_unseal", "-c", str(obj)], tcti)
