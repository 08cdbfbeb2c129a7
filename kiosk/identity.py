"""The booth's own identity: a key it made itself, and the short-lived client certificate the backend signs.

On first start without an identity the booth makes an EC P-256 key (a file
readable only by the kiosk's service user, mode 0600, in the identity folder
on the data partition) and asks the backend for a certificate with a one-time
enrollment token the technician types on the enrollment screen (or puts on a
USB stick). From then on every connection to the backend (websocket, stills,
print jobs) shows the certificate (mTLS), and the booth renews it when a third
of its lifetime is left: a renewal request is signed by the same key, which is
the proof the backend asks for. The folder holds ``key.pem``, ``cert.pem`` and
``booth-ca.pem`` (the booth CA, as the backend sent it).

With a TPM 2.0 (``tcti``: ``kiosk.tpm.resolve_tcti``) the private key is never
in a file: it is sealed to the TPM (``key.sealed.pub`` and ``key.sealed.priv``,
useless on any other TPM) and unsealed into the kiosk's memory when needed;
the TLS context reads it from an anonymous memory file (``memfd``). Why sealed
and not signing inside the TPM: ``kiosk.tpm``; what holds: docs/SECURITY.md.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import os
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from kiosk import tpm
from kiosk.stills import http_base

#: Renew when less than this share of the certificate's lifetime is left.
RENEW_AT_SHARE = 1 / 3
#: A booth that has a certificate says this as hello's ``token``: the backend identifies it by the certificate.
CERTIFICATE_TOKEN = "client-certificate"


class EnrollmentRefused(Exception):
    """The backend refused the token or the request; ``str()`` is its reason, safe to show the technician."""


@dataclass(frozen=True)
class Identity:
    """The identity folder's files; ``tcti``: the TPM the key is sealed to (None: a file key)."""

    folder: Path
    tcti: str | None = None
    #: The unsealed key, kept in memory once read (the TPM is slow, and asked once per kiosk start).
    _unsealed: dict[str, ec.EllipticCurvePrivateKey] = dataclasses.field(
        default_factory=dict, compare=False, repr=False
    )

    @property
    def key_file(self) -> Path:
        return self.folder / "key.pem"

    @property
    def cert_file(self) -> Path:
        return self.folder / "cert.pem"

    @property
    def ca_file(self) -> Path:
        return self.folder / "booth-ca.pem"

    @property
    def sealed_files(self) -> tuple[Path, Path]:
        """The TPM-sealed key's public and private parts (both encrypted by the TPM, never the key itself)."""
        return self.folder / "key.sealed.pub", self.folder / "key.sealed.priv"

    def in_tpm(self) -> bool:
        """Whether the key is sealed to a TPM (rather than a file readable by the kiosk's service)."""
        return all(p.is_file() for p in self.sealed_files)

    def has_key(self) -> bool:
        return self.in_tpm() or self.key_file.is_file()

    def key(self) -> ec.EllipticCurvePrivateKey:
        """The booth's key, made on first use (never leaves this folder; with a TPM, never in a file).

        Raises ``kiosk.tpm.TpmError`` when the key is sealed to a TPM that is not this one or does not answer.
        """
        if "key" in self._unsealed:
            return self._unsealed["key"]
        if self.in_tpm():
            if self.tcti is None:
                raise tpm.TpmError(f"{self.folder}: the key is sealed to a TPM, but [backend] tpm is off")
            scalar = tpm.unseal(self.tcti, *self.sealed_files)
            key = ec.derive_private_key(int.from_bytes(scalar, "big"), ec.SECP256R1())
            self._unsealed["key"] = key
            return key
        if self.key_file.is_file():
            key = serialization.load_pem_private_key(self.key_file.read_bytes(), password=None)
            if not isinstance(key, ec.EllipticCurvePrivateKey):
                raise ValueError(f"{self.key_file}: not an EC key; remove the identity folder to enroll anew")
            return key
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = ec.generate_private_key(ec.SECP256R1())
        if self.tcti is not None:
            # Only the 32-byte private value is sealed (a sealed object holds at most 128 bytes).
            public, private = self.sealed_files
            tmp_pub, tmp_priv = public.with_name(public.name + ".tmp"), private.with_name(private.name + ".tmp")
            tpm.seal(self.tcti, key.private_numbers().private_value.to_bytes(32, "big"), tmp_pub, tmp_priv)
            tmp_pub.replace(public)
            tmp_priv.replace(private)  # last: ``in_tpm`` is true only when both are whole
            self._unsealed["key"] = key
            return key
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        fd = os.open(self.key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(pem)
        return key

    def csr_pem(self) -> str:
        """A certificate request signed by the key; the backend sets the subject itself."""
        csr = (
            x509.CertificateSigningRequestBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "etapiste-booth")]))
            .sign(self.key(), hashes.SHA256())
        )
        return csr.public_bytes(serialization.Encoding.PEM).decode("ascii")

    def certificate(self) -> x509.Certificate | None:
        try:
            return x509.load_pem_x509_certificate(self.cert_file.read_bytes())
        except (OSError, ValueError):
            return None

    def enrolled(self) -> bool:
        return self.has_key() and self.certificate() is not None

    def booth_id(self) -> str | None:
        """The booth id the backend put in the certificate (None before enrollment)."""
        cert = self.certificate()
        if cert is None:
            return None
        cn = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        return str(cn[0].value) if cn else None

    def short_code(self) -> str:
        """Eight characters of the key's fingerprint, shown on the enrollment screen so the technician
        (and the audit) can tell this booth's key from another's."""
        der = (
            self.key()
            .public_key()
            .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        )
        h = hashes.Hash(hashes.SHA256())
        h.update(der)
        digest = h.finalize().hex().upper()
        return f"{digest[:4]}-{digest[4:8]}"

    def needs_renewal(self, now: float) -> bool:
        """Whether less than a third of the certificate's lifetime is left."""
        cert = self.certificate()
        if cert is None:
            return False
        start, end = cert.not_valid_before_utc.timestamp(), cert.not_valid_after_utc.timestamp()
        return end - now < (end - start) * RENEW_AT_SHARE

    def store(self, answer: dict[str, object]) -> None:
        """Keep the certificate and the booth CA the backend answered with (written whole, then renamed)."""
        for path, field in ((self.cert_file, "certificate"), (self.ca_file, "ca_certificate")):
            text = answer.get(field)
            if not isinstance(text, str):
                raise EnrollmentRefused(f"the backend's answer has no {field}")
            x509.load_pem_x509_certificate(text.encode("ascii"))  # refuse garbage before it replaces a good file
            tmp = path.with_suffix(".tmp")
            tmp.write_text(text)
            tmp.replace(path)

    def client_context(self, server_ca_file: str) -> ssl.SSLContext:
        """A verifying TLS context that shows the booth's certificate (the server's CA: ``server_ca_file``,
        or the system's CAs when empty)."""
        context = ssl.create_default_context(cafile=server_ca_file or None)
        if not self.in_tpm():
            context.load_cert_chain(self.cert_file, self.key_file)
            return context
        # ssl reads keys from files only: an anonymous file in memory, closed at once, never on a disk.
        pem = self.key().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        fd = os.memfd_create("etapiste-booth-key", os.MFD_CLOEXEC)
        try:
            os.write(fd, pem)
            context.load_cert_chain(self.cert_file, f"/proc/self/fd/{fd}")
        finally:
            os.close(fd)
        return context


def _post(url: str, body: dict[str, str], context: ssl.SSLContext | None) -> dict[str, object]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=15, context=context) as response:
            return dict(json.loads(response.read()))
    except urllib.error.HTTPError as exc:
        try:
            reason = str(json.loads(exc.read()).get("detail", exc.reason))
        except (ValueError, AttributeError):
            reason = str(exc.reason)
        raise EnrollmentRefused(reason) from None


def enroll(identity: Identity, ws_url: str, token: str, server_ca_file: str) -> str:
    """Ask the backend for the first certificate with ``token``; keep it; return the booth id it names.

    Raises ``EnrollmentRefused`` with the backend's reason, ``OSError`` when unreachable.
    """
    context = ssl.create_default_context(cafile=server_ca_file) if server_ca_file else None
    answer = _post(http_base(ws_url) + "/api/booths/enroll", {"token": token, "csr": identity.csr_pem()}, context)
    identity.store(answer)
    return str(answer.get("booth_id", ""))


def renew(identity: Identity, ws_url: str, server_ca_file: str) -> float:
    """A new certificate for the same key; return until when it is valid."""
    context = ssl.create_default_context(cafile=server_ca_file) if server_ca_file else None
    answer = _post(http_base(ws_url) + "/api/booths/renew", {"csr": identity.csr_pem()}, context)
    identity.store(answer)
    return float(answer.get("not_after", 0) or 0)


def token_from_stick(path: str) -> str | None:
    """The enrollment token from a file on a USB stick (``[enrollment] token_file``), if it is there."""
    if not path:
        return None
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None
    return text[:64] or None


def expires_in(identity: Identity, now: float) -> datetime.timedelta | None:
    cert = identity.certificate()
    return None if cert is None else datetime.timedelta(seconds=cert.not_valid_after_utc.timestamp() - now)
